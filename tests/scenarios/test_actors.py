"""Who made each call a scenario's servers journalled: the system under test (``engine-``),
the people the scenario plays (``users-``: a step's edits), or the harness itself
(``harness-``: setting up, watching states, checking). Real scenarios, real sockets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from odoo_harness.reports.sequence import sequence
from odoo_harness.scenarios.model import load_scenario
from odoo_harness.scenarios.runner import run_scenario

pytestmark = pytest.mark.wire
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def prefix(correlation_id: str) -> str:
    return correlation_id.split("-", 1)[0]


def odoo_calls(journal: list[dict[str, Any]], who: str) -> list[str]:
    return [
        f"{e['data']['model']}.{e['data']['method']}"
        for e in journal
        if e["kind"] == "odoo.call" and prefix(e["correlation_id"]) == who
    ]


def test_odoo_calls_are_the_engine_the_users_or_the_harness() -> None:
    # steps: "odoo updates res.partner where {...}" and "odoo updates stock.picking where
    # {...} set {carrier_id: {ref: given.ground}}" (the ref is the harness's name for a record)
    path = SCENARIOS / "shipping" / "shop_order_shipped_and_fulfilled.scenario.yaml"
    result = run_scenario(load_scenario(path))
    assert result.passed, result.failures
    calls = [e for e in result.journal if e["kind"] == "odoo.call"]
    assert {prefix(e["correlation_id"]) for e in calls} == {"engine", "users", "harness"}
    assert odoo_calls(result.journal, "users") == [
        "res.partner.search",
        "res.partner.write",
        "stock.picking.search",
        "stock.picking.write",
    ]
    harness = odoo_calls(result.journal, "harness")
    assert "ir.model.data.search_read" in harness  # the {ref: given.ground} look-up
    assert "stock.picking.search_read" in harness  # states watched after each step
    assert "res.users.write" in harness  # the integration user's rights, at setup

    diagram = sequence(result.journal)
    assert diagram.hidden == len(harness)
    assert "harness" not in diagram.participants
    from_users = [a.label for a in diagram.arrows if a.source == "users"]
    assert from_users == ["res.partner.search", "res.partner.write"] + [
        "stock.picking.search",
        "stock.picking.write",
    ]


def test_a_crm_user_edit_is_the_users_and_the_harness_checks_are_not() -> None:
    path = SCENARIOS / "crm_contacts" / "lifecycle_stage_never_moves_back.scenario.yaml"
    result = run_scenario(load_scenario(path))
    assert result.passed, result.failures
    by_actor: dict[str, list[str]] = {}
    for e in result.journal:
        if e["kind"] != "mock.request" or e["system"] != "crm":
            continue
        headers = {str(k).lower(): str(v) for k, v in (e["data"].get("headers") or {}).items()}
        who = prefix(headers.get("x-correlation-id", "unmarked"))
        by_actor.setdefault(who, []).append(f"{e['data']['method']} {e['data']['path']}")
    # two steps "crm updates contacts where {email: ...} set {lifecyclestage: ...}": each
    # finds the contact and edits it
    edit = ["POST /crm/v3/objects/contacts/search", "PATCH /crm/v3/objects/contacts/101"]
    assert by_actor["users"] == edit + edit
    assert "GET /crm/v3/objects/contacts" in by_actor["harness"]  # no_duplicate_records
    # the engine's webhook sign-up sends no correlation id: unmarked, so the engine's
    assert all(path.split()[1].startswith("/webhooks/") for path in by_actor["unmarked"])
    assert set(by_actor) == {"engine", "users", "harness", "unmarked"}
    diagram = sequence(result.journal)
    assert {a.source for a in diagram.arrows if a.target == "crm"} == {"engine", "users"}
