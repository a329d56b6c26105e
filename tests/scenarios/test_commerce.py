"""The shop's and the carrier's scenario steps, expectations and built-in checks: how they
read, which mocks a scenario starts, what each check reports, and (over real sockets) a
broken expectation failing with its line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from odoo_harness.clock import Clock
from odoo_harness.errors import ConfigError
from odoo_harness.journal import Journal
from odoo_harness.scenarios import load_scenario
from odoo_harness.scenarios.checks import messages_match_contracts
from odoo_harness.scenarios.commerce import resolve_refs, systems_needed
from odoo_harness.scenarios.commerce_checks import (
    StateWatch,
    commerce_expectations,
    no_duplicate_orders_labels_fulfilments,
    text_of,
)
from odoo_harness.scenarios.runner import run_scenario
from odoo_harness.yamlsource import SourceError

ROOT = Path(__file__).resolve().parents[2]
FLOWS = ROOT / "contracts" / "flows"


def write(tmp_path: Path, text: str, name: str = "x") -> Path:
    path = tmp_path / f"{name}.scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def scenario_with(tmp_path: Path, flow: str, when: str, then: str = "{}", extra: str = "") -> Any:
    text = f"scenario: t\nflow: {flow}\n{extra}when:\n{when}then: {then}\n"
    return load_scenario(write(tmp_path, text))


# -- steps --------------------------------------------------------------------------------
STEPS = [
    (
        '"odoo calls sale.order.action_confirm where {client_order_ref: WEB-1}"',
        "{odoo: {call: {model: sale.order, method: action_confirm, where: {client_order_ref: WEB-1}}}}",
        "odoo.call",
        {"model": "sale.order", "method": "action_confirm", "where": {"client_order_ref": "WEB-1"}},
    ),
    (
        '"shop places order {email: a@b.c, line_items: [{sku: X, quantity: 2}]}"',
        "{shop: {place_order: {email: a@b.c, line_items: [{sku: X, quantity: 2}]}}}",
        "shop.place_order",
        {"order": {"email": "a@b.c", "line_items": [{"sku": "X", "quantity": 2}]}},
    ),
    (
        '"shop cancels order #1001"',
        '{shop: {cancel_order: "#1001"}}',
        "shop.cancel_order",
        {"name": "#1001"},
    ),
    ("shop sends webhooks", "{shop: {send_webhooks: true}}", "shop.send_webhooks", {}),
    (
        "shop resends the last webhook",
        "{shop: {resend_last_webhook: true}}",
        "shop.resend_last_webhook",
        {},
    ),
    (
        '"shop sends a webhook with a bad signature {id: 9}"',
        "{shop: {forged_webhook: {id: 9}}}",
        "shop.forged_webhook",
        {"order": {"id": 9}},
    ),
    ("carrier sends webhooks", "{carrier: {send_webhooks: true}}", "carrier.send_webhooks", {}),
    (
        "schedule fires shop_orders",
        "{schedule_fires: shop_orders}",
        "schedule.fire",
        {"name": "shop_orders"},
    ),
]


@pytest.mark.parametrize(("words", "structured", "action", "args"), STEPS)
def test_each_step_reads_the_same_in_words_and_structured(
    tmp_path: Path, words: str, structured: str, action: str, args: dict[str, Any]
) -> None:
    scenario = scenario_with(tmp_path, "shop_orders", f"  - {words}\n  - {structured}\n")
    said, built = scenario.when
    assert (said.action, said.args) == (action, args)
    assert (built.action, built.args) == (action, args)
    assert (said.line, built.line) == (4, 5)


def test_a_bad_forged_step_without_a_word_is_not_a_step(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        scenario_with(tmp_path, "shop_orders", "  - shop places order\n")
    assert ":4: when[0]: not a step; write one of: " in str(caught.value)
    assert "shop places order {order}" in str(caught.value)


@pytest.mark.parametrize(
    ("then", "extra", "where"),
    [
        (
            "\n  shop:\n    order: {where: {name: x}}\n",
            "",
            ":7: then.shop.order: unknown key; expected one of: orders, ",
        ),
        ("\n  carrier:\n    shipments: {count: 1}\n", "", ":7: then.carrier.shipments: "),
        ("\n  odoo_notices:\n    - {where: {name: x}}\n", "", ":7: then.odoo_notices"),
        ("\n  odoo_calls: {Product.Read: 1}\n", "", ":6: then.odoo_calls.Product.Read: "),
        ("{}\n", "given:\n  engine: {batch_size: 0}\n", ":4: given.engine.batch_size: "),
        ("{}\n", "given:\n  shop: {variants: []}\n", ":4: given.shop.variants: unknown key"),
    ],
)
def test_mistakes_in_the_new_keys_name_file_line_and_key(
    tmp_path: Path, then: str, extra: str, where: str
) -> None:
    with pytest.raises(SourceError) as caught:
        scenario_with(tmp_path, "shop_orders", "  - engine runs due jobs\n", then, extra)
    assert str(caught.value).startswith(str(tmp_path / "x.scenario.yaml"))
    assert where in str(caught.value)


# -- which mocks start --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("flow", "when", "extra", "needed"),
    [
        ("shop_orders", "  - engine runs due jobs\n", "", {"shop"}),
        ("catalogue_stock", "  - engine runs due jobs\n", "", {"shop"}),
        ("shipping", "  - engine runs due jobs\n", "", {"carrier"}),
        ("crm_contacts", "  - engine runs due jobs\n", "", {"crm"}),
        ("shipping", "  - shop sends webhooks\n", "", {"carrier", "shop"}),
        (
            "shipping",
            "  - engine runs due jobs\n",
            "given:\n  crm: {contacts: []}\n",
            {"carrier", "crm"},
        ),
        (
            "shop_orders",
            "  - engine runs due jobs\n",
            "faults:\n  - {system: carrier, kind: drop}\n",
            {"carrier", "shop"},
        ),
    ],
)
def test_a_scenario_starts_only_the_mocks_it_uses(
    tmp_path: Path, flow: str, when: str, extra: str, needed: set[str]
) -> None:
    assert systems_needed(scenario_with(tmp_path, flow, when, extra=extra)) == needed


# -- checks on stand-ins ------------------------------------------------------------------
class FakeOdoo:
    """Answers ``search_read``/``search`` from ``tables`` (model -> rows)."""

    def __init__(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        self.tables = tables

    def search_read(
        self, model: str, domain: Any, fields: Any, **kwargs: Any
    ) -> list[dict[str, Any]]:
        rows = self.tables.get(model, [])
        for name, op, value in domain:
            if op == "=":
                rows = [r for r in rows if r.get(name) == value]
            elif op == "!=":
                rows = [r for r in rows if r.get(name) != value]
            elif op == "in":
                rows = [r for r in rows if r.get(name) in value]
        return [dict(r) for r in rows]

    def search(self, model: str, domain: Any, **kwargs: Any) -> list[int]:
        return [r["id"] for r in self.search_read(model, domain, ["id"])]


class FakeProvider:
    def __init__(self, **lists: list[dict[str, Any]]) -> None:
        for name, rows in lists.items():
            setattr(self, name, lambda rows=rows: rows)


class FakeSandboxes:
    def __init__(self, odoo: FakeOdoo, *, shop: Any = None, carrier: Any = None) -> None:
        self.odoo_user = odoo
        self.shop = shop
        self.carrier = carrier
        self.journal = Journal(Clock(datetime(2026, 3, 2, tzinfo=UTC), frozen=True).now)


def test_state_watch_reports_only_transitions_the_plan_forbids(tmp_path: Path) -> None:
    scenario = scenario_with(tmp_path, "shop_orders", "  - engine runs due jobs\n")
    orders = [{"id": 1, "state": "draft", "display_name": "S00001"}]
    watch = StateWatch(scenario, FakeSandboxes(FakeOdoo({"sale.order": orders})), FLOWS)  # type: ignore[arg-type]
    watch.observe()
    orders[0]["state"] = "sale"  # draft -> sale: allowed
    watch.observe()
    assert watch.failures(scenario) == []
    orders[0]["state"] = "draft"  # sale -> draft: not in the plan
    orders.append({"id": 2, "state": "cancel", "display_name": "S00002"})  # new: no transition
    watch.observe()
    [failure] = watch.failures(scenario)
    assert failure.check == "allowed_transitions"
    assert failure.actual == ["sale.order.state of S00001 (id 1): sale -> draft"]
    assert "draft -> sale" in failure.expected["sale.order.state"]


def test_duplicates_are_named_per_system(tmp_path: Path) -> None:
    scenario = scenario_with(tmp_path, "shipping", "  - engine runs due jobs\n")
    odoo = FakeOdoo(
        {
            "sale.order": [
                {"id": 1, "client_order_ref": "5001"},
                {"id": 2, "client_order_ref": "5001"},
                {"id": 3, "client_order_ref": "5002"},
            ]
        }
    )
    shop = FakeProvider(
        fulfillments=[
            {"order_name": "#1001", "tracking_number": "PH1", "status": "success"},
            {"order_name": "#1001", "tracking_number": "PH1", "status": "cancelled"},
        ]
    )
    carrier = FakeProvider(
        shipments=[
            {"reference": "WH/OUT/1", "status": "purchased"},
            {"reference": "WH/OUT/1", "status": "purchased"},
            {"reference": "WH/OUT/2", "status": "voided"},
            {"reference": "WH/OUT/2", "status": "purchased"},
        ]
    )
    found = no_duplicate_orders_labels_fulfilments(
        scenario,
        FakeSandboxes(odoo, shop=shop, carrier=carrier),  # type: ignore[arg-type]
    )
    assert [(f.check, f.actual) for f in found] == [
        ("no_duplicate_records", {"5001": 2}),
        ("no_duplicate_records", {"WH/OUT/1": 2}),
    ]


def test_provider_expectations_compare_as_written(tmp_path: Path) -> None:
    then = (
        "\n  shop:\n    inventory_levels:\n"
        "      - {where: {sku: A, location_id: 70001}, available: 3}\n"
        "      - {where: {sku: B}, count: 1, available: 5}\n"
        "  carrier:\n    shipments: {where: {reference: R}, count: 2}\n"
    )
    scenario = scenario_with(tmp_path, "catalogue_stock", "  - engine runs due jobs\n", then)
    shop = FakeProvider(
        inventory_levels=[
            {"sku": "A", "location_id": 70001, "available": 3},
            {"sku": "B", "location_id": 70001, "available": 4},
        ]
    )
    carrier = FakeProvider(shipments=[{"reference": "R", "status": "rated"}])
    failures = commerce_expectations(
        scenario,
        FakeSandboxes(FakeOdoo({}), shop=shop, carrier=carrier),  # type: ignore[arg-type]
    )
    assert [(f.check, f.line, f.expected, f.actual) for f in failures] == [
        ("then.shop.inventory_levels.1.available", 9, 5, 4),
        ("then.carrier.shipments.count", 11, 2, 1),
    ]


def test_notices_read_the_text_users_see(tmp_path: Path) -> None:
    then = (
        "\n  odoo_notices:\n"
        "    - {model: res.partner, where: {email: a@b.c}, count: 1, activity: Unknown SKU X}\n"
        "    - {model: res.partner, where: {email: a@b.c}, message: label bought}\n"
    )
    scenario = scenario_with(tmp_path, "shop_orders", "  - engine runs due jobs\n", then)
    odoo = FakeOdoo(
        {
            "res.partner": [{"id": 7, "email": "a@b.c"}],
            "mail.activity": [
                {
                    "id": 1,
                    "res_model": "res.partner",
                    "res_id": 7,
                    "note": "<p>Unknown&nbsp;SKU X</p>",
                }
            ],
            "mail.message": [
                {"id": 1, "model": "res.partner", "res_id": 7, "body": "<p>hello</p>"}
            ],
        }
    )
    [failure] = commerce_expectations(scenario, FakeSandboxes(odoo))  # type: ignore[arg-type]
    assert (failure.check, failure.line, failure.actual) == (
        "then.odoo_notices[1].message",
        8,
        ["hello"],
    )
    assert text_of("<p>Order <b>#1</b> &amp; more</p>") == "Order #1 & more"


def test_refs_in_step_values_become_ids() -> None:
    class Refs:
        def external_id(self, xmlid: str) -> tuple[str, int] | None:
            return {"given.ground": ("delivery.carrier", 2)}.get(xmlid)

    values = {
        "carrier_id": {"ref": "given.ground"},
        "lines": [[0, 0, {"x": {"ref": "given.ground"}}]],
    }
    assert resolve_refs(Refs(), values) == {"carrier_id": 2, "lines": [[0, 0, {"x": 2}]]}
    with pytest.raises(ConfigError, match="no record has the external id 'given.nope'"):
        resolve_refs(Refs(), {"carrier_id": {"ref": "given.nope"}})


def test_contract_violations_of_injected_answers_are_not_the_providers() -> None:
    journal = Journal(Clock(datetime(2026, 3, 2, tzinfo=UTC), frozen=True).now)

    def exchange(cid: str, request_id: str, *, injected: bool, system: str = "carrier") -> None:
        headers = {"x-correlation-id": cid}
        journal.record("mock.request", system, {"headers": headers}, correlation_id=request_id)
        if injected:
            journal.record("mock.fault", system, {"status": 503}, correlation_id=request_id)
        journal.record(
            "ContractViolated",
            system,
            {"where": "response.status", "what": "status 503 is not documented"},
            correlation_id=cid,
        )

    exchange("engine-1", "req_1", injected=True)
    assert messages_match_contracts(list(journal)) == []
    exchange("engine-2", "req_2", injected=False)  # the provider itself broke its contract
    [failure] = messages_match_contracts(list(journal))
    assert failure.actual == 1
    # another mock's request numbered req_1 too: the carrier's fault does not excuse it
    exchange("engine-3", "req_1", injected=False, system="shop")
    [failure] = messages_match_contracts(list(journal))
    assert failure.actual == 2


# -- over real sockets --------------------------------------------------------------------
SHOP_ORDER = """scenario: One order, two expected
flow: shop_orders
given:
  odoo:
    records:
      - {model: product.product, values: {name: Stool, default_code: STOOL-1, type: consu}}
  shop:
    products: [{title: Stool, variants: [{sku: STOOL-1, price: "20.00"}]}]
