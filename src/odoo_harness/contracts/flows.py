"""Flow plans (``contracts/flows/*.yaml``): the integration's planning checklist as data.

A plan says which system creates the original record, the direction, the trigger, the
mode, the idempotency key, the retry policy, what users see when something needs
attention, and the status transitions allowed. The engine obeys it and the harness checks
traffic against it. ``load_flow(path)`` validates on load; a mistake names the file, line
and key (``contracts/flows/x.yaml:7: retry.first: '30 sec' is not a duration...``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..yamlsource import Source, SourceError, load_yaml

SYSTEMS = ("odoo", "shop", "carrier", "crm")
MODES = ("live", "scheduled", "batch")
RETRY_ON = ("timeout", "connection", "5xx", "429", "odoo_concurrency")
TRIGGERS = ("webhook", "schedule", "fallback_schedule", "batch", "button", "odoo_change")
_DURATION = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|seconds?|m|min|minutes?|h|hours?|d|days?)\s*$"
)
_UNITS = {
    "ms": 0.001,
    "s": 1,
    "sec": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
}
_TRANSITION = re.compile(r"^\s*([\w.]+)\s*->\s*([\w.]+)\s*$")


def parse_duration(text: Any) -> timedelta | None:
    """``30s``, ``15 min``, ``2h``, ``every 15 min`` -> timedelta; None if not a duration."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return timedelta(seconds=text)
    if not isinstance(text, str):
        return None
    match = _DURATION.match(text.removeprefix("every "))
    if not match:
        return None
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


@dataclass(frozen=True)
class RetrySpec:
    attempts: int = 6
    backoff: str = "exponential"
    first: timedelta = timedelta(seconds=30)
    maximum: timedelta = timedelta(hours=1)
    retry_on: tuple[str, ...] = RETRY_ON


@dataclass(frozen=True)
class ShowSpec:
    """What users see when a record needs attention."""

    odoo_activity_on: tuple[str, ...] = ()
    to: str = ""
    text: str = ""


@dataclass(frozen=True)
class FlowPlan:
    flow: str
    summary: str
    origin: str
    direction: tuple[str, str]
    trigger: dict[str, Any]
    mode: str
    key: str
    retry: RetrySpec
    show: ShowSpec
    queue: str = "failed_records"
    ownership: str | None = None
    batch_size: int | None = None
    transitions: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    path: Path | None = None

    def allows(self, status_field: str, old: str, new: str) -> bool:
        """Whether a status change is allowed by the plan (unlisted fields are free)."""
        if status_field not in self.transitions or old == new:
            return True
        return (old, new) in self.transitions[status_field]


def load_flow(path: str | Path) -> FlowPlan:
    return _FlowReader(load_yaml(path)).plan()


def load_flows(directory: str | Path) -> dict[str, FlowPlan]:
    plans: dict[str, FlowPlan] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        plan = load_flow(path)
        if plan.flow in plans:
            raise SourceError(
                f"{path}:1: flow: {plan.flow!r} is also defined in {plans[plan.flow].path}"
            )
        plans[plan.flow] = plan
    return plans


