"""The shop_orders and catalogue_stock flows end to end over real sockets: the Odoo
sandbox, the shop mock and the engine's webhook receiver, wired by URL and credentials."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from odoo_harness.clock import Clock
from odoo_harness.contracts.flows import load_flows
from odoo_harness.engine import JobStore, Notices, OdooAdapter, Worker
from odoo_harness.engine.catalogue_stock import CatalogueStockFlow, StockPoller
from odoo_harness.engine.receiver import WebhookReceiver
from odoo_harness.engine.shop_adapter import ShopAdapter
from odoo_harness.engine.shop_orders import ShopOrderPoller, ShopOrdersFlow, shop_router
from odoo_harness.journal import Journal
from odoo_harness.providers.shop import CLIENT_SECRET, TEST_TOKEN, ShopMock
from odoo_harness.serving import LoopbackServer

from .conftest import Odoo

pytestmark = pytest.mark.wire
ROOT = Path(__file__).resolve().parents[2]
PLANS = load_flows(ROOT / "contracts" / "flows")
CONTRACT = ROOT / "contracts" / "providers" / "shop.openapi.yaml"
SHOP_LOCATION = 70001
CATALOGUE = {
    "products": [
        {
            "title": "Chair",
            "variants": [
                {"sku": "CHAIR-RED", "price": "49.00", "stock": {"70001": 3}},
                {"sku": "CHAIR-BLUE", "price": "49.00", "stock": {"70001": 3}},
            ],
        }
    ]
}


@pytest.fixture
def shop_url(clock: Clock) -> Iterator[str]:
    shop = ShopMock(clock=clock, seed=7)
    shop.seed(CATALOGUE)
    with shop.server(port=0) as server:
        yield server.url


class Setup:
    def __init__(
        self,
        odoo: Odoo,
        adapter: OdooAdapter,
        shop_url: str,
        store: JobStore,
        journal: Journal,
        *,
        create_or_find: bool = True,
    ) -> None:
        self.remote = odoo
        self.odoo = adapter
        self.shop_url = shop_url
        self.store = store
        self.journal = journal
        self.shop = ShopAdapter(shop_url, token=TEST_TOKEN, journal=journal, contract=CONTRACT)
        self.orders = ShopOrdersFlow(adapter, store, journal=journal, create_or_find=create_or_find)
        self.worker = Worker(store, PLANS, journal=journal, notices=Notices(adapter, store))
        self.worker.register("shop_orders", self.orders)
        self.stock_location = adapter.external_id("stock.stock_location_stock")[1]  # type: ignore[index]

    def product(self, sku: str, price: float = 49.0, quantity: float | None = None) -> int:
        product_id = self.odoo.create(
            "product.product",
            {
                "name": sku.title(),
                "default_code": sku,
                "type": "consu",
                "is_storable": True,
                "list_price": price,
            },
        )
        if quantity is not None:
            self.set_stock(product_id, quantity)
        return product_id

    def set_stock(self, product_id: int, quantity: float) -> None:
        self.odoo.call(
            "stock.quant",
            "create",
            {
                "product_id": product_id,
                "location_id": self.stock_location,
                "inventory_quantity_auto_apply": quantity,
            },
            context={"inventory_mode": True},
        )

    def seed_orders(self, orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
        httpx.post(f"{self.shop_url}/_control/seed", json={"orders": orders}).raise_for_status()
        return list(self.shop.orders())

    def sale_orders(self, ref: str) -> list[dict[str, Any]]:
        return self.odoo.search_read(
            "sale.order",
            [("client_order_ref", "=", ref)],
            ["state", "partner_id", "order_line", "picking_ids"],
        )


ORDER = {
    "email": "ana@example.com",
    "customer": {"email": "ana@example.com", "first_name": "Ana", "last_name": "Diaz"},
    "line_items": [{"sku": "CHAIR-RED", "quantity": 2}],
}


@pytest.fixture
def setup(
    odoo: Odoo, adapter: OdooAdapter, shop_url: str, store: JobStore, journal: Journal
) -> Iterator[Setup]:
    made = Setup(odoo, adapter, shop_url, store, journal)
    yield made
    made.shop.close()


def _import_with_lost_answer(made: Setup, clock: Clock) -> list[dict[str, Any]]:
    made.product("CHAIR-RED")
    [order] = made.seed_orders([ORDER])
    made.remote.fault(kind="commit_then_drop", model="sale.order", method="create", times=1)
    assert ShopOrderPoller(made.shop, made.store).poll() == 1
    assert made.worker.run_due().retried == 1
    clock.advance(PLANS["shop_orders"].retry.first)
    assert made.worker.run_due().done == 1
    return made.sale_orders(str(order["id"]))


def test_order_imported_once_after_commit_then_drop(setup: Setup, clock: Clock) -> None:
    [sale] = _import_with_lost_answer(setup, clock)
    assert sale["state"] == "sale" and sale["picking_ids"]
    assert len(sale["order_line"]) == 1
    [partner] = setup.odoo.read("res.partner", [sale["partner_id"][0]], ["name", "email"])
    assert partner == {"id": partner["id"], "name": "Ana Diaz", "email": "ana@example.com"}
    # the fault fired on the create (committed in Odoo, answer lost)...
    [create] = setup.remote.calls("sale.order", "create")
    assert create["outcome"] == "committed_then_dropped"
    # ...and the import was attempted twice: the second found the order by its key
    assert [e.data["attempt"] for e in setup.journal.entries(kind="JobStarted")] == [1, 2]
    lookups = [c for c in setup.remote.calls("sale.order") if "client_order_ref" in str(c)]
    assert len(lookups) >= 2
    assert setup.journal.entries(kind="JobRetried")[0].data["category"] == "connection"
    assert not setup.journal.entries(kind="ContractViolated")


def test_without_create_or_find_the_order_is_duplicated(
    odoo: Odoo,
    adapter: OdooAdapter,
    shop_url: str,
    store: JobStore,
    journal: Journal,
    clock: Clock,
) -> None:
    made = Setup(odoo, adapter, shop_url, store, journal, create_or_find=False)
    assert len(_import_with_lost_answer(made, clock)) == 2  # what the look-ups prevent
    made.shop.close()


def test_webhook_and_poll_import_once_and_cancel(setup: Setup, clock: Clock) -> None:
    setup.product("CHAIR-RED")
    receiver = WebhookReceiver(
        setup.store,
        {"shop": CLIENT_SECRET},
        clock=clock,
        journal=setup.journal,
        routers={"shop": shop_router},
    )
    with LoopbackServer(receiver.app, name="receiver") as server:
        for topic in ("orders/create", "orders/cancelled"):
            setup.shop.call(
                "POST",
                "/webhooks.json",
                json={"webhook": {"topic": topic, "address": f"{server.url}/webhooks/shop"}},
            )
        checkout = httpx.post(f"{setup.shop_url}/_control/shop/checkout", json=ORDER)
        checkout.raise_for_status()
        httpx.post(f"{setup.shop_url}/_control/webhooks/deliver").raise_for_status()
        assert receiver.accepted == 1
        assert ShopOrderPoller(setup.shop, setup.store).poll() == 0  # same key as the webhook
        assert setup.worker.run_due().done == 1
        [order] = list(setup.shop.orders())
        [sale] = setup.sale_orders(str(order["id"]))
        assert sale["state"] == "sale"
        setup.shop.cancel_order(order["id"], reason="customer")
        httpx.post(f"{setup.shop_url}/_control/webhooks/deliver").raise_for_status()
        assert setup.worker.run_due().done == 1
    [sale] = setup.sale_orders(str(order["id"]))
    assert sale["state"] == "cancel"
    assert setup.journal.entries(kind="OrderCancelled")


def test_unknown_sku_fails_with_activity_and_retry_clears_it(setup: Setup) -> None:
    [order] = setup.seed_orders([{**ORDER, "line_items": [{"sku": "CHAIR-BLUE", "quantity": 1}]}])
    ShopOrderPoller(setup.shop, setup.store).poll()
    assert setup.worker.run_due().failed == 1
    [failed] = setup.worker.queue.records("shop_orders")
    assert failed.reason.startswith(f"Unknown SKU CHAIR-BLUE in order {order['name']}")
    [raised] = setup.journal.entries(kind="NoticeRaised")
    assert raised.data["model"] == "res.partner"
    assert "could not be imported: Unknown SKU CHAIR-BLUE" in raised.data["text"]
    activity = raised.data["activity_id"]
    assert setup.odoo.search_count("mail.activity", [("id", "=", activity)]) == 1
    setup.product("CHAIR-BLUE")
    setup.worker.retry(failed.job_id)
    assert setup.worker.run_due().done == 1
    assert not setup.worker.queue.records("shop_orders")
    assert setup.journal.entries(kind="NoticeResolved")
    assert setup.odoo.search_count("mail.activity", [("id", "=", activity)]) == 0  # done
    [sale] = setup.sale_orders(str(order["id"]))
    assert sale["state"] == "sale"


def test_batch_import_in_few_calls(setup: Setup) -> None:
    setup.product("CHAIR-RED")
    setup.product("CHAIR-BLUE")
    orders = [
        {
            "email": f"c{i % 7}@example.com",
            "line_items": [
                {"sku": "CHAIR-RED", "quantity": 1},
                {"sku": "CHAIR-BLUE", "quantity": 1 + i % 3},
            ],
        }
        for i in range(40)
    ]
    stool = {"title": "Stool", "variants": [{"sku": "STOOL-1", "price": "20.00"}]}
    httpx.post(f"{setup.shop_url}/_control/seed", json={"products": [stool]}).raise_for_status()
    orders.append({**ORDER, "line_items": [{"sku": "STOOL-1", "quantity": 1}]})
    setup.seed_orders(orders)
    assert ShopOrderPoller(setup.shop, setup.store).poll() == 41
    setup.odoo.reset_counts()
    assert setup.orders.run_batch() == (40, 1)
    assert setup.orders.run_batch() == (0, 0)  # the unknown SKU is left to the worker
    assert setup.odoo.calls <= 12
    assert setup.odoo.search_count("sale.order", [("state", "=", "sale")]) >= 40
    assert setup.odoo.search_count("res.partner", [("email", "like", "@example.com")]) == 8
    assert setup.worker.run_due().failed == 1  # the unknown SKU, with its notice


def test_stock_pushed_with_set_and_nothing_when_unchanged(setup: Setup, clock: Clock) -> None:
    red = setup.product("CHAIR-RED", quantity=7)
    setup.product("CHAIR-BLUE", price=55.0, quantity=0)
    setup.product("NOT-IN-SHOP", quantity=4)
    locations = {setup.stock_location: SHOP_LOCATION}
    poller = StockPoller(setup.odoo, setup.store, locations)
    flow = CatalogueStockFlow(setup.odoo, setup.shop, setup.store, locations)
    setup.worker.register("catalogue_stock", flow)
    assert poller.poll().enqueued == 1
    assert setup.worker.run_due().done == 1
    sets = _shop_requests(setup, "/inventory_levels/set.json")
    # NOT-IN-SHOP is created in the shop (test_catalogue_create.py) and stocked too
    assert sorted(r["body"]["available"] for r in sets) == [0, 4, 7]
    assert not _shop_requests(setup, "/inventory_levels/adjust.json")
    levels = {
        lvl["inventory_item_id"]: lvl["available"]
        for lvl in setup.shop.inventory_levels(location_ids=[SHOP_LOCATION])
    }
    assert sorted(levels.values()) == [0, 4, 7]
    [blue] = [v for v in setup.shop.variants() if v["sku"] == "CHAIR-BLUE"]
    assert blue["price"] == "55.00"
    # a second run with no change sends nothing
    before = setup.shop.calls
    assert poller.poll().enqueued == 0
    assert setup.worker.run_due().ran == 0
    assert setup.shop.calls == before
    # a stock change is pushed again, absolute (a second later: Odoo's write_date is
    # stored to the second, the poller's known limit)
    time.sleep(1.02 - time.time() % 1)
    setup.set_stock(red, 5)
    clock.advance(PLANS["catalogue_stock"].retry.first)
    assert poller.poll().enqueued == 1
    assert setup.worker.run_due().done == 1
    sets = _shop_requests(setup, "/inventory_levels/set.json")
    assert len(sets) == 4 and sets[-1]["body"]["available"] == 5
    assert not setup.journal.entries(kind="ContractViolated")


def _shop_requests(setup: Setup, path: str) -> list[dict[str, Any]]:
    return [
        dict(e.data)
        for e in setup.journal.entries(kind="exchange.request", system="shop")
        if e.data["path"] == path
    ]


def test_crash_between_change_and_job_loses_nothing(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup.product("CHAIR-RED", quantity=2)
    poller = StockPoller(setup.odoo, setup.store, {setup.stock_location: SHOP_LOCATION})

    def crash(name: str, value: str) -> None:
        raise RuntimeError("the engine died here")

    with monkeypatch.context() as patched:
        patched.setattr(setup.store, "set_watermark", crash)
        with pytest.raises(RuntimeError):
            poller.poll()
    assert not setup.store.jobs(flow="catalogue_stock")  # the jobs rolled back with it...
    assert poller.poll().enqueued == 1  # ...and the next poll finds the change again
