"""Run one scenario: fresh sandboxes, the system under test, the ``when`` steps in order,
then every expectation and built-in check. The result keeps the steps, the journal (as
JSON, secrets masked) and the failures, for the pytest item and the reports."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..engine.webhook_signatures import CRM_SIGNATURE, CRM_TIMESTAMP, crm_signature
from ..errors import ConfigError, HarnessError
from ..journal import mask_secrets
from .checks import Failure, builtin_checks, expectations
from .commerce import COMMERCE_STEPS, resolve_refs
from .commerce_checks import observe_states
from .config import HarnessConfig
from .model import Scenario, Step
from .sandboxes import HARNESS, USERS, Sandboxes
from .sut import SystemUnderTest, system_under_test

SutFactory = Callable[[str], SystemUnderTest]


@dataclass(frozen=True)
class StepResult:
    text: str
    line: int
    at: str
    ok: bool
    detail: str = ""


@dataclass
class ScenarioResult:
    scenario: Scenario
    steps: list[StepResult] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    journal: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    # what the systems knew as secrets when they stopped: masked in ``to_dict``, never kept
    # in it (a failure's actual value or entries may quote a token handed out mid-run)
    secrets: tuple[str, ...] = field(default=(), repr=False)

    @property
    def passed(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        data = self._plain()
        if not self.secrets:
            return data
        return dict(json.loads(mask_secrets(json.dumps(data, default=str), self.secrets)))

    def _plain(self) -> dict[str, Any]:
        s = self.scenario
        return {
            "name": s.name,
            "title": s.title,
            "flow": s.flow,
            "path": str(s.path),
            "odoo_version": s.odoo_version,
            "outcome": "passed" if self.passed else "failed",
            "seconds": round(self.seconds, 3),
            "steps": [vars(step) for step in self.steps],
            "failures": [f.to_dict() for f in self.failures],
            "journal": self.journal,
        }


def run_scenario(
    scenario: Scenario,
    sut_factory: SutFactory = system_under_test,
    config: HarnessConfig | None = None,
) -> ScenarioResult:
    result = ScenarioResult(scenario)
    started = time.monotonic()
    with Sandboxes(scenario, config=config) as sandboxes:
        sut = _system_under_test(sut_factory, scenario)
        try:
            with _stage(result, "the system under test starts"):
                sut.start(sandboxes.systems)
            with _stage(result, "the given records and faults are set up"):
                sandboxes.load_given()
                sandboxes.inject_faults()
            with _stage(result, "the watched states are read"):
                observe_states(sandboxes)
            for step in scenario.when:
                outcome = _run_step(step, sandboxes, sut)
                if outcome.ok:
                    with _stage(result, "the watched states are read"):
                        observe_states(sandboxes)
                result.steps.append(outcome)
                if not outcome.ok:
                    result.failures.append(
                        Failure("step", step.line, "the step runs", outcome.detail, step.text)
                    )
                    break
            else:
                with _stage(result, "the expectations are checked"):
                    result.failures += expectations(scenario, sandboxes, sut)
            with _stage(result, "the built-in checks run"):
                result.failures += builtin_checks(scenario, sandboxes)
        except _Stopped:
            pass
        finally:
            sandboxes.request_stop()  # they wind down while the engine closes
            sut.close()
        result.secrets = sandboxes.known_secrets()
        result.journal = _masked(sandboxes)
    result.seconds = time.monotonic() - started
    return result


def _system_under_test(factory: SutFactory, scenario: Scenario) -> SystemUnderTest:
    """``factory(flow)``; a flow it does not know is a mistake at the scenario's ``flow``."""
    try:
        return factory(scenario.flow)
    except ConfigError as exc:
        raise ConfigError(f"{scenario.path}:{scenario.line('flow')}: flow: {exc}") from None


class _Stopped(Exception):
    """The scenario cannot go on; the failure saying why is in the result already."""


@contextmanager
def _stage(result: ScenarioResult, what: str) -> Iterator[None]:
    """A stage of the scenario outside its steps: a system that cannot be reached or
    refuses (``HarnessError``, a socket or HTTP error) is one failure naming the stage and
    the error in one line, and the scenario stops there. A mistake in the scenario itself
    (``ConfigError``) and anything else go up as they are."""
    try:
        yield
    except ConfigError:
        raise
    except (HarnessError, OSError, httpx.HTTPError) as exc:
        text = " ".join(f"{type(exc).__name__}: {exc}".split())
        result.failures.append(
            Failure("error", result.scenario.line(), what, text, "the scenario stopped here")
        )
        raise _Stopped from None


def _run_step(step: Step, sandboxes: Sandboxes, sut: SystemUnderTest) -> StepResult:
    at = sandboxes.clock.now().isoformat()
    sandboxes.journal.record("ScenarioStep", "scenario", {"step": step.text, "line": step.line})
    try:
        with sandboxes.acting(USERS):  # the people the scenario plays
            detail = _act(step, sandboxes, sut)
    except (HarnessError, OSError, KeyError, ValueError) as exc:
        return StepResult(step.text, step.line, at, False, f"{type(exc).__name__}: {exc}")
    return StepResult(step.text, step.line, at, True, detail)


