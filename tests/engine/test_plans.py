"""Flow plans and ownership files: the shipped ones load; mistakes name file, line, key."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from odoo_harness.contracts.flows import load_flow, load_flows, parse_duration
from odoo_harness.contracts.ownership import load_ownership, load_ownerships
from odoo_harness.yamlsource import SourceError

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"


def test_shipped_plans_and_ownership_load() -> None:
    plans = load_flows(CONTRACTS / "flows")
    assert set(plans) == {"shop_orders", "catalogue_stock", "shipping", "crm_contacts"}
    orders = plans["shop_orders"]
    assert orders.direction == ("shop", "odoo")
    assert orders.retry.first == timedelta(seconds=30) and orders.retry.attempts == 6
    assert orders.allows("sale.order.state", "draft", "sale")
    assert not orders.allows("sale.order.state", "cancel", "sale")
    assert orders.show.odoo_activity_on == ("sale.order", "res.partner")
    owners = load_ownerships(CONTRACTS / "ownership")
    for plan in plans.values():
        assert plan.ownership and (
            Path(plan.ownership).stem in {p.stem for p in (CONTRACTS / "ownership").glob("*.yaml")}
        )
    partner = owners["partner"]
    assert partner.owned_by("crm", {"name": "X", "lifecycle_stage": "lead"}) == {
        "lifecycle_stage": "lead"
    }
    assert [c.field for c in partner.conflicts("crm", {"vat": "BE1", "owner": "ana"})] == ["vat"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("flow: x\n", ":1: (top level): missing 'origin'"),
        (
            "flow: Bad Name\norigin: shop\ndirection: shop -> odoo\ntrigger: {webhook: a}\n"
            "mode: live\nkey: k\n",
            ":1: flow: a flow name is snake_case",
        ),
        (
            "flow: x\norigin: shop\ndirection: shop to odoo\ntrigger: {webhook: a}\nmode: live\n"
            "key: k\n",
            ":3: direction: expected 'system -> system'",
        ),
        (
            "flow: x\norigin: shop\ndirection: shop -> odoo\ntrigger: {webhook: a}\nmode: live\n"
            "key: k\nretry:\n  first: 30 parsecs\n",
            ":8: retry.first: '30 parsecs' is not a duration",
        ),
        (
            "flow: x\norigin: shop\ndirection: shop -> odoo\ntrigger: {webhook: a}\nmode: batch\n"
            "key: k\n",
            ":1: batch_size: a batch flow needs batch_size",
        ),
        (
            "flow: x\norigin: shop\ndirection: shop -> odoo\ntrigger: {webhook: a}\nmode: live\n"
            "key: k\ntransitions:\n  sale.order.state: [draft => sale]\n",
            ":8: transitions.sale.order.state[0]: expected 'old -> new'",
        ),
        ("flow: x\norigin: shop\norigin: odoo\n", ":3: origin: duplicate key"),
        ("flow: x\nretyr: {}\n", ":2: retyr: unknown key"),
    ],
)
def test_plan_mistakes_name_file_line_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_flow(path)
    assert str(info.value).startswith(str(path))
    assert expected in str(info.value)


def test_ownership_owner_must_be_a_declared_system(tmp_path: Path) -> None:
    path = tmp_path / "o.yaml"
    path.write_text("entity: p\nsystems: [odoo, crm]\nfields:\n  name: shop\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"o.yaml:4: fields.name: owner 'shop' is not one"):
        load_ownership(path)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30s", 30),
        ("every 15 min", 900),
        ("2h", 7200),
        ("1.5 days", 129600),
        (45, 45),
        ("soon", None),
    ],
)
def test_durations(text: object, seconds: float | None) -> None:
    parsed = parse_duration(text)
    assert (parsed.total_seconds() if parsed else None) == seconds
