"""HubSpot webhooks: the app's settings (target URL) and subscriptions, the event payloads,
and the v3 signature.

A delivery is a POST of a JSON array of events to the app's target URL, signed with the
app's client secret: ``X-HubSpot-Signature-v3`` is the base64 HMAC-SHA256 of
``method + uri + body + timestamp`` and ``X-HubSpot-Request-Timestamp`` the timestamp in
milliseconds (receivers reject it when older than 5 minutes). Each event has an
``eventId`` receivers de-duplicate on; retries and duplicates reuse it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...clock import Clock
from ...journal import Journal
from ..base import Event, Subscription, WebhookDispatcher
from .catalog import OBJECT_TYPES, SINGULAR
from .validation import is_decimal, iso

SIGNATURE_HEADER = "X-HubSpot-Signature-v3"
TIMESTAMP_HEADER = "X-HubSpot-Request-Timestamp"
MAX_AGE_MS = 5 * 60 * 1000
EVENT_KINDS = ("creation", "deletion", "propertyChange")
EVENT_TYPES = tuple(f"{SINGULAR[t]}.{kind}" for t in OBJECT_TYPES for kind in EVENT_KINDS)


def signature_v3(secret: str, method: str, uri: str, body: bytes, timestamp: str) -> str:
    """HubSpot's v3 request signature."""
    message = method.upper().encode() + uri.encode() + body + timestamp.encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify_v3(
    secret: str, method: str, uri: str, body: bytes, headers: dict[str, str], now_ms: int
) -> bool:
    """What a receiver does: recompute the signature and refuse stale timestamps."""
    lowered = {k.lower(): v for k, v in headers.items()}
    timestamp = lowered.get(TIMESTAMP_HEADER.lower(), "")
    if not is_decimal(timestamp) or now_ms - int(timestamp) > MAX_AGE_MS:
        return False
    expected = signature_v3(secret, method, uri, body, timestamp)
    return hmac.compare_digest(expected, lowered.get(SIGNATURE_HEADER.lower(), ""))


def epoch_ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


@dataclass
class HookSubscription:
    id: int
    event_type: str
    property_name: str | None
    active: bool
    created_at: datetime
    updated_at: datetime

    @property
    def topic(self) -> str:
        return topic_of(self.event_type, self.property_name)

    def public(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": str(self.id),
            "eventType": self.event_type,
            "active": self.active,
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.updated_at),
        }
        if self.property_name is not None:
            body["propertyName"] = self.property_name
        return body


def topic_of(event_type: str, property_name: str | None) -> str:
    return f"{event_type}:{property_name}" if property_name else event_type


class HubSpotWebhooks:
    """One app's webhook settings and subscriptions, on top of the shared dispatcher."""

    def __init__(
        self,
        *,
        clock: Clock,
        journal: Journal,
        app_id: int,
        client_secret: str,
        backoff: tuple[float, ...],
        max_failures: int,
    ) -> None:
        self.clock = clock
        self.app_id = app_id
        self.client_secret = client_secret
        self.dispatcher = WebhookDispatcher(
            system="crm",
            clock=clock,
            journal=journal,
            url_signer=self._sign,
            encode=lambda event: json.dumps([event.payload]).encode(),
            backoff=backoff,
            max_failures=max_failures,
        )
        self.reset()

    def reset(self) -> None:
        self.dispatcher.clear()
        self.target_url: str | None = None
        self.max_concurrent = 10
        self.settings_at: tuple[datetime, datetime] | None = None
        self.subscriptions: dict[int, HookSubscription] = {}
        self._sub: Subscription | None = None

    # -- configuration --------------------------------------------------------------------
    def configure(self, target_url: str, max_concurrent: int) -> None:
        now = self.clock.now()
        created = self.settings_at[0] if self.settings_at else now
        self.target_url, self.max_concurrent, self.settings_at = (
            target_url,
            max_concurrent,
            (created, now),
        )
        if self._sub is None:
            self._sub = self.dispatcher.subscribe(target_url, [], self.client_secret)
        self._sub.url = target_url
        self._sync_topics()

    def settings(self) -> dict[str, Any] | None:
        if self.target_url is None or self.settings_at is None:
            return None
        return {
            "targetUrl": self.target_url,
            "throttling": {"period": "SECONDLY", "maxConcurrentRequests": self.max_concurrent},
            "createdAt": iso(self.settings_at[0]),
            "updatedAt": iso(self.settings_at[1]),
        }

    def subscribe(
        self, sub_id: int, event_type: str, property_name: str | None, active: bool
    ) -> HookSubscription:
        now = self.clock.now()
        sub = HookSubscription(sub_id, event_type, property_name, active, now, now)
        self.subscriptions[sub_id] = sub
        self._sync_topics()
        return sub

    def unsubscribe(self, sub_id: int) -> bool:
        found = self.subscriptions.pop(sub_id, None) is not None
        self._sync_topics()
        return found

    def _sync_topics(self) -> None:
        if self._sub is not None:
            self._sub.topics = tuple(s.topic for s in self.subscriptions.values() if s.active)

    # -- events ---------------------------------------------------------------------------
    def emit(
        self,
        event_id: int,
        portal_id: int,
        event_type: str,
        object_id: int,
        change: tuple[str, str] | None = None,
        flag: str | None = None,
    ) -> None:
        topic = topic_of(event_type, change[0] if change else None)
        sub = next((s for s in self.subscriptions.values() if s.active and s.topic == topic), None)
        if sub is None or self._sub is None:
            return
        payload: dict[str, Any] = {
            "eventId": event_id,
            "subscriptionId": sub.id,
            "portalId": portal_id,
            "appId": self.app_id,
            "occurredAt": epoch_ms(self.clock.now()),
            "subscriptionType": event_type,
            "attemptNumber": 0,
            "objectId": object_id,
            "changeSource": "INTEGRATION",
        }
        if change is not None:
            payload["propertyName"], payload["propertyValue"] = change
        if flag is not None:
            payload["changeFlag"] = flag
        self.dispatcher.emit(topic, payload, str(event_id))

    def _sign(self, url: str, body: bytes, secret: str, event: Event) -> dict[str, str]:
        timestamp = str(epoch_ms(self.clock.now()))
        return {
            SIGNATURE_HEADER: signature_v3(secret, "POST", url, body, timestamp),
            TIMESTAMP_HEADER: timestamp,
        }


__all__ = [
    "EVENT_TYPES",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "HookSubscription",
    "HubSpotWebhooks",
    "signature_v3",
    "verify_v3",
]
