"""Shipping -> shop: a bought label becomes a fulfilment with tracking in the shop, over
real sockets (the Odoo sandbox, the shop mock and the carrier mock)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from odoo_harness.clock import Clock
from odoo_harness.contracts.flows import load_flows
from odoo_harness.engine import JobStore, Notices, OdooAdapter, Worker
from odoo_harness.engine.carrier_adapter import CarrierAdapter
from odoo_harness.engine.errors import PermanentError
from odoo_harness.engine.failed_queue import FailedQueue
from odoo_harness.engine.shipping import ShippingFlow
from odoo_harness.engine.shop_adapter import ShopAdapter
from odoo_harness.engine.shop_fulfilment import ShopFulfilment
from odoo_harness.engine.shop_orders import ShopOrderPoller, ShopOrdersFlow
from odoo_harness.journal import Journal
from odoo_harness.providers.carrier import CarrierMock
from odoo_harness.providers.shop import TEST_TOKEN, ShopMock

pytestmark = pytest.mark.wire
ROOT = Path(__file__).resolve().parents[2]
PLANS = load_flows(ROOT / "contracts" / "flows")
SHOP_CONTRACT = ROOT / "contracts" / "providers" / "shop.openapi.yaml"
CARRIER_CONTRACT = ROOT / "contracts" / "providers" / "carrier.openapi.yaml"
CLIENT_ID = "test_client_parcelhub"
CLIENT_SECRET = "test_cs_0a9b8c7d6e5f4a3b"
FULFILMENTS = "/admin/api/2024-07/fulfillments.json"
CATALOGUE = {
    "products": [
        {"title": "Chair", "variants": [{"sku": "CHAIR-RED", "price": "49.00", "stock": {}}]}
    ]
}
ORDER = {
    "email": "ana@example.com",
    "customer": {"email": "ana@example.com", "first_name": "Ana", "last_name": "Diaz"},
    "line_items": [{"sku": "CHAIR-RED", "quantity": 2}],
}


@pytest.fixture
def shop_url(clock: Clock) -> Iterator[str]:
    shop = ShopMock(clock=clock, seed=11)
    shop.seed(CATALOGUE)
    with shop.server(port=0) as server:
        yield server.url


@pytest.fixture
def carrier_url(clock: Clock) -> Iterator[str]:
    with CarrierMock(clock=clock).server(port=0) as server:
        yield server.url


class Setup:
    def __init__(
        self,
        odoo: OdooAdapter,
        shop_url: str,
        carrier_url: str,
        store: JobStore,
        journal: Journal,
        clock: Clock,
    ) -> None:
        self.odoo = odoo
        self.shop_url = shop_url
        self.store = store
        self.journal = journal
        self.clock = clock
        self.shop = ShopAdapter(shop_url, token=TEST_TOKEN, journal=journal, contract=SHOP_CONTRACT)
        self.carrier = CarrierAdapter(
            carrier_url,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            clock=clock,
            journal=journal,
            contract=CARRIER_CONTRACT,
        )
        self.worker = Worker(store, PLANS, journal=journal, notices=Notices(odoo, store))
        self.worker.register("shop_orders", ShopOrdersFlow(odoo, store, journal=journal))
        self.shipping = ShippingFlow(
            odoo,
            self.carrier,
            store,
            journal=journal,
            on_shipped=ShopFulfilment(odoo, self.shop, store, journal=journal),
        )
        self.worker.register("shipping", self.shipping)
        self._master_data()

    def _master_data(self) -> None:
        odoo = self.odoo
        self.us = odoo.search("res.country", [("code", "=", "US")])[0]
        [company] = odoo.read("res.company", [1], ["partner_id"])
        odoo.write(
            "res.partner",
            [company["partner_id"][0]],
            {"street": "400 Depot Road", "city": "Chicago", "zip": "60607", "country_id": self.us},
        )
        self.product = odoo.create(
            "product.product",
            {
                "name": "Chair",
                "default_code": "CHAIR-RED",
                "type": "consu",
                "is_storable": True,
                "weight": 2.5,
            },
        )
        stock = odoo.external_id("stock.stock_location_stock")
        assert stock is not None
        quant = odoo.call(
            "stock.quant",
            "create",
            {"product_id": self.product, "location_id": stock[1], "inventory_quantity": 10},
            context={"inventory_mode": True},
        )
        with contextlib.suppress(PermanentError):  # None cannot be marshalled after commit
            odoo.call("stock.quant", "action_apply_inventory", [quant])
        fee = odoo.create("product.product", {"name": "Shipping", "type": "service"})
        self.delivery = odoo.create(
            "delivery.carrier", {"name": "ParcelPost Ground", "product_id": fee}
        )

    def import_shop_order(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """A shop order imported by the shop_orders flow; its delivery made shippable
        (a carrier and a customer address, as a warehouse user would set them)."""
        httpx.post(f"{self.shop_url}/_control/seed", json={"orders": [ORDER]}).raise_for_status()
        assert ShopOrderPoller(self.shop, self.store).poll() == 1
        assert self.worker.run_due().done == 1
        [order] = list(self.shop.orders())
        [sale] = self.odoo.search_read(
            "sale.order", [("client_order_ref", "=", str(order["id"]))], ["partner_id"]
        )
        return order, self._shippable(sale)

    def odoo_only_order(self) -> dict[str, Any]:
        partner = self.odoo.create("res.partner", {"name": "Bo Walk-in"})
        sale = self.odoo.create(
            "sale.order",
            {
                "partner_id": partner,
                "order_line": [(0, 0, {"product_id": self.product, "product_uom_qty": 1})],
            },
        )
        self.odoo.call("sale.order", "action_confirm", [sale])
        [row] = self.odoo.read("sale.order", [sale], ["partner_id"])
        return self._shippable(row)

    def _shippable(self, sale: dict[str, Any]) -> dict[str, Any]:
        self.odoo.write(
            "res.partner",
            [sale["partner_id"][0]],
            {"street": "12 Market Street", "city": "Springfield", "zip": "62701"}
            | {"country_id": self.us},
        )
        [picking] = self.odoo.search_read(
            "stock.picking", [("sale_id", "=", sale["id"])], ["name", "state"]
        )
        self.odoo.write("stock.picking", [picking["id"]], {"carrier_id": self.delivery})
        assert picking["state"] == "assigned"
        return picking

    def ship(self, picking: dict[str, Any]) -> None:
        self.store.enqueue(
            "shipping", f"ship:{picking['id']}", {"action": "sync", "id": picking["id"]}
        )
        for _ in range(6):  # bounded: run, then past the backoff
            if not self.worker.run_due().retried:
                return
            self.clock.advance(PLANS["shipping"].retry.maximum)

    def fulfilments(self, order: dict[str, Any]) -> list[dict[str, Any]]:
        return self.shop.fulfillments(order["id"])

    def shop_journal(self, kind: str) -> list[dict[str, Any]]:
        answer = httpx.get(f"{self.shop_url}/_control/journal", params={"kind": kind}).json()
        return [e["data"] for e in answer["entries"]]

    def kinds(self, kind: str) -> list[dict[str, Any]]:
        return [dict(e.data) for e in self.journal.entries(kind=kind)]


@pytest.fixture
def setup(
    adapter: OdooAdapter,
    shop_url: str,
    carrier_url: str,
    store: JobStore,
    journal: Journal,
    clock: Clock,
) -> Iterator[Setup]:
    made = Setup(adapter, shop_url, carrier_url, store, journal, clock)
    yield made
    made.shop.close()
    made.carrier.close()


def test_label_becomes_one_fulfilment_after_commit_then_drop(setup: Setup) -> None:
    order, picking = setup.import_shop_order()
    httpx.post(
        f"{setup.shop_url}/_control/faults",
        json={"kind": "commit_then_drop", "method": "POST", "path": FULFILMENTS},
    ).raise_for_status()
    setup.ship(picking)
    label = setup.shipping.label_of(picking["id"])
    assert label is not None and label["tracking_number"]
    [fulfilment] = setup.fulfilments(order)
    assert fulfilment["tracking_number"] == label["tracking_number"]
    assert fulfilment["tracking_company"] == label["carrier"]
    assert fulfilment["tracking_url"] == label["tracking_url"]
    assert sum(line["quantity"] for line in fulfilment["line_items"]) == 2
    # the fault fired; the job ran twice; the label was bought once; the retry found it
    assert [d["path"] for d in setup.shop_journal("mock.committed_then_dropped")] == [FULFILMENTS]
    starts = [e for e in setup.kinds("JobStarted") if e["flow"] == "shipping"]
    assert len(starts) >= 2
    assert len(setup.kinds("LabelBought")) == 1
    assert [e["fulfillment_id"] for e in setup.kinds("FulfilmentFound")] == [fulfilment["id"]]
    assert not setup.kinds("ContractViolated")


def test_order_not_from_the_shop_is_not_fulfilled(setup: Setup) -> None:
    picking = setup.odoo_only_order()
    setup.ship(picking)
    assert setup.shipping.label_of(picking["id"])["tracking_number"]  # type: ignore[index]
    [skipped] = setup.kinds("FulfilmentSkipped")
    assert skipped["picking"] == picking["name"]
    assert not [
        e
        for e in setup.journal.entries(kind="exchange.request", system="shop")
        if "fulfill" in e.data["path"]
    ]


def test_order_fulfilled_elsewhere_is_a_failure_on_the_picking(setup: Setup) -> None:
    order, picking = setup.import_shop_order()
    [fo] = setup.shop.fulfillment_orders(order["id"])
    setup.shop.create_fulfillment(fo["id"], tracking={"number": "HAND-1", "company": "Other"})
    setup.ship(picking)
    [record] = FailedQueue(setup.store).records("shipping")
    assert "already fulfilled" in record.reason and picking["name"] in record.reason
    activities = setup.odoo.search_read(
        "mail.activity",
        [("res_model", "=", "stock.picking"), ("res_id", "=", picking["id"])],
        ["note"],
    )
    assert len(activities) == 1
    assert [f["tracking_number"] for f in setup.fulfilments(order)] == ["HAND-1"]
