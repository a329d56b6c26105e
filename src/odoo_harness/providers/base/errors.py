"""``ProviderError``: a documented provider failure, rendered in that provider's envelope."""

from __future__ import annotations

from typing import Any


class ProviderError(Exception):
    """An answer other than success: status, the provider's error code, a message, and
    optional field errors / headers. Each mock renders it in its own envelope."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []
        self.headers = headers or {}
        self.extra = extra or {}


__all__ = ["ProviderError"]
