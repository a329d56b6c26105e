"""Replay every recorded case of fixtures/conformance/ against the embedded Odoo sandbox.

Test ids are ``<version>-<topic>-<case id>``; select with ``-m orm``, ``-k 18.0-errors``.
Cases listed in ``expected_failures.txt`` are strict xfails. Every topic runs by default
(``--conformance-all`` is kept for old command lines and changes nothing).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .replay import Case, CaseRunner, ReplayFailure, expected_failures, load_cases
from .servers import RunnerPool, SandboxUnavailableError

EXPECTED_FAILURES = Path(__file__).with_name("expected_failures.txt")


def _params() -> list[object]:
    known_failures = expected_failures(EXPECTED_FAILURES)
    params = []
    for case in load_cases():
        marks = [pytest.mark.conformance, getattr(pytest.mark, case.topic)]
        if case.test_id in known_failures:
            marks.append(pytest.mark.xfail(reason="listed in expected_failures.txt", strict=True))
        params.append(pytest.param(case, id=case.test_id, marks=marks))
    return params


@pytest.mark.wire
@pytest.mark.parametrize("case", _params())
def test_replay(case: Case, conformance_pool: RunnerPool, request: pytest.FixtureRequest) -> None:
    try:
        runner = conformance_pool.runner(case.version)
    except SandboxUnavailableError as exc:
        pytest.skip(str(exc))
    failure = _replay(runner, case)
    if failure is not None:
        command = f".venv/bin/pytest '{request.node.nodeid}'"
        pytest.fail(f"{failure}\nReproduce with: {command}", pytrace=False)


def _replay(runner: CaseRunner, case: Case) -> ReplayFailure | None:
    """Run the case; the failure is returned so pytest does not print it twice as a chain."""
    try:
        runner.run(case)
    except ReplayFailure as failure:
        return failure
    return None
