"""Replay the project's own fidelity cases (``cases/<topic>.json``) against the sandbox.

The cases use the recordings' format (fixtures/conformance/README.md) and go through the same
runner (``tests/conformance/replay.py``); they cover behaviour the published recordings do not,
each citing its source (the research notes' check number or an Odoo source file) in ``about``.
A case lists the ``versions`` it applies to (all three when absent): where Odoo versions
answer differently, there is one case per answer. Test ids: ``<version>-<topic>-<case id>``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conformance.replay import Case, CaseFormatError, CaseRunner, ReplayFailure, _case
from tests.conformance.servers import RunnerPool

CASES_DIR = Path(__file__).with_name("cases")
VERSIONS = ("17.0", "18.0", "19.0")


def load_fidelity_cases(root: Path = CASES_DIR) -> list[Case]:
    """Every case of every topic file, once per version it applies to."""
    cases = []
    for source in sorted(root.glob("*.json")):
        document = json.loads(source.read_text(encoding="utf-8"))
        for raw in document["cases"]:
            versions = raw.get("versions", VERSIONS)
            unknown = set(versions) - set(VERSIONS)
            if unknown or not raw.get("about"):
                raise CaseFormatError(f"{source}: case {raw.get('id')!r}: bad versions or no about")
            body = {key: value for key, value in raw.items() if key != "versions"}
            cases.extend(_case(version, source.stem, body, source) for version in versions)
    return cases


def _params() -> list[object]:
    return [
        pytest.param(case, id=case.test_id, marks=[pytest.mark.wire])
        for case in load_fidelity_cases()
    ]


def test_case_ids_are_unique() -> None:
    ids = [case.test_id for case in load_fidelity_cases()]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("case", _params())
def test_fidelity(case: Case, fidelity_pool: RunnerPool) -> None:
    runner: CaseRunner = fidelity_pool.runner(case.version)
    try:
        runner.run(case)
    except ReplayFailure as failure:
        pytest.fail(str(failure), pytrace=False)
