"""Secrets never reach the journal: passwords, API keys and tokens become ``"***"``.

``redact`` walks dicts, lists and tuples and masks the values of secret-looking keys;
``MASK`` is the replacement. ``mask_secrets`` masks known secret values inside text (logs,
reports, a child's output), as they are written and in their JSON and HTML spellings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

MASK = "***"

SECRET_KEYS = frozenset(
    {
        "password",
        "passwd",
        "new_password",
        "old_password",
        "new_passwd",
        "old_passwd",
        "api_key",
        "apikey",
        "hapikey",
        "key_secret",
        "token",
        "access_token",
        "refresh_token",
        "client_secret",
        "secret",
        "authorization",
    }
)


def is_secret_key(key: object) -> bool:
    return isinstance(key, str) and key.lower() in SECRET_KEYS


def redact(value: Any, secret_keys: frozenset[str] = SECRET_KEYS) -> Any:
    """A copy of ``value`` with the values of secret keys replaced by ``MASK``."""
    if isinstance(value, Mapping):
        return {
            k: MASK if isinstance(k, str) and k.lower() in secret_keys else redact(v, secret_keys)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(v, secret_keys) for v in value]
    return value


def mask_secrets(text: str, secrets: Iterable[str], *, min_length: int = 1) -> str:
    """``text`` with every secret of ``secrets`` at least ``min_length`` long replaced by
    ``MASK``: as written, JSON-escaped and HTML-escaped; longest first, so a secret that
    contains another is masked whole."""
    forms = {
        form
        for secret in secrets
        if secret and len(secret) >= min_length
        for form in (secret, json.dumps(secret)[1:-1], escape(secret))
    }
    for form in sorted(forms, key=len, reverse=True):
        if form in text:
            text = text.replace(form, MASK)
    return text


__all__ = ["MASK", "SECRET_KEYS", "is_secret_key", "mask_secrets", "redact"]
