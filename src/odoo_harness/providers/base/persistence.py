"""A mock's state in a SQLite file, so that it survives a restart of the mock.

``StateFile`` is a tiny document store (name -> bytes, SQLite in WAL mode): the documents
given to one ``write`` are committed in one transaction, so the file only ever holds the
state after a whole request; WAL lets another process read it while the mock writes.
``snapshot`` / ``restore`` turn a mock's state attributes into one document and back: a
pickle in which the live objects the state points at (the mock itself, its clock,
journal, fault book and webhook dispatcher) are named rather than copied (by their types'
reducers, so pickle's C loop does the rest), and locks are made anew. One pickle keeps the objects' identities (a tracker both in a book and on a
timeline stays one tracker). A file is read only by the mock that wrote it: pickles are
code, so never point a mock at a state file from elsewhere.
"""

from __future__ import annotations

import contextvars
import copyreg
import functools
import io
import json
import pickle
import sqlite3
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ...errors import ConfigError

FORMAT = 1
_LOCK_TYPES = {type(threading.Lock()): "lock", type(threading.RLock()): "rlock"}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    name TEXT PRIMARY KEY,
    body BLOB NOT NULL,
    saved_at TEXT NOT NULL
) WITHOUT ROWID
"""


class StateFile:
    """Named documents in one SQLite file; thread-safe; each ``write`` is atomic."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._written: dict[str, bytes] = {}
        try:
            self._db = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, timeout=10
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
        except sqlite3.Error as exc:
            raise ConfigError(f"{self.path}: cannot use it as a mock state file ({exc})") from None

    def read(self) -> dict[str, bytes]:
        with self._lock:
            try:
                rows = self._db.execute("SELECT name, body FROM documents").fetchall()
            except sqlite3.Error as exc:
                raise ConfigError(f"{self.path}: unreadable mock state file ({exc})") from None
            documents = {name: bytes(body) for name, body in rows}
            self._written = dict(documents)
            return documents

    def write(self, documents: Mapping[str, bytes]) -> int:
        """Store the documents that changed since the last write, in one transaction;
        returns how many were written."""
        with self._lock:
            changed = {k: v for k, v in documents.items() if self._written.get(k) != v}
            if not changed:
                return 0
            saved_at = datetime.now(UTC).isoformat()
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(
                    "INSERT INTO documents (name, body, saved_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET body = excluded.body, "
                    "saved_at = excluded.saved_at",
                    [(name, body, saved_at) for name, body in changed.items()],
                )
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._written.update(changed)
            return len(changed)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def snapshot(state: Mapping[str, Any], live: Mapping[str, object]) -> bytes:
    """``state`` pickled, with the ``live`` objects (by name) referenced, not copied."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    # Per type, so that pickle's C loop runs alone on dicts, lists and strings (a Python
    # ``persistent_id`` would be called for every object: 10x slower).
    table: dict[type, Any] = dict(copyreg.dispatch_table)
    table.update({kind: _new_lock for kind in _LOCK_TYPES})
    for name, obj in live.items():
        table[type(obj)] = functools.partial(_reference, name, obj)
    pickler.dispatch_table = table
    pickler.dump(dict(state))
    return buffer.getvalue()


def restore(data: bytes, live: Mapping[str, object], source: Path) -> dict[str, Any]:
    """The state ``snapshot`` wrote, its live objects resolved to ``live``."""
    token = _LIVE.set(live)
    try:
        state = pickle.loads(data)
    except Exception as exc:  # a file from another version of the mock's classes
        raise ConfigError(
            f"{source}: the mock state in it cannot be read by this version "
            f"({type(exc).__name__}: {exc}); delete the file or choose another path"
        ) from None
    finally:
        _LIVE.reset(token)
    if not isinstance(state, dict):
        raise ConfigError(f"{source}: not a mock state document")
    return state


_LIVE: contextvars.ContextVar[Mapping[str, object]] = contextvars.ContextVar("live_objects")


def _reference(name: str, live: object, obj: object) -> Any:
    """How a live object's type is pickled: the live object by its name; another object
    of that type by value."""
    if obj is live:
        return (live_object, (name,))
    return obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)


def live_object(name: str) -> object:
    """The live object named in a snapshot (while ``restore`` runs)."""
    live = _LIVE.get(None)
    if live is None or name not in live:
        raise pickle.UnpicklingError(f"no live object {name!r} to restore")
    return live[name]


def _new_lock(lock: object) -> Any:
    return (threading.RLock if _LOCK_TYPES[type(lock)] == "rlock" else threading.Lock, ())


def header(mock: str) -> bytes:
    """The document naming which mock wrote a file and in which format."""
    return json.dumps({"mock": mock, "format": FORMAT}, sort_keys=True).encode()


def check_header(data: bytes | None, mock: str, source: Path) -> None:
    try:
        found = json.loads(data) if data is not None else None
    except ValueError:
        found = None
    if not isinstance(found, dict) or found.get("format") != FORMAT:
        raise ConfigError(f"{source}: not a mock state file of format {FORMAT}")
    if found.get("mock") != mock:
        raise ConfigError(
            f"{source}: holds the {found.get('mock')} mock's state, not the {mock} mock's"
        )


__all__ = ["StateFile", "check_header", "header", "restore", "snapshot"]
