"""Subscribing the engine's webhook receiver at the providers, idempotently.

``engine run`` calls these on start, once per provider whose webhook secret is set: each
first lists what the provider already has for the receiver's URL and creates only what
is missing, so restarting the engine never stacks a second subscription (which would
deliver every event twice).

- shop (``/webhooks.json``): one subscription per topic (``orders/create``,
  ``orders/cancelled``) to ``<receiver>/webhooks/shop``; signed with the app's client
  secret, so nothing secret is sent.
- carrier (``/v1/webhooks``): one subscription to ``<receiver>/webhooks/carrier`` for
  ``tracker.updated``, signed with the webhook secret sent at creation (never returned:
  a secret changed since the subscription was made needs the old one deleted by hand).
- CRM (``/webhooks/v3/{appId}/settings`` and ``/subscriptions``, developer API key): the
  app's target URL ``<receiver>/webhooks/crm`` (set only when it differs) and one
  ``propertyChange`` subscription per synced property.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .carrier_adapter import CarrierAdapter
from .crm_adapter import CrmAdapter
from .shop_adapter import ShopAdapter

SHOP_TOPICS = ("orders/create", "orders/cancelled")
CARRIER_EVENTS = ("tracker.updated",)
# (eventType, propertyName): what crm_contacts imports (CRM-owned fields) and what it
# watches to record non-owner changes as conflicts (Odoo-owned fields)
CRM_SUBSCRIPTIONS = (
    ("contact.propertyChange", "lifecyclestage"),
    ("contact.propertyChange", "hubspot_owner_id"),
    ("contact.propertyChange", "firstname"),
    ("contact.propertyChange", "lastname"),
    ("contact.propertyChange", "email"),
    ("company.propertyChange", "lifecyclestage"),
    ("company.propertyChange", "hubspot_owner_id"),
    ("company.propertyChange", "name"),
)


@dataclass(frozen=True)
class Subscription:
    """One subscription the provider has for the receiver: ``created`` now, or found."""

    provider: str
    what: str
    created: bool


def subscribe_shop(
    shop: ShopAdapter, address: str, topics: Iterable[str] = SHOP_TOPICS
) -> list[Subscription]:
    existing = {
        (str(hook.get("topic")), str(hook.get("address")))
        for hook in shop.call("GET", "/webhooks.json").get("webhooks", [])
    }
    out = []
    for topic in topics:
        created = (topic, address) not in existing
        if created:
            shop.call(
                "POST",
                "/webhooks.json",
                json={"webhook": {"topic": topic, "address": address, "format": "json"}},
            )
        out.append(Subscription("shop", topic, created))
    return out


def subscribe_carrier(
    carrier: CarrierAdapter, url: str, secret: str, events: Iterable[str] = CARRIER_EVENTS
) -> list[Subscription]:
    carrier.log.add_secret(secret)
    wanted = list(events)
    have: set[str] = set()
    for hook in carrier.call("GET", "/v1/webhooks").get("webhooks", []):
        if hook.get("url") == url and hook.get("active", True):
            have.update(str(e) for e in hook.get("events") or [])
    missing = [e for e in wanted if e not in have]
    if missing:
        carrier.subscribe(url, secret, missing)
    return [Subscription("carrier", event, event in missing) for event in wanted]


def subscribe_crm(
    crm: CrmAdapter,
    app_id: str,
    developer_key: str,
    target_url: str,
    subscriptions: Iterable[tuple[str, str]] = CRM_SUBSCRIPTIONS,
) -> list[Subscription]:
    crm.log.add_secret(developer_key)
    base = f"/webhooks/v3/{app_id}"
    key = {"hapikey": developer_key}
    settings = crm.request("GET", f"{base}/settings", params=key, ok=(404,))
    current = settings.json().get("targetUrl") if settings.status_code == 200 else None
    out = [Subscription("crm", f"target {target_url}", current != target_url)]
    if current != target_url:
        crm.call("PUT", f"{base}/settings", params=key, json={"targetUrl": target_url})
    have = {
        (str(s.get("eventType")), str(s.get("propertyName")))
        for s in crm.call("GET", f"{base}/subscriptions", params=key).get("results", [])
        if s.get("active", True)
    }
    for event_type, prop in subscriptions:
        created = (event_type, prop) not in have
        if created:
            body: dict[str, Any] = {"eventType": event_type, "propertyName": prop}
            crm.call("POST", f"{base}/subscriptions", params=key, json=body)
        out.append(Subscription("crm", f"{event_type} {prop}", created))
    return out


__all__ = [
    "CARRIER_EVENTS",
    "CRM_SUBSCRIPTIONS",
    "SHOP_TOPICS",
    "Subscription",
    "subscribe_carrier",
    "subscribe_crm",
    "subscribe_shop",
]
