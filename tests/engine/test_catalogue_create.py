"""The catalogue_stock flow creates in the shop what Odoo sells and the shop lacks, with
create-or-find, over real sockets: the Odoo sandbox, the shop mock and the engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from odoo_harness.clock import Clock
from odoo_harness.contracts.flows import load_flows
from odoo_harness.engine import JobStore, Notices, OdooAdapter, Worker
from odoo_harness.engine.catalogue_stock import CatalogueStockFlow, StockPoller
from odoo_harness.engine.shop_adapter import ShopAdapter
from odoo_harness.journal import Journal
from odoo_harness.providers.shop import TEST_TOKEN, ShopMock

from .conftest import Odoo

pytestmark = pytest.mark.wire
ROOT = Path(__file__).resolve().parents[2]
PLANS = load_flows(ROOT / "contracts" / "flows")
CONTRACT = ROOT / "contracts" / "providers" / "shop.openapi.yaml"
SHOP_LOCATION = 70001
SEEDED = {
    "products": [
        {
            "title": "Chair",
            "variants": [{"sku": "CHAIR-RED", "price": "49.00", "stock": {"70001": 0}}],
        }
    ]
}


class Made:
    def __init__(
        self,
        odoo: Odoo,
        adapter: OdooAdapter,
        shop: ShopMock,
        url: str,
        store: JobStore,
        journal: Journal,
        **options: Any,
    ) -> None:
        self.remote = odoo
        self.odoo = adapter
        self.mock = shop
        self.url = url
        self.store = store
        self.journal = journal
        self.shop = ShopAdapter(url, token=TEST_TOKEN, journal=journal, contract=CONTRACT)
        self.worker = Worker(store, PLANS, journal=journal, notices=Notices(adapter, store))
        self.stock = adapter.external_id("stock.stock_location_stock")[1]  # type: ignore[index]
        locations = {self.stock: SHOP_LOCATION}
        self.poller = StockPoller(adapter, store, locations)
        self.flow = CatalogueStockFlow(adapter, self.shop, store, locations, **options)
        self.worker.register("catalogue_stock", self.flow)

    def product(self, sku: str, price: float, quantity: float | None = None, **values: Any) -> int:
        product_id = self.odoo.create(
            "product.product",
            {
                "name": sku.title(),
                "default_code": sku,
                "type": "consu",
                "is_storable": True,
                "list_price": price,
                **values,
            },
        )
        if quantity is not None:
            self.odoo.call(
                "stock.quant",
                "create",
                {
                    "product_id": product_id,
                    "location_id": self.stock,
                    "inventory_quantity_auto_apply": quantity,
                },
                context={"inventory_mode": True},
            )
        return product_id

    def shop_products(self, sku: str) -> list[dict[str, Any]]:
        """The shop's products holding a variant with ``sku``."""
        return [p for p in self.shop.products() if any(v["sku"] == sku for v in p["variants"])]

    def available(self, item_id: int) -> int | None:
        levels = self.shop.inventory_levels([item_id], [SHOP_LOCATION])
        return levels[0]["available"] if levels else None


@pytest.fixture
def mock(clock: Clock) -> Iterator[tuple[ShopMock, str]]:
    shop = ShopMock(clock=clock, seed=7)
    shop.seed(SEEDED)
    with shop.server(port=0) as server:
        yield shop, server.url


def _made(
    odoo: Odoo,
    adapter: OdooAdapter,
    mock: tuple[ShopMock, str],
    store: JobStore,
    journal: Journal,
    **options: Any,
) -> Made:
    return Made(odoo, adapter, mock[0], mock[1], store, journal, **options)


