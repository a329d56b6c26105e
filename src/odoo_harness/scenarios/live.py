"""Python scenarios: the ``harness_scenario`` fixture, for what a YAML scenario cannot say
(loops, seeded randomness, expectations computed from the systems' state).

``harness_scenario(title, flow=..., given=..., faults=...)`` validates the data against the
YAML scenario schema (mistakes name the Python file and line of the call), starts fresh
sandboxes and the system under test, and returns a ``LiveScenario``: ``step`` and
``expect`` take what a YAML ``when`` step and ``then`` take and run through the same code
(``runner``, ``checks``). When the test returns, the built-in checks run and the result
joins the reports, exactly as a YAML scenario's does.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ..errors import ConfigError
from ..yamlsource import KeyPath, Source, SourceError, dotted
from .checks import Failure, builtin_checks, expectations
from .commerce_checks import observe_states
from .config import HarnessConfig
from .external import skip_reason
from .failure import render_failure
from .model import DEFAULT_ODOO_VERSION, Scenario, _step, _validate, schema
from .plugin import CONFIG, ITEM_RESULT, REPORT_ATTR, ScenarioFailedError, _broken, _report_data
from .runner import ScenarioResult, _masked, _run_step, _system_under_test
from .sandboxes import USERS, Sandboxes
from .sut import SystemUnderTest, system_under_test

FIXTURE = "harness_scenario"
LIVE = pytest.StashKey["LiveScenario"]()
BROKEN = pytest.StashKey[Scenario]()  # the scenario of a test whose data was refused


class _CallSite(Source):
    """A Python call as a source of scenario data: every key is on the call's line, and a
    step's errors read ``step`` rather than ``when[0]``."""

    def error(self, keypath: Sequence[str | int], message: str) -> SourceError:
        path: KeyPath = tuple(keypath)
        if path[:1] == ("when",):
            where = dotted(("step", *path[2:]))
        else:
            where = dotted(path) or "(top level)"
        return SourceError(f"{self.path}:{self.line(path)}: {where}: {message}")


def _caller() -> tuple[Path, int]:
    """The file and line of the first frame outside this module: the user's call."""
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    return Path(frame.f_code.co_filename), frame.f_lineno


def _rules() -> dict[str, Any]:
    """The YAML schema, with ``when`` and ``then`` optional: they come as calls."""
    return {**schema(), "required": ["scenario", "flow"]}


def _checked(data: dict[str, Any], at: tuple[Path, int]) -> _CallSite:
    source = _CallSite(at[0], data, {(): at[1]})
    _validate(source, _rules())
    return source


