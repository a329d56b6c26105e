"""Timestamps as ParcelHub writes them: ISO 8601 UTC with a ``Z``, whole seconds."""

from __future__ import annotations

import functools
from datetime import UTC, datetime


@functools.lru_cache(maxsize=512)  # one instant is written several times per request
def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = ["iso"]
