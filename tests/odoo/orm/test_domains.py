"""Domain compiler examples: Odoo's error texts per version and the recorded semantics.

The data mirrors fixtures/conformance/odoo-*/domains.json (four partners: Acme, Zed, Bob,
alice), so each expectation here is a recorded result.
"""

from __future__ import annotations

from typing import Any

import pytest
from domain_world import VERSIONS, World, connect, search

from odoo_harness.odoo.orm.domains import compile_domain, normalize_domain
from odoo_harness.odoo.profiles import PROFILES

ACME, ZED, BOB, ALICE = 1, 2, 3, 4
ROOT, MID, LEAF, OTHER = 11, 12, 13, 14


def _partner(**values: Any) -> dict[str, Any]:
    row = dict.fromkeys(
        [
            "name",
            "email",
            "ref",
            "color",
            "lat",
            "is_company",
            "kind",
            "day",
            "stamp",
            "parent_id",
            "country_id",
        ]
    )
    row.update(is_company=0, color=0, stamp="2024-05-01 10:00:00")
    row.update(values)
    return row


def recorded_world() -> World:
    partners = {
        ACME: _partner(name="CF Acme", is_company=1, email="info@acme.example", ref="ACME"),
        ZED: _partner(name="CF Zed", lat=None, color=5),
        BOB: _partner(name="CF Bob 50%_off", email="bob@b.example", lat=1.5),
        ALICE: _partner(name="CF alice", email="ALICE@acme.example", ref=""),
        ROOT: _partner(name="CF d.tree Root", is_company=1, country_id=1),
        MID: _partner(name="CF d.tree Mid", parent_id=ROOT, country_id=1),
        LEAF: _partner(name="CF d.tree Leaf", parent_id=MID, country_id=1),
        OTHER: _partner(name="CF d.tree Other", country_id=2),
    }
    countries = {1: {"name": "Belgium", "code": "BE"}, 2: {"name": "France", "code": "FR"}}
    tags = {1: {"name": "VIP", "active": 1}, 2: {"name": "Wholesale", "active": 1}}
    return World(
        {"x.partner": partners, "x.country": countries, "x.tag": tags},
        [(ACME, 1), (ZED, 1), (ZED, 2)],
    )


FOUR = ["id", "in", [ACME, ZED, BOB, ALICE]]
TREE = ["id", "in", [ROOT, MID, LEAF, OTHER]]