when:
  - "shop places order {email: ivo@example.com, line_items: [{sku: STOOL-1, quantity: 1}]}"
  - shop sends webhooks
  - engine runs due jobs
then:
  odoo:
    sale.order: {where: {origin: "#1001"}, count: 2}
  shop:
    orders: {where: {name: "#1001"}, email: ivo@example.com, financial_status: refunded}
  odoo_calls: {sale.order.create: 1}
"""


@pytest.mark.wire
def test_a_broken_expectation_fails_with_its_line_and_the_actual_value(tmp_path: Path) -> None:
    result = run_scenario(load_scenario(write(tmp_path, SHOP_ORDER)))
    assert [(f.check, f.line, f.expected, f.actual) for f in result.failures] == [
        ("then.odoo.sale.order.count", 15, 2, 1),
        ("then.shop.orders.financial_status", 17, "refunded", "paid"),
    ]


@pytest.mark.wire
def test_resending_before_any_delivery_is_a_clear_step_error(tmp_path: Path) -> None:
    text = "scenario: t\nflow: shop_orders\nwhen:\n  - shop resends the last webhook\nthen: {}\n"
    result = run_scenario(load_scenario(write(tmp_path, text)))
    [failure] = result.failures
    assert (failure.check, failure.line) == ("step", 4)
    assert "the shop has delivered no webhook yet: nothing to resend" in failure.actual
