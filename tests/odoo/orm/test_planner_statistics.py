"""Planner statistics (``orm.sqlite.PlannerStatistics``) and the default-order indexes
(``Registry.create_schema``): they choose how SQLite answers, never what it answers."""

from __future__ import annotations

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
    """600 partners sharing one ref, a tenth of them contacts of 6 companies."""
    sandbox = Sandbox("18.0")
    companies = call(
        sandbox,
        "res.partner",
        "create",
        [{"name": f"Company {i}", "is_company": True, "ref": "crowd"} for i in range(6)],
    )
    rows = [
        {
            "name": f"Person {(i * 7919) % 600:04d}" if i % 50 else "Same Name",
            "ref": "crowd",
            "city": CITIES[i % len(CITIES)],
            "active": i % 13 != 0,
            **({"parent_id": companies[i % 6]} if i % 10 == 0 else {}),
        }
        for i in range(600)
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
    assert count >= 600  # the 600 new partners were analysed after their create
    sql = (
        "SELECT id FROM \"res_partner\" WHERE active IS TRUE AND ref IN ('crowd') "
        'ORDER BY "complete_name" IS NULL, "complete_name" ASC, "id" DESC LIMIT 80'
    )
    assert "USING INDEX res_partner__complete_name__order" in plan(conn, sql)
    assert "TEMP B-TREE" not in plan(conn, sql)


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


def test_a_locked_database_is_analysed_later(tmp_path: Any) -> None:
    path = str(tmp_path / "db.sqlite")
    conn = sqlite3.connect(path, isolation_level=None, timeout=0)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    conn.execute("CREATE INDEX t_v ON t (v)")
    conn.executemany("INSERT INTO t (v) VALUES (?)", [("a",)] * 200)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process is writing
    stats = PlannerStatistics()
    stats.refresh(conn)  # no error: it waits for a later commit
    assert analysed_tables(conn) == set()
    other.execute("ROLLBACK")
    conn.executemany("INSERT INTO t (v) VALUES (?)", [("b",)] * 60)
    stats.after_commit(conn)
    assert analysed_tables(conn) == {"t"}
    other.close()
    conn.close()


ORDERS = [None, "name", "city desc", "city, name desc", "parent_id", "id desc", "ref, id"]
DOMAIN_LEAVES = [
    ("ref", "=", "crowd"),
    ("city", "=", "Gent"),
    ("city", "!=", False),
    ("name", "ilike", "person 01"),
    ("is_company", "=", True),
    ("parent_id", "!=", False),
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    leaves=st.lists(st.sampled_from(DOMAIN_LEAVES), min_size=1, max_size=3),
    order=st.sampled_from(ORDERS),
    limit=st.sampled_from([None, 1, 7, 80]),
    offset=st.sampled_from([0, 3, 40]),
    archived=st.booleans(),
)
def test_statistics_never_change_an_answer(
    crowd: Sandbox,
    leaves: list[tuple[str, str, Any]],
    order: str | None,
    limit: int | None,
    offset: int,
    archived: bool,
) -> None:
    kwargs: dict[str, Any] = {"offset": offset, "context": {"active_test": not archived}}
    if order:
        kwargs["order"] = order
    if limit:
        kwargs["limit"] = limit
    domain = [list(leaf) for leaf in leaves]
    with_statistics = call(crowd, "res.partner", "search", domain, **kwargs)
    conn = crowd._conn
    saved = conn.execute("SELECT tbl, idx, stat FROM sqlite_stat1").fetchall()
    conn.execute("DELETE FROM sqlite_stat1")
    conn.execute("ANALYZE sqlite_schema")  # the planner reloads (now empty) statistics
    try:
        without = call(crowd, "res.partner", "search", domain, **kwargs)
    finally:
        conn.executemany("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", saved)
        conn.execute("ANALYZE sqlite_schema")
    assert with_statistics == without
