"""Idempotency keys as Stripe and the IETF draft define them: per credential, kept 24 h.

The same key with the same body replays the stored answer (errors included); with another
body it is refused (422); while the first request is still being processed it is refused
(409). ``IdempotencyStore.begin`` says which of those applies.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ...clock import Clock

RETENTION = timedelta(hours=24)


@dataclass(frozen=True)
class StoredReply:
    status: int
    body: Any
    headers: dict[str, str]


@dataclass
class _Entry:
    fingerprint: str
    created: datetime
    reply: StoredReply | None = None  # None while in flight


class Outcome:
    NEW = "new"
    REPLAY = "replay"
    MISMATCH = "mismatch"
    IN_FLIGHT = "in_flight"


class IdempotencyStore:
    def __init__(self, clock: Clock, retention: timedelta = RETENTION) -> None:
        self.clock = clock
        self.retention = retention
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], _Entry] = {}

    @staticmethod
    def fingerprint(method: str, path: str, body: bytes) -> str:
        return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()

    def begin(self, scope: str, key: str, fingerprint: str) -> tuple[str, StoredReply | None]:
        """Claim ``key`` for this request, or say why not (and give the stored reply)."""
        now = self.clock.now()
        with self._lock:
            entry = self._entries.get((scope, key))
            if entry is not None and now - entry.created > self.retention:
                entry = None
            if entry is None:
                self._entries[(scope, key)] = _Entry(fingerprint, now)
                return Outcome.NEW, None
            if entry.fingerprint != fingerprint:
                return Outcome.MISMATCH, None
            if entry.reply is None:
                return Outcome.IN_FLIGHT, None
            return Outcome.REPLAY, entry.reply

    def finish(self, scope: str, key: str, reply: StoredReply) -> None:
        with self._lock:
            entry = self._entries.get((scope, key))
            if entry is not None:
                entry.reply = reply

    def abandon(self, scope: str, key: str) -> None:
        """Forget a claim whose request failed before producing an answer."""
        with self._lock:
            entry = self._entries.get((scope, key))
            if entry is not None and entry.reply is None:
                del self._entries[(scope, key)]

    def abandon_in_flight(self) -> int:
        """Forget every claim still in flight (their requests died with the process)."""
        with self._lock:
            stale = [k for k, entry in self._entries.items() if entry.reply is None]
            for key in stale:
                del self._entries[key]
            return len(stale)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


__all__ = ["IdempotencyStore", "Outcome", "StoredReply"]
