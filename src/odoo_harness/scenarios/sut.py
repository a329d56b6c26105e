"""The system-under-test adapter: what a scenario asks of the integration it proves.

A scenario never calls the integration's internals; it asks a ``SystemUnderTest`` to
start against the sandboxes (``Systems``: URLs and credentials), to run its due jobs, to
move its clock, to list its failed records and to retry one. ``ReferenceEngine`` is the
reference engine's implementation (``crm_contacts``; ``shop_orders``, ``catalogue_stock``
and ``shipping`` through ``commerce_engine.py``); a team plugs its own
integration by writing the same six methods.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from contextlib import ExitStack
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from ..contracts.ownership import load_ownership
from ..engine import FailedQueue, JobStore, Notices, OdooAdapter, OdooConnection, Worker
from ..engine.bugs import CRASH_POINTS, SimulatedCrash, arm_crash, disarm_crashes
from ..engine.crm_adapter import CrmAdapter, OAuthRefresher
from ..engine.crm_contacts import CrmContactsFlow
from ..engine.partner_mapper import PartnerMapper
from ..engine.poller import WatermarkPoller
from ..engine.receiver import WebhookReceiver, crm_router
from ..errors import ConfigError
from ..serving import LoopbackServer
from .commerce_engine import COMMERCE_FLOWS, CommerceWiring, contract, flow_plans
from .loopback import new_client, shared_client
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

    # Optional (the steps that use them say so when a system under test lacks them):
    # ``restart()`` (``engine restarts``), ``crash_at(point, after)`` (``engine crashes
    # ...``) and ``webhook_urls`` ({provider: URL} where it receives webhooks).


def repository_root() -> Path:
    """The project holding ``contracts/`` (the working directory, or this checkout)."""
    for base in (Path.cwd(), *Path(str(resources.files("odoo_harness"))).parents):
        if (base / "contracts" / "flows").is_dir():
            return base
    raise ConfigError("no contracts/flows folder found above the working directory")


class ReferenceEngine:
    """The reference engine in this process, wired to the sandboxes by URL."""

    FLOWS = ("crm_contacts", *COMMERCE_FLOWS)
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
        self._engine = ExitStack()  # what a restart closes and opens again

    def start(self, systems: Systems) -> None:
        self.systems = systems
        self.clock = systems.clock
        disarm_crashes()
        self._stack.callback(disarm_crashes)
        folder = self._stack.enter_context(tempfile.TemporaryDirectory(prefix="odoo-harness-"))
        self.store_path = Path(folder) / "engine.sqlite"  # a file: it survives a restart
        self._first_partner: int | None = None
        self._open()
        if self.flow in COMMERCE_FLOWS:
            self._commerce.subscribe(self.webhook_urls, systems)
        else:
            self._subscribe(self.webhook_urls["crm"])

    def _open(self) -> None:
        """Wire the engine on ``store_path``: what a process start does."""
        contracts = self.root / "contracts"
        systems, journal, stack = self.systems, self.systems.journal, self._engine
        self.store = JobStore(self.store_path, clock=self.clock)
        stack.callback(self.store.close)
        connection = OdooConnection(
            systems.odoo_url, systems.odoo_db, systems.odoo_login, password=systems.odoo_password
        )
        self.odoo = OdooAdapter(
            connection, journal=journal, client=stack.enter_context(new_client())
        )
        stack.callback(self.odoo.close)
        if self.flow in COMMERCE_FLOWS:
            self._open_commerce(contracts)
            return
        refresher = None
        if systems.crm_refresh_token:  # an OAuth app: a 401 refreshes the token once
            refresher = OAuthRefresher(
                systems.crm_url,
                systems.crm_client_id,
                systems.crm_client_secret,
                systems.crm_refresh_token,
            )
        self.crm = CrmAdapter(
            systems.crm_url,
            token=systems.crm_token,
            refresher=refresher,
            journal=journal,
            contract=contract(contracts / "providers" / "crm.openapi.yaml"),
            secrets=(systems.crm_client_secret, systems.crm_refresh_token),
        )
        stack.callback(self.crm.close)
        ownership = load_ownership(contracts / "ownership" / "partners.yaml")
        flow = CrmContactsFlow(self.odoo, self.crm, self.store, ownership, journal=journal)
        self.worker = Worker(
            self.store,
            flow_plans(contracts / "flows"),
            journal=journal,
            notices=Notices(self.odoo, self.store),
        )
        self.worker.register(self.flow, flow)
        self.queue = FailedQueue(self.store)
        if self._first_partner is None:  # partners made before the scenario are not its own
            first = self.odoo.search("res.partner", [], order="id desc", limit=1)
            self._first_partner = first[0] if first else 0
        self.poller = WatermarkPoller(
            self.odoo,
            self.store,
            flow=self.flow,
            model="res.partner",
            domain=[("id", ">", self._first_partner)],
        )
        self.receiver = WebhookReceiver(
            self.store,
            {"crm": systems.crm_client_secret},
            clock=self.clock,
            journal=journal,
            routers={"crm": crm_router},
        )
        server = stack.enter_context(LoopbackServer(self.receiver.app, name="receiver"))
        self.webhook_urls = {"crm": f"{server.url}/webhooks/crm"}

    def _open_commerce(self, contracts: Path) -> None:
        """The shop's and the carrier's flows (``commerce_engine.py``)."""
        systems, journal, stack = self.systems, self.systems.journal, self._engine
        plans = flow_plans(contracts / "flows")
        self.worker = Worker(
            self.store, plans, journal=journal, notices=Notices(self.odoo, self.store)
        )
        self.queue = FailedQueue(self.store)
        self._commerce = CommerceWiring(
            self.flow,
            systems,
            odoo=self.odoo,
            store=self.store,
            worker=self.worker,
            plans=plans,
            journal=journal,
            contracts=contracts,
            stack=stack,
        )
        self.receiver = WebhookReceiver(
            self.store,
            self._commerce.secrets,
            clock=self.clock,
            journal=journal,
            routers=self._commerce.routers,
        )
        server = stack.enter_context(LoopbackServer(self.receiver.app, name="receiver"))
        stack.callback(server.request_stop)  # runs first: the receiver winds down meanwhile
        self.webhook_urls = {p: f"{server.url}/webhooks/{p}" for p in self._commerce.secrets}

    def fire_schedule(self, name: str) -> int:
        """A flow's schedule fires now (e.g. the shop orders' fallback poll); the number
        of jobs it queued."""
        if self.flow not in COMMERCE_FLOWS:
            return int(self.poller.poll().enqueued)
        return self._commerce.fire(name)

    def restart(self, *, crashed: str | None = None) -> int:
        """Close the engine and start it again on the same job store file: jobs left
        running go back to pending (``recover``); the CRM's webhooks follow the new
        receiver. The number of recovered jobs."""
        self._engine.close()
        self._engine = ExitStack()
        self._open()
        recovered = self.store.recover()
        if self.flow in COMMERCE_FLOWS:
            self._commerce.subscribe(self.webhook_urls, self.systems)
        else:
            hooks = f"{self.systems.crm_url}/webhooks/v3/{self.systems.crm_app_id}"
            shared_client().put(
                f"{hooks}/settings",
                params={"hapikey": self.systems.crm_developer_key},
                json={"targetUrl": self.webhook_urls["crm"]},
            ).raise_for_status()
        self.systems.journal.record(
            "EngineRestarted",
            "engine",
            {"recovered_jobs": recovered, "after_crash": crashed or False},
        )
        return recovered

    def crash_at(self, point: str, after: int = 0) -> None:
        """The engine process dies at ``point`` (``engine/bugs.py``'s crash points)."""
        arm_crash(point, after=after)

    def _subscribe(self, target: str) -> None:
        hooks = f"{self.systems.crm_url}/webhooks/v3/{self.systems.crm_app_id}"
        key = {"hapikey": self.systems.crm_developer_key}
        http = shared_client()
        http.put(f"{hooks}/settings", params=key, json={"targetUrl": target}).raise_for_status()
        for prop in PartnerMapper().crm_properties("contacts"):
            if prop == "odoo_partner_id":
                continue
            http.post(
                f"{hooks}/subscriptions",
                params=key,
                json={"eventType": "contact.propertyChange", "propertyName": prop},
            ).raise_for_status()

    def deliver_event(self, provider: str, event: Mapping[str, Any]) -> None:
        routers = self.receiver.routers
        for flow, key, payload in routers[provider](event) if provider in routers else []:
            self.store.enqueue(flow, key, payload)

    def run_due_jobs(self) -> dict[str, int]:
        try:
            return self._run_due_jobs()
        except SimulatedCrash as crash:  # the process died: it is started again
            self.systems.journal.record(
                "EngineCrashed",
                "engine",
                {"point": crash.point, "while": CRASH_POINTS[crash.point]},
            )
            return {"crashed": 1, "recovered_jobs": self.restart(crashed=crash.point)}

    def _run_due_jobs(self) -> dict[str, int]:
        totals = {"polled": 0, "done": 0, "retried": 0, "failed": 0}
        for _ in range(self.MAX_ROUNDS):
            polled = (
                sum(poll() for poll in self._commerce.pollers)
                if self.flow in COMMERCE_FLOWS
                else self.poller.poll().enqueued
            )
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
        self._engine.close()
        self._stack.close()


def system_under_test(flow: str) -> SystemUnderTest:
    """The default system under test for ``flow``: the reference engine."""
    return ReferenceEngine(flow)


__all__ = ["ReferenceEngine", "SystemUnderTest", "repository_root", "system_under_test"]
