"""Shopify's webhook signature and headers.

``X-Shopify-Hmac-Sha256`` is ``base64(HMAC-SHA256(client_secret, raw body))``. The event
id (``X-Shopify-Event-Id``) names one event and is the same on duplicate deliveries; the
webhook id (``X-Shopify-Webhook-Id``) names one delivery and is the same on its retries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable

from ..base import Delivery, Event
from ._records import API_VERSION, stamp

_NAMESPACE = uuid.UUID("6f1d2c1e-7d0a-4e5f-9a51-53686f704d6b")


def signature(body: bytes, secret: str) -> str:
    """The value of ``X-Shopify-Hmac-Sha256`` for ``body``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify(body: bytes, secret: str, header: str) -> bool:
    """Does ``header`` sign ``body``? (What a receiver does, in constant time.)"""
    return hmac.compare_digest(signature(body, secret), header)


def encode(event: Event) -> bytes:
    return json.dumps(event.payload, separators=(",", ":")).encode()


def make_signer(shop_domain: str) -> Callable[[bytes, str, Event], dict[str, str]]:
    def sign(body: bytes, secret: str, event: Event) -> dict[str, str]:
        return {
            "X-Shopify-Hmac-Sha256": signature(body, secret),
            "X-Shopify-Topic": event.topic,
            "X-Shopify-Shop-Domain": shop_domain,
            "X-Shopify-Event-Id": event.id,
            "X-Shopify-Triggered-At": stamp(event.created_at),
            "X-Shopify-API-Version": API_VERSION,
        }

    return sign


def make_delivery_headers(shop_domain: str) -> Callable[[Delivery], dict[str, str]]:
    def headers(delivery: Delivery) -> dict[str, str]:
        webhook_id = uuid.uuid5(_NAMESPACE, f"{shop_domain}/{delivery.id}")
        return {"X-Shopify-Webhook-Id": str(webhook_id)}

    return headers


__all__ = ["encode", "make_delivery_headers", "make_signer", "signature", "verify"]