class LiveScenario:
    """One running Python scenario: the steps, the expectations and the systems."""

    def __init__(
        self,
        scenario: Scenario,
        config: HarnessConfig,
        sut_factory: Callable[[str], SystemUnderTest] = system_under_test,
    ) -> None:
        self.scenario = scenario
        self.result = ScenarioResult(scenario)
        self._config = config
        self._sut_factory = sut_factory
        self._then: dict[str, Any] = {}
        self._then_lines: dict[KeyPath, int] = {}
        self._stack = ExitStack()
        self._started = time.monotonic()
        self._finished = False

    def start(self) -> LiveScenario:
        sandboxes = self._stack.enter_context(Sandboxes(self.scenario, config=self._config))
        self.sandboxes = sandboxes
        try:
            self.sut = _system_under_test(self._sut_factory, self.scenario)
            self._stack.callback(self.sut.close)
            self._stack.callback(sandboxes.request_stop)  # runs first: servers wind down
            self.sut.start(sandboxes.systems)
            sandboxes.load_given()
            sandboxes.inject_faults()
            observe_states(sandboxes)
        except BaseException:
            self._stack.close()
            raise
        return self

    # -- the systems ----------------------------------------------------------------------
    @property
    def odoo(self) -> Any:
        """The Odoo admin user's client (``OdooAdapter`` over XML-RPC): search, read,
        create, write, call."""
        return self.sandboxes.odoo_user

    @property
    def crm(self) -> Any:
        """The CRM user's client (``CrmAdapter``), or None when the CRM is not started."""
        return self.sandboxes.crm_user

    @property
    def shop(self) -> Any:
        """The shop mock (``ShopSandbox``: orders, variants, inventory_levels...) or None."""
        return self.sandboxes.shop

    @property
    def carrier(self) -> Any:
        """The carrier mock (``CarrierSandbox``: shipments) or None."""
        return self.sandboxes.carrier

    @property
    def engine(self) -> SystemUnderTest:
        """The system under test (the reference engine by default)."""
        return self.sut

    @property
    def journal(self) -> Any:
        return self.sandboxes.journal

    @property
    def clock(self) -> Any:
        return self.sandboxes.clock

    def users(self) -> AbstractContextManager[None]:
        """``with run.users(): run.odoo.write(...)``: calls made inside are the people the
        scenario plays, drawn from ``users`` in the report's diagram. Outside a step or
        this block, ``run.odoo`` and ``run.crm`` calls are the harness's own (reading what
        to expect, say): kept out of the diagram, listed in the timeline."""
        return self.sandboxes.acting(USERS)

    # -- what the scenario does -----------------------------------------------------------
    def step(self, step: str | Mapping[str, Any]) -> str:
        """Run one ``when`` step (the words or the structured form); its outcome. A step
        that fails ends the scenario as a YAML step does."""
        at = _caller()
        source = _checked({"scenario": "-", "flow": "-", "when": [step]}, at)
        parsed = _step(source, 0, step)
        outcome = _run_step(parsed, self.sandboxes, self.sut)
        self.result.steps.append(outcome)
        if not outcome.ok:
            failure = Failure("step", at[1], "the step runs", outcome.detail, parsed.text)
            self.result.failures.append(failure)
            raise ScenarioFailedError(self.result)
        observe_states(self.sandboxes)
        return outcome.detail

    def fault(self, fault: Mapping[str, Any]) -> None:
        """Arm a fault now (a YAML ``faults`` entry: ``system``, ``kind``, ``times``...)."""
        at = _caller()
        _checked({"scenario": "-", "flow": "-", "faults": [dict(fault)]}, at)
        self.sandboxes.inject_fault(dict(fault), f"{at[0]}:{at[1]}: fault")
        armed = (*self.result.scenario.faults, dict(fault))  # the report lists it
        self.result.scenario = replace(self.result.scenario, faults=armed)

    def expect(self, then: Mapping[str, Any]) -> None:
        """Check ``then`` (a YAML ``then`` mapping) now; a mismatch fails the scenario with
        the same rendering, naming this call's line."""
        at = _caller()
        _checked({"scenario": "-", "flow": "-", "then": dict(then)}, at)
        self._then.update(then)
        self._then_lines.update({("then", key): at[1] for key in then})
        scenario = replace(self.scenario, then=dict(then), lines={(): at[1]})
        failures = expectations(scenario, self.sandboxes, self.sut)
        if failures:
            self.result.failures += failures
            raise ScenarioFailedError(self.result)

    # -- the end --------------------------------------------------------------------------
    def finish(self, error: BaseException | None = None) -> ScenarioResult:
        """Run the built-in checks (``ownership_conflicts`` from the ``expect`` calls) and
        stop every system; ``error`` is what the test raised, if anything."""
        if self._finished:
            return self.result
        self._finished = True
        try:
            if error is not None and not isinstance(error, ScenarioFailedError):
                line = _error_line(error, self.scenario.path) or self.scenario.line()
                what = f"{type(error).__name__}: {error}"
                self.result.failures.append(
                    Failure("error", line, "the test runs", what, "the test raised an error")
                )
            lines = {**self.scenario.lines, **self._then_lines}
            scenario = replace(self.scenario, then=self._then, lines=lines)
            self.result.failures += builtin_checks(scenario, self.sandboxes)
        finally:
            self.result.secrets = self.sandboxes.known_secrets()
            self.close()
        self.result.journal = _masked(self.sandboxes)
        self.result.seconds = time.monotonic() - self._started
        return self.result

    def close(self) -> None:
        self._finished = True
        self._stack.close()


