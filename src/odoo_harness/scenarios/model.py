"""Scenario files (``*.scenario.yaml``) as frozen values, checked at load time.

``load_scenario(path)`` validates the file against ``scenario.schema.json`` and parses each
``when`` step (words or the structured form) into a ``Step``; a mistake raises
``SourceError`` naming the file, line and key, and what was expected.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from ..yamlsource import Source, SourceError, load_yaml

DEFAULT_ODOO_VERSION = "18.0"
SUFFIX = ".scenario.yaml"
UNITS = {"second": 1, "minute": 60, "hour": 3600}
STEP_FORMS = (
    "odoo creates <model> {values}",
    "odoo updates <model> where {domain} set {values}",
    "crm updates <contacts|companies> where {properties} set {properties}",
    "crm sends webhooks",
    "time passes <n> <seconds|minutes|hours>",
    "engine runs due jobs",
    "user retries failed records",
    "engine restarts",
    "engine crashes after <n> jobs",
    "engine crashes before queueing changes",
    "crm sends a webhook with a bad signature",
    "odoo calls <model>.<method> where {domain} (a user's button)",
    "shop places order {order}",
    "shop cancels order <name>",
    "shop sends webhooks",
    "shop resends the last webhook",
    "shop sends a webhook with a bad signature [{order}]",
    "carrier sends webhooks",
    "schedule fires <flow>",
)


@dataclass(frozen=True)
class Step:
    """One ``when`` event: ``action`` (``odoo.create``, ``crm.update``, ``time.pass``,
    ``engine.run_due_jobs``, ``crm.send_webhooks``, ``user.retry_failed``) and its args."""

    action: str
    args: dict[str, Any]
    text: str
    line: int


@dataclass(frozen=True)
class Scenario:
    title: str
    flow: str
    path: Path
    odoo_version: str = DEFAULT_ODOO_VERSION
    given: dict[str, Any] = field(default_factory=dict)
    faults: tuple[dict[str, Any], ...] = ()
    when: tuple[Step, ...] = ()
    then: dict[str, Any] = field(default_factory=dict)
    markers: tuple[str, ...] = ()
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict, compare=False)
    test: str = ""  # a Python scenario's test name (``live.py``); "" for a YAML file

    @property
    def name(self) -> str:
        """The test item's name: the file name without ``.scenario.yaml`` (a Python
        scenario: its test's name)."""
        return self.test or self.path.name.removesuffix(SUFFIX)

    def line(self, *keypath: str | int) -> int:
        return Source(self.path, None, self.lines).line(keypath)


@cache
def schema() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("scenario.schema.json").read_text("utf-8")
    return json.loads(text)


def load_scenario(path: str | Path) -> Scenario:
    source = load_yaml(path)
    data = source.data
    if not isinstance(data, dict):
        raise source.error((), "a scenario file is a mapping with scenario, flow, when, then")
    _validate(source)
    steps = tuple(_step(source, i, raw) for i, raw in enumerate(data["when"]))
    return Scenario(
        title=data["scenario"],
        flow=data["flow"],
        path=Path(path),
        odoo_version=str(data.get("odoo_version", DEFAULT_ODOO_VERSION)),
        given=data.get("given") or {},
        faults=tuple(data.get("faults") or ()),
        when=steps,
        then=data.get("then") or {},
        markers=tuple(data.get("markers") or ()),
        lines=dict(source.lines),
    )


def _validate(source: Source, rules: dict[str, Any] | None = None) -> None:
    """Check ``source.data`` against the scenario schema (or ``rules``, a variant of it)."""
    validator = jsonschema.Draft202012Validator(rules or schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(source.data))
    if error is None:
        return
    keypath = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        keypath.append(extra[0])
        message = f"unknown key; expected one of: {', '.join(allowed)}"
    elif "propertyNames" in error.schema_path and isinstance(error.instance, str):
        keypath.append(error.instance)
        allowed = error.schema.get("enum")
        message = (
            f"unknown key; expected one of: {', '.join(allowed)}"
            if allowed
            else f"not a valid key: {error.message}"
        )
    elif error.validator == "required":
        message = f"missing: {error.message.split(' is a required')[0]}"
    elif keypath and keypath[0] == "when" and len(keypath) == 2:
        message = "not a step; write one of: " + "; ".join(STEP_FORMS)
    else:
        message = error.message
    raise source.error(keypath, message)


