"""HTTP-level faults for the mocks: the next N requests matching a method and a path
pattern get a status and body, latency, a timeout, a dropped connection, are applied
and then dropped (``commit_then_drop``), or are applied and held in flight for
``seconds`` before their answer is completed and sent (``hold``)."""

from __future__ import annotations

import fnmatch
import itertools
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("status", "latency", "timeout", "drop", "commit_then_drop", "hold")
AFTER_HANDLER = ("commit_then_drop", "hold")  # kinds applied once the handler has run
MAX_SECONDS = 120.0


class FaultSpecError(ValueError):
    """A posted fault is malformed; the message says what to fix."""


@dataclass(frozen=True)
class HttpFault:
    id: str
    kind: str
    method: str | None = None
    path: str | None = None
    times: int = 1
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method.upper()) and (
            self.path is None or fnmatch.fnmatchcase(path, self.path)
        )

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, {})}

    @classmethod
    def from_json(cls, fault_id: str, data: object) -> HttpFault:
        if not isinstance(data, dict):
            raise FaultSpecError('a fault is a JSON object, e.g. {"kind": "drop"}')
        allowed = {"kind", "method", "path", "times", "status", "body", "headers", "seconds"}
        unknown = set(data) - allowed
        if unknown:
            raise FaultSpecError(f"unknown key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
        kind = data.get("kind")
        if kind not in KINDS:
            raise FaultSpecError(f"'kind' must be one of {', '.join(KINDS)}; got {kind!r}")
        times = data.get("times", 1)
        if not isinstance(times, int) or isinstance(times, bool) or times < 1:
            raise FaultSpecError("'times' must be an integer >= 1")
        status = data.get("status", 500)
        if not isinstance(status, int) or not 100 <= status <= 599:
            raise FaultSpecError("'status' must be an HTTP status code (100-599)")
        seconds = data.get("seconds", 30.0 if kind == "timeout" else 0.0)
        if not isinstance(seconds, int | float) or not 0 <= seconds <= MAX_SECONDS:
            raise FaultSpecError(f"'seconds' must be a number between 0 and {MAX_SECONDS:g}")
        headers = data.get("headers", {})
        if not isinstance(headers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
        ):
            raise FaultSpecError("'headers' must map header names to strings")
        for key in ("method", "path"):
            if key in data and not isinstance(data[key], str):
                raise FaultSpecError(f"'{key}' must be a string")
        return cls(
            id=fault_id,
            kind=kind,
            method=data.get("method"),
            path=data.get("path"),
            times=times,
            status=status,
            body=data.get("body"),
            headers=headers,
            seconds=float(seconds),
        )


class HttpFaultBook:
    """The pending faults, consumed in the order they were added; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[list[Any]] = []  # [fault, remaining]
        self._ids = itertools.count(1)

    def add(self, data: object) -> HttpFault:
        fault = HttpFault.from_json(f"fault-{next(self._ids)}", data)
        with self._lock:
            self._rules.append([fault, fault.times])
        return fault

    def take(self, method: str, path: str) -> HttpFault | None:
        with self._lock:
            for entry in self._rules:
                fault, remaining = entry
                if remaining > 0 and fault.matches(method, path):
                    entry[1] -= 1
                    if entry[1] == 0:
                        self._rules.remove(entry)
                    return fault  # type: ignore[no-any-return]
        return None

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{**f.to_dict(), "remaining": n} for f, n in self._rules]

    def clear(self) -> int:
        with self._lock:
            count = len(self._rules)
            self._rules.clear()
            return count


__all__ = ["KINDS", "FaultSpecError", "HttpFault", "HttpFaultBook"]
