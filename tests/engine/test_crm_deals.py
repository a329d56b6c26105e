"""Confirmed sale orders as CRM deals (the crm_contacts flow's ``deal`` action) over real
sockets: the Odoo sandbox and the CRM mock, wired by URL and credentials only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from odoo_harness.clock import Clock
from odoo_harness.contracts.flows import load_flows
from odoo_harness.contracts.ownership import load_ownership
from odoo_harness.engine import JobStore, Notices, OdooAdapter, Worker
from odoo_harness.engine.crm_adapter import CrmAdapter
from odoo_harness.engine.crm_contacts import CrmContactsFlow
from odoo_harness.engine.crm_deals import CrmDealsFlow, DealMapper, deal_poller
from odoo_harness.journal import Journal
from odoo_harness.providers.crm import CrmMock

pytestmark = pytest.mark.wire
ROOT = Path(__file__).resolve().parents[2]
PLANS = load_flows(ROOT / "contracts" / "flows")
PARTNERS = load_ownership(ROOT / "contracts" / "ownership" / "partners.yaml")
DEALS = load_ownership(ROOT / "contracts" / "ownership" / "deals.yaml")
CONTRACT = ROOT / "contracts" / "providers" / "crm.openapi.yaml"
TOKEN = "pat-na1-crmock-production-0001"
DEALS_PATH = "/crm/v3/objects/deals"


@pytest.fixture
def crm_url(clock: Clock) -> Iterator[str]:
    with CrmMock(clock=clock).server(port=0) as server:
        yield server.url


class Setup:
    def __init__(
        self, odoo: OdooAdapter, crm_url: str, store: JobStore, journal: Journal, clock: Clock
    ) -> None:
        self.odoo = odoo
        self.url = crm_url
        self.store = store
        self.journal = journal
        self.clock = clock
        self.crm = CrmAdapter(crm_url, token=TOKEN, journal=journal, contract=CONTRACT)
        self.flow(create_or_find=True)

    def flow(self, *, create_or_find: bool) -> None:
        contacts = CrmContactsFlow(self.odoo, self.crm, self.store, PARTNERS, journal=self.journal)
        contacts.deals = CrmDealsFlow(
            self.odoo, self.crm, contacts, DEALS, create_or_find=create_or_find
        )
        self.worker = Worker(
            self.store, PLANS, journal=self.journal, notices=Notices(self.odoo, self.store)
        )
        self.worker.register("crm_contacts", contacts)

    def order(self, *, company: str | None = None, qty: int = 3, price: float = 20.0) -> int:
        odoo = self.odoo
        parent = (
            odoo.create("res.partner", {"name": company, "is_company": True}) if company else False
        )
        partner = odoo.create(
            "res.partner",
            {"name": "Ana Lopez", "email": "ana@example.com", "parent_id": parent},
        )
        product = odoo.create("product.product", {"name": "Desk", "list_price": price})
        order = odoo.create(
            "sale.order",
            {
                "partner_id": partner,
                "order_line": [(0, 0, {"product_id": product, "product_uom_qty": qty})],
            },
        )
        odoo.call("sale.order", "action_confirm", [order])
        return order

    def poll(self, order: int) -> int:
        poller = deal_poller(self.odoo, self.store)
        poller.domain.append(("id", "=", order))
        return poller.poll().enqueued

    def run(self) -> None:
        """Run the due jobs, advancing the clock past any backoff (bounded)."""
        for _ in range(6):
            report = self.worker.run_due()
            if not report.retried:
                return
            self.clock.advance(PLANS["crm_contacts"].retry.maximum)

    def deals(self, **filters: Any) -> list[dict[str, Any]]:
        return self.crm.search(
            "deals",
            filters,
            properties=["dealname", "amount", "dealstage", "odoo_sale_order_id", "description"],
        )

    def fault(self, **spec: Any) -> None:
        httpx.post(f"{self.url}/_control/faults", json=spec).raise_for_status()

    def dropped(self) -> list[str]:
        """The paths whose answer the CRM mock dropped after committing (its journal)."""
        params = {"kind": "mock.committed_then_dropped"}
        body = httpx.get(f"{self.url}/_control/journal", params=params).json()
        return [e["data"]["path"] for e in body["entries"]]

    def deal_creates(self) -> int:
        return sum(
            1
            for e in self.journal.entries(kind="exchange.request", system="crm")
            if e.data["method"] == "POST" and e.data["path"] == DEALS_PATH
        )

    def attempts(self) -> int:
        return len(
            [
                e
                for e in self.journal.entries(kind="JobStarted")
                if e.data.get("flow") == "crm_contacts"
            ]
        )


@pytest.fixture
def setup(
    adapter: OdooAdapter, crm_url: str, store: JobStore, journal: Journal, clock: Clock
) -> Iterator[Setup]:
    made = Setup(adapter, crm_url, store, journal, clock)
    yield made
    made.crm.close()


def _order_values(odoo: OdooAdapter, order: int) -> dict[str, Any]:
    [row] = odoo.read("sale.order", [order], ["name", "amount_total", "partner_id", "state"])
    return row


def test_confirmed_order_is_one_deal_after_commit_then_drop(setup: Setup) -> None:
    order = setup.order(qty=3, price=20.0)
    values = _order_values(setup.odoo, order)
    setup.fault(kind="commit_then_drop", method="POST", path=DEALS_PATH)
    assert setup.poll(order) == 1
    assert setup.poll(order) == 0  # the same change read again: no second job
    setup.run()
    [deal] = setup.deals(dealname=values["name"])
    props = deal["properties"]
    assert props["odoo_sale_order_id"] == str(order)
    assert float(props["amount"]) == pytest.approx(values["amount_total"])
    assert values["amount_total"] > 0
    assert props["dealstage"] == "closedwon"
    # the fault fired, the job ran twice, and the deal was created only once
    assert setup.dropped() == [DEALS_PATH]
    assert setup.attempts() >= 2
    retried = setup.journal.entries(kind="JobRetried")
    assert retried and retried[0].data["category"] == "connection"
    # associated with the customer's contact
    [contact] = setup.crm.search("contacts", {"odoo_partner_id": values["partner_id"][0]})
    assert setup.crm.associations("deals", deal["id"], "contacts") == [str(contact["id"])]
    assert not setup.journal.entries(kind="ContractViolated")


def test_without_create_or_find_the_retry_creates_a_second_deal(setup: Setup) -> None:
    setup.flow(create_or_find=False)
    order = setup.order()
    name = _order_values(setup.odoo, order)["name"]
    setup.fault(kind="commit_then_drop", method="POST", path=DEALS_PATH)
    setup.poll(order)
    setup.run()
    assert setup.dropped() == [DEALS_PATH]
    assert setup.deal_creates() == 2
    assert len(setup.deals(dealname=name)) == 2


def test_cancelled_order_closes_the_deal_lost_and_keeps_crm_owned_fields(
    setup: Setup,
) -> None:
    order = setup.order(company="Lopez Trading")
    values = _order_values(setup.odoo, order)
    setup.poll(order)
    setup.run()
    [deal] = setup.deals(odoo_sale_order_id=order)
    # deal -> contact and deal -> company
    partner = values["partner_id"][0]
    [row] = setup.odoo.read("res.partner", [partner], ["parent_id"])
    [company] = setup.crm.search("companies", {"odoo_partner_id": row["parent_id"][0]})
    assert setup.crm.associations("deals", deal["id"], "companies") == [str(company["id"])]
    # a sales rep writes the CRM-owned description; the order is then cancelled in Odoo
    httpx.patch(
        f"{setup.url}{DEALS_PATH}/{deal['id']}",
        headers={"Authorization": f"Bearer {TOKEN}"},
        json={"properties": {"description": "call back in May"}},
    ).raise_for_status()
    setup.odoo.call(
        "sale.order", "action_cancel", [order], context={"disable_cancel_warning": True}
    )
    assert _order_values(setup.odoo, order)["state"] == "cancel"
    # (the poller may see the cancellation in the confirmation's second: queue it directly)
    setup.store.enqueue("crm_contacts", f"deal:{order}:cancel", {"action": "deal", "id": order})
    setup.run()
    [deal] = setup.deals(odoo_sale_order_id=order)
    assert deal["properties"]["dealstage"] == "closedlost"
    assert deal["properties"]["description"] == "call back in May"
    sent = [
        e.data["body"]["properties"]
        for e in setup.journal.entries(kind="exchange.request", system="crm")
        if (e.data["method"], e.data["path"]) == ("POST", DEALS_PATH)
        or (e.data["method"] == "PATCH" and e.data["path"].startswith(DEALS_PATH))
    ]
    assert len(sent) == 2  # the create, then the cancellation's update
    assert sent[1] == {"dealstage": "closedlost"}
    assert all("description" not in p and "hubspot_owner_id" not in p for p in sent)


def test_cancelled_order_never_reflected_makes_no_deal(setup: Setup) -> None:
    order = setup.order()
    setup.odoo.call(
        "sale.order", "action_cancel", [order], context={"disable_cancel_warning": True}
    )
    setup.poll(order)
    setup.run()
    assert setup.deals(odoo_sale_order_id=order) == []
    assert setup.journal.entries(kind="DealSkipped")


@pytest.mark.parametrize(
    ("state", "stage"),
    [("sale", "closedwon"), ("done", "closedwon"), ("cancel", "closedlost")],
)
def test_stage_follows_the_order_state(state: str, stage: str) -> None:
    values = DealMapper().from_odoo(
        {"id": 7, "name": "S00007", "state": state, "amount_total": 12.5, "date_order": False}
    )
    assert values["stage"] == stage
    assert values["amount"] == "12.50"
    assert values["sale_order"] == "7"
    assert values["close_date"] is None