_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"odoo creates (?P<model>[\w.]+) (?P<values>\{.*\})$"), "odoo.create"),
    (
        re.compile(
            r"odoo updates (?P<model>[\w.]+) where (?P<where>\{.*\}) set (?P<values>\{.*\})$"
        ),
        "odoo.update",
    ),
    (
        re.compile(
            r"crm updates (?P<object>contacts|companies|deals) where (?P<where>\{.*\}) "
            r"set (?P<properties>\{.*\})$"
        ),
        "crm.update",
    ),
    (re.compile(r"crm sends webhooks$"), "crm.send_webhooks"),
    (re.compile(r"time passes (?P<n>\d+) (?P<unit>second|minute|hour)s?$"), "time.pass"),
    (re.compile(r"engine runs due jobs$"), "engine.run_due_jobs"),
    (re.compile(r"user retries failed records$"), "user.retry_failed"),
    (re.compile(r"engine restarts$"), "engine.restart"),
    (re.compile(r"engine crashes after (?P<after>\d+) jobs?$"), "engine.crash"),
    (re.compile(r"engine crashes before queueing changes$"), "engine.crash"),
    (re.compile(r"crm sends a webhook with a bad signature$"), "crm.forged_webhook"),
    (
        re.compile(r"odoo calls (?P<model>[\w.]+)\.(?P<method>\w+) where (?P<where>\{.*\})$"),
        "odoo.call",
    ),
    (re.compile(r"shop places order (?P<order>\{.*\})$"), "shop.place_order"),
    (re.compile(r"shop cancels order (?P<name>\S+)$"), "shop.cancel_order"),
    (re.compile(r"shop sends webhooks$"), "shop.send_webhooks"),
    (re.compile(r"shop resends the last webhook$"), "shop.resend_last_webhook"),
    (
        re.compile(r"shop sends a webhook with a bad signature (?P<order>\{.*\})$"),
        "shop.forged_webhook",
    ),
    (re.compile(r"shop sends a webhook with a bad signature$"), "shop.forged_webhook"),
    (re.compile(r"carrier sends webhooks$"), "carrier.send_webhooks"),
    (re.compile(r"schedule fires (?P<name>\w+)$"), "schedule.fire"),
]
CRASHES = {"after": "worker.after_handler", None: "poller.before_enqueue"}


def _step(source: Source, index: int, raw: Any) -> Step:
    line = source.line(("when", index))
    if isinstance(raw, str):
        return _words(source, index, raw.strip(), line)
    [(system, spec)] = raw.items()
    text = json.dumps(raw)
    if system == "time_passes":
        return _words(source, index, f"time passes {spec}", line)
    if system == "engine" and spec == "restart":
        return Step("engine.restart", {}, text, line)
    if system == "engine" and isinstance(spec, dict):  # {crash: point, after: n}
        return Step(
            "engine.crash", {"point": spec["crash"], "after": spec.get("after", 0)}, text, line
        )
    if system == "engine":
        return Step("engine.run_due_jobs", {}, text, line)
    if system == "crm" and "forged_webhook" in spec:
        return Step("crm.forged_webhook", {}, text, line)
    if system == "user":
        return Step("user.retry_failed", {}, text, line)
    if system == "crm" and "send_webhooks" in spec:
        return Step("crm.send_webhooks", {}, text, line)
    if system == "schedule_fires":
        return Step("schedule.fire", {"name": str(spec)}, text, line)
    if system in ("shop", "carrier") and isinstance(spec, dict) and len(spec) == 1:
        [(verb, args)] = spec.items()
        if verb == "cancel_order":
            return Step("shop.cancel_order", {"name": str(args)}, text, line)
        if verb in ("place_order", "forged_webhook") and isinstance(args, dict):
            return Step(f"shop.{verb}", {"order": args}, text, line)
        return Step(f"{system}.{verb}", {}, text, line)
    [(verb, args)] = spec.items() if len(spec) == 1 else [(None, None)]
    if verb is None:
        raise source.error(("when", index, system), "one action per step")
    return Step(f"{system}.{verb}", dict(args), text, line)


def _words(source: Source, index: int, text: str, line: int) -> Step:
    for pattern, action in _WORDS:
        match = pattern.match(text)
        if not match:
            continue
        args: dict[str, Any] = {}
        for key, value in match.groupdict().items():
            if value.startswith("{"):
                try:
                    value = yaml.safe_load(value)
                except yaml.YAMLError:
                    raise source.error(("when", index), f"{key}: not a valid mapping") from None
            args[key] = value
        if action == "time.pass":
            args = {"delta": timedelta(seconds=int(args["n"]) * UNITS[args["unit"]])}
        if action == "engine.crash":
            after = args.get("after")
            args = {"point": CRASHES["after" if after else None], "after": int(after or 0)}
        return Step(action, args, text, line)
    raise source.error(("when", index), "not a step; write one of: " + "; ".join(STEP_FORMS))


__all__ = ["DEFAULT_ODOO_VERSION", "Scenario", "SourceError", "Step", "load_scenario", "schema"]