def test_new_odoo_product_is_created_with_price_and_stock(
    odoo: Odoo, adapter: OdooAdapter, mock: tuple[ShopMock, str], store: JobStore, journal: Journal
) -> None:
    made = _made(odoo, adapter, mock, store, journal)
    lamp = made.product("LAMP-1", 19.5, quantity=6)
    made.product("CHAIR-RED", 49.0, quantity=2)
    made.product("SAMPLE-1", 5.0, quantity=3, sale_ok=False)  # not for sale: not sent
    made.product("FIT-1", 30.0, type="service", is_storable=False)  # a service: not sent
    assert made.poller.poll().enqueued == 1
    assert made.worker.run_due().done == 1, made.worker.queue.records("catalogue_stock")
    [product] = made.shop_products("LAMP-1")
    [variant] = product["variants"]
    assert product["title"] == "Lamp-1"
    assert variant["price"] == "19.50"
    assert variant["inventory_management"] == "shopify"
    assert made.available(variant["inventory_item_id"]) == 6
    assert len(made.shop_products("CHAIR-RED")) == 1  # the existing one, not a second
    assert made.shop_products("SAMPLE-1") == []
    assert made.shop_products("FIT-1") == []
    # only Odoo-owned fields were sent
    sent_all = [
        e.data["body"]
        for e in journal.entries(kind="exchange.request", system="shop")
        if e.data["method"] == "POST" and e.data["path"] == "/products.json"
    ]
    [sent] = sent_all
    assert set(sent["product"]) == {"title", "status", "variants"}
    assert set(sent["product"]["variants"][0]) == {"sku", "price", "inventory_management"}
    # bound both ways, mirrored as Odoo external ids
    assert made.flow.products.to_external(lamp) == str(variant["id"])
    [tmpl] = made.odoo.read("product.product", [lamp], ["product_tmpl_id"])
    assert made.flow.templates.to_external(tmpl["product_tmpl_id"][0]) == str(product["id"])
    mirrored = made.odoo.search_read(
        "ir.model.data", [("module", "=", "__shop__")], ["model", "res_id"]
    )
    assert sorted((m["model"], m["res_id"]) for m in mirrored) == [
        ("product.product", lamp),
        ("product.template", tmpl["product_tmpl_id"][0]),
    ]
    [pushed] = journal.entries(kind="StockPushed")
    assert pushed.data["created"] == 1
    # the sample, the service and Odoo's own delivery product (a service)
    assert pushed.data["not_in_shop"] == 3
    # a second poll with no change creates nothing more
    assert made.poller.poll().enqueued == 0
    assert len(made.shop_products("LAMP-1")) == 1


def test_variants_of_one_template_become_one_shop_product(
    odoo: Odoo, adapter: OdooAdapter, mock: tuple[ShopMock, str], store: JobStore, journal: Journal
) -> None:
    made = _made(odoo, adapter, mock, store, journal)
    first = made.product("DESK-S", 100.0, quantity=1)
    [tmpl] = made.odoo.read("product.product", [first], ["product_tmpl_id"])
    made.odoo.create(
        "product.product",
        {"product_tmpl_id": tmpl["product_tmpl_id"][0], "default_code": "DESK-L"},
    )
    made.poller.poll()
    assert made.worker.run_due().done == 1
    [product] = made.shop_products("DESK-S")
    assert sorted(v["sku"] for v in product["variants"]) == ["DESK-L", "DESK-S"]
    assert len({v["title"] for v in product["variants"]}) == 2


def _create_with_lost_answer(made: Made, clock: Clock) -> list[dict[str, Any]]:
    made.product("LAMP-1", 19.5, quantity=6)
    fault = {"kind": "commit_then_drop", "method": "POST", "path": "*/products.json"}
    httpx.post(f"{made.url}/_control/faults", json=fault).raise_for_status()
    made.poller.poll()
    assert made.worker.run_due().retried == 1
    clock.advance(PLANS["catalogue_stock"].retry.first)
    assert made.worker.run_due().done == 1
    return made.shop_products("LAMP-1")