# (domain, {version: expected ids} or ids for every version)
RECORDED: list[tuple[list[Any], Any]] = [
    ([FOUR, ["email", "=", "info@acme.example"]], [ACME]),
    ([FOUR, ["email", "!=", "info@acme.example"]], [ZED, BOB, ALICE]),
    ([FOUR, ["email", "=", False]], [ZED]),
    ([FOUR, ["email", "!=", False]], [ACME, BOB, ALICE]),
    (
        [FOUR, ["ref", "=", ""]],
        {"17.0": [ALICE], "18.0": [ZED, BOB, ALICE], "19.0": [ZED, BOB, ALICE]},
    ),
    ([FOUR, ["is_company", "=", False]], [ZED, BOB, ALICE]),
    ([FOUR, ["tag_ids", "=", False]], [BOB, ALICE]),
    ([FOUR, ["tag_ids", "!=", False]], [ACME, ZED]),
    ([FOUR, ["tag_ids", "in", [2]]], [ZED]),
    ([FOUR, ["tag_ids", "not in", [2]]], [ACME, BOB, ALICE]),
    ([FOUR, ["tag_ids", "=", "Wholesale"]], [ZED]),
    ([FOUR, ["email", "in", ["bob@b.example", "info@acme.example"]]], [ACME, BOB]),
    ([FOUR, ["email", "in", ["bob@b.example", False]]], [ZED, BOB]),
    ([FOUR, ["email", "not in", ["bob@b.example"]]], [ACME, ZED, ALICE]),
    ([FOUR, ["email", "not in", ["bob@b.example", False]]], [ACME, ALICE]),
    ([FOUR, ["email", "in", []]], []),
    ([FOUR, ["email", "not in", []]], [ACME, ZED, BOB, ALICE]),
    ([FOUR, ["email", "=", ["bob@b.example"]]], [BOB]),
    ([FOUR, ["email", "like", "acme"]], [ACME, ALICE]),
    ([FOUR, ["email", "ilike", "ACME"]], [ACME, ALICE]),
    ([FOUR, ["email", "not ilike", "acme"]], [ZED, BOB]),
    ([FOUR, ["name", "=like", "CF A%"]], [ACME]),
    ([FOUR, ["name", "ilike", "b_b"]], [BOB]),
    ([FOUR, ["email", "ilike", ""]], [ACME, ZED, BOB, ALICE]),
    ([FOUR, ["email", "not ilike", ""]], {"17.0": [ZED], "18.0": [], "19.0": []}),
    ([FOUR, ["color", "<", 5]], [ACME, BOB, ALICE]),
    (
        [FOUR, ["lat", ">", -5]],
        {"17.0": [BOB], "18.0": [ACME, ZED, BOB, ALICE], "19.0": [ACME, ZED, BOB, ALICE]},
    ),
    ([FOUR, ["lat", "=", 0]], {"17.0": [], "18.0": [ACME, ZED, ALICE], "19.0": [ACME, ZED, ALICE]}),
    ([FOUR, ["stamp", ">", "2000-01-01"], ["stamp", "<", "2999-12-31"]], [ACME, ZED, BOB, ALICE]),
    ([FOUR, ["stamp", "<=", "2024-05-01"]], [ACME, ZED, BOB, ALICE]),
    ([FOUR, ["stamp", "=", "2024-05-01"]], []),
    ([FOUR, ["email", "=?", False]], [ACME, ZED, BOB, ALICE]),
    ([FOUR, ["email", "=?", "bob@b.example"]], [BOB]),
    ([FOUR, "!", ["is_company", "=", True]], [ZED, BOB, ALICE]),
    ([FOUR, "|", ["email", "=", "bob@b.example"], ["ref", "=", "ACME"]], [ACME, BOB]),
    ([FOUR, [1, "=", 1]], [ACME, ZED, BOB, ALICE]),
    ([FOUR, [0, "=", 1]], []),
    ([TREE, ["parent_id.name", "=", "CF d.tree Root"]], [MID]),
    ([TREE, ["parent_id.country_id.code", "=", "BE"]], [MID, LEAF]),
    ([TREE, ["parent_id.parent_id.country_id.code", "=", "BE"]], [LEAF]),
    ([TREE, ["parent_id.name", "!=", "X"]], [MID, LEAF]),
    ([TREE, "!", ["parent_id.name", "=", "CF d.tree Root"]], [ROOT, LEAF, OTHER]),
    ([TREE, ["id", "child_of", ROOT]], [ROOT, MID, LEAF]),
    ([TREE, ["id", "child_of", [MID, OTHER]]], [MID, LEAF, OTHER]),
    ([TREE, ["id", "parent_of", LEAF]], [ROOT, MID, LEAF]),
    ([TREE, ["id", "child_of", []]], []),
    ([TREE, ["id", "child_of", "tree root"]], [ROOT, MID, LEAF]),
    ([TREE, ["parent_id", "child_of", MID]], [MID, LEAF]),
    ([TREE, ["parent_id", "any", [["is_company", "=", True]]]], [MID]),
    ([TREE, ["parent_id", "not any", [["is_company", "=", True]]]], [ROOT, LEAF, OTHER]),
    ([TREE, ["parent_id", "ilike", "tree root"]], [MID]),
    ([TREE, ["parent_id", "not ilike", "tree root"]], [ROOT, LEAF, OTHER]),
    ([TREE, ["country_id", "=", "Belgium"]], [ROOT, MID, LEAF]),
    ([TREE, ["parent_id", "=", ROOT]], [MID]),
    ([TREE, ["parent_id", "in", [ROOT, MID]]], [MID, LEAF]),
    ([TREE, ["parent_id", "!=", ROOT]], [ROOT, LEAF, OTHER]),
    ([TREE, ["parent_id", "=", False]], [ROOT, OTHER]),
    ([TREE, ["parent_id", "!=", False]], [MID, LEAF]),
    ([TREE, ["country_code", "=", "FR"]], [OTHER]),
    ([TREE, ["child_ids", "=", False]], [LEAF, OTHER]),
    ([TREE, ["child_ids.name", "ilike", "leaf"]], [MID]),
    ([TREE, ["child_ids", "any", [["name", "ilike", "mid"]]]], [ROOT]),
    ([TREE, ["child_ids", "not any", [["name", "ilike", "mid"]]]], [MID, LEAF, OTHER]),
    ([TREE, ["display_name", "ilike", "tree r"]], [ROOT]),
]


@pytest.fixture(scope="module")
def conn() -> Any:
    connection = connect(recorded_world())
    yield connection
    connection.close()


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("domain", "expected"), RECORDED, ids=[str(d[1:]) for d, _ in RECORDED])
def test_recorded_semantics(conn: Any, version: str, domain: list[Any], expected: Any) -> None:
    ids = expected[version] if isinstance(expected, dict) else expected
    assert search(conn, version, domain) == sorted(ids)


