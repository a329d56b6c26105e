"""Create-or-find and bindings against the sandbox: a retry after an answer lost *after*
Odoo committed creates nothing twice, and the switch that turns the look-ups off makes
the same scenario duplicate (so the test proves the look-ups matter)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from odoo_harness.clock import Clock
from odoo_harness.contracts.flows import load_flows
from odoo_harness.engine import (
    Binder,
    JobStore,
    OdooAdapter,
    RetryableError,
    Worker,
    xmlid_name,
)
from odoo_harness.journal import Journal

from .conftest import Odoo
from .orders import ORDER, OrderImporter

pytestmark = pytest.mark.wire
PLANS = load_flows(Path(__file__).resolve().parents[2] / "contracts" / "flows")


def import_with_lost_answer(
    odoo: Odoo,
    adapter: OdooAdapter,
    store: JobStore,
    journal: Journal,
    clock: Clock,
    *,
    create_or_find: bool,
) -> int:
    """Shop order 1001, whose ``sale.order.create`` commits and then loses its answer;
    the worker retries after the plan's backoff. Returns the number of orders in Odoo."""
    odoo.fault(kind="commit_then_drop", model="sale.order", method="create", times=1)
    worker = Worker(store, PLANS, journal=journal)
    worker.register("shop_orders", OrderImporter(adapter, store, create_or_find=create_or_find))
    store.enqueue("shop_orders", "shop:order:1001", ORDER)
    first = worker.run_due()
    assert first.retried == 1
    assert worker.run_due().ran == 0  # not before the backoff
    clock.advance(PLANS["shop_orders"].retry.first)
    assert worker.run_due().done == 1
    return adapter.search_count("sale.order", [("client_order_ref", "=", "1001")])


def _fault_fired(odoo: Odoo) -> bool:
    return any(
        c.get("fault", {}).get("kind") == "commit_then_drop"
        and c["outcome"] == "committed_then_dropped"
        for c in odoo.calls("sale.order", "create")
    )


def test_commit_then_drop_creates_one_order(
    odoo: Odoo, adapter: OdooAdapter, store: JobStore, journal: Journal, clock: Clock
) -> None:
    count = import_with_lost_answer(odoo, adapter, store, journal, clock, create_or_find=True)
    assert count == 1
    assert _fault_fired(odoo)
    # looked up before creating, on the first attempt and on the retry
    assert len(odoo.calls("sale.order", "search")) >= 2
    assert len(odoo.calls("sale.order", "create")) == 1
    [job] = store.jobs()
    assert job.state == "done" and job.attempts == 2
    retried = journal.entries(kind="JobRetried")
    assert retried and retried[0].data["category"] == "connection"
    # the engine's own exchange log agrees: two attempts at the order, one create
    order_calls = [
        e.data["method"]
        for e in journal.entries(kind="exchange.request")
        if e.data.get("model") == "sale.order" and e.data["method"] in ("search", "create")
    ]
    assert order_calls.count("search") >= 2 and order_calls.count("create") == 1


def test_without_create_or_find_the_same_retry_duplicates(
    odoo: Odoo, adapter: OdooAdapter, store: JobStore, journal: Journal, clock: Clock
) -> None:
    """The switch exists for this test: with the look-ups off the retry creates again."""
    count = import_with_lost_answer(odoo, adapter, store, journal, clock, create_or_find=False)
    assert _fault_fired(odoo)
    assert len(odoo.calls("sale.order", "create")) == 2
    assert count == 2


def test_bindings_are_mirrored_as_external_ids_and_recovered(
    odoo: Odoo, adapter: OdooAdapter, store: JobStore
) -> None:
    binder = Binder(adapter, store, system="shop", model="res.partner")
    partner, created = binder.create_or_find("cust-7", {"name": "Bo"}, key=[("ref", "=", "cust-7")])
    assert created and binder.to_internal("cust-7") == partner
    assert binder.to_external(partner) == "cust-7"
    name = xmlid_name("res.partner", "cust-7")
    assert adapter.external_id(f"__shop__.{name}") == ("res.partner", partner)
    # a lost local store: the binding comes back from Odoo, nothing is created again
    fresh = Binder(adapter, JobStore(clock=store.clock), system="shop", model="res.partner")
    assert fresh.to_internal("cust-7") == partner
    again, created = fresh.create_or_find("cust-7", {"name": "Bo"})
    assert (again, created) == (partner, False)
    assert adapter.search_count("res.partner", [("name", "=", "Bo")]) == 1


def test_create_or_find_many_batches_calls(
    odoo: Odoo, adapter: OdooAdapter, store: JobStore
) -> None:
    binder = Binder(adapter, store, system="shop", model="sale.order")
    existing = adapter.create("sale.order", {"partner_id": 3, "client_order_ref": "2"})
    adapter.reset_counts()
    records = {str(i): {"partner_id": 3, "client_order_ref": str(i)} for i in range(1, 51)}
    result = binder.create_or_find_many(records, key_field="client_order_ref")
    assert result["2"] == (existing, False)
    assert sum(created for _, created in result.values()) == 49
    # xmlid search, key search, one create, one mirror create; plus the found one's mirror
    assert adapter.calls_by_method["sale.order.create"] == 1
    assert adapter.calls <= 6
    again = binder.create_or_find_many(records, key_field="client_order_ref")
    assert {k: v[0] for k, v in again.items()} == {k: v[0] for k, v in result.items()}
    assert adapter.search_count("sale.order", [("client_order_ref", "!=", False)]) == 50


def test_commit_then_drop_on_a_batch_create_creates_nothing_twice(
    odoo: Odoo, make_adapter: Callable[..., OdooAdapter], store: JobStore
) -> None:
    adapter = make_adapter()
    binder = Binder(adapter, store, system="shop", model="sale.order")
    records = {str(i): {"partner_id": 3, "client_order_ref": str(i)} for i in range(1, 6)}
    odoo.fault(kind="commit_then_drop", model="sale.order", method="create")
    with pytest.raises(RetryableError) as caught:
        binder.create_or_find_many(records, key_field="client_order_ref")
    assert caught.value.category == "connection"
    binder.create_or_find_many(records, key_field="client_order_ref")
    assert adapter.search_count("sale.order", [("client_order_ref", "!=", False)]) == 5


def test_backoff_moves_with_the_clock_not_the_wall(clock: Clock, store: JobStore) -> None:
    job, _ = store.enqueue("shop_orders", "k")
    store.claim(job.id)
    store.retry_later(job.id, timedelta(seconds=30), "x", "retryable")
    assert store.due() == []
    clock.advance(timedelta(seconds=30))
    assert [j.id for j in store.due()] == [job.id]