def test_product_created_once_after_commit_then_drop(
    odoo: Odoo,
    adapter: OdooAdapter,
    mock: tuple[ShopMock, str],
    store: JobStore,
    journal: Journal,
    clock: Clock,
) -> None:
    made = _made(odoo, adapter, mock, store, journal)
    [product] = _create_with_lost_answer(made, clock)
    # the fault fired: the shop created the product and the answer was lost...
    [dropped] = made.mock.journal.entries(kind="mock.committed_then_dropped")
    assert dropped.data["status"] == 201
    # ...the job ran twice, and the second run found the product by its SKU
    assert [e.data["attempt"] for e in journal.entries(kind="JobStarted")] == [1, 2]
    assert journal.entries(kind="JobRetried")[0].data["category"] == "connection"
    [variant] = product["variants"]
    assert made.available(variant["inventory_item_id"]) == 6
    assert made.flow.products.to_internal(str(variant["id"])) is not None
    assert not journal.entries(kind="ContractViolated")


def test_without_create_or_find_the_product_is_duplicated(
    odoo: Odoo,
    adapter: OdooAdapter,
    mock: tuple[ShopMock, str],
    store: JobStore,
    journal: Journal,
    clock: Clock,
) -> None:
    made = _made(odoo, adapter, mock, store, journal, create_or_find=False)
    assert len(_create_with_lost_answer(made, clock)) == 2  # what the look-up prevents


def test_a_new_variant_of_a_template_in_the_shop_is_not_a_second_product(
    odoo: Odoo, adapter: OdooAdapter, mock: tuple[ShopMock, str], store: JobStore, journal: Journal
) -> None:
    made = _made(odoo, adapter, mock, store, journal)
    red = made.product("CHAIR-RED", 49.0, quantity=2)  # in the shop (seeded)
    [tmpl] = made.odoo.read("product.product", [red], ["product_tmpl_id"])
    made.odoo.create(
        "product.product",
        {"product_tmpl_id": tmpl["product_tmpl_id"][0], "default_code": "CHAIR-GREEN"},
    )
    made.poller.poll()
    assert made.worker.run_due().done == 1
    assert made.shop_products("CHAIR-GREEN") == []
    assert len(made.shop_products("CHAIR-RED")) == 1
    [pushed] = journal.entries(kind="StockPushed")
    assert pushed.data["created"] == 0


def _desk(made: Made) -> tuple[int, int]:
    """A template with two variants (no attribute values: told apart by SKU), pushed to
    the shop: (template id, shop product id)."""
    small = made.product("DESK-S", 100.0, quantity=1)
    [row] = made.odoo.read("product.product", [small], ["product_tmpl_id"])
    template = row["product_tmpl_id"][0]
    made.odoo.create("product.product", {"product_tmpl_id": template, "default_code": "DESK-L"})
    made.poller.poll()
    assert made.worker.run_due().done == 1
    [product] = made.shop_products("DESK-S")
    return template, product["id"]


def _new_variant(made: Made, template: int, sku: str, quantity: float) -> int:
    variant = made.odoo.create(
        "product.product", {"product_tmpl_id": template, "default_code": sku}
    )
    made.odoo.call(
        "stock.quant",
        "create",
        {
            "product_id": variant,
            "location_id": made.stock,
            "inventory_quantity_auto_apply": quantity,
        },
        context={"inventory_mode": True},
    )
    return variant


def _posts(journal: Journal, path: str) -> int:
    return sum(
        e.data["method"] == "POST" and e.data["path"] == path
        for e in journal.entries(kind="exchange.request", system="shop")
    )


