"""An in-memory, thread-safe journal of what crossed a system boundary.

Entries are frozen values with a correlation id; sandboxes, mocks and the engine append
to one shared ``Journal`` and reports read it back. Nothing here knows about HTTP or Odoo.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class JournalEntry:
    """One thing that happened: ``kind`` says what (``"odoo.call"``), ``system`` where."""

    seq: int
    kind: str
    system: str
    correlation_id: str
    at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (``at`` as ISO 8601 text)."""
        return {
            "seq": self.seq,
            "kind": self.kind,
            "system": self.system,
            "correlation_id": self.correlation_id,
            "at": self.at.isoformat(),
            "data": dict(self.data),
        }


class Journal:
    """Append-only list of entries; safe to share between threads and servers."""

    DEFAULT_MAX_ENTRIES = 200_000

    def __init__(
        self, now: Callable[[], datetime] | None = None, *, max_entries: int | None = None
    ) -> None:
        """``max_entries`` bounds memory for long-running servers: past it the oldest
        entries go, and ``dropped`` counts them (reports say so instead of lying)."""
        self._lock = threading.Lock()
        self._entries: deque[JournalEntry] = deque(maxlen=max_entries or self.DEFAULT_MAX_ENTRIES)
        self.dropped = 0
        self._seq = itertools.count(1)
        self._ids = itertools.count(1)
        self._now = now or (lambda: datetime.now(UTC))

    def new_correlation_id(self, prefix: str = "c") -> str:
        """A fresh id, deterministic within this journal (``c-000001``, ...)."""
        return f"{prefix}-{next(self._ids):06d}"

    def record(
        self,
        kind: str,
        system: str,
        data: Mapping[str, Any] | None = None,
        *,
        correlation_id: str | None = None,
        at: datetime | None = None,
    ) -> JournalEntry:
        """Append an entry and return it."""
        with self._lock:
            entry = JournalEntry(
                seq=next(self._seq),
                kind=kind,
                system=system,
                correlation_id=correlation_id or self.new_correlation_id(),
                at=at or self._now(),
                data=MappingProxyType(dict(data or {})),
            )
            if len(self._entries) == self._entries.maxlen:
                self.dropped += 1
            self._entries.append(entry)
        return entry

    def entries(
        self,
        *,
        kind: str | None = None,
        system: str | None = None,
        correlation_id: str | None = None,
        since: int = 0,
    ) -> list[JournalEntry]:
        """Entries in order, optionally filtered; ``since`` skips ``seq <= since``."""
        with self._lock:
            snapshot = list(self._entries)
        return [
            e
            for e in snapshot
            if e.seq > since
            and (kind is None or e.kind == kind)
            and (system is None or e.system == system)
            and (correlation_id is None or e.correlation_id == correlation_id)
        ]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.dropped = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(self.entries())


__all__ = ["Journal", "JournalEntry"]