class _FlowReader:
    REQUIRED = ("flow", "origin", "direction", "trigger", "mode", "key")
    KNOWN = (*REQUIRED, "summary", "ownership", "retry", "on_failure", "transitions", "batch_size")

    def __init__(self, source: Source) -> None:
        self.source = source
        self.data = source.data

    def fail(self, keypath: tuple[Any, ...], message: str) -> SourceError:
        return self.source.error(keypath, message)

    def plan(self) -> FlowPlan:
        if not isinstance(self.data, dict):
            raise self.fail((), "a flow plan is a mapping (flow: ..., origin: ..., ...)")
        for key in self.data:
            if key not in self.KNOWN:
                raise self.fail((key,), f"unknown key; a flow plan has {', '.join(self.KNOWN)}")
        for key in self.REQUIRED:
            if key not in self.data:
                raise self.fail((), f"missing '{key}'")
        mode = self._choice(("mode",), MODES)
        batch = self.data.get("batch_size")
        if mode == "batch" and not (isinstance(batch, int) and batch > 0):
            raise self.fail(("batch_size",), "a batch flow needs batch_size: a positive integer")
        return FlowPlan(
            flow=self._name(),
            summary=str(self.data.get("summary", "")),
            origin=self._choice(("origin",), SYSTEMS),
            direction=self._direction(),
            trigger=self._trigger(),
            mode=mode,
            key=self._text(("key",)),
            retry=self._retry(),
            show=self._show(),
            queue=str((self.data.get("on_failure") or {}).get("queue", "failed_records")),
            ownership=self.data.get("ownership"),
            batch_size=batch,
            transitions=self._transitions(),
            path=self.source.path,
        )

    def _name(self) -> str:
        name = self.data["flow"]
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise self.fail(("flow",), f"a flow name is snake_case, got {name!r}")
        return name

    def _text(self, keypath: tuple[Any, ...]) -> str:
        value = self.data[keypath[0]]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(keypath, "expected a non-empty text")
        return value

    def _choice(self, keypath: tuple[Any, ...], allowed: tuple[str, ...]) -> str:
        value = self.data[keypath[0]]
        if value not in allowed:
            raise self.fail(keypath, f"{value!r} is not one of {', '.join(allowed)}")
        return str(value)

    def _direction(self) -> tuple[str, str]:
        value = self.data["direction"]
        match = _TRANSITION.match(value) if isinstance(value, str) else None
        if not match or {match.group(1), match.group(2)} - set(SYSTEMS):
            raise self.fail(
                ("direction",),
                f"expected 'system -> system' with systems among "
                f"{', '.join(SYSTEMS)}; got {value!r}",
            )
        return match.group(1), match.group(2)

    def _trigger(self) -> dict[str, Any]:
        value = self.data["trigger"]
        if not isinstance(value, dict) or not value:
            raise self.fail(("trigger",), "expected a mapping like {webhook: orders/create}")
        for key, item in value.items():
            if key not in TRIGGERS:
                raise self.fail(("trigger", key), f"unknown trigger; use {', '.join(TRIGGERS)}")
            if "schedule" in key and parse_duration(item) is None:
                raise self.fail(("trigger", key), f"{item!r} is not a duration like 'every 15 min'")
        return dict(value)

    def _retry(self) -> RetrySpec:
        value = self.data.get("retry") or {}
        if not isinstance(value, dict):
            raise self.fail(("retry",), "expected a mapping {attempts, backoff, first, retry_on}")
        unknown = set(value) - {"attempts", "backoff", "first", "max", "retry_on"}
        if unknown:
            raise self.fail(("retry", sorted(unknown)[0]), "unknown key")
        attempts = value.get("attempts", 6)
        if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 1:
            raise self.fail(("retry", "attempts"), "expected an integer >= 1")
        backoff = value.get("backoff", "exponential")
        if backoff not in ("exponential", "fixed"):
            raise self.fail(("retry", "backoff"), "expected 'exponential' or 'fixed'")
        durations = {}
        for key, default in (("first", "30s"), ("max", "1h")):
            parsed = parse_duration(value.get(key, default))
            if parsed is None:
                raise self.fail(("retry", key), f"{value.get(key)!r} is not a duration like '30s'")
            durations[key] = parsed
        retry_on = value.get("retry_on", list(RETRY_ON))
        if isinstance(retry_on, list):  # YAML reads 429 as a number
            retry_on = [str(r) for r in retry_on]
        if not isinstance(retry_on, list) or any(r not in RETRY_ON for r in retry_on):
            raise self.fail(("retry", "retry_on"), f"expected a list among {', '.join(RETRY_ON)}")
        return RetrySpec(attempts, backoff, durations["first"], durations["max"], tuple(retry_on))

    def _show(self) -> ShowSpec:
        failure = self.data.get("on_failure") or {}
        if not isinstance(failure, dict):
            raise self.fail(("on_failure",), "expected a mapping {queue, show}")
        show = failure.get("show") or {}
        if not isinstance(show, dict):
            raise self.fail(
                ("on_failure", "show"), "expected a mapping {odoo_activity_on, to, text}"
            )
        models = show.get("odoo_activity_on", ())
        if isinstance(models, str):
            models = tuple(m.strip() for m in models.split(" or "))
        return ShowSpec(tuple(models), str(show.get("to", "")), str(show.get("text", "")))

    def _transitions(self) -> dict[str, tuple[tuple[str, str], ...]]:
        value = self.data.get("transitions") or {}
        if not isinstance(value, dict):
            raise self.fail(("transitions",), "expected {model.field: [a -> b, ...]}")
        out = {}
        for name, items in value.items():
            if not isinstance(items, list):
                raise self.fail(("transitions", name), "expected a list like [draft -> sale]")
            pairs = []
            for i, item in enumerate(items):
                match = _TRANSITION.match(item) if isinstance(item, str) else None
                if not match:
                    raise self.fail(
                        ("transitions", name, i), f"expected 'old -> new', got {item!r}"
                    )
                pairs.append((match.group(1), match.group(2)))
            out[name] = tuple(pairs)
        return out


__all__ = ["FlowPlan", "RetrySpec", "ShowSpec", "load_flow", "load_flows", "parse_duration"]
