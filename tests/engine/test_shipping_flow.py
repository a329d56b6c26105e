"""The shipping flow end to end over real sockets: the Odoo sandbox, the carrier mock
(ParcelHub) and the engine's webhook receiver, wired by URL and credentials only."""

from __future__ import annotations

import base64
import contextlib
import hashlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from odoo_harness.clock import Clock
from odoo_harness.contracts.flows import load_flows
from odoo_harness.engine import JobStore, Notices, OdooAdapter, Worker
from odoo_harness.engine.carrier_adapter import CarrierAdapter
from odoo_harness.engine.errors import PermanentError
from odoo_harness.engine.receiver import WebhookReceiver
from odoo_harness.engine.shipping import ShippingFlow, Tracking, carrier_router
from odoo_harness.journal import Journal
from odoo_harness.providers.carrier import CarrierMock
from odoo_harness.serving import LoopbackServer

pytestmark = pytest.mark.wire
ROOT = Path(__file__).resolve().parents[2]
PLANS = load_flows(ROOT / "contracts" / "flows")
CONTRACT = ROOT / "contracts" / "providers" / "carrier.openapi.yaml"
CLIENT_ID = "test_client_parcelhub"
CLIENT_SECRET = "test_cs_0a9b8c7d6e5f4a3b"
API_KEY = "test_pk_5f1c8e2a9b7d4c36"
HOOK_SECRET = "engine-carrier-hook-secret-01"
BUY = "/v1/shipments/*/buy"


class Setup:
    def __init__(
        self, odoo: OdooAdapter, carrier_url: str, store: JobStore, journal: Journal, clock: Clock
    ) -> None:
        self.odoo = odoo
        self.url = carrier_url
        self.store = store
        self.journal = journal
        self.clock = clock
        self.carrier = CarrierAdapter(
            carrier_url,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            clock=clock,
            journal=journal,
            contract=CONTRACT,
        )
        self.shipped: list[tuple[dict[str, Any], Tracking]] = []
        self.notices = Notices(odoo, store)
        self.flow = self.make_flow()
        self.since = 0

    def make_flow(self, **options: Any) -> ShippingFlow:
        self.flow = ShippingFlow(
            self.odoo,
            self.carrier,
            self.store,
            journal=self.journal,
            on_shipped=lambda picking, tracking: self.shipped.append((dict(picking), tracking)),
            **options,
        )
        self.worker = Worker(self.store, PLANS, journal=self.journal, notices=self.notices)
        self.worker.register("shipping", self.flow)
        return self.flow

    # -- Odoo data ------------------------------------------------------------------------
    def picking(self, weight: float = 2.5, qty: int = 2) -> dict[str, Any]:
        """A sale order with a carrier, confirmed: its delivery is Ready (stock reserved)."""
        odoo = self.odoo
        us = odoo.search("res.country", [("code", "=", "US")])[0]
        [company] = odoo.read("res.company", [1], ["partner_id"])
        odoo.write(
            "res.partner",
            [company["partner_id"][0]],
            {"street": "400 Depot Road", "city": "Chicago", "zip": "60607", "country_id": us},
        )
        template = odoo.create(
            "product.template",
            {"name": "Chair", "type": "consu", "is_storable": True, "weight": weight},
        )
        [row] = odoo.read("product.template", [template], ["product_variant_id"])
        product = row["product_variant_id"][0]
        stock = odoo.external_id("stock.stock_location_stock")
        assert stock is not None
        quant = odoo.call(
            "stock.quant",
            "create",
            {"product_id": product, "location_id": stock[1], "inventory_quantity": 10},
            context={"inventory_mode": True},
        )
        # returns None, which 18.0 cannot marshal: the fault comes after the commit
        with contextlib.suppress(PermanentError):
            odoo.call("stock.quant", "action_apply_inventory", [quant])
        fee = odoo.create("product.product", {"name": "Shipping", "type": "service"})
        carrier = odoo.create(
            "delivery.carrier",
            {
                "name": "ParcelPost Ground",
                "product_id": fee,
                "tracking_url": "https://track.example/<shipmenttrackingnumber>",
            },
        )
        partner = odoo.create(
            "res.partner",
            {
                "name": "Ana Lopez",
                "street": "12 Market Street",
                "city": "Springfield",
                "zip": "62701",
                "country_id": us,
                "email": "ana@example.com",
            },
        )
        order = odoo.create(
            "sale.order",
            {
                "partner_id": partner,
                "carrier_id": carrier,
                "order_line": [(0, 0, {"product_id": product, "product_uom_qty": qty})],
            },
        )
        odoo.call("sale.order", "action_confirm", [order])
        [picking] = odoo.search_read(
            "stock.picking", [("sale_id", "=", order)], ["name", "state", "carrier_id"]
        )
        assert picking["state"] == "assigned" and picking["carrier_id"]
        return picking

    def ship(self, picking: dict[str, Any]) -> int:
        job, _ = self.store.enqueue(
            "shipping", f"shipping:{picking['id']}:ship", {"action": "sync", "id": picking["id"]}
        )
        return job.id

    def notes(self, picking_id: int) -> list[str]:
        rows = self.odoo.search_read(
            "mail.message",
            [("model", "=", "stock.picking"), ("res_id", "=", picking_id)],
            ["body"],
            order="id asc",
        )
        return [str(r["body"]) for r in rows]

    def activities(self, picking_id: int) -> list[dict[str, Any]]:
        return self.odoo.search_read(
            "mail.activity",
            [("res_model", "=", "stock.picking"), ("res_id", "=", picking_id)],
            ["summary", "note"],
        )

    # -- the carrier's side -----------------------------------------------------------------
    def mock_journal(self, kind: str) -> list[dict[str, Any]]:
        answer = httpx.get(f"{self.url}/_control/journal", params={"kind": kind}).json()
        return list(answer["entries"])

    def purchased(self, reference: str) -> list[dict[str, Any]]:
        answer = httpx.get(
            f"{self.url}/v1/shipments",
            params={"reference": reference, "status": "purchased"},
            headers={"Authorization": f"Bearer {API_KEY}"},
        ).json()
        return list(answer["shipments"])


