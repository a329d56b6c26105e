"""The crm_contacts flow end to end over real sockets: the Odoo sandbox, the CRM mock and
the engine's webhook receiver, wired by URL and credentials only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from odoo_harness.clock import Clock
from odoo_harness.contracts.flows import load_flows
from odoo_harness.contracts.ownership import load_ownership
from odoo_harness.engine import JobStore, OdooAdapter, Worker
from odoo_harness.engine.crm_adapter import CrmAdapter
from odoo_harness.engine.crm_contacts import CrmContactsFlow
from odoo_harness.engine.poller import WatermarkPoller
from odoo_harness.engine.receiver import WebhookReceiver
from odoo_harness.journal import Journal
from odoo_harness.providers.crm import CrmMock
from odoo_harness.serving import LoopbackServer

pytestmark = pytest.mark.wire
ROOT = Path(__file__).resolve().parents[2]
PLANS = load_flows(ROOT / "contracts" / "flows")
OWNERSHIP = load_ownership(ROOT / "contracts" / "ownership" / "partners.yaml")
CONTRACT = ROOT / "contracts" / "providers" / "crm.openapi.yaml"
TOKEN = "pat-na1-crmock-production-0001"
CLIENT_SECRET = "crmock-client-secret-0001"
DEVELOPER_KEY = "crmock-developer-key-0001"


class Setup:
    def __init__(self, odoo: OdooAdapter, crm_url: str, store: JobStore, journal: Journal) -> None:
        self.odoo = odoo
        self.crm_url = crm_url
        self.store = store
        self.journal = journal
        self.crm = CrmAdapter(crm_url, token=TOKEN, journal=journal, contract=CONTRACT)
        self.flow = CrmContactsFlow(odoo, self.crm, store, OWNERSHIP, journal=journal)
        self.worker = Worker(store, PLANS, journal=journal)
        self.worker.register("crm_contacts", self.flow)
        self.partner_id = 0

    def partner(self, **values: Any) -> int:
        self.partner_id = self.odoo.create("res.partner", values)
        self.poller = WatermarkPoller(
            self.odoo,
            self.store,
            flow="crm_contacts",
            model="res.partner",
            domain=[("id", ">=", self.partner_id)],
        )
        return self.partner_id

    def contacts(self) -> list[dict[str, Any]]:
        return self.crm.search(
            "contacts",
            {"odoo_partner_id": self.partner_id},
            properties=["firstname", "lastname", "city", "lifecyclestage", "hubspot_owner_id"],
        )

    def upserts(self) -> list[dict[str, Any]]:
        return [
            dict(e.data)
            for e in self.journal.entries(kind="exchange.request", system="crm")
            if e.data["path"].endswith("/batch/upsert")
        ]


@pytest.fixture
def crm_url(clock: Clock) -> Iterator[str]:
    with CrmMock(clock=clock).server(port=0) as server:
        yield server.url


@pytest.fixture
def setup(adapter: OdooAdapter, crm_url: str, store: JobStore, journal: Journal) -> Setup:
    made = Setup(adapter, crm_url, store, journal)
    yield made
    made.crm.close()


def test_partner_upserted_once_after_commit_then_drop(setup: Setup, clock: Clock) -> None:
    setup.partner(name="Ada Lovelace", email="ada@example.com", city="London")
    httpx.post(
        f"{setup.crm_url}/_control/faults",
        json={"kind": "commit_then_drop", "path": "/crm/v3/objects/contacts/batch/upsert"},
    ).raise_for_status()
    assert setup.poller.poll().enqueued == 1
    assert setup.poller.poll().enqueued == 0  # the same change read again: no second job
    assert setup.worker.run_due().retried == 1
    clock.advance(PLANS["crm_contacts"].retry.first)
    assert setup.worker.run_due().done == 1
    [contact] = setup.contacts()
    assert contact["properties"]["firstname"] == "Ada"
    assert contact["properties"]["lastname"] == "Lovelace"
    assert len(setup.upserts()) == 2  # the call was attempted twice...
    retried = setup.journal.entries(kind="JobRetried")
    assert retried and retried[0].data["category"] == "connection"  # ...after the drop
    assert not setup.journal.entries(kind="ContractViolated")


def test_only_odoo_owned_fields_are_sent(setup: Setup, clock: Clock) -> None:
    partner = setup.partner(name="Grace Hopper", email="grace@example.com")
    setup.poller.poll()
    assert setup.worker.run_due().done == 1
    sent = setup.upserts()[0]["body"]["inputs"][0]["properties"]
    assert "lifecyclestage" not in sent and "hubspot_owner_id" not in sent
    # a CRM-owned field changed in Odoo (the salesperson / owner): nothing is sent
    clock.advance(PLANS["crm_contacts"].retry.first)
    _new_second()
    setup.odoo.write("res.partner", [partner], {"user_id": setup.odoo.uid})
    _next_second(setup, partner)
    assert setup.worker.run_due().done == 1
    assert len(setup.upserts()) == 1
    assert setup.journal.entries(kind="ExportSkipped")
    # an Odoo-owned field: sent
    _new_second()
    setup.odoo.write("res.partner", [partner], {"city": "Arlington"})
    _next_second(setup, partner)
    setup.worker.run_due()
    assert len(setup.upserts()) == 2
    assert setup.contacts()[0]["properties"]["city"] == "Arlington"


def _new_second() -> None:
    """Odoo stores write_date to the second: two changes of one record in one second
    look like one to a poller (a known limit), so the test makes them a second apart."""
    time.sleep(1.02 - time.time() % 1)


def _next_second(setup: Setup, partner: int) -> None:
    """Poll until the change is seen."""
    for _ in range(30):
        if setup.poller.poll().enqueued:
            return
        time.sleep(0.1)
    raise AssertionError(f"the change of partner {partner} was not found by the poller")


def test_crm_changes_under_ownership(setup: Setup, clock: Clock, store: JobStore) -> None:
    receiver = WebhookReceiver(store, {"crm": CLIENT_SECRET}, clock=clock, journal=setup.journal)
    with LoopbackServer(receiver.app, name="receiver") as server:
        hooks = f"{setup.crm_url}/webhooks/v3/4001"
        key = {"hapikey": DEVELOPER_KEY}
        httpx.put(
            f"{hooks}/settings", params=key, json={"targetUrl": f"{server.url}/webhooks/crm"}
        ).raise_for_status()
        for prop in ("firstname", "lifecyclestage"):
            httpx.post(
                f"{hooks}/subscriptions",
                params=key,
                json={"eventType": "contact.propertyChange", "propertyName": prop},
            ).raise_for_status()
        partner = setup.partner(name="Alan Turing", email="alan@example.com")
        setup.poller.poll()
        assert setup.worker.run_due().done == 1
        crm_id = setup.contacts()[0]["id"]
        _new_second()
        http = httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"})
        http.patch(
            f"{setup.crm_url}/crm/v3/objects/contacts/{crm_id}",
            json={"properties": {"firstname": "Alan M.", "lifecyclestage": "customer"}},
        ).raise_for_status()
        httpx.post(f"{setup.crm_url}/_control/webhooks/deliver").raise_for_status()
        assert receiver.accepted >= 2
        setup.worker.run_due()
        setup.worker.run_due()
    # the CRM-owned stage is applied to Odoo...
    [record] = setup.odoo.read("res.partner", [partner], ["name", "category_id"])
    tags = setup.odoo.read("res.partner.category", record["category_id"], ["name"])
    assert [t["name"] for t in tags] == ["CRM: customer"]
    # ...the Odoo-owned name is not: a conflict is recorded instead
    assert record["name"] == "Alan Turing"
    [conflict] = setup.journal.entries(kind="OwnershipConflict")
    assert conflict.data["field"] == "name" and conflict.data["owner"] == "odoo"
    assert conflict.data["applied"] is False
    # and the stage written in Odoo is not exported back (no write-back loop)
    before = len(setup.upserts())
    _next_second(setup, partner)  # the stage's write is seen...
    setup.worker.run_due()
    assert len(setup.upserts()) == before  # ...and not sent
