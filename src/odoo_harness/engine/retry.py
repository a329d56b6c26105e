"""Retry policies: how many attempts, how long to wait, which errors are worth retrying."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from .bugs import DEFECTS
from .errors import RetryableError


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    backoff: str = "exponential"  # or "fixed"
    first: timedelta = timedelta(seconds=30)
    maximum: timedelta = timedelta(hours=1)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("a retry policy needs at least one attempt")
        if self.backoff not in ("exponential", "fixed"):
            raise ValueError(f"backoff is 'exponential' or 'fixed', not {self.backoff!r}")

    def delay(self, attempt: int, error: RetryableError | None = None) -> timedelta:
        """The wait after failed attempt number ``attempt`` (1-based); a provider's
        Retry-After wins when it asks for longer."""
        base = self.first if self.backoff == "fixed" else self.first * (2 ** (attempt - 1))
        wait = min(base, self.maximum)
        if error is not None and error.retry_after is not None and not DEFECTS.ignore_retry_after:
            wait = max(wait, timedelta(seconds=error.retry_after))
        return wait

    def gives_up_after(self, attempt: int) -> bool:
        return attempt >= self.attempts


__all__ = ["RetryPolicy"]