def test_ilike_folds_non_ascii_case(conn: Any) -> None:
    conn.execute("UPDATE x_partner SET name = 'CF Élan' WHERE id = ?", (ZED,))
    try:
        assert search(conn, "18.0", [FOUR, ["name", "ilike", "élan"]]) == [ZED]
        assert search(conn, "18.0", [FOUR, ["name", "like", "élan"]]) == []
    finally:
        conn.execute("UPDATE x_partner SET name = 'CF Zed' WHERE id = ?", (ZED,))


def test_inactive_comodel_records_are_not_linked(conn: Any) -> None:
    conn.execute("UPDATE x_tag SET active = 0 WHERE id = 2")
    try:
        assert search(conn, "17.0", [FOUR, ["tag_ids", "=", "Wholesale"]]) == []
        ctx = {"active_test": False}
        assert search(conn, "17.0", [FOUR, ["tag_ids", "=", "Wholesale"]], context=ctx) == [ZED]
    finally:
        conn.execute("UPDATE x_tag SET active = 1 WHERE id = 2")


# -- errors ------------------------------------------------------------------------------
ERRORS: list[tuple[Any, type[BaseException], str, type[BaseException], str]] = [
    (
        [["cf_nosuch", "=", 1]],
        ValueError,
        "Invalid field x.partner.cf_nosuch in leaf ('cf_nosuch', '=', 1)",
        ValueError,
        "Invalid field x.partner.cf_nosuch in condition ('cf_nosuch', '=', 1)",
    ),
    (
        [["parent_id.nosuch", "=", 1]],
        ValueError,
        "Invalid field x.partner.nosuch in leaf ('nosuch', '=', 1)",
        ValueError,
        "Invalid field x.partner.nosuch in condition ('nosuch', '=', 1)",
    ),
    (
        [["name", "cf_op", "x"]],
        ValueError,
        "Invalid leaf ('name', 'cf_op', 'x')",
        ValueError,
        "Invalid operator in condition ('name', 'cf_op', 'x')",
    ),
    (
        ["|", ["name", "=", "CF d.syntax"]],
        ValueError,
        "Domain ['|', ['name', '=', 'CF d.syntax']] is syntactically not correct.",
        ValueError,
        "Domain() malformed domain ['|', ['name', '=', 'CF d.syntax']]",
    ),
    (
        [["name", "="]],
        ValueError,
        "not enough values to unpack (expected 3, got 2)",
        ValueError,
        "Domain() invalid item in domain: ['name', '=']",
    ),
    (
        "cf not a domain",
        AssertionError,
        "Domains to normalize must have a 'domain' form: a list or tuple of domain components",
        TypeError,
        "Domain() invalid argument type for domain: 'cf not a domain'",
    ),
]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("domain", "old_type", "old", "new_type", "new"), ERRORS)
def test_error_messages(
    conn: Any,
    version: str,
    domain: Any,
    old_type: type[BaseException],
    old: str,
    new_type: type[BaseException],
    new: str,
) -> None:
    error, message = (new_type, new) if version == "19.0" else (old_type, old)
    with pytest.raises(error) as info:
        search(conn, version, domain)
    assert str(info.value) == message


@pytest.mark.parametrize("version", VERSIONS)
def test_active_test_is_added_after_validation(conn: Any, version: str) -> None:
    from domain_world import FakeEnv

    tags = FakeEnv(version, conn)["x.tag"]
    sql, params = compile_domain(tags, [], active_test=True)
    assert '"active" = ?' in sql or '"active" IS TRUE' in sql
    archived = [("active", "=", False)]
    assert compile_domain(tags, archived, active_test=True) == compile_domain(tags, archived)
    with pytest.raises(ValueError) as info:
        compile_domain(tags, ["|", ("name", "=", "x")], active_test=True)
    assert "active" not in str(info.value)


def test_normalize_domain() -> None:
    profile = PROFILES["17.0"]
    assert normalize_domain([], profile) == [(1, "=", 1)]
    assert normalize_domain([["a", "=", 1], "!", ["b", "=", 2]], profile) == [
        "&",
        ("a", "=", 1),
        "!",
        ("b", "=", 2),
    ]


def test_many2one_and_x2many_conditions_use_indexes(conn: Any) -> None:
    from domain_world import FakeEnv

    conn.execute('CREATE INDEX IF NOT EXISTS "x_partner__parent_id" ON x_partner (parent_id)')
    partners = FakeEnv("18.0", conn)["x.partner"]
    for domain in ([["parent_id", "=", ROOT]], [["child_ids", "=", False]]):
        where, params = compile_domain(partners, domain)
        plan = " ".join(
            str(row)
            for row in conn.execute(
                f'EXPLAIN QUERY PLAN SELECT id FROM "x_partner" WHERE {where}', params
            )
        )
        assert "x_partner__parent_id" in plan, plan
