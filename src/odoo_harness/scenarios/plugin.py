"""The pytest plugin (entry point ``pytest11: odoo_harness``): every ``*.scenario.yaml``
is a test item, so ``-k``, ``-x``, markers, ``--lf`` and ``--junitxml`` work as usual.

Each item runs its scenario against fresh sandboxes (or an external Odoo: the
configuration of ``config.py`` and ``--odoo-harness-odoo``); a failure renders with
``failure.render_failure``. Each result rides on its test report (so pytest-xdist brings
the workers' results to the controller), and at the end of a session that ran scenarios the
controller writes the reports (``summary.json``, ``report.html``, ``flows/``) to
``--odoo-harness-report DIR`` (the configuration's ``report_dir``, else ``reports/``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ..engine.bugs import from_env as engine_bugs_from_env
from ..errors import ConfigError
from ..journal import mask_secrets
from .config import HarnessConfig, load_config
from .external import skip_reason
from .failure import render_failure, reproduce_command
from .model import SUFFIX, Scenario, load_scenario
from .runner import ScenarioResult, run_scenario

# Python scenarios (the ``harness_scenario`` fixture and its hooks) live in their own module.
pytest_plugins = ["odoo_harness.scenarios.live"]

RESULTS = pytest.StashKey[list[dict[str, Any]]]()  # ScenarioResult.to_dict(), redacted
CONFIG = pytest.StashKey[HarnessConfig]()
REPORT_ATTR = "odoo_harness_result"  # on TestReport: travels from xdist workers


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("odoo-harness", "odoo-harness scenarios")
    group.addoption(
        "--odoo-harness-report",
        metavar="DIR",
        default=None,
        help="where to write summary.json and report.html (default: report_dir of the "
        "configuration, else reports/)",
    )
    group.addoption(
        "--odoo-harness-odoo",
        metavar="SPEC",
        default=None,
        help="embedded (default) or url=URL[,db=DB,login=L]; the password or API key comes "
        "from ODOO_HARNESS_ODOO_PASSWORD / _API_KEY or the configuration file",
    )
    group.addoption(
        "--odoo-harness-no-report",
        action="store_true",
        default=False,
        help="do not write the scenario reports",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "scenario: an odoo-harness business-flow scenario")
    config.stash[RESULTS] = []
    config.pluginmanager.register(_ResultCollector(config.stash[RESULTS]))
    try:
        harness = load_config(config.invocation_params.dir)
        spec = config.getoption("--odoo-harness-odoo")
        if spec:
            harness = harness.with_odoo(spec)
        harness.require_external_odoo()
        engine_bugs_from_env()
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[CONFIG] = harness


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name.endswith(SUFFIX):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        scenario = load_scenario(self.path)
        if ("odoo_version",) not in scenario.lines:  # the configuration's default applies
            scenario = replace(scenario, odoo_version=self.config.stash[CONFIG].odoo_version)
        item = ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)
        for marker in ("scenario", scenario.flow, *scenario.markers):
            self.config.addinivalue_line("markers", f"{marker}: odoo-harness scenario marker")
            item.add_marker(marker)
        yield item

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        if isinstance(excinfo.value, ConfigError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class ScenarioFailedError(Exception):
    def __init__(self, result: ScenarioResult) -> None:
        super().__init__(result.scenario.title)
        self.result = result


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario

    def runtest(self) -> None:
        harness = self.config.stash[CONFIG]
        reason = None if harness.odoo.embedded else skip_reason(self.scenario)
        if reason:
            pytest.skip(reason)
        result = run_scenario(self.scenario, config=harness)
        self.stash[ITEM_RESULT] = _report_data(result, harness)
        if not result.passed:
            raise ScenarioFailedError(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        if isinstance(excinfo.value, ScenarioFailedError):
            return render_failure(excinfo.value.result)
        if isinstance(excinfo.value, ConfigError):
            return str(excinfo.value)
        # a bug of the harness: the traceback helps, but its frames' arguments may hold
        # the configured credentials
        text = str(super().repr_failure(excinfo))
        return mask_secrets(text, self.config.stash[CONFIG].secrets())

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario: {self.scenario.title}"


ITEM_RESULT = pytest.StashKey[dict[str, Any]]()


def _report_data(result: ScenarioResult, harness: HarnessConfig) -> dict[str, Any]:
    """What the reports need of one result, JSON-ready, with every known secret masked."""
    data = {
        **result.to_dict(),
        "faults": list(result.scenario.faults),
        "reproduce": reproduce_command(result),
    }
    return dict(json.loads(mask_secrets(json.dumps(data, default=str), harness.secrets())))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if call.when != "call" or not isinstance(item, ScenarioItem):
        return report
    data = item.stash.get(ITEM_RESULT, None)
    if data is None and report.failed:  # the scenario broke before it had a result
        data = _broken(item.scenario, call.excinfo)
    if data is not None:
        setattr(report, REPORT_ATTR, data)  # xdist ships report.__dict__ to the controller
    return report


def _broken(scenario: Scenario, excinfo: pytest.ExceptionInfo[BaseException] | None) -> Any:
    error = f"{excinfo.typename}: {excinfo.value}" if excinfo else "error"
    return {
        "name": scenario.name,
        "title": scenario.title,
        "flow": scenario.flow,
        "path": str(scenario.path),
        "odoo_version": scenario.odoo_version,
        "outcome": "failed",
        "seconds": 0.0,
        "steps": [],
        "failures": [
            {
                "check": "error",
                "line": 1,
                "expected": "the scenario runs",
                "actual": error,
                "message": "the scenario raised an error",
                "entries": [],
            }
        ],
        "journal": [],
        "faults": list(scenario.faults),
        "reproduce": f"odoo-harness run {scenario.path}",
    }


class _ResultCollector:
    """Gathers report data from every test report: local ones and, on an xdist controller,
    those the workers send (the data rides on the report itself)."""

    def __init__(self, results: list[dict[str, Any]]) -> None:
        self.results = results

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data = getattr(report, REPORT_ATTR, None)
        if data is not None and report.when == "call":
            self.results.append(data)


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    results = config.stash.get(RESULTS, [])
    if hasattr(config, "workerinput"):  # an xdist worker: the controller writes the reports
        return
    if not results or config.getoption("--odoo-harness-no-report"):
        return
    from ..reports import write_reports  # reports read scenario results (lazy: no cycle)

    harness = config.stash[CONFIG]
    results.sort(key=lambda r: (r["path"], r["name"]))
    written = write_reports(results, _report_folder(config), secrets=harness.secrets())
    config.stash[REPORTS] = written


def _report_folder(config: pytest.Config) -> Path:
    folder = Path(config.getoption("--odoo-harness-report") or config.stash[CONFIG].report_dir)
    return folder if folder.is_absolute() else config.invocation_params.dir / folder


def pytest_collection_finish(session: pytest.Session) -> None:
    """A report folder that cannot be one is a usage error before the first scenario runs,
    not after the last (``--report`` / ``--odoo-harness-report`` naming a file)."""
    from .live import FIXTURE

    config = session.config
    if hasattr(config, "workerinput") or config.getoption("--odoo-harness-no-report"):
        return
    if not any(
        isinstance(item, ScenarioItem) or FIXTURE in getattr(item, "fixturenames", ())
        for item in session.items
    ):
        return
    folder = _report_folder(config)
    for part in (folder, *folder.parents):  # the nearest one that exists must be a folder
        if part.exists():
            if not part.is_dir():
                where = "" if part == folder else f": {part} is a file"
                raise pytest.UsageError(f"report folder {folder}: not a folder{where}")
            return


REPORTS = pytest.StashKey[list[Path]]()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for path in config.stash.get(REPORTS, []):
        terminalreporter.write_line(f"odoo-harness report: {path}")
