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
