"""Faults injected through the control API, matched against model calls.

A ``FaultRule`` applies to the next ``times`` calls whose model and method match (``None``
matches any). ``FaultBook`` holds the rules, thread-safe; ``FaultRule.from_json`` validates
what a client posted and says what is wrong.
"""

from __future__ import annotations

import builtins
import itertools
import threading
from dataclasses import asdict, dataclass
from typing import Any

from .. import exceptions as odoo_exceptions

KINDS = ("error", "latency", "concurrency", "drop", "commit_then_drop")
_BUILTIN_ERRORS = ("ValueError", "TypeError", "KeyError", "AttributeError", "AssertionError")


class FaultSpecError(ValueError):
    """A fault posted to the control API is malformed; the message says what to fix."""


@dataclass(frozen=True)
class FaultRule:
    id: str
    kind: str
    model: str | None = None
    method: str | None = None
    times: int = 1
    exception: str | None = None
    message: str | None = None
    seconds: float = 0.0

    def matches(self, model: str, method: str) -> bool:
        return (self.model is None or self.model == model) and (
            self.method is None or self.method == method
        )

    def build_exception(self) -> BaseException:
        """The exception an ``error`` or ``concurrency`` fault raises."""
        if self.kind == "concurrency":
            return odoo_exceptions.ConcurrencyError(*([self.message] if self.message else []))
        cls = exception_class(self.exception or "UserError")
        return cls(self.message or "Injected fault")

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, rule_id: str, data: object) -> FaultRule:
        if not isinstance(data, dict):
            raise FaultSpecError('a fault is a JSON object, e.g. {"kind": "drop"}')
        unknown = set(data) - {
            "kind",
            "model",
            "method",
            "times",
            "exception",
            "message",
            "seconds",
        }
        if unknown:
            raise FaultSpecError(f"unknown fault keys: {sorted(unknown)}")
        kind = data.get("kind")
        if kind not in KINDS:
            raise FaultSpecError(f"'kind' must be one of {list(KINDS)}; got {kind!r}")
        times = data.get("times", 1)
        if not isinstance(times, int) or isinstance(times, bool) or times < 1:
            raise FaultSpecError(f"'times' must be a positive integer; got {times!r}")
        for key in ("model", "method", "exception", "message"):
            if data.get(key) is not None and not isinstance(data[key], str):
                raise FaultSpecError(f"'{key}' must be a string")
        seconds = data.get("seconds", 0.0)
        if kind == "latency" and (not isinstance(seconds, int | float) or seconds < 0):
            raise FaultSpecError("a latency fault needs 'seconds' >= 0")
        if kind == "error":
            exception_class(data.get("exception") or "UserError")
        return cls(
            id=rule_id,
            kind=kind,
            model=data.get("model"),
            method=data.get("method"),
            times=times,
            exception=data.get("exception") or ("UserError" if kind == "error" else None),
            message=data.get("message"),
            seconds=float(seconds or 0.0),
        )


def exception_class(name: str) -> type[Exception]:
    """An Odoo exception class (``UserError``...) or an allowed built-in by name."""
    short = name.rsplit(".", 1)[-1]
    if short in odoo_exceptions.__all__ and short != "OdooError":
        return getattr(odoo_exceptions, short)  # type: ignore[no-any-return]
    if short in _BUILTIN_ERRORS:
        return getattr(builtins, short)  # type: ignore[no-any-return]
    allowed = sorted({*odoo_exceptions.__all__, *_BUILTIN_ERRORS} - {"OdooError"})
    raise FaultSpecError(f"unknown exception {name!r}; choose one of {allowed}")


class FaultBook:
    """The active fault rules; ``take`` consumes one use of the first matching rule."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._left: dict[str, int] = {}
        self._ids = itertools.count(1)

    def add(self, data: object) -> FaultRule:
        rule = FaultRule.from_json(f"fault-{next(self._ids)}", data)
        with self._lock:
            self._rules.append(rule)
            self._left[rule.id] = rule.times
        return rule

    def take(self, model: str, method: str) -> FaultRule | None:
        if not self._rules:  # fast path, no lock: the common case
            return None
        with self._lock:
            for rule in self._rules:
                if rule.matches(model, method):
                    self._left[rule.id] -= 1
                    if not self._left[rule.id]:
                        self._rules.remove(rule)
                        del self._left[rule.id]
                    return rule
        return None

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{**r.to_dict(), "remaining": self._left[r.id]} for r in self._rules]

    def clear(self) -> int:
        with self._lock:
            count = len(self._rules)
            self._rules.clear()
            self._left.clear()
        return count


__all__ = ["KINDS", "FaultBook", "FaultRule", "FaultSpecError", "exception_class"]
