"""An injectable clock: time moves only when the harness says so, or follows the wall clock.

Every part that reads the time (the Odoo sandbox's create/write dates, the engine's
schedules and backoff, the mocks' token expiry) takes a ``Clock``.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class Clock:
    """Wall-clock time plus an offset, or a frozen instant; thread-safe."""

    def __init__(self, start: datetime | None = None, *, frozen: bool = False) -> None:
        self._lock = threading.Lock()
        self._frozen_at: datetime | None = _aware(start) if frozen and start else None
        if frozen and start is None:
            self._frozen_at = datetime.now(UTC).replace(microsecond=0)
        self._offset = timedelta(0) if start is None or frozen else _aware(start) - _wall()

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return _wall() + self._offset

    def advance(self, delta: timedelta) -> datetime:
        """Move time forward by ``delta`` (negative deltas are refused)."""
        if delta < timedelta(0):
            raise ValueError(f"a clock only moves forward; got {delta}")
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += delta
            else:
                self._offset += delta
        return self.now()

    def set(self, instant: datetime) -> datetime:
        """Jump to ``instant`` (keeps the clock frozen if it was)."""
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = _aware(instant)
            else:
                self._offset = _aware(instant) - _wall()
        return self.now()

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None


def _wall() -> datetime:
    return datetime.now(UTC)


def _aware(instant: datetime) -> datetime:
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


__all__ = ["Clock"]
