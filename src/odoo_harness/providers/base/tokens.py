"""Short-lived access tokens (OAuth client credentials / refresh) on the mock's clock."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from ...clock import Clock


@dataclass(frozen=True)
class Token:
    value: str
    subject: str
    expires_at: datetime


class TokenIssuer:
    """Issues opaque bearer tokens that expire ``ttl`` after issue on the mock's clock."""

    VALID, EXPIRED, UNKNOWN = "valid", "expired", "unknown"

    def __init__(
        self, clock: Clock, ttl: timedelta, prefix: str = "tok_", rng: random.Random | None = None
    ) -> None:
        self.clock = clock
        self.rng = rng or random.Random(0)
        self.ttl = ttl
        self.prefix = prefix
        self._lock = threading.Lock()
        self._tokens: dict[str, Token] = {}

    def issue(self, subject: str) -> Token:
        value = self.prefix + f"{self.rng.getrandbits(128):032x}"
        token = Token(value, subject, self.clock.now() + self.ttl)
        with self._lock:
            self._tokens[token.value] = token
        return token

    def check(self, value: str) -> tuple[str, Token | None]:
        with self._lock:
            token = self._tokens.get(value)
        if token is None:
            return self.UNKNOWN, None
        if self.clock.now() >= token.expires_at:
            return self.EXPIRED, token
        return self.VALID, token

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


__all__ = ["Token", "TokenIssuer"]
