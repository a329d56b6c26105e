"""The worker obeys the flow plan: retries with backoff, failures users see in Odoo,
manual retries that close them, credentials errors that pause the flow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from odoo_harness.clock import Clock
from odoo_harness.contracts.flows import load_flows
from odoo_harness.engine import (
    CredentialsError,
    FailedQueue,
    Job,
    JobContext,
    JobStore,
    Notices,
    OdooAdapter,
    PermanentError,
    RetryableError,
    Worker,
)
from odoo_harness.journal import Journal

from .conftest import Odoo
from .orders import ORDER, OrderImporter

PLANS = load_flows(Path(__file__).resolve().parents[2] / "contracts" / "flows")


def _worker(
    store: JobStore, journal: Journal, handler: Callable[[Job, JobContext], None]
) -> Worker:
    worker = Worker(store, PLANS, journal=journal)
    worker.register("shop_orders", handler)
    return worker


def _raising(*errors: Exception) -> Callable[[Job, JobContext], None]:
    pending = list(errors)

    def handler(job: Job, context: JobContext) -> None:
        if pending:
            raise pending.pop(0)

    return handler


# -- the plan's retry policy, without Odoo ---------------------------------------------------


def test_retryable_errors_back_off_then_succeed(
    store: JobStore, journal: Journal, clock: Clock
) -> None:
    worker = _worker(
        store,
        journal,
        _raising(
            RetryableError("t1", category="timeout"), RetryableError("t2", category="timeout")
        ),
    )
    job, _ = store.enqueue("shop_orders", "k1")
    assert worker.run_due().retried == 1
    assert store.get(job.id).next_run_at == clock.now() + timedelta(seconds=30)
    clock.advance(timedelta(seconds=30))
    assert worker.run_due().retried == 1
    assert store.get(job.id).next_run_at == clock.now() + timedelta(seconds=60)  # exponential
    clock.advance(timedelta(seconds=60))
    assert worker.run_due().done == 1
    kinds = [e.kind for e in journal.entries(system="engine")]
    assert kinds == [
        "JobStarted",
        "JobRetried",
        "JobStarted",
        "JobRetried",
        "JobStarted",
        "JobSucceeded",
    ]


def test_retry_after_wins_when_longer(store: JobStore, journal: Journal, clock: Clock) -> None:
    worker = _worker(
        store, journal, _raising(RetryableError("429", category="429", retry_after=300))
    )
    job, _ = store.enqueue("shop_orders", "k1")
    worker.run_due()
    assert store.get(job.id).next_run_at == clock.now() + timedelta(seconds=300)


def test_exhausted_retries_fail_with_the_cause(
    store: JobStore, journal: Journal, clock: Clock
) -> None:
    attempts = PLANS["shop_orders"].retry.attempts
    worker = _worker(
        store,
        journal,
        _raising(*[RetryableError("down", user_message="Odoo is down", category="5xx")] * attempts),
    )
    job, _ = store.enqueue("shop_orders", "k1")
    for _ in range(attempts):
        worker.run_due()
        clock.advance(timedelta(hours=2))
    job = store.get(job.id)
    assert job.state == "failed" and job.attempts == attempts
    assert job.user_message == f"Odoo is down (gave up after {attempts} attempts)"
    [record] = FailedQueue(store).records()
    assert (
        record.reason == job.user_message
        and "down" in record.detail
        and record.attempts == attempts
    )


def test_errors_the_plan_does_not_retry_fail_at_once(store: JobStore, journal: Journal) -> None:
    worker = Worker(store, PLANS, journal=journal)
    worker.register(
        "catalogue_stock", _raising(RetryableError("busy", category="odoo_concurrency"))
    )
    job, _ = store.enqueue("catalogue_stock", "sku:1")
    assert worker.run_due().failed == 1  # catalogue_stock retries timeout/connection/5xx/429 only
    assert "does not retry odoo_concurrency" in store.get(job.id).last_error


def test_a_crashing_handler_fails_its_job_not_the_worker(store: JobStore, journal: Journal) -> None:
    worker = _worker(store, journal, _raising(KeyError("sku")))
    store.enqueue("shop_orders", "k1")
    store.enqueue("other_flow", "k2")  # no handler registered
    report = worker.run_due()
    assert report.failed == 2
    reasons = {r.identity_key: r for r in FailedQueue(store).records()}
    assert "internal error" in reasons["k1"].reason and "KeyError" in reasons["k1"].detail
    assert "no handler" in reasons["k2"].detail


def test_credentials_pause_the_flow_and_alert(
    store: JobStore, journal: Journal, clock: Clock
) -> None:
    worker = _worker(
        store, journal, _raising(CredentialsError("401", user_message="Odoo refused the login"))
    )
    first, _ = store.enqueue("shop_orders", "k1")
    second, _ = store.enqueue("shop_orders", "k2")
    report = worker.run_due()
    assert (report.paused, report.skipped) == (1, 1)
    assert store.get(first.id).state == "paused" and store.get(second.id).state == "pending"
    assert worker.queue.paused_flows() == {"shop_orders": "Odoo refused the login"}
    [alert] = journal.entries(kind="AlertRaised")
    assert (
        alert.data["to"] == "sales team" and "engine retry --flow shop_orders" in alert.data["fix"]
    )
    # fixed credentials: retrying the flow resumes it and runs both jobs
    requeued = worker.retry_flow("shop_orders")
    assert [j.id for j in requeued] == [first.id]
    assert worker.queue.paused_flows() == {}
    assert worker.run_due().done == 2


def test_manual_retry_of_one_job(store: JobStore, journal: Journal) -> None:
    worker = _worker(store, journal, _raising(PermanentError("bad", user_message="Bad SKU")))
    job, _ = store.enqueue("shop_orders", "k1")
    worker.run_due()
    assert store.get(job.id).state == "failed"
    worker.retry(job.id)
    assert store.get(job.id).attempts == 0
    assert worker.run_due().done == 1
    assert [e.kind for e in journal.entries(kind="JobRequeued")] == ["JobRequeued"]


# -- what users see in Odoo ------------------------------------------------------------------


def _activities(adapter: OdooAdapter, model: str, res_id: int) -> list[dict]:
    return adapter.search_read(
        "mail.activity", [("res_model", "=", model), ("res_id", "=", res_id)], ["summary", "note"]
    )


def _messages(adapter: OdooAdapter, model: str, res_id: int) -> list[str]:
    rows = adapter.search_read(
        "mail.message", [("model", "=", model), ("res_id", "=", res_id)], ["body"]
    )
    return [r["body"] for r in rows]


@pytest.mark.wire
def test_permanent_failure_shows_in_odoo_and_a_manual_retry_clears_it(
    odoo: Odoo, adapter: OdooAdapter, store: JobStore, journal: Journal
) -> None:
    worker = Worker(store, PLANS, journal=journal, notices=Notices(adapter, store))
    worker.register("shop_orders", OrderImporter(adapter, store))
    odoo.fault(
        kind="error",
        model="sale.order",
        method="action_confirm",
        exception="UserError",
        message="The product Chair Red is archived.",
    )
    job, _ = store.enqueue("shop_orders", "shop:order:1001", ORDER)
    assert worker.run_due().failed == 1
    [record] = worker.queue.records()
    assert record.job_id == job.id and record.reason == "The product Chair Red is archived."
    assert "sale.order.action_confirm" in record.detail and record.attempts == 1

    order = adapter.find("sale.order", [("client_order_ref", "=", "1001")])
    assert order is not None
    text = "Order #1001 could not be imported: The product Chair Red is archived."
    [activity] = _activities(adapter, "sale.order", order)
    assert text in activity["note"]
    assert any(text in body for body in _messages(adapter, "sale.order", order))
    assert [e.data["activity_id"] for e in journal.entries(kind="NoticeRaised")] == [activity["id"]]

    worker.retry(job.id)
    assert worker.run_due().done == 1
    assert worker.queue.records() == []
    assert _activities(adapter, "sale.order", order) == []
    assert any("Resolved: #1001" in body for body in _messages(adapter, "sale.order", order))
    assert worker.notices is not None and worker.notices.open() == []
    assert adapter.search_count("sale.order", [("client_order_ref", "=", "1001")]) == 1
    assert adapter.read("sale.order", [order], ["state"])[0]["state"] == "sale"


@pytest.mark.wire
def test_failure_before_the_order_exists_shows_on_the_customer(
    odoo: Odoo, adapter: OdooAdapter, store: JobStore, journal: Journal
) -> None:
    worker = Worker(store, PLANS, journal=journal, notices=Notices(adapter, store))
    worker.register("shop_orders", OrderImporter(adapter, store))
    odoo.fault(
        kind="error",
        model="sale.order",
        method="create",
        exception="ValidationError",
        message="No pricelist",
    )
    store.enqueue("shop_orders", "shop:order:1001", ORDER)
    worker.run_due()
    partner = adapter.find("res.partner", [("email", "=", ORDER["email"])])
    [activity] = _activities(adapter, "res.partner", partner)
    assert "Order #1001 could not be imported: No pricelist" in activity["note"]


@pytest.mark.wire
def test_odoo_credentials_failure_pauses(
    odoo: Odoo, make_adapter: Callable[..., OdooAdapter], store: JobStore, journal: Journal
) -> None:
    adapter = make_adapter(password="wrong-password")
    worker = Worker(store, PLANS, journal=journal, notices=Notices(adapter, store))
    worker.register("shop_orders", OrderImporter(adapter, store))
    job, _ = store.enqueue("shop_orders", "shop:order:1001", ORDER)
    assert worker.run_due().paused == 1
    assert store.get(job.id).state == "paused"
    assert "login" in store.get(job.id).user_message
    assert [e.kind for e in journal.entries(system="engine")][-3:] == [
        "JobPaused",
        "FlowPaused",
        "AlertRaised",
    ]


@pytest.mark.wire
def test_a_notice_that_cannot_be_raised_does_not_stop_the_worker(
    odoo: Odoo, adapter: OdooAdapter, store: JobStore, journal: Journal
) -> None:
    worker = Worker(store, PLANS, journal=journal, notices=Notices(adapter, store))
    worker.register("shop_orders", OrderImporter(adapter, store))
    odoo.fault(
        kind="error",
        model="sale.order",
        method="action_confirm",
        exception="UserError",
        message="No",
    )
    odoo.fault(kind="drop", model="mail.activity", method="create")
    store.enqueue("shop_orders", "shop:order:1001", ORDER)
    assert worker.run_due().failed == 1
    assert [e.kind for e in journal.entries(system="engine")][-1] == "NoticeFailed"
    httpx.delete(f"{odoo.url}/_control/faults")
