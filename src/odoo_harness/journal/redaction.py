"""Secrets never reach the journal: passwords, API keys and tokens become ``"***"``.

``redact`` walks dicts, lists and tuples and masks the values of secret-looking keys;
``MASK`` is the replacement. Callers mask positional secrets themselves with ``MASK``.
"""

from __future__ import annotations

from collections.abc import Mapping
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


__all__ = ["MASK", "SECRET_KEYS", "is_secret_key", "redact"]
