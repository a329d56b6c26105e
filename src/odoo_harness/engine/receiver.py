"""The webhook receiver: one route per provider (``/webhooks/crm``, ``/webhooks/shop``,
``/webhooks/carrier``), contract ``contracts/engine/webhooks.openapi.yaml``.

A delivery is accepted only with the provider's signature over the raw body and a
timestamp inside the window (``max_age``, either way: replays and clock games are
refused): else 401. Each event is recorded by (provider, event id) with
``JobStore.record_event`` and its jobs enqueued in the same transaction, so a duplicate
delivery enqueues nothing and a crash in between loses nothing. 200 for accepted and
duplicate deliveries alike (the provider must stop retrying either way).

``routers[provider](event) -> [(flow, identity_key, payload)]`` turns an event into jobs;
``crm_router`` is the CRM's (contact/company property changes -> ``crm_contacts`` imports).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..clock import Clock
from ..journal import Journal
from .bugs import DEFECTS
from .jobs import JobStore
from .webhook_signatures import verify_carrier, verify_crm, verify_shop

SYSTEM = "engine"
PROVIDERS = ("crm", "shop", "carrier")
JobSpec = tuple[str, str, dict[str, Any]]
Router = Callable[[Mapping[str, Any]], list[JobSpec]]


def crm_router(event: Mapping[str, Any]) -> list[JobSpec]:
    kind = str(event.get("subscriptionType", ""))
    if kind in ("contact.propertyChange", "company.propertyChange"):
        return [
            (
                "crm_contacts",
                f"crm:event:{event['eventId']}",
                {"action": "import", **dict(event)},
            )
        ]
    return []


@dataclass
class WebhookReceiver:
    """The receiver's state and its Starlette ``app``; secrets per provider (a provider
    without a secret answers 404). ``public_url`` is the base URL providers sign (HubSpot
    signs the full URI); by default the request's own URL."""

    store: JobStore
    secrets: Mapping[str, str]
    clock: Clock = field(default_factory=Clock)
    journal: Journal = field(default_factory=Journal)
    routers: Mapping[str, Router] = field(default_factory=lambda: {"crm": crm_router})
    max_age: timedelta = timedelta(minutes=5)
    public_url: str | None = None
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0

    @property
    def app(self) -> Starlette:
        return Starlette(
            routes=[Route(f"/webhooks/{p}", self._handler(p), methods=["POST"]) for p in PROVIDERS]
        )

    def _handler(self, provider: str) -> Callable[[Request], Any]:
        async def handle(request: Request) -> JSONResponse:
            return self.receive(provider, request, await request.body())

        return handle

    def receive(self, provider: str, request: Request, body: bytes) -> JSONResponse:
        secret = self.secrets.get(provider)
        if not secret:
            return self._refuse(provider, 404, "this provider is not configured")
        headers = {k.lower(): v for k, v in request.headers.items()}
        if provider == "crm":
            uri = (
                self.public_url.rstrip("/") + request.url.path
                if self.public_url
                else str(request.url)
            )
            stamp = verify_crm(secret, request.method, uri, body, headers)
        elif provider == "shop":
            stamp = verify_shop(secret, body, headers)
        else:
            stamp = verify_carrier(secret, body, headers)
        if stamp is None and DEFECTS.accept_bad_signature:  # a deliberate bug (bugs.py)
            stamp = int(self.clock.now().timestamp())
        if stamp is None:
            return self._refuse(provider, 401, "bad signature")
        age = self.clock.now().timestamp() - stamp
        if abs(age) > self.max_age.total_seconds():
            return self._refuse(provider, 401, f"timestamp outside the window ({age:.0f}s)")
        try:
            events = self._events(provider, json.loads(body), headers)
        except (ValueError, KeyError, TypeError) as exc:
            return self._refuse(provider, 400, f"malformed delivery: {exc}")
        return JSONResponse(self._record(provider, events))

    def _events(
        self, provider: str, data: Any, headers: Mapping[str, str]
    ) -> list[tuple[str, dict[str, Any]]]:
        """(event id, event) pairs of one delivery."""
        if provider == "crm":
            if not isinstance(data, list):
                raise ValueError("expected a JSON array of events")
            return [(str(e["eventId"]), dict(e)) for e in data]
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        if provider == "shop":
            event = {
                "topic": headers.get("x-shopify-topic"),
                "webhook_id": headers.get("x-shopify-webhook-id"),
                "body": data,
            }
            return [(headers["x-shopify-event-id"], event)]
        event_id = headers.get("x-parcelhub-event-id") or data["id"]
        return [(str(event_id), data)]

    def _record(self, provider: str, events: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
        router = self.routers.get(provider)
        accepted, duplicates, jobs = 0, 0, 0
        for event_id, event in events:
            with self.store.transaction():
                if not self.store.record_event(provider, event_id, event):
                    duplicates += 1
                    continue
                accepted += 1
                for flow, key, payload in router(event) if router else []:
                    _, created = self.store.enqueue(flow, key, payload)
                    jobs += created
        self.accepted += accepted
        self.duplicates += duplicates
        self.journal.record(
            "WebhookReceived",
            SYSTEM,
            {"provider": provider, "accepted": accepted, "duplicates": duplicates, "jobs": jobs},
        )
        return {"accepted": accepted, "duplicates": duplicates, "jobs": jobs}

    def _refuse(self, provider: str, status: int, reason: str) -> JSONResponse:
        self.rejected += 1
        self.journal.record(
            "WebhookRejected", SYSTEM, {"provider": provider, "status": status, "reason": reason}
        )
        return JSONResponse({"error": reason}, status_code=status)


__all__ = ["PROVIDERS", "Router", "WebhookReceiver", "crm_router"]