def _error_line(error: BaseException, path: Path) -> int | None:
    """The line of the test file where ``error`` went through, innermost last."""
    line = None
    tb = error.__traceback__
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename) == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


@pytest.fixture
def harness_scenario(request: pytest.FixtureRequest) -> Iterator[Callable[..., LiveScenario]]:
    """Start a Python scenario: ``harness_scenario(title, flow=..., odoo_version=...,
    given=..., faults=..., markers=...)``, the keys of a YAML scenario."""
    item = request.node
    harness = request.config.stash[CONFIG]

    def start(
        title: str,
        *,
        flow: str,
        odoo_version: str | None = None,
        given: Mapping[str, Any] | None = None,
        faults: Sequence[Mapping[str, Any]] | None = None,
        markers: Sequence[str] | None = None,
    ) -> LiveScenario:
        at = _caller()
        item.stash[BROKEN] = Scenario(title=str(title), flow=str(flow), path=at[0], test=item.name)
        if LIVE in item.stash:
            raise ConfigError(f"{at[0]}:{at[1]}: {FIXTURE}: one scenario per test")
        data: dict[str, Any] = {"scenario": title, "flow": flow}
        for key, value in (("given", given), ("faults", faults), ("markers", markers)):
            if value is not None:
                data[key] = value if isinstance(value, Mapping) else list(value)
        if odoo_version is not None:
            data["odoo_version"] = odoo_version
        _checked(data, at)
        scenario = Scenario(
            title=title,
            flow=flow,
            path=Path(item.path),
            odoo_version=odoo_version or harness.odoo_version or DEFAULT_ODOO_VERSION,
            given=dict(given or {}),
            faults=tuple(dict(f) for f in faults or ()),
            markers=tuple(markers or ()),
            lines={(): at[1]},
            test=item.name,
        )
        reason = None if harness.odoo.embedded else skip_reason(scenario)
        if reason:
            pytest.skip(reason)
        live = LiveScenario(scenario, harness).start()  # a failed start stopped all it began
        item.stash[LIVE] = live
        return live

    yield start
    live = item.stash.get(LIVE, None)
    if live is not None:  # the call hook finished it; this is for an error in between
        live.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After the test: the built-in checks, the result for the reports, the verdict."""
    try:
        outcome = yield
    except BaseException as exc:
        live = item.stash.get(LIVE, None)
        if live is None or isinstance(exc, pytest.skip.Exception):
            raise
        _keep(item, live.finish(error=exc))
        if isinstance(exc, ScenarioFailedError):
            raise ScenarioFailedError(live.result) from None
        raise
    live = item.stash.get(LIVE, None)
    if live is not None:
        result = live.finish()
        _keep(item, result)
        if not result.passed:
            raise ScenarioFailedError(result)
    return outcome


def _keep(item: pytest.Item, result: ScenarioResult) -> None:
    item.stash[ITEM_RESULT] = _report_data(result, item.config.stash[CONFIG])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A Python scenario's failure reads as a YAML one's; its result rides on the report
    (so xdist brings it to the controller) like a YAML scenario's."""
    report = yield
    if call.when != "call" or FIXTURE not in getattr(item, "fixturenames", ()):
        return report
    error = call.excinfo.value if call.excinfo else None
    if isinstance(error, ScenarioFailedError):
        report.longrepr = render_failure(error.result)
    elif isinstance(error, ConfigError):
        report.longrepr = str(error)
    data = item.stash.get(ITEM_RESULT, None)
    if data is None and report.failed and BROKEN in item.stash:
        data = _broken(item.stash[BROKEN], call.excinfo)
    if data is not None:
        setattr(report, REPORT_ATTR, data)
    return report


__all__ = ["FIXTURE", "LiveScenario", "harness_scenario"]
