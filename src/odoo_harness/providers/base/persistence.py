"""A mock's state in a SQLite file, so that it survives a restart of the mock.

``StateFile`` is a tiny document store (name -> bytes, SQLite in WAL mode): the documents
given to one ``write`` are committed in one transaction, so the file only ever holds the
state after a whole request; WAL lets another process read it while the mock writes.
``snapshot`` / ``restore`` turn a mock's state attributes into one document and back: a
pickle in which the live objects the state points at (the mock itself, its clock,
journal, fault book and webhook dispatcher) are named rather than copied (by their types'
reducers, so pickle's C loop does the rest), and locks are made anew. One pickle keeps the
objects' identities (a tracker both in a book and on a timeline stays one tracker).
``restore`` unpickles with an allow-list (``ALLOWED_GLOBALS``: the mocks' state classes and
a few stdlib types; bound methods only as ``LIVE_METHODS`` of live objects), so a file
from elsewhere cannot name ``os.system`` or any other callable: it is refused by name.
The file holds the mocks' credentials in clear; it is created readable by its owner only.
"""

from __future__ import annotations

import contextvars
import copyreg
import functools
import io
import json
import os
import pickle
import sqlite3
import threading
import types
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
            # credentials are stored in clear: owner-only (SQLite gives its WAL the same mode)
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as exc:
            raise ConfigError(f"{self.path}: cannot create the mock state file ({exc})") from None
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
    names = {id(obj): name for name, obj in live.items()}
    table[types.MethodType] = functools.partial(_method_reference, names)
    pickler.dispatch_table = table
    pickler.dump(dict(state))
    return buffer.getvalue()


def restore(data: bytes, live: Mapping[str, object], source: Path) -> dict[str, Any]:
    """The state ``snapshot`` wrote, its live objects resolved to ``live``; a pickle that
    names a global outside ``ALLOWED_GLOBALS`` is refused before anything is called."""
    token = _LIVE.set(live)
    try:
        state = _StateUnpickler(io.BytesIO(data)).load()
    except _RefusedGlobal as exc:
        raise ConfigError(
            f"{source}: refused: the mock state in it names {exc}, which is not part of a "
            f"mock's state (a file not written by this harness?); delete it or choose "
            f"another path"
        ) from None
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


# The globals a state pickle may name: what the three mocks' state really holds (found by
# logging ``find_class`` over their state-file tests), exact (module, name) pairs only.
# A new class in a mock's state goes here, or a restarted mock refuses its own file.
_PROVIDERS = "odoo_harness.providers."
ALLOWED_GLOBALS: frozenset[tuple[str, str]] = frozenset(
    [
        ("builtins", "dict"),  # a defaultdict's factory
        ("builtins", "list"),
        ("builtins", "set"),
        ("collections", "defaultdict"),
        ("collections", "OrderedDict"),
        ("collections", "deque"),
        ("datetime", "date"),
        ("datetime", "datetime"),
        ("datetime", "timedelta"),
        ("datetime", "timezone"),
        ("decimal", "Decimal"),
        ("random", "Random"),
        ("_thread", "allocate_lock"),  # locks are pickled as new locks
        ("_thread", "RLock"),
        ("threading", "RLock"),
        *(
            (_PROVIDERS + module, name)
            for module, names in {
                "base.idempotency": ("IdempotencyStore", "StoredReply", "_Entry"),
                "base.persistence": ("live_object", "live_method"),
                "base.ratelimit": ("TokenBucket",),
                "base.tokens": ("Token", "TokenIssuer"),
                "base.webhooks": ("Delivery", "Event", "Subscription"),
                "carrier.accounts": ("Account", "Limit", "Settings"),
                "carrier.shipments": ("Label", "ShipmentBook"),
                "carrier.tracking": ("Timeline", "Tracker"),
                "crm.auth": ("Authenticator", "Credentials"),
                "crm.hooks": ("HookSubscription",),
                "crm.limits": ("Limits", "RateLimiter"),
                "crm.portal": ("Portal",),
                "crm.store": ("Associations", "ObjectStore", "Record", "_targets"),
                "shop._records": ("Ids",),
                "shop._state": ("ShopState",),
            }.items()
            for name in names
        ),
    ]
)
# Bound methods of live objects that the state holds (callbacks given to its parts):
# (live object's name, method name). Any other bound method cannot be saved.
LIVE_METHODS: frozenset[tuple[str, str]] = frozenset(
    [("clock", "now"), ("mock", "_emit"), ("mock", "next_id"), ("mock", "_new_object_id")]
)


class _RefusedGlobal(pickle.UnpicklingError):
    """A global outside ``ALLOWED_GLOBALS``; its text is ``module.name``."""


class _StateUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED_GLOBALS:
            raise _RefusedGlobal(f"{module}.{name}")
        return super().find_class(module, name)


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


def live_method(name: str, method: str) -> object:
    """A bound method of a live object named in a snapshot (only ``LIVE_METHODS``)."""
    if (name, method) not in LIVE_METHODS:
        raise _RefusedGlobal(f"the method {method!r} of the live {name}")
    return getattr(live_object(name), method)


def _method_reference(names: Mapping[int, str], method: types.MethodType) -> Any:
    name = names.get(id(method.__self__))
    if name is None or (name, method.__name__) not in LIVE_METHODS:
        raise pickle.PicklingError(
            f"a mock state cannot keep the bound method {method.__qualname__}: only "
            f"persistence.LIVE_METHODS of live objects (add it there if it is one)"
        )
    return (live_method, (name, method.__name__))


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


__all__ = [
    "ALLOWED_GLOBALS",
    "LIVE_METHODS",
    "StateFile",
    "check_header",
    "header",
    "restore",
    "snapshot",
]
