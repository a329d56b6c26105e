"""``DerivedCache``: answers computed from the database, reused while it is unchanged.

The sandbox keeps one per database for what every call recomputes otherwise: a user's
valid secret and context (``Sandbox.check_credentials``, ``Sandbox.user_context``), a
user's groups and a model's access rows (``orm.access``). Instead of knowing which
writes touch which tables, it forgets everything as soon as anything changed:

- ``values(conn)`` compares ``conn.total_changes`` (rows inserted, updated or deleted on
  this connection so far, committed or rolled back) and the connection itself with what
  they were when the values were computed, so any write is seen by the next lookup. What
  a transaction computes after its own writes goes to a scratch dict that lives only as
  long as that transaction wrote nothing else (it may still roll back); ``settle(conn)``,
  called between transactions, drops it;
- ``sync(conn)`` also forgets when another connection committed to the same database
  file (``PRAGMA data_version``); the sandbox calls it once per call on file databases.
"""

from __future__ import annotations

import sqlite3
from typing import Any


class DerivedCache:
    """A dict of derived values, emptied whenever the database may have changed."""

    def __init__(self) -> None:
        self._conn: sqlite3.Connection | None = None
        self._changes = -1
        self._data_version: int | None = None
        self._values: dict[str, Any] = {}
        # values computed inside a transaction after its own writes: that transaction's only
        self._scratch: dict[str, Any] = {}
        self._scratch_changes = -1

    def values(self, conn: sqlite3.Connection) -> dict[str, Any]:
        """The cached values, valid for ``conn`` as it is now."""
        if conn is not self._conn:
            self.clear()
            self._conn = conn
        changes = conn.total_changes
        if changes == self._changes:
            return self._values
        if not conn.in_transaction:  # committed or rolled back: a new stable state
            self._values, self._changes = {}, changes
            self._scratch, self._scratch_changes = {}, -1
            return self._values
        if changes != self._scratch_changes:  # this transaction wrote again
            self._scratch, self._scratch_changes = {}, changes
        return self._scratch

    def section(self, conn: sqlite3.Connection, name: str) -> dict[Any, Any]:
        """One named part of ``values(conn)`` (created empty)."""
        values = self.values(conn)
        part = values.get(name)
        if part is None:
            part = values[name] = {}
        return part

    def settle(self, conn: sqlite3.Connection) -> None:
        """Call between transactions: forgets what the last one computed after its writes."""
        self._scratch, self._scratch_changes = {}, -1
        self.values(conn)

    def sync(self, conn: sqlite3.Connection) -> None:
        """Forget everything if another connection committed since the last ``sync``."""
        self.values(conn)
        (version,) = conn.execute("PRAGMA data_version").fetchone()
        if version != self._data_version:
            self._values = {}
            self._scratch, self._scratch_changes = {}, -1
            self._data_version = version

    def clear(self) -> None:
        self._conn, self._changes, self._data_version, self._values = None, -1, None, {}
        self._scratch, self._scratch_changes = {}, -1


__all__ = ["DerivedCache"]
