"""Planner statistics (``orm.sqlite.PlannerStatistics``) and the default-order indexes
(``Registry.create_schema``): they choose how SQLite answers, never what it answers."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo_harness.odoo.orm.sqlite import PlannerStatistics
from odoo_harness.odoo.sandbox import Sandbox

CITIES = ["Aalst", "Brugge", None, "Gent", "antwerpen"]


def call(sandbox: Sandbox, model: str, method: str, *args: Any, **kw: Any) -> Any:
    return sandbox.execute_kw(sandbox.admin_uid, model, method, list(args), kw)


def analysed_tables(conn: sqlite3.Connection) -> set[str]:
    try:
        return {tbl for (tbl,) in conn.execute("SELECT DISTINCT tbl FROM sqlite_stat1")}
    except sqlite3.OperationalError:
        return set()


def plan(conn: sqlite3.Connection, sql: str) -> str:
    return " | ".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))


@pytest.fixture(scope="module")
def crowd() -> Iterator[Sandbox]:
    """2,400 partners sharing one ref (more than a sampled ANALYZE would read), a tenth of
    them contacts of 6 companies."""
    sandbox = Sandbox("18.0")
    companies = call(
        sandbox,
        "res.partner",
        "create",
        [{"name": f"Company {i}", "is_company": True, "ref": "crowd"} for i in range(6)],
    )
    rows = [
        {
            "name": f"Person {(i * 7919) % 2400:04d}" if i % 50 else "Same Name",
            "ref": "crowd",
            "city": CITIES[i % len(CITIES)],
            "active": i % 13 != 0,
            **({"parent_id": companies[i % 6]} if i % 10 == 0 else {}),
        }
        for i in range(2400)
    ]
    call(sandbox, "res.partner", "create", rows)
    yield sandbox
    sandbox.close()


def test_a_fresh_sandbox_starts_with_statistics() -> None:
    sandbox = Sandbox("17.0")
    try:
        assert {"res_partner", "res_country", "res_users"} <= analysed_tables(sandbox._conn)
    finally:
        sandbox.close()


def test_a_paged_search_on_a_common_value_walks_the_order_index(crowd: Sandbox) -> None:
    conn = crowd._conn
    (count,) = conn.execute(
        "SELECT CAST(stat AS INTEGER) FROM sqlite_stat1 WHERE idx = 'res_partner__ref'"
    ).fetchone()
    assert count >= 2400  # the new partners were analysed after their create
    executed: list[str] = []
    conn.set_trace_callback(executed.append)
    try:
        found = call(
            crowd, "res.partner", "search_read", [["ref", "=", "crowd"]], ["name"], limit=80
        )
    finally:
        conn.set_trace_callback(None)
    assert len(found) == 80
    (search,) = [sql for sql in executed if sql.startswith('SELECT "res_partner".id')]
    assert "LIMIT 80" in search
    assert "USING INDEX res_partner__complete_name__order" in plan(conn, search)
    assert "TEMP B-TREE" not in plan(conn, search)  # no sort: the first 80 rows are the page


def test_the_order_index_sorts_as_the_default_order_writes_it(crowd: Sandbox) -> None:
    (sql,) = crowd._conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'res_partner__complete_name__order'"
    ).fetchone()
    assert sql.endswith('("complete_name" IS NULL, "complete_name", "id" DESC)')
    (lead_sql,) = crowd._conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'crm_lead__priority__order'"
    ).fetchone()
    assert lead_sql.endswith('("priority" IS NULL DESC, "priority" DESC, "id" DESC)')


def test_statistics_wait_for_enough_changes() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    conn.execute("CREATE INDEX t_v ON t (v)")
    conn.executemany("INSERT INTO t (v) VALUES (?)", [("a",)] * 1000)
    stats = PlannerStatistics()
    stats.refresh(conn)
    assert analysed_tables(conn) == {"t"}
    conn.execute("DELETE FROM sqlite_stat1")  # so the next ANALYZE shows
    conn.executemany("INSERT INTO t (v) VALUES (?)", [("b",)] * 100)  # < 50 + 10% of 1000
    stats.after_commit(conn)
    assert analysed_tables(conn) == set()
    conn.executemany("INSERT INTO t (v) VALUES (?)", [("c",)] * 60)  # 160 changes: > 150
    stats.after_commit(conn)
    assert analysed_tables(conn) == {"t"}


def test_a_locked_database_is_analysed_later_without_waiting(tmp_path: Any) -> None:
    path = str(tmp_path / "db.sqlite")
    conn = sqlite3.connect(path, isolation_level=None, timeout=5.0)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    conn.execute("CREATE INDEX t_v ON t (v)")
    conn.executemany("INSERT INTO t (v) VALUES (?)", [("a",)] * 200)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process is writing
    executed: list[str] = []
    conn.set_trace_callback(executed.append)
    stats = PlannerStatistics()
    stats.refresh(conn)  # no error: it waits for a later commit
    assert analysed_tables(conn) == set()
    # it did not wait out the connection's 5 s busy timeout, and left it as it was
    assert executed.index("PRAGMA busy_timeout = 0") < executed.index("ANALYZE")
    assert conn.execute("PRAGMA busy_timeout").fetchone() == (5000,)
    other.execute("ROLLBACK")
    conn.executemany("INSERT INTO t (v) VALUES (?)", [("b",)] * 60)
    stats.after_commit(conn)
    assert analysed_tables(conn) == {"t"}
    other.close()
    conn.close()


def test_a_database_file_from_before_statistics_is_analysed_when_opened(tmp_path: Any) -> None:
    path = tmp_path / "odoo.sqlite"
    Sandbox("18.0", path=path).close()
    plain = sqlite3.connect(path)
    plain.execute("DROP TABLE sqlite_stat1")
    plain.commit()
    plain.close()
    sandbox = Sandbox("18.0", path=path, keep=True)
    try:
        assert "res_partner" in analysed_tables(sandbox._conn)
    finally:
        sandbox.close()


# (field, descending) terms of each order; None is res.partner's "complete_name ASC, id DESC"
ORDERS: dict[str | None, list[tuple[str, bool]]] = {
    None: [("complete_name", False), ("id", True)],
    "name": [("name", False)],
    "city desc": [("city", True)],
    "city, name desc": [("city", False), ("name", True)],
    "id desc": [("id", True)],
    "ref, id": [("ref", False), ("id", False)],
}
DOMAIN_LEAVES = [
    ("ref", "=", "crowd"),
    ("city", "=", "Gent"),
    ("city", "!=", False),
    ("name", "ilike", "person 01"),
    ("is_company", "=", True),
    ("parent_id", "!=", False),
]


def python_order(rows: list[dict[str, Any]], terms: list[tuple[str, bool]]) -> list[int]:
    """Odoo's order on PostgreSQL, computed here: NULLs are the largest values, text sorts
    bytewise (C collation; code points order as UTF-8 bytes do), ties by id."""
    if not any(name == "id" for name, _desc in terms):
        terms = [*terms, ("id", False)]

    def compare(a: dict[str, Any], b: dict[str, Any]) -> int:
        for name, desc in terms:
            x, y = a[name], b[name]
            x = None if x is False else x
            y = None if y is False else y
            if x == y:
                continue
            if x is None:
                bigger = 1
            elif y is None:
                bigger = -1
            else:
                bigger = 1 if x > y else -1
            return -bigger if desc else bigger
        return 0

    return [row["id"] for row in sorted(rows, key=functools.cmp_to_key(compare))]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    leaves=st.lists(st.sampled_from(DOMAIN_LEAVES), min_size=1, max_size=3),
    order=st.sampled_from(list(ORDERS)),
    limit=st.sampled_from([None, 1, 7, 80]),
    offset=st.sampled_from([0, 3, 40]),
    archived=st.booleans(),
)
def test_pages_follow_the_order_whatever_the_plan(
    crowd: Sandbox,
    leaves: list[tuple[str, str, Any]],
    order: str | None,
    limit: int | None,
    offset: int,
    archived: bool,
) -> None:
    """The page the sandbox answers (through whichever index its statistics pick) is the
    page of the whole matching set sorted in Python."""
    context = {"active_test": not archived}
    domain = [list(leaf) for leaf in leaves]
    kwargs: dict[str, Any] = {"offset": offset, "context": context}
    if order:
        kwargs["order"] = order
    if limit:
        kwargs["limit"] = limit
    page = call(crowd, "res.partner", "search", domain, **kwargs)
    fields = sorted({name for name, _desc in ORDERS[order]} - {"id"})
    rows = call(crowd, "res.partner", "search_read", domain, fields, context=context)
    expected = python_order(rows, ORDERS[order])
    assert page == expected[offset : offset + limit if limit else None]
