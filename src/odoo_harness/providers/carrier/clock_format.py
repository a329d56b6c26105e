"""Timestamps as ParcelHub writes them: ISO 8601 UTC with a ``Z``, whole seconds."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = ["iso"]