def _act(step: Step, sandboxes: Sandboxes, sut: SystemUnderTest) -> str:
    args = step.args
    if step.action == "odoo.create":
        with sandboxes.acting(HARNESS):  # {ref: ...} are the scenario's names, not the user's
            values = resolve_refs(sandboxes.odoo_user, args["values"])
        record_id = sandboxes.odoo_user.create(args["model"], values)
        return f"{args['model']} {record_id} created"
    if step.action == "odoo.update":
        with sandboxes.acting(HARNESS):
            values = resolve_refs(sandboxes.odoo_user, args["values"])
        ids = sandboxes.odoo_user.search(args["model"], _domain(args["where"]))
        sandboxes.odoo_user.write(args["model"], ids, values)
        return f"{args['model']} {ids} updated"
    if step.action == "crm.update":
        found = sandboxes.crm_user.search(args["object"], args["where"])
        for record in found:
            path = f"/crm/v3/objects/{args['object']}/{record['id']}"
            sandboxes.crm_user.call("PATCH", path, json={"properties": args["properties"]})
        return f"{len(found)} {args['object']} updated"
    if step.action == "crm.send_webhooks":
        return f"webhooks delivered: {sandboxes.deliver_crm_webhooks()}"
    if step.action == "time.pass":
        sut.advance_clock(args["delta"])
        return f"now {sandboxes.clock.now().isoformat()}"
    if step.action == "engine.run_due_jobs":
        return json.dumps(sut.run_due_jobs())
    if step.action == "user.retry_failed":
        records = sut.failed_records()
        for record in records:
            sut.retry(record["id"])
        return f"{len(records)} failed records retried"
    if step.action in _ENGINE_STEPS:
        return _ENGINE_STEPS[step.action](step, sandboxes, sut)
    if step.action in COMMERCE_STEPS:
        return COMMERCE_STEPS[step.action](step, sandboxes, sut)
    raise ValueError(f"unknown step action {step.action}")


def _restart(step: Step, sandboxes: Sandboxes, sut: SystemUnderTest) -> str:
    restart = getattr(sut, "restart", None)
    if restart is None:
        raise ValueError("the system under test cannot restart (it has no restart())")
    return f"engine restarted; {restart()} jobs in flight recovered"


def _crash(step: Step, sandboxes: Sandboxes, sut: SystemUnderTest) -> str:
    crash_at = getattr(sut, "crash_at", None)
    if crash_at is None:
        raise ValueError("the system under test cannot crash on purpose (no crash_at())")
    crash_at(step.args["point"], step.args["after"])
    return f"the engine will die at {step.args['point']} (after {step.args['after']})"


FORGED_SECRET = "not-the-app-client-secret"


def _forged_webhook(step: Step, sandboxes: Sandboxes, sut: SystemUnderTest) -> str:
    """A delivery to the engine's CRM webhook URL signed with a wrong secret."""
    url = (getattr(sut, "webhook_urls", None) or {}).get("crm")
    if not url:
        raise ValueError("the system under test has no CRM webhook URL (webhook_urls)")
    now = sandboxes.clock.now()
    event = {
        "eventId": 990001,
        "subscriptionId": 1,
        "portalId": 1,
        "appId": sandboxes.systems.crm_app_id,
        "occurredAt": int(now.timestamp() * 1000),
        "subscriptionType": "contact.propertyChange",
        "attemptNumber": 0,
        "objectId": 1,
        "propertyName": "lifecyclestage",
        "propertyValue": "customer",
        "changeSource": "INTEGRATION",
    }
    body = json.dumps([event]).encode()
    stamp = str(int(now.timestamp() * 1000))
    headers = {
        "content-type": "application/json",
        CRM_TIMESTAMP: stamp,
        CRM_SIGNATURE: crm_signature(FORGED_SECRET, "POST", url, body, stamp),
    }
    status = httpx.post(url, content=body, headers=headers).status_code
    sandboxes.journal.record("ForgedWebhookSent", "scenario", {"provider": "crm", "status": status})
    return f"the receiver answered HTTP {status}"


_ENGINE_STEPS = {
    "engine.restart": _restart,
    "engine.crash": _crash,
    "crm.forged_webhook": _forged_webhook,
}


def _domain(where: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [(key, "=", value) for key, value in where.items()]


def _masked(sandboxes: Sandboxes) -> list[dict[str, Any]]:
    text = json.dumps([e.to_dict() for e in sandboxes.journal], default=str)
    return list(json.loads(mask_secrets(text, sandboxes.known_secrets())))


__all__ = ["ScenarioResult", "StepResult", "run_scenario"]
