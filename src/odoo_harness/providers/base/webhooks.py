"""Signed webhook delivery with retries, duplicates and auto-disable, as providers do it.

Subscriptions receive events of their topics. Each delivery is signed by the provider's
``Signer`` and POSTed to a loopback URL; a failure (non-2xx, timeout, refused) is retried
on the backoff schedule of the mock's clock, and a subscription is disabled after
``max_failures`` consecutive failed deliveries. Deliveries run on a background thread
(``start``) or on demand (``deliver_due``); a frozen clock makes retries wait until a
scenario advances time.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from ...clock import Clock
from ...journal import Journal
from .errors import ProviderError

# (raw body, secret, event) -> headers to add
Signer = Callable[[bytes, str, "Event"], dict[str, str]]
# (target URL, raw body, secret, event) -> headers: for signatures over the URI (HubSpot v3)
UrlSigner = Callable[[str, bytes, str, "Event"], dict[str, str]]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Event:
    id: str
    topic: str
    payload: Any
    created_at: datetime


@dataclass
class Subscription:
    id: str
    url: str
    topics: tuple[str, ...]
    secret: str
    active: bool = True
    consecutive_failures: int = 0

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "topics": list(self.topics),
            "active": self.active,
            "consecutive_failures": self.consecutive_failures,
        }


@dataclass
class Delivery:
    id: str
    subscription_id: str
    event: Event
    body: bytes
    due_at: datetime
    attempt: int = 1
    status: str = "pending"  # pending, delivered, failed, abandoned
    history: list[dict[str, Any]] = field(default_factory=list)

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "subscription_id": self.subscription_id,
            "event_id": self.event.id,
            "topic": self.event.topic,
            "attempt": self.attempt,
            "status": self.status,
            "due_at": self.due_at.isoformat(),
            "history": list(self.history),
        }


class WebhookDispatcher:
    def __init__(
        self,
        *,
        system: str,
        clock: Clock,
        journal: Journal,
        signer: Signer | None = None,
        url_signer: UrlSigner | None = None,
        encode: Callable[[Event], bytes] | None = None,
        delivery_headers: Callable[[Delivery], dict[str, str]] | None = None,
        backoff: tuple[float, ...] = (5, 30, 120, 600, 1800, 3600, 7200, 14400),
        max_failures: int = 8,
        timeout: float = 5.0,
    ) -> None:
        self.system = system
        self.clock = clock
        self.journal = journal
        if (signer is None) == (url_signer is None):
            raise ValueError("a WebhookDispatcher takes exactly one of signer, url_signer")
        self.signer = signer
        self.url_signer = url_signer
        self.encode = encode or (lambda event: json.dumps(event.payload).encode())
        # headers of one delivery, kept across its retries (e.g. Shopify's X-Shopify-Webhook-Id)
        self.delivery_headers = delivery_headers
        self.backoff = backoff
        self.max_failures = max_failures
        self.timeout = timeout
        self._lock = threading.RLock()
        self._subscriptions: dict[str, Subscription] = {}
        self._deliveries: list[Delivery] = []
        self._next_id = 1
        self._extra_duplicates = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- subscriptions --------------------------------------------------------------------
    def subscribe(self, url: str, topics: list[str], secret: str) -> Subscription:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname not in LOOPBACK_HOSTS:
            raise ProviderError(
                422,
                "INVALID_WEBHOOK_URL",
                "webhook URLs must be http(s) on this machine (127.0.0.1 or localhost)",
                errors=[{"field": "url", "code": "invalid", "message": "loopback only"}],
            )
        with self._lock:
            sub = Subscription(f"wh_{self._take_id():06d}", url, tuple(topics), secret)
            self._subscriptions[sub.id] = sub
        return sub

    def unsubscribe(self, sub_id: str) -> bool:
        with self._lock:
            return self._subscriptions.pop(sub_id, None) is not None

    def subscriptions(self) -> list[Subscription]:
        with self._lock:
            return list(self._subscriptions.values())

    def get(self, sub_id: str) -> Subscription | None:
        with self._lock:
            return self._subscriptions.get(sub_id)

    # -- events ---------------------------------------------------------------------------
    def duplicate_next(self, times: int) -> None:
        """The next ``times`` events are each delivered twice (same event id)."""
        with self._lock:
            self._extra_duplicates += times

    def emit(self, topic: str, payload: Any, event_id: str) -> Event:
        event = Event(event_id, topic, payload, self.clock.now())
        with self._lock:
            copies = 1
            if self._extra_duplicates:
                self._extra_duplicates -= 1
                copies = 2
            for sub in self._subscriptions.values():
                if sub.active and topic in sub.topics:
                    for _ in range(copies):
                        self._deliveries.append(
                            Delivery(
                                f"dlv_{self._take_id():06d}",
                                sub.id,
                                event,
                                self.encode(event),
                                self.clock.now(),
                            )
                        )
        self.journal.record(
            "webhook.emitted",
            self.system,
            {"topic": topic, "event_id": event_id},
            at=self.clock.now(),
        )
        return event

    def deliveries(self) -> list[Delivery]:
        with self._lock:
            return list(self._deliveries)

    # -- delivery -------------------------------------------------------------------------
    def deliver_due(self) -> int:
        """Attempt every delivery that is due now; returns how many were attempted."""
        now = self.clock.now()
        with self._lock:
            due = [d for d in self._deliveries if d.status == "pending" and d.due_at <= now]
        for delivery in due:
            self._attempt(delivery)
        return len(due)

    def _attempt(self, delivery: Delivery) -> None:
        sub = self.get(delivery.subscription_id)
        if sub is None or not sub.active:
            delivery.status = "abandoned"
            return
        headers = {"Content-Type": "application/json", **self._sign(sub, delivery)}
        if self.delivery_headers is not None:
            headers.update(self.delivery_headers(delivery))
        outcome: dict[str, Any] = {"attempt": delivery.attempt, "at": self.clock.now().isoformat()}
        try:
            response = httpx.post(
                sub.url, content=delivery.body, headers=headers, timeout=self.timeout
            )
            ok = 200 <= response.status_code < 300
            outcome["status"] = response.status_code
        except httpx.HTTPError as exc:
            ok = False
            outcome["error"] = type(exc).__name__
        delivery.history.append(outcome)
        self.journal.record(
            "webhook.delivery",
            self.system,
            {
                "delivery": delivery.id,
                "url": sub.url,
                "topic": delivery.event.topic,
                "event_id": delivery.event.id,
                **outcome,
            },
            at=self.clock.now(),
        )
        with self._lock:
            if ok:
                delivery.status = "delivered"
                sub.consecutive_failures = 0
                return
            sub.consecutive_failures += 1
            if sub.consecutive_failures >= self.max_failures:
                sub.active = False
            if delivery.attempt > len(self.backoff) or not sub.active:
                delivery.status = "failed"
                return
            delay = self.backoff[delivery.attempt - 1]
            delivery.attempt += 1
            delivery.due_at = self.clock.now() + timedelta(seconds=delay)

    def _sign(self, sub: Subscription, delivery: Delivery) -> dict[str, str]:
        if self.url_signer is not None:
            return self.url_signer(sub.url, delivery.body, sub.secret, delivery.event)
        assert self.signer is not None
        return self.signer(delivery.body, sub.secret, delivery.event)

    # -- background thread ----------------------------------------------------------------
    def start(self, interval: float = 0.05) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, args=(interval,), name=f"{self.system}-webhooks", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.timeout + 1)
            self._thread = None

    def _run(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self.deliver_due()

    def clear(self) -> None:
        with self._lock:
            self._subscriptions.clear()
            self._deliveries.clear()
            self._extra_duplicates = 0

    def _take_id(self) -> int:
        value, self._next_id = self._next_id, self._next_id + 1
        return value

    # -- persistence (``persistence.snapshot`` pickles what this returns) --------------------
    def state(self) -> dict[str, Any]:
        """The dispatcher's data: its containers copied (the delivery thread may change
        them while they are pickled), the subscriptions and deliveries themselves not."""
        with self._lock:
            return {
                "subscriptions": dict(self._subscriptions),
                "deliveries": list(self._deliveries),
                "next_id": self._next_id,
                "extra_duplicates": self._extra_duplicates,
            }

    def restore(self, state: dict[str, Any]) -> None:
        with self._lock:
            self._subscriptions = state["subscriptions"]
            self._deliveries = state["deliveries"]
            self._next_id = state["next_id"]
            self._extra_duplicates = state["extra_duplicates"]


__all__ = ["Delivery", "Event", "Signer", "Subscription", "UrlSigner", "WebhookDispatcher"]
