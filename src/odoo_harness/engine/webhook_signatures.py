"""Webhook signatures of each provider, as a receiver checks them (no I/O, no clock).

- CRM (HubSpot v3): ``X-HubSpot-Signature-v3 = base64(HMAC-SHA256(client_secret,
  "POST" + uri + body + timestamp))``, ``X-HubSpot-Request-Timestamp`` in milliseconds.
- Shop (Shopify): ``X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(client_secret, body))``;
  the delivery time is ``X-Shopify-Triggered-At`` (ISO 8601).
- Carrier (ParcelHub): ``X-ParcelHub-Signature: t=<unix seconds>,v1=<hex
  HMAC-SHA256(secret, "<t>." + body)>``.

Each ``verify_*`` returns the delivery's timestamp (epoch seconds) when the signature is
right, None when it is not; the receiver checks the timestamp window.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import datetime

CRM_SIGNATURE = "x-hubspot-signature-v3"
CRM_TIMESTAMP = "x-hubspot-request-timestamp"
SHOP_SIGNATURE = "x-shopify-hmac-sha256"
SHOP_TRIGGERED_AT = "x-shopify-triggered-at"
CARRIER_SIGNATURE = "x-parcelhub-signature"
_CARRIER = re.compile(r"^t=(\d+),v1=([0-9a-f]{64})$")


def _mac(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def crm_signature(secret: str, method: str, uri: str, body: bytes, timestamp_ms: str) -> str:
    message = method.upper().encode() + uri.encode() + body + timestamp_ms.encode()
    return base64.b64encode(_mac(secret, message)).decode()


def shop_signature(secret: str, body: bytes) -> str:
    return base64.b64encode(_mac(secret, body)).decode()


def carrier_signature(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={_mac(secret, f'{timestamp}.'.encode() + body).hex()}"


def verify_crm(
    secret: str, method: str, uri: str, body: bytes, headers: Mapping[str, str]
) -> float | None:
    timestamp = headers.get(CRM_TIMESTAMP, "")
    if not timestamp.isdigit():
        return None
    expected = crm_signature(secret, method, uri, body, timestamp)
    if not hmac.compare_digest(expected, headers.get(CRM_SIGNATURE, "")):
        return None
    return int(timestamp) / 1000


def verify_shop(secret: str, body: bytes, headers: Mapping[str, str]) -> float | None:
    if not hmac.compare_digest(shop_signature(secret, body), headers.get(SHOP_SIGNATURE, "")):
        return None
    try:
        return datetime.fromisoformat(headers.get(SHOP_TRIGGERED_AT, "")).timestamp()
    except ValueError:
        return None


def verify_carrier(secret: str, body: bytes, headers: Mapping[str, str]) -> float | None:
    match = _CARRIER.match(headers.get(CARRIER_SIGNATURE, ""))
    if not match:
        return None
    timestamp = int(match.group(1))
    if not hmac.compare_digest(carrier_signature(secret, timestamp, body), match.group(0)):
        return None
    return float(timestamp)


__all__ = [
    "carrier_signature",
    "crm_signature",
    "shop_signature",
    "verify_carrier",
    "verify_crm",
    "verify_shop",
]