def test_a_new_variant_of_a_bound_template_is_added_to_its_shop_product(
    odoo: Odoo, adapter: OdooAdapter, mock: tuple[ShopMock, str], store: JobStore, journal: Journal
) -> None:
    made = _made(odoo, adapter, mock, store, journal)
    template, product_id = _desk(made)
    xl = _new_variant(made, template, "DESK-XL", quantity=4)
    made.poller.poll()
    assert made.worker.run_due().done >= 1, made.worker.queue.records("catalogue_stock")
    [product] = made.shop_products("DESK-XL")
    assert product["id"] == product_id  # the same product, not a second one
    assert [v["sku"] for v in product["variants"]] == ["DESK-S", "DESK-L", "DESK-XL"]
    added = product["variants"][2]
    assert (added["title"], added["inventory_management"]) == ("DESK-XL", "shopify")
    assert made.available(added["inventory_item_id"]) == 4
    assert made.flow.products.to_external(xl) == str(added["id"])
    assert _posts(journal, "/products.json") == 1
    assert _posts(journal, f"/products/{product_id}/variants.json") == 1
    sent = [
        e.data["body"]
        for e in journal.entries(kind="exchange.request", system="shop")
        if e.data["path"] == f"/products/{product_id}/variants.json"
    ]
    assert sent == [
        {
            "variant": {
                "option1": "DESK-XL",
                "sku": "DESK-XL",
                "price": "100.00",  # the template's list price
                "inventory_management": "shopify",
            }
        }
    ]
    assert journal.entries(kind="StockPushed")[-1].data["created"] == 1
    assert not journal.entries(kind="ContractViolated")


def test_a_new_variant_is_added_once_after_commit_then_drop(
    odoo: Odoo,
    adapter: OdooAdapter,
    mock: tuple[ShopMock, str],
    store: JobStore,
    journal: Journal,
    clock: Clock,
) -> None:
    made = _made(odoo, adapter, mock, store, journal)
    template, product_id = _desk(made)
    xl = _new_variant(made, template, "DESK-XL", quantity=4)
    fault = {"kind": "commit_then_drop", "method": "POST", "path": "*/variants.json"}
    httpx.post(f"{made.url}/_control/faults", json=fault).raise_for_status()
    made.poller.poll()
    assert made.worker.run_due().retried == 1
    [dropped] = made.mock.journal.entries(kind="mock.committed_then_dropped")
    assert dropped.data["status"] == 201
    clock.advance(PLANS["catalogue_stock"].retry.first)
    assert made.worker.run_due().done == 1
    [product] = made.shop_products("DESK-XL")
    skus = [v["sku"] for v in product["variants"]]
    assert skus == ["DESK-S", "DESK-L", "DESK-XL"]  # exactly one new variant
    added = product["variants"][2]
    assert made.available(added["inventory_item_id"]) == 4
    assert made.flow.products.to_external(xl) == str(added["id"])
    assert _posts(journal, f"/products/{product_id}/variants.json") == 1


def test_a_variant_the_shop_refuses_fails_that_record_and_not_the_others(
    odoo: Odoo, adapter: OdooAdapter, mock: tuple[ShopMock, str], store: JobStore, journal: Journal
) -> None:
    made = _made(odoo, adapter, mock, store, journal)
    template, product_id = _desk(made)
    for n in range(98):  # the shop product is full: 100 variants, each titled with its SKU
        made.mock.state.create_variant(product_id, {"option1": f"FILL-{n}", "sku": f"FILL-{n}"})
    _new_variant(made, template, "DESK-XL", quantity=4)
    lamp = made.product("LAMP-1", 19.5, quantity=6)  # same batch: still created and stocked
    made.poller.poll()
    report = made.worker.run_due()
    assert report.failed == 1, made.worker.queue.records("catalogue_stock")
    [failed] = made.worker.queue.records("catalogue_stock")
    assert failed.state == "failed"
    assert "1 new variant(s) (DESK-XL)" in failed.detail
    assert "100 variants" in failed.detail
    assert made.shop_products("DESK-XL") == []
    [lamp_product] = made.shop_products("LAMP-1")
    assert made.available(lamp_product["variants"][0]["inventory_item_id"]) == 6
    assert made.flow.products.to_external(lamp) is not None
    [row] = made.odoo.read("product.product", [lamp], ["product_tmpl_id"])
    activities = made.odoo.search_read(
        "mail.activity",
        [("res_model", "=", "product.template"), ("res_id", "=", template)],
        ["summary", "note"],
    )
    assert activities, "the failure is shown on the variant's template"
    assert row["product_tmpl_id"][0] != template


