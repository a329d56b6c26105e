"""What ``odoo-harness run`` prints while pytest runs the scenarios (pytest's own terminal
output is off): one line per scenario, each failure rendered in full, a closing tally."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


class ScenarioProgress:
    """A pytest plugin object: ``pytest.main(args, plugins=[ScenarioProgress(print)])``."""

    def __init__(self, say: Callable[[str], Any], reports: Path) -> None:
        self.say = say
        self.reports = reports
        self.counts = {"passed": 0, "failed": 0, "skipped": 0, "errors": 0}
        self.started = time.monotonic()

    @pytest.hookimpl
    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.counts["errors"] += 1
            self.say(f"ERROR   {report.nodeid}\n{report.longreprtext}")

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" and not (report.failed or report.skipped):
            return
        item = report.nodeid
        if report.passed:
            self.counts["passed"] += 1
            self.say(f"PASSED  {item}  ({report.duration:.2f} s)")
        elif report.skipped:
            self.counts["skipped"] += 1
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            self.say(
                f"SKIPPED {item}" + (f"  ({reason.removeprefix('Skipped: ')})" if reason else "")
            )
        else:
            self.counts["failed"] += 1
            self.say(f"FAILED  {item}  ({report.duration:.2f} s)\n{report.longreprtext}\n")

    @pytest.hookimpl
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        tally = ", ".join(f"{n} {k}" for k, n in self.counts.items() if n)
        seconds = time.monotonic() - self.started
        self.say(f"{tally or 'no scenarios'} in {seconds:.2f} s")
        if self.counts["passed"] + self.counts["failed"]:
            self.say(f"reports: {self.reports}/summary.json, {self.reports}/report.html")


__all__ = ["ScenarioProgress"]
