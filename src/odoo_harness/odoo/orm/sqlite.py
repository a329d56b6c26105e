"""The SQLite connection every sandbox database uses, with the SQL functions it needs.

Text compares bytewise, as PostgreSQL does with the C collation the recorded servers use.
"""

from __future__ import annotations

import sqlite3


def connect(path: str = ":memory:") -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA case_sensitive_like = ON")
    conn.execute("PRAGMA foreign_keys = OFF")
    if path != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
    register_functions(conn)
    return conn


def register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions the domain compiler relies on (see ``orm.domains``)."""
    try:
        from .domains import register_sql_functions
    except ImportError:  # pragma: no cover - during early development
        return
    register_sql_functions(conn)


class PlannerStatistics:
    """Keeps SQLite's planner statistics (``sqlite_stat1``) in step with the data.

    Without statistics SQLite takes every indexed equality for a selective one: a
    ``search_read`` of 80 of 1,000 partners all sharing one ``ref`` then sorts all 1,000
    rows instead of walking the index of the model's order and stopping at 80. PostgreSQL
    avoids that with autovacuum's ANALYZE of a table once more than 50 rows plus 10% of
    it changed; this does the same per database: ``after_commit`` runs ``ANALYZE`` once
    the rows changed since the last one exceed 50 plus 10% of the rows it counted then.
    The whole of each index is read (``analysis_limit`` would read only its first rows and
    misjudge a value shared by most of them): about 20 ms at 20,000 partners, 35 ms for a
    catalogue of 20,000 variants in 4 warehouses, once per 10% of change. Statistics only
    choose plans: every ORDER BY ends with ``id``, so no answer changes.
    """

    THRESHOLD = 50
    SCALE = 0.1

    def __init__(self) -> None:
        self._conn: sqlite3.Connection | None = None
        self._mark = 0
        self._rows = 0

    def refresh(self, conn: sqlite3.Connection) -> None:
        """ANALYZE now (between transactions). A database another process is writing to
        is not waited for: it is analysed after a later commit."""
        (timeout,) = conn.execute("PRAGMA busy_timeout").fetchone()
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            conn.execute("PRAGMA analysis_limit = 0")
            conn.execute("ANALYZE")
        except sqlite3.OperationalError:  # "database is locked": try again later
            pass
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")
        self.adopt(conn)

    def adopt(self, conn: sqlite3.Connection) -> bool:
        """Take the statistics ``conn``'s database holds as the current ones; whether it
        holds any."""
        self._conn, self._mark = conn, conn.total_changes
        try:
            (tables, rows) = conn.execute(
                "SELECT count(*), coalesce(sum(n), 0) FROM (SELECT max(CAST(stat AS INTEGER)) "
                "AS n FROM sqlite_stat1 GROUP BY tbl)"
            ).fetchone()
        except sqlite3.OperationalError:  # no sqlite_stat1: never analysed
            tables, rows = 0, 0
        self._rows = int(rows)
        return bool(tables)

    def after_commit(self, conn: sqlite3.Connection) -> None:
        """Call between transactions: ANALYZE when enough rows changed."""
        if conn is not self._conn:
            self.adopt(conn)
            return
        if conn.total_changes - self._mark > self.THRESHOLD + self.SCALE * self._rows:
            self.refresh(conn)
