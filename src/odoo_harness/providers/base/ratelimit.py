"""Rate limits on the mock's clock: a token bucket per credential.

``take(credential)`` answers whether a request may pass and, if not, after how many
seconds (``Retry-After``). Time only refills the bucket as the mock's clock moves, so a
scenario can exhaust the limit, advance the clock and go on, deterministically.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import datetime

from ...clock import Clock


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # whole seconds until one request may pass (0 when allowed)
    reset_after: int  # whole seconds until the bucket is full again


class TokenBucket:
    def __init__(self, clock: Clock, capacity: int, refill_per_second: float) -> None:
        if capacity < 1 or refill_per_second <= 0:
            raise ValueError("a rate limit needs capacity >= 1 and a positive refill rate")
        self.clock = clock
        self.capacity = capacity
        self.refill = refill_per_second
        self._lock = threading.Lock()
        self._state: dict[str, tuple[float, datetime]] = {}

    def take(self, credential: str, cost: float = 1.0) -> Decision:
        now = self.clock.now()
        with self._lock:
            tokens, at = self._state.get(credential, (float(self.capacity), now))
            tokens = min(self.capacity, tokens + max(0.0, (now - at).total_seconds()) * self.refill)
            allowed = tokens >= cost
            if allowed:
                tokens -= cost
            self._state[credential] = (tokens, now)
        missing = 0.0 if allowed else cost - tokens
        return Decision(
            allowed=allowed,
            limit=self.capacity,
            remaining=int(tokens),
            retry_after=0 if allowed else max(1, math.ceil(missing / self.refill)),
            reset_after=math.ceil((self.capacity - tokens) / self.refill),
        )

    def clear(self) -> None:
        with self._lock:
            self._state.clear()


__all__ = ["Decision", "TokenBucket"]
