"""The live (webhook) import path's Odoo calls: SKU -> product id cached (with expiry and
invalidation on failure), and ``run_batch(skip=...)`` leaving retried jobs to the
worker. Against the sandbox over a real socket; the jobs are what the receiver queues."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from odoo_harness.clock import Clock
from odoo_harness.contracts.flows import load_flows
from odoo_harness.engine import JobStore, Notices, OdooAdapter, Worker
from odoo_harness.engine.shop_orders import SKU_CACHE, ShopOrdersFlow, jobs_for
from odoo_harness.journal import Journal

from .conftest import Odoo

ROOT = Path(__file__).resolve().parents[2]
PLANS = load_flows(ROOT / "contracts" / "flows")


def _order(order_id: int, sku: str, email: str = "kim@example.com") -> dict[str, Any]:
    return {
        "id": order_id,
        "name": f"#{order_id}",
        "email": email,
        "customer": {"email": email, "first_name": "Kim"},
        "line_items": [{"sku": sku, "quantity": 1, "price": "5.00"}],
    }


def _queue(store: JobStore, order: dict[str, Any]) -> None:
    for spec in jobs_for(order, "orders/create"):
        store.enqueue(*spec)


def _product(adapter: OdooAdapter, sku: str) -> int:
    return adapter.create("product.product", {"name": sku, "default_code": sku, "type": "consu"})


def _worker(adapter: OdooAdapter, store: JobStore, journal: Journal) -> tuple[Worker, Any]:
    flow = ShopOrdersFlow(adapter, store, journal=journal)
    worker = Worker(store, PLANS, journal=journal, notices=Notices(adapter, store))
    worker.register("shop_orders", flow)
    return worker, flow


def test_sku_ids_are_read_once_until_they_expire(
    odoo: Odoo, adapter: OdooAdapter, store: JobStore, journal: Journal, clock: Clock
) -> None:
    _product(adapter, "MUG-1")
    worker, _ = _worker(adapter, store, journal)
    _queue(store, _order(7001, "MUG-1"))
    _queue(store, _order(7002, "MUG-1"))
    assert worker.run_due().done == 2
    assert len(odoo.calls("product.product", "search_read")) == 1
    clock.advance(SKU_CACHE + timedelta(seconds=1))
    _queue(store, _order(7003, "MUG-1"))
    assert worker.run_due().done == 1
    assert len(odoo.calls("product.product", "search_read")) == 2


def test_a_failed_import_drops_the_cache_so_the_retry_reads_ids_again(
    odoo: Odoo, adapter: OdooAdapter, store: JobStore, journal: Journal
) -> None:
    first = _product(adapter, "LAMP-9")
    worker, flow = _worker(adapter, store, journal)
    # a batch reads (and caches) LAMP-9's id; the order waits for its unknown SKU
    lines = [{"sku": "LAMP-9", "quantity": 1}, {"sku": "NOPE", "quantity": 1}]
    _queue(store, {**_order(7101, "LAMP-9"), "line_items": lines})
    assert flow.run_batch() == (0, 1)
    # the product is replaced in Odoo: the cached id is now stale
    adapter.unlink("product.product", [first])
    second = _product(adapter, "LAMP-9")
    _queue(store, _order(7102, "LAMP-9"))
    assert flow.run_batch() == (0, 1)  # the create with the stale id failed...
    worker.run_due()  # ...and the worker's run reads the ids again
    [sale] = adapter.search_read("sale.order", [("client_order_ref", "=", "7102")], ["order_line"])
    [line] = adapter.read("sale.order.line", sale["order_line"], ["product_id"])
    assert line["product_id"][0] == second


def test_run_batch_leaves_jobs_the_skip_names_to_the_worker(
    adapter: OdooAdapter, store: JobStore, journal: Journal
) -> None:
    _product(adapter, "PEN-1")
    _, flow = _worker(adapter, store, journal)
    _queue(store, _order(7201, "PEN-1"))
    _queue(store, _order(7202, "PEN-1"))
    skipped = store.get_by_key("shop:order:7202")
    assert skipped is not None
    done, left = flow.run_batch(skip=lambda job: job.id == skipped.id)
    assert (done, left) == (1, 0)
    assert store.get_by_key("shop:order:7201").state == "done"  # type: ignore[union-attr]
    assert store.get_by_key("shop:order:7202").state == "pending"  # type: ignore[union-attr]