def test_a_variant_a_single_variant_product_cannot_take_is_reported(
    odoo: Odoo, adapter: OdooAdapter, mock: tuple[ShopMock, str], store: JobStore, journal: Journal
) -> None:
    made = _made(odoo, adapter, mock, store, journal)
    stool = made.product("STOOL-1", 30.0, quantity=1)  # one variant: "Default Title"
    made.poller.poll()
    assert made.worker.run_due().done == 1
    [row] = made.odoo.read("product.product", [stool], ["product_tmpl_id"])
    _new_variant(made, row["product_tmpl_id"][0], "STOOL-2", quantity=2)
    made.poller.poll()
    assert made.worker.run_due().done >= 1
    assert made.shop_products("STOOL-2") == []
    assert len(made.shop_products("STOOL-1")) == 1
    pushed = journal.entries(kind="StockPushed")[-1].data
    assert pushed["created"] == 0
    assert "one variant" in pushed["reasons"]["STOOL-2"]


def test_a_template_found_by_a_sibling_sku_gets_its_new_variant_when_options_are_skus(
    odoo: Odoo, adapter: OdooAdapter, mock: tuple[ShopMock, str], store: JobStore, journal: Journal
) -> None:
    shop = mock[0]
    shop.seed(
        {
            "products": [
                {
                    "title": "Bench",
                    "variants": [
                        {"sku": "BENCH-A", "title": "BENCH-A", "stock": {"70001": 0}},
                        {"sku": "BENCH-B", "title": "BENCH-B", "stock": {"70001": 0}},
                    ],
                }
            ]
        }
    )
    product = shop.state.products[shop.state.variant_by_sku("BENCH-A")["product_id"]]
    made = _made(odoo, adapter, mock, store, journal)
    a = made.product("BENCH-A", 80.0, quantity=1)
    [row] = made.odoo.read("product.product", [a], ["product_tmpl_id"])
    template = row["product_tmpl_id"][0]
    _new_variant(made, template, "BENCH-C", quantity=3)
    made.poller.poll()
    assert made.worker.run_due().done >= 1, made.worker.queue.records("catalogue_stock")
    [bench] = made.shop_products("BENCH-C")
    assert bench["id"] == product["id"]
    assert bench["variants"][-1]["title"] == "BENCH-C"
    assert made.available(bench["variants"][-1]["inventory_item_id"]) == 3
    assert made.flow.templates.to_external(template) == str(product["id"])
    assert _posts(journal, "/products.json") == 0


def test_without_the_look_up_the_retried_variant_is_refused(
    odoo: Odoo,
    adapter: OdooAdapter,
    mock: tuple[ShopMock, str],
    store: JobStore,
    journal: Journal,
    clock: Clock,
) -> None:
    made = _made(odoo, adapter, mock, store, journal, create_or_find=False)
    template, product_id = _desk(made)
    _new_variant(made, template, "DESK-XL", quantity=4)
    fault = {"kind": "commit_then_drop", "method": "POST", "path": "*/variants.json"}
    httpx.post(f"{made.url}/_control/faults", json=fault).raise_for_status()
    made.poller.poll()
    assert made.worker.run_due().retried == 1
    clock.advance(PLANS["catalogue_stock"].retry.first)
    assert made.worker.run_due().failed == 1  # sent again blindly: the option is taken
    [failed] = made.worker.queue.records("catalogue_stock")
    assert "The variant 'DESK-XL' already exists." in failed.detail
    assert _posts(journal, f"/products/{product_id}/variants.json") == 2
