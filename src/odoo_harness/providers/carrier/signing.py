"""Webhook signatures as ParcelHub documents them, and their verification.

``X-ParcelHub-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>``
(Stripe's scheme: the timestamp is signed too, so a replayed body with a new time fails);
``X-Hmac-Signature: hmac-sha256-hex=<hex HMAC-SHA256(NFKD(secret), raw body)>`` (EasyPost's).
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Mapping
from datetime import datetime

SIGNATURE_HEADER = "X-ParcelHub-Signature"
EASYPOST_HEADER = "X-Hmac-Signature"
EVENT_ID_HEADER = "X-ParcelHub-Event-Id"


def _hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(body: bytes, secret: str, at: datetime, event_id: str) -> dict[str, str]:
    """The signature headers of one delivery of ``body``."""
    stamp = str(int(at.timestamp()))
    easypost = _hex(unicodedata.normalize("NFKD", secret), body)
    return {
        EVENT_ID_HEADER: event_id,
        SIGNATURE_HEADER: f"t={stamp},v1={_hex(secret, stamp.encode() + b'.' + body)}",
        EASYPOST_HEADER: f"hmac-sha256-hex={easypost}",
    }


def verify(
    body: bytes,
    headers: Mapping[str, str],
    secret: str,
    *,
    now: datetime | None = None,
    tolerance_seconds: int = 300,
) -> bool:
    """Whether ``X-ParcelHub-Signature`` signs ``body`` with ``secret`` (and, given ``now``,
    was made within ``tolerance_seconds`` of it)."""
    value = _header(headers, SIGNATURE_HEADER)
    parts = dict(p.split("=", 1) for p in value.split(",") if "=" in p)
    stamp, given = parts.get("t", ""), parts.get("v1", "")
    if not stamp.isdigit() or not given:
        return False
    if now is not None and abs(now.timestamp() - int(stamp)) > tolerance_seconds:
        return False
    return hmac.compare_digest(given, _hex(secret, stamp.encode() + b"." + body))


def verify_easypost(body: bytes, headers: Mapping[str, str], secret: str) -> bool:
    """Whether ``X-Hmac-Signature`` signs ``body`` (EasyPost's algorithm)."""
    expected = "hmac-sha256-hex=" + _hex(unicodedata.normalize("NFKD", secret), body)
    return hmac.compare_digest(_header(headers, EASYPOST_HEADER), expected)


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return ""


__all__ = [
    "EASYPOST_HEADER",
    "EVENT_ID_HEADER",
    "SIGNATURE_HEADER",
    "sign",
    "verify",
    "verify_easypost",
]