@pytest.fixture
def carrier_url(clock: Clock) -> Iterator[str]:
    with CarrierMock(clock=clock).server(port=0) as server:
        yield server.url


@pytest.fixture
def setup(
    adapter: OdooAdapter, carrier_url: str, store: JobStore, journal: Journal, clock: Clock
) -> Iterator[Setup]:
    made = Setup(adapter, carrier_url, store, journal, clock)
    yield made
    made.carrier.close()


def test_label_bought_once_after_commit_then_drop(setup: Setup, clock: Clock) -> None:
    picking = setup.picking()
    httpx.post(
        f"{setup.url}/_control/faults", json={"kind": "commit_then_drop", "path": BUY}
    ).raise_for_status()
    setup.ship(picking)
    assert setup.worker.run_due().retried == 1  # the buy's answer was lost
    clock.advance(PLANS["shipping"].retry.first)
    assert setup.worker.run_due().done == 1
    # the fault fired and the buy was attempted twice, with the same key...
    assert len(setup.mock_journal("mock.committed_then_dropped")) == 1
    buys = [r for r in setup.mock_journal("mock.request") if r["data"]["path"].endswith("/buy")]
    assert len(buys) >= 2
    keys = {r["data"]["headers"].get("idempotency-key") for r in buys}
    assert len(keys) == 1 and None not in keys
    replayed = [
        r
        for r in setup.mock_journal("mock.response")
        if r["data"]["headers"].get("Idempotent-Replayed") == "true"
    ]
    assert replayed  # ...and the carrier replayed the first purchase
    retried = setup.journal.entries(kind="JobRetried")
    assert retried and retried[0].data["category"] == "connection"
    # exactly one label exists, and it is the one on the picking
    [shipment] = setup.purchased(picking["name"])
    [row] = setup.odoo.read(
        "stock.picking", [picking["id"]], ["carrier_tracking_ref", "carrier_tracking_url"]
    )
    assert row["carrier_tracking_ref"] == shipment["tracking_number"]
    assert row["carrier_tracking_url"].endswith(shipment["tracking_number"])
    # the label file is attached to the picking, once, with the carrier's bytes
    label_url = shipment["packages"][0]["label"]["url"]
    label = httpx.get(label_url)
    [attachment] = setup.odoo.search_read(
        "ir.attachment",
        [("res_model", "=", "stock.picking"), ("res_id", "=", picking["id"])],
        ["name", "datas", "mimetype", "file_size", "checksum"],
    )
    assert attachment["name"] == f"Label-{shipment['tracking_number']}.pdf"
    assert base64.b64decode(attachment["datas"]) == label.content
    assert attachment["file_size"] == len(label.content)
    assert attachment["checksum"] == hashlib.sha1(label.content).hexdigest()
    assert attachment["mimetype"] == label.headers["content-type"].split(";")[0]
    assert any("attached" in note for note in setup.notes(picking["id"]))
    # the shop hook ran once, with the tracking
    [(shipped, tracking)] = setup.shipped
    assert shipped["name"] == picking["name"] and tracking.number == shipment["tracking_number"]
    assert (tracking.carrier, tracking.service) == ("ParcelPost", "Ground")
    assert not setup.journal.entries(kind="ContractViolated")


def test_lost_create_answer_finds_the_shipment_by_reference(setup: Setup, clock: Clock) -> None:
    picking = setup.picking()
    httpx.post(
        f"{setup.url}/_control/faults",
        json={"kind": "commit_then_drop", "method": "POST", "path": "/v1/shipments"},
    ).raise_for_status()
    setup.ship(picking)
    assert setup.worker.run_due().retried == 1
    clock.advance(PLANS["shipping"].retry.first)
    assert setup.worker.run_due().done == 1
    creates = [
        r
        for r in setup.mock_journal("mock.request")
        if r["data"]["method"] == "POST" and r["data"]["path"] == "/v1/shipments"
    ]
    assert len(creates) == 1  # the retry found it instead of creating another
    assert setup.journal.entries(kind="ShipmentFound")
    assert len(setup.purchased(picking["name"])) == 1


