"""HubSpot's rate limits on the mock's clock: a ten-secondly burst bucket and a daily
counter per portal (every token of a portal shares them), plus the search endpoints'
own per-second bucket. Sandbox portals get stricter numbers than production ones."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from ...clock import Clock
from ..base import ProviderError, TokenBucket

INTERVAL_MS = 10_000


@dataclass(frozen=True)
class Limits:
    burst: int  # requests per rolling 10 seconds
    daily: int  # requests per day (UTC midnight to midnight)
    search_per_second: int


DEFAULT_LIMITS = {
    "production": Limits(burst=100, daily=250_000, search_per_second=5),
    "sandbox": Limits(burst=50, daily=25_000, search_per_second=2),
}


class RateLimiter:
    """The limits of one portal; ``take`` passes a request or raises the 429."""

    def __init__(self, clock: Clock, limits: Limits) -> None:
        self.clock = clock
        self.limits = limits
        self.burst = TokenBucket(clock, limits.burst, limits.burst / (INTERVAL_MS / 1000))
        self.search = TokenBucket(clock, limits.search_per_second, limits.search_per_second)
        self._day: datetime | None = None
        self._used = 0

    def take(self, *, search: bool = False) -> dict[str, str]:
        """Count one request; returns the rate-limit headers of its response."""
        self._roll_day()
        if self._used >= self.limits.daily:
            raise self._refused("DAILY", self._until_midnight(), self._headers(0))
        decision = self.burst.take("portal")
        if not decision.allowed:
            raise self._refused(
                "TEN_SECONDLY_ROLLING", decision.retry_after, self._headers(decision.remaining)
            )
        if search:
            found = self.search.take("portal")
            if not found.allowed:
                raise self._refused(
                    "SECONDLY", found.retry_after, self._headers(decision.remaining)
                )
        self._used += 1
        return self._headers(decision.remaining)

    def usage(self) -> tuple[int, datetime]:
        """Requests counted today, and when the counter resets."""
        self._roll_day()
        assert self._day is not None
        return self._used, self._day + timedelta(days=1)

    def _roll_day(self) -> None:
        today = self.clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
        if self._day != today:
            self._day, self._used = today, 0

    def _until_midnight(self) -> int:
        _, resets = self.usage()
        return max(1, math.ceil((resets - self.clock.now()).total_seconds()))

    def _headers(self, remaining: int) -> dict[str, str]:
        return {
            "X-HubSpot-RateLimit-Max": str(self.limits.burst),
            "X-HubSpot-RateLimit-Remaining": str(max(0, remaining)),
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(INTERVAL_MS),
            "X-HubSpot-RateLimit-Daily": str(self.limits.daily),
            "X-HubSpot-RateLimit-Daily-Remaining": str(max(0, self.limits.daily - self._used)),
        }

    @staticmethod
    def _refused(policy: str, retry_after: int, headers: dict[str, str]) -> ProviderError:
        word = policy.lower()
        return ProviderError(
            429,
            "RATE_LIMITS",
            f"You have reached your {word} limit.",
            headers={**headers, "Retry-After": str(retry_after)},
            extra={"errorType": "RATE_LIMIT", "policyName": policy},
        )


__all__ = ["DEFAULT_LIMITS", "INTERVAL_MS", "Limits", "RateLimiter"]
