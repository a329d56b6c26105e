"""The engine's durable job store: SQLite in WAL mode, jobs with identity keys.

A job is one unit of sync work (import order 1001, push stock of SKU X...). Its identity
key makes enqueueing idempotent *whatever the state of the first job*: a second enqueue
of the same key is a no-op (unlike queue_job, which only de-duplicates pending jobs), so
a webhook delivered twice never imports twice. ``transaction()`` lets a caller record the
event that caused the work, advance a watermark and enqueue the jobs atomically: the
outbox pattern, so a crash between "record changed" and "job queued" loses nothing.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..clock import Clock
from ..errors import ConfigError

PENDING, RUNNING, DONE, FAILED, PAUSED = "pending", "running", "done", "failed", "paused"
STATES = (PENDING, RUNNING, DONE, FAILED, PAUSED)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    flow TEXT NOT NULL,
    identity_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_run_at TEXT NOT NULL,
    last_error TEXT,
    error_class TEXT,
    user_message TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (state, next_run_at);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    event_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (source, event_id)
);
CREATE TABLE IF NOT EXISTS watermarks (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


def _open(path: str, create: bool) -> sqlite3.Connection:
    """A connection to the store at ``path``, its schema in place; sqlite3's errors become
    one ``ConfigError`` naming the file."""
    if path == ":memory:":
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.executescript(SCHEMA)
        return conn
    file = Path(path)
    if file.is_dir():
        raise ConfigError(f"{path}: a folder, not an engine store; name a file")
    if not create and not file.is_file():
        raise ConfigError(f"{path}: no engine store there")
    # without create, mode=rw: SQLite opens only an existing file and makes nothing
    target, uri = (path, False) if create else (f"{file.resolve().as_uri()}?mode=rw", True)
    try:
        conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False, uri=uri)
    except sqlite3.Error as exc:
        raise ConfigError(f"{path}: cannot open the engine store ({exc})") from None
    try:
        if (
            not create
            and not conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'jobs'"
            ).fetchone()
        ):
            raise ConfigError(f"{path}: not an engine store (no jobs table)")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.executescript(SCHEMA)
    except sqlite3.OperationalError as exc:
        conn.close()
        raise ConfigError(f"{path}: cannot open the engine store ({exc})") from None
    except sqlite3.DatabaseError as exc:  # file is not a database, or a damaged one
        conn.close()
        raise ConfigError(f"{path}: not an engine store ({exc})") from None
    except ConfigError:
        conn.close()
        raise
    return conn


@dataclass(frozen=True)
class Job:
    id: int
    flow: str
    identity_key: str
    payload: dict[str, Any]
    state: str
    attempts: int
    next_run_at: datetime
    last_error: str | None
    error_class: str | None
    user_message: str | None
    created_at: datetime
    updated_at: datetime


class JobStore:
    """Jobs, received events and watermarks in one SQLite file (or memory, for tests)."""

    def __init__(
        self, path: str | Path = ":memory:", *, clock: Clock | None = None, create: bool = True
    ) -> None:
        """Open the store at ``path``, made when missing; with ``create=False`` only an
        existing store is opened (a missing file, or one without the jobs table, is a
        ``ConfigError`` and is left as it was)."""
        self.clock = clock or Clock()
        self.path = str(path)
        self._lock = threading.RLock()
        self._conn = _open(self.path, create)
        self._depth = 0

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- transactions -----------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[JobStore]:
        """All writes inside commit together or not at all (nesting joins the outer one)."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outer:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self._conn.execute("COMMIT")

    def _now(self) -> str:
        return _fmt(self.clock.now())

    # -- jobs -----------------------------------------------------------------------------
    def enqueue(
        self,
        flow: str,
        identity_key: str,
        payload: dict[str, Any] | None = None,
        *,
        run_at: datetime | None = None,
    ) -> tuple[Job, bool]:
        """The job for ``identity_key`` and whether this call created it."""
        now = self._now()
        with self.transaction():
            cursor = self._conn.execute(
                "INSERT OR IGNORE INTO jobs (flow, identity_key, payload, state, next_run_at, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    flow,
                    identity_key,
                    json.dumps(payload or {}, sort_keys=True),
                    PENDING,
                    _fmt(run_at) if run_at else now,
                    now,
                    now,
                ),
            )
            created = cursor.rowcount == 1
            job = self.get_by_key(identity_key)
        assert job is not None
        return job, created

    def get(self, job_id: int) -> Job | None:
        return self._one("SELECT * FROM jobs WHERE id = ?", (job_id,))

    def get_by_key(self, identity_key: str) -> Job | None:
        return self._one("SELECT * FROM jobs WHERE identity_key = ?", (identity_key,))

    def due(self, limit: int = 100) -> list[Job]:
        """Pending jobs whose time has come, oldest first."""
        return self._many(
            "SELECT * FROM jobs WHERE state = ? AND next_run_at <= ? "
            "ORDER BY next_run_at, id LIMIT ?",
            (PENDING, self._now(), limit),
        )

    def claim(self, job_id: int) -> Job | None:
        """Mark a pending job running and count the attempt; None if someone else has it."""
        with self.transaction():
            cursor = self._conn.execute(
                "UPDATE jobs SET state = ?, attempts = attempts + 1, updated_at = ? "
                "WHERE id = ? AND state = ?",
                (RUNNING, self._now(), job_id, PENDING),
            )
            return self.get(job_id) if cursor.rowcount == 1 else None

    def succeed(self, job_id: int) -> Job:
        return self._finish(job_id, DONE, None, None, None)

    def retry_later(self, job_id: int, delay: timedelta, error: str, error_class: str) -> Job:
        run_at = _fmt(self.clock.now() + delay)
        with self.transaction():
            self._conn.execute(
                "UPDATE jobs SET state = ?, next_run_at = ?, last_error = ?, error_class = ?, "
                "updated_at = ? WHERE id = ?",
                (PENDING, run_at, error, error_class, self._now(), job_id),
            )
        return self._require(job_id)

    def fail(self, job_id: int, error: str, error_class: str, user_message: str) -> Job:
        return self._finish(job_id, FAILED, error, error_class, user_message)

    def pause(self, job_id: int, error: str, error_class: str, user_message: str) -> Job:
        return self._finish(job_id, PAUSED, error, error_class, user_message)

    def requeue(self, job_id: int) -> Job:
        """A manual retry: failed or paused jobs run again now, attempts start over."""
        with self.transaction():
            self._conn.execute(
                "UPDATE jobs SET state = ?, attempts = 0, next_run_at = ?, updated_at = ? "
                "WHERE id = ? AND state IN (?, ?)",
                (PENDING, self._now(), self._now(), job_id, FAILED, PAUSED),
            )
        return self._require(job_id)

    def jobs(self, *, state: str | None = None, flow: str | None = None) -> list[Job]:
        sql, params = "SELECT * FROM jobs WHERE 1=1", []
        if state:
            sql, params = sql + " AND state = ?", [*params, state]
        if flow:
            sql, params = sql + " AND flow = ?", [*params, flow]
        return self._many(sql + " ORDER BY id", tuple(params))

    def recover(self) -> int:
        """After a crash: jobs left running go back to pending (their attempt counted)."""
        with self.transaction():
            cursor = self._conn.execute(
                "UPDATE jobs SET state = ?, updated_at = ? WHERE state = ?",
                (PENDING, self._now(), RUNNING),
            )
            return cursor.rowcount

    def _finish(
        self,
        job_id: int,
        state: str,
        error: str | None,
        error_class: str | None,
        user_message: str | None,
    ) -> Job:
        with self.transaction():
            self._conn.execute(
                "UPDATE jobs SET state = ?, last_error = ?, error_class = ?, user_message = ?, "
                "updated_at = ? WHERE id = ?",
                (state, error, error_class, user_message, self._now(), job_id),
            )
        return self._require(job_id)

    # -- events and watermarks --------------------------------------------------------------
    def record_event(self, source: str, event_id: str, payload: Any) -> bool:
        """Remember a received event; False when this (source, event id) was seen before."""
        with self.transaction():
            cursor = self._conn.execute(
                "INSERT OR IGNORE INTO events (source, event_id, payload, received_at) "
                "VALUES (?, ?, ?, ?)",
                (source, event_id, json.dumps(payload), self._now()),
            )
            return cursor.rowcount == 1

    def watermark(self, name: str) -> str | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT value FROM watermarks WHERE name = ?", (name,)
            ).fetchone()
        return row[0] if row else None

    def set_watermark(self, name: str, value: str) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT INTO watermarks (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )

    # -- extension tables ---------------------------------------------------------------------
    def add_schema(self, script: str) -> None:
        """Create the tables of a part that keeps its state beside the jobs (bindings,
        notices): one file, one transaction scope."""
        with self._lock:
            self._conn.executescript(script)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run one statement on the store's connection (inside ``transaction()`` when the
        caller opened one) and return its rows."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # -- rows -----------------------------------------------------------------------------
    def _require(self, job_id: int) -> Job:
        job = self.get(job_id)
        if job is None:
            raise KeyError(f"no job {job_id}")
        return job

    def _one(self, sql: str, params: tuple[Any, ...]) -> Job | None:
        rows = self._many(sql, params)
        return rows[0] if rows else None

    def _many(self, sql: str, params: tuple[Any, ...]) -> list[Job]:
        with self._lock:
            cursor = self._conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        return [_job(dict(zip(names, row, strict=True))) for row in rows]


def _fmt(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime(TIME_FORMAT)


def _parse(text: str) -> datetime:
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)


def _job(row: dict[str, Any]) -> Job:
    return Job(
        id=row["id"],
        flow=row["flow"],
        identity_key=row["identity_key"],
        payload=json.loads(row["payload"]),
        state=row["state"],
        attempts=row["attempts"],
        next_run_at=_parse(row["next_run_at"]),
        last_error=row["last_error"],
        error_class=row["error_class"],
        user_message=row["user_message"],
        created_at=_parse(row["created_at"]),
        updated_at=_parse(row["updated_at"]),
    )


__all__ = ["DONE", "FAILED", "PAUSED", "PENDING", "RUNNING", "STATES", "Job", "JobStore"]
