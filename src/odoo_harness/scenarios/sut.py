"""The system-under-test adapter: what a scenario asks of the integration it proves.

A scenario never calls the integration's internals; it asks a ``SystemUnderTest`` to
start against the sandboxes (``Systems``: URLs and credentials), to run its due jobs, to
move its clock, to list its failed records and to retry one. ``ReferenceEngine`` is the
reference engine's implementation (``crm_contacts`` for now); a team plugs its own
integration by writing the same six methods.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import ExitStack
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import httpx

from ..contracts.flows import load_flows
from ..contracts.ownership import load_ownership
from ..engine import FailedQueue, JobStore, OdooAdapter, OdooConnection, Worker
from ..engine.crm_adapter import CrmAdapter
from ..engine.crm_contacts import CrmContactsFlow
from ..engine.partner_mapper import PartnerMapper
from ..engine.poller import WatermarkPoller
from ..engine.receiver import WebhookReceiver, crm_router
from ..errors import ConfigError
from ..serving import LoopbackServer
from .sandboxes import Systems


class SystemUnderTest(Protocol):
    def start(self, systems: Systems) -> None:
        """Connect to the sandboxes (URLs and credentials only) and subscribe to events."""

    def deliver_event(self, provider: str, event: Mapping[str, Any]) -> None:
        """Hand an event to the integration as if its provider had sent it."""

    def run_due_jobs(self) -> dict[str, int]:
        """Do whatever is due now (polls, queued jobs) until nothing more is due."""

    def advance_clock(self, delta: timedelta) -> None:
        """Time passes for the integration."""

    def failed_records(self) -> list[dict[str, Any]]:
        """What a person would see in the failed-record queue."""

    def retry(self, record_id: int) -> None:
        """A person retries one failed record."""

    def close(self) -> None: ...


def repository_root() -> Path:
    """The project holding ``contracts/`` (the working directory, or this checkout)."""
    for base in (Path.cwd(), *Path(str(resources.files("odoo_harness"))).parents):
        if (base / "contracts" / "flows").is_dir():
            return base
    raise ConfigError("no contracts/flows folder found above the working directory")


class ReferenceEngine:
    """The reference engine in this process, wired to the sandboxes by URL."""

    FLOWS = ("crm_contacts",)
    MAX_ROUNDS = 10

    def __init__(self, flow: str, root: Path | None = None) -> None:
        if flow not in self.FLOWS:
            raise ConfigError(
                f"the reference engine's scenario adapter has no flow {flow!r} yet "
                f"(available: {', '.join(self.FLOWS)})"
            )
        self.flow = flow
        self.root = root or repository_root()
        self._stack = ExitStack()

    def start(self, systems: Systems) -> None:
        contracts = self.root / "contracts"
        self.systems = systems
        self.clock = systems.clock
        journal = systems.journal
        self.store = JobStore(clock=self.clock)
        self._stack.callback(self.store.close)
        connection = OdooConnection(
            systems.odoo_url, systems.odoo_db, systems.odoo_login, password=systems.odoo_password
        )
        self.odoo = OdooAdapter(connection, journal=journal)
        self._stack.callback(self.odoo.close)
        self.crm = CrmAdapter(
            systems.crm_url,
            token=systems.crm_token,
            journal=journal,
            contract=contracts / "providers" / "crm.openapi.yaml",
        )
        self._stack.callback(self.crm.close)
        ownership = load_ownership(contracts / "ownership" / "partners.yaml")
        flow = CrmContactsFlow(self.odoo, self.crm, self.store, ownership, journal=journal)
        self.worker = Worker(self.store, load_flows(contracts / "flows"), journal=journal)
        self.worker.register(self.flow, flow)
        self.queue = FailedQueue(self.store)
        first = self.odoo.search("res.partner", [], order="id desc", limit=1)
        self.poller = WatermarkPoller(
            self.odoo,
            self.store,
            flow=self.flow,
            model="res.partner",
            domain=[("id", ">", first[0] if first else 0)],
        )
        self.receiver = WebhookReceiver(
            self.store,
            {"crm": systems.crm_client_secret},
            clock=self.clock,
            journal=journal,
            routers={"crm": crm_router},
        )
        server = self._stack.enter_context(LoopbackServer(self.receiver.app, name="receiver"))
        self._subscribe(f"{server.url}/webhooks/crm")

    def _subscribe(self, target: str) -> None:
        hooks = f"{self.systems.crm_url}/webhooks/v3/{self.systems.crm_app_id}"
        key = {"hapikey": self.systems.crm_developer_key}
        httpx.put(f"{hooks}/settings", params=key, json={"targetUrl": target}).raise_for_status()
        for prop in PartnerMapper().crm_properties("contacts"):
            if prop == "odoo_partner_id":
                continue
            httpx.post(
                f"{hooks}/subscriptions",
                params=key,
                json={"eventType": "contact.propertyChange", "propertyName": prop},
            ).raise_for_status()

    def deliver_event(self, provider: str, event: Mapping[str, Any]) -> None:
        for flow, key, payload in crm_router(event) if provider == "crm" else []:
            self.store.enqueue(flow, key, payload)

    def run_due_jobs(self) -> dict[str, int]:
        totals = {"polled": 0, "done": 0, "retried": 0, "failed": 0}
        for _ in range(self.MAX_ROUNDS):
            polled = self.poller.poll().enqueued
            report = self.worker.run_due()
            totals["polled"] += polled
            for key in ("done", "retried", "failed"):
                totals[key] += getattr(report, key)
            if not polled and not report.ran:
                break
        return totals

    def advance_clock(self, delta: timedelta) -> None:
        self.clock.advance(delta)

    def failed_records(self) -> list[dict[str, Any]]:
        return [
            {
                "id": r.job_id,
                "flow": r.flow,
                "key": r.identity_key,
                "state": r.state,
                "reason": r.reason,
                "attempts": r.attempts,
            }
            for r in self.queue.records()
        ]

    def retry(self, record_id: int) -> None:
        self.worker.retry(record_id)

    def close(self) -> None:
        self._stack.close()


def system_under_test(flow: str) -> SystemUnderTest:
    """The default system under test for ``flow``: the reference engine."""
    return ReferenceEngine(flow)


__all__ = ["ReferenceEngine", "SystemUnderTest", "repository_root", "system_under_test"]
