"""The pytest plugin (entry point ``pytest11: odoo_harness``): every ``*.scenario.yaml``
is a test item, so ``-k``, ``-x``, markers, ``--lf`` and ``--junitxml`` work as usual.

Each item runs its scenario against fresh sandboxes; a failure renders with
``failure.render_failure``. At the end of a session that ran scenarios, the reports
(``summary.json``, ``report.html``) go to ``--odoo-harness-report DIR`` (``reports/``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..errors import ConfigError
from .failure import render_failure
from .model import SUFFIX, Scenario, load_scenario
from .runner import ScenarioResult, run_scenario

RESULTS = pytest.StashKey[list[ScenarioResult]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("odoo-harness", "odoo-harness scenarios")
    group.addoption(
        "--odoo-harness-report",
        metavar="DIR",
        default="reports",
        help="where to write summary.json and report.html (default: reports/)",
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


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name.endswith(SUFFIX):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        scenario = load_scenario(self.path)
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
        result = run_scenario(self.scenario)
        self.config.stash[RESULTS].append(result)
        if not result.passed:
            raise ScenarioFailedError(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        if isinstance(excinfo.value, ScenarioFailedError):
            return render_failure(excinfo.value.result)
        if isinstance(excinfo.value, ConfigError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario: {self.scenario.title}"


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    results = config.stash.get(RESULTS, [])
    if not results or config.getoption("--odoo-harness-no-report"):
        return
    from ..reports import write_reports  # reports read scenario results (lazy: no cycle)

    folder = Path(config.getoption("--odoo-harness-report"))
    if not folder.is_absolute():
        folder = config.invocation_params.dir / folder
    written = write_reports(results, folder)
    config.stash[REPORTS] = written


REPORTS = pytest.StashKey[list[Path]]()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for path in config.stash.get(REPORTS, []):
        terminalreporter.write_line(f"odoo-harness report: {path}")
