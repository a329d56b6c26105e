"""``read`` / ``search_read`` records and ``read_group`` groups, in Odoo's shapes.

Expected values are written from Odoo's rules: ``read`` answers in the order of the ids
asked (a repeated id twice, a missing one not at all); many2one values are ``[id, name]``
(a bare id with ``load='_classic_write'``); a group's ``__domain`` is
``AND([domain, group condition])`` per groupby, each part normalized ('&' made explicit).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from odoo_harness.odoo.sandbox import Sandbox

VERSIONS = ("17.0", "18.0", "19.0")
REF = "read-paths"


@pytest.fixture(scope="module", params=VERSIONS)
def sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    sandbox = Sandbox(request.param)
    yield sandbox
    sandbox.close()


@pytest.fixture(scope="module")
def world(sandbox: Sandbox) -> dict[str, int]:
    """Two companies and three contacts (one without company), all with ``ref=REF``."""
    acme = call(sandbox, "res.partner", "create", {"name": "RP Acme", "is_company": True})
    zed = call(sandbox, "res.partner", "create", {"name": "RP Zed", "is_company": True})
    (be,) = call(sandbox, "res.country", "search", [["code", "=", "BE"]])
    (fr,) = call(sandbox, "res.country", "search", [["code", "=", "FR"]])
    rows = [
        {"name": "RP Ann", "parent_id": acme, "city": "Ghent", "color": 2, "country_id": be},
        {"name": "RP Bob", "parent_id": zed, "city": "Liège", "color": 3, "country_id": fr},
        {"name": "RP Cid", "city": "Ghent", "color": 5},
    ]
    ann, bob, cid = call(sandbox, "res.partner", "create", [{**r, "ref": REF} for r in rows])
    return {"acme": acme, "zed": zed, "ann": ann, "bob": bob, "cid": cid, "be": be, "fr": fr}


def call(sandbox: Sandbox, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
    return sandbox.execute_kw(sandbox.admin_uid, model, method, list(args), kwargs)


def test_read_answers_in_the_asked_order_with_repeats_and_without_missing_ids(
    sandbox: Sandbox, world: dict[str, int]
) -> None:
    ann, bob = world["ann"], world["bob"]
    rows = call(sandbox, "res.partner", "read", [bob, 10**9, ann, bob], ["city", "name"])
    assert rows == [
        {"id": bob, "city": "Liège", "name": "RP Bob"},
        {"id": ann, "city": "Ghent", "name": "RP Ann"},
        {"id": bob, "city": "Liège", "name": "RP Bob"},
    ]
    assert [list(row) for row in rows] == [["id", "city", "name"]] * 3  # the fields' order


def test_many2one_values_are_pairs_or_ids_and_empty_values_false(
    sandbox: Sandbox, world: dict[str, int]
) -> None:
    ids = [world["ann"], world["cid"]]
    fields = ["parent_id", "email", "color", "is_company"]
    assert call(sandbox, "res.partner", "read", ids, fields) == [
        {"id": ids[0], "parent_id": [world["acme"], "RP Acme"], "email": False, "color": 2,
         "is_company": False},
        {"id": ids[1], "parent_id": False, "email": False, "color": 5, "is_company": False},
    ]  # fmt: skip
    classic = call(sandbox, "res.partner", "read", ids, ["parent_id"], load="_classic_write")
    assert classic == [
        {"id": ids[0], "parent_id": world["acme"]},
        {"id": ids[1], "parent_id": False},
    ]


def test_search_read_pages_records_in_the_default_order(
    sandbox: Sandbox, world: dict[str, int]
) -> None:
    rows = call(
        sandbox, "res.partner", "search_read", [["ref", "=", REF]], fields=["name"], limit=2
    )
    # res.partner's default order: complete_name ("Company, Contact" for a contact)
    assert rows == [
        {"id": world["ann"], "name": "RP Ann"},
        {"id": world["cid"], "name": "RP Cid"},
    ]


def test_read_group_by_many2one_names_each_group(sandbox: Sandbox, world: dict[str, int]) -> None:
    domain = [["ref", "=", REF], ["color", ">", 0]]
    groups = call(sandbox, "res.partner", "read_group", domain, ["color"], ["country_id"])
    # groups follow the comodel's order (res.country: name); the empty group comes last
    assert groups == [
        {
            "country_id": [world["be"], "Belgium"],
            "country_id_count": 1,
            "color": 2,
            "__domain": ["&", "&", *domain, ["country_id", "=", world["be"]]],
        },
        {
            "country_id": [world["fr"], "France"],
            "country_id_count": 1,
            "color": 3,
            "__domain": ["&", "&", *domain, ["country_id", "=", world["fr"]]],
        },
        {
            "country_id": False,
            "country_id_count": 1,
            "color": 5,
            "__domain": ["&", "&", *domain, ["country_id", "=", False]],
        },
    ]


def test_read_group_not_lazy_ands_each_groupby_in_turn(
    sandbox: Sandbox, world: dict[str, int]
) -> None:
    domain = [["ref", "=", REF]]
    groups = call(
        sandbox, "res.partner", "read_group", domain, ["city"], ["city", "color"], lazy=False
    )
    assert [(g["city"], g["color"], g["__count"]) for g in groups] == [
        ("Ghent", 2, 1),
        ("Ghent", 5, 1),
        ("Liège", 3, 1),
    ]
    assert groups[0]["__domain"] == ["&", "&", *domain, ["city", "=", "Ghent"], ["color", "=", 2]]


def test_read_group_lazy_passes_the_other_groupbys_on(
    sandbox: Sandbox, world: dict[str, int]
) -> None:
    domain = [["ref", "=", REF]]
    groups = call(sandbox, "res.partner", "read_group", domain, ["city"], ["city", "color"])
    assert groups == [
        {
            "city": "Ghent",
            "city_count": 2,
            "__domain": ["&", *domain, ["city", "=", "Ghent"]],
            "__context": {"group_by": ["color"]},
        },
        {
            "city": "Liège",
            "city_count": 1,
            "__domain": ["&", *domain, ["city", "=", "Liège"]],
            "__context": {"group_by": ["color"]},
        },
    ]


def test_read_group_without_domain_has_the_group_condition_alone(
    sandbox: Sandbox, world: dict[str, int]
) -> None:
    groups = call(sandbox, "res.country", "read_group", [], ["code"], ["code"], limit=1)
    assert len(groups) == 1
    code = groups[0]["code"]
    assert groups[0]["__domain"] == [["code", "=", code]]


def test_groups_by_a_many2one_to_the_same_model_follow_its_names_empty_last(
    sandbox: Sandbox,
) -> None:
    # Created in the reverse of name order, so id order and name order disagree.
    zulu = call(sandbox, "res.partner", "create", {"name": "RPS Zulu", "is_company": True})
    alpha = call(sandbox, "res.partner", "create", {"name": "RPS Alpha", "is_company": True})
    rows = [
        {"name": "RPS kid of Zulu", "parent_id": zulu},
        {"name": "RPS orphan"},
        {"name": "RPS kid of Alpha", "parent_id": alpha},
    ]
    call(sandbox, "res.partner", "create", [{**r, "ref": "read-paths-self"} for r in rows])
    groups = call(
        sandbox,
        "res.partner",
        "read_group",
        [["ref", "=", "read-paths-self"]],
        ["parent_id"],
        ["parent_id"],
    )
    assert [g["parent_id"] for g in groups] == [[alpha, "RPS Alpha"], [zulu, "RPS Zulu"], False]