def test_without_protection_the_retry_buys_a_second_label(setup: Setup, clock: Clock) -> None:
    setup.make_flow(create_or_find=False, idempotency_keys=False)
    picking = setup.picking()
    httpx.post(
        f"{setup.url}/_control/faults", json={"kind": "commit_then_drop", "path": BUY}
    ).raise_for_status()
    setup.ship(picking)
    assert setup.worker.run_due().retried == 1
    clock.advance(PLANS["shipping"].retry.first)
    assert setup.worker.run_due().done == 1
    assert len(setup.purchased(picking["name"])) == 2  # the protection matters


def test_overweight_parcel_fails_with_an_activity_until_fixed(setup: Setup) -> None:
    picking = setup.picking(weight=20.0)  # 2 x 20 kg: over the carrier's 31.5 kg
    job_id = setup.ship(picking)
    assert setup.worker.run_due().failed == 1
    [activity] = setup.activities(picking["id"])
    assert "too heavy" in str(activity["note"])
    assert picking["name"] in str(activity["note"])
    assert not setup.purchased(picking["name"])
    # a warehouse user corrects the weight for shipping; a manual retry clears it all
    setup.odoo.write("stock.picking", [picking["id"]], {"shipping_weight": 30.0})
    setup.worker.retry(job_id)
    assert setup.worker.run_due().done == 1
    assert setup.activities(picking["id"]) == []
    assert len(setup.purchased(picking["name"])) == 1
    assert setup.store.get(job_id).state == "done"


def test_tracking_webhooks_update_the_picking(setup: Setup, clock: Clock, store: JobStore) -> None:
    receiver = WebhookReceiver(
        store,
        {"carrier": HOOK_SECRET},
        clock=clock,
        journal=setup.journal,
        routers={"carrier": carrier_router},
    )
    with LoopbackServer(receiver.app, name="receiver") as server:
        setup.carrier.subscribe(f"{server.url}/webhooks/carrier", HOOK_SECRET, ["tracker.updated"])
        picking = setup.picking()
        setup.ship(picking)
        assert setup.worker.run_due().done == 1
        clock.advance(timedelta(hours=7))  # picked up by the carrier
        httpx.post(f"{setup.url}/_control/webhooks/deliver").raise_for_status()
        assert receiver.accepted >= 1 and receiver.rejected == 0
        assert setup.worker.run_due().done >= 1
        assert any("in transit" in n for n in setup.notes(picking["id"]))
        clock.advance(timedelta(hours=48))
        httpx.post(f"{setup.url}/_control/webhooks/deliver").raise_for_status()
        setup.worker.run_due()
    assert any("Delivered" in n for n in setup.notes(picking["id"]))
    statuses = [e.data["status"] for e in setup.journal.entries(kind="TrackingUpdated")]
    assert statuses[-1] == "delivered"


def test_cancelled_picking_voids_its_label(setup: Setup, clock: Clock) -> None:
    picking = setup.picking()
    setup.ship(picking)
    assert setup.worker.run_due().done == 1
    [shipment] = setup.purchased(picking["name"])
    setup.odoo.call("stock.picking", "action_cancel", [picking["id"]])
    setup.store.enqueue(
        "shipping", f"shipping:{picking['id']}:cancel", {"action": "sync", "id": picking["id"]}
    )
    assert setup.worker.run_due().done == 1
    assert setup.carrier.get_shipment(shipment["id"])["status"] == "voided"
    [row] = setup.odoo.read("stock.picking", [picking["id"]], ["carrier_tracking_ref"])
    assert row["carrier_tracking_ref"] is False
    assert any("voided" in n for n in setup.notes(picking["id"]))


def test_void_refused_after_the_first_scan_shows_an_activity(setup: Setup, clock: Clock) -> None:
    picking = setup.picking()
    setup.ship(picking)
    assert setup.worker.run_due().done == 1
    clock.advance(timedelta(hours=7))  # the carrier scanned the parcel
    setup.odoo.call("stock.picking", "action_cancel", [picking["id"]])
    setup.store.enqueue(
        "shipping", f"shipping:{picking['id']}:cancel", {"action": "sync", "id": picking["id"]}
    )
    assert setup.worker.run_due().failed == 1
    [activity] = setup.activities(picking["id"])
    assert "could not be voided" in str(activity["note"])


def test_expired_token_is_refreshed_once(setup: Setup) -> None:
    setup.carrier.validate_address(
        {"street1": "12 Market Street", "city": "Springfield", "zip": "62701", "country": "US"}
    )
    assert setup.carrier.credentials is not None and setup.carrier.credentials.issued == 1
    setup.carrier.token = "phat_revoked_or_expired_token_0000"
    result = setup.carrier.validate_address(
        {"street1": "12 Market Street", "city": "Springfield", "zip": "62701", "country": "US"}
    )
    assert result["status"] in ("verified", "warning")
    assert setup.carrier.credentials.issued == 2
