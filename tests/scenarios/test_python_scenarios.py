"""Python scenarios (the ``harness_scenario`` fixture) as users run them (``pytester``):
a pass, an expectation's failure rendered as a YAML one's, a built-in check failing after
the test, mistakes as one line naming file:line, and the results in ``summary.json``
(also from ``odoo-harness run --workers 2`` over a folder holding both kinds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from odoo_harness.scenarios.live import _checked
from odoo_harness.yamlsource import SourceError

pytestmark = pytest.mark.wire
ROOT = Path(__file__).resolve().parents[2]

EXPORTED = """
def test_partner_exported(harness_scenario):
    run = harness_scenario("A partner made in Odoo reaches the CRM", flow="crm_contacts")
    for name in ("Ada Lovelace", "Grace Hopper"):
        email = name.split()[0].lower() + "@example.com"
        run.step(f"odoo creates res.partner {{name: {name}, email: {email}}}")
    run.step({"engine": "run_due_jobs"})
    found = run.odoo.search("res.partner", [("email", "=", "ada@example.com")])
    assert len(found) == 1  # direct access: Odoo over XML-RPC
    run.expect({"crm": {"contacts": {"where": {"email": "ada@example.com"}, "count": 1}}})
    run.expect({"crm": {"contacts": {"where": {"email": "grace@example.com"}, "lastname": "Hopper"}}})
"""

WRONG = """
def test_wrong_name(harness_scenario):
    run = harness_scenario("A partner, wrongly expected under another first name", flow="crm_contacts")
    run.step("odoo creates res.partner {name: Alan Turing, email: alan@example.com}")
    run.step("engine runs due jobs")
    run.expect({"crm": {"contacts": {"where": {"email": "alan@example.com"}, "firstname": "Alonzo"}}})
"""

DUPLICATE = """
def test_two_partners_one_email(harness_scenario):
    run = harness_scenario("Two partners share one email", flow="crm_contacts")
    for name in ("Ada Lovelace", "Ada King"):
        run.odoo.create("res.partner", {"name": name, "email": "ada@example.com"})
    run.expect({"failed_records": "none"})
"""

BAD_GIVEN = """
def test_bad_given(harness_scenario):
    harness_scenario(
        "A typo in given", flow="crm_contacts", given={"odoo": {"recrods": []}}
    )
"""

BAD_STEP = """
def test_bad_step(harness_scenario):
    run = harness_scenario("A step nobody knows", flow="crm_contacts")
    run.step("odoo makes coffee")
"""

BAD_THEN = """
def test_bad_then(harness_scenario):
    run = harness_scenario("A typo in an expectation", flow="crm_contacts")
    run.expect({"faild_records": 0})
"""


def line_of(source: str, text: str) -> int:
    """The line of ``source`` (as written by ``makepyfile``, dedented) holding ``text``."""
    lines = source.strip("\n").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def summary(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / "summary.json").read_text(encoding="utf-8")))


def test_a_python_scenario_passes_and_reaches_the_reports(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_exported=EXPORTED)
    out = pytester.mkdir("out")
    result = pytester.runpytest("-v", f"--odoo-harness-report={out}")
    result.assert_outcomes(passed=1)
    [scenario] = summary(out)["scenarios"]
    assert scenario["name"] == "test_partner_exported"
    assert scenario["title"] == "A partner made in Odoo reaches the CRM"
    assert scenario["outcome"] == "passed" and scenario["flow"] == "crm_contacts"
    assert scenario["path"].endswith("test_exported.py")
    assert [s["ok"] for s in scenario["steps"]] == [True, True, True]
    assert scenario["steps"][0]["line"] == line_of(EXPORTED, "run.step(f")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "A partner made in Odoo reaches the CRM" in html and "<svg" in html
    assert "batch/upsert" in html  # the journal's traffic is drawn


def test_a_failed_expectation_renders_like_yaml(pytester: pytest.Pytester) -> None:
    path = pytester.makepyfile(test_wrong=WRONG)
    out = pytester.mkdir("out")
    result = pytester.runpytest(f"--odoo-harness-report={out}")
    result.assert_outcomes(failed=1)
    line, step = line_of(WRONG, "run.expect("), line_of(WRONG, "odoo creates")
    result.stdout.fnmatch_lines(
        [
            "*Scenario failed: A partner, wrongly expected under another first name",
            f"*- then.crm.contacts.firstname (*test_wrong.py:{line})",
            "*expected: Alonzo",
            "*actual:   Alan",
            "Steps:",
            f"*ok   line {step}: odoo creates res.partner*",
            "Reproduce with:",
            f"*odoo-harness run {path}::test_wrong_name",
        ]
    )
    assert "Traceback" not in result.stdout.str()
    [scenario] = summary(out)["scenarios"]
    assert scenario["outcome"] == "failed"
    assert [f["check"] for f in scenario["failures"]] == ["then.crm.contacts.firstname"]
    assert scenario["reproduce"] == f"odoo-harness run {path}::test_wrong_name"


def test_a_builtin_check_fails_the_test_after_it_returns(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_duplicate=DUPLICATE)
    result = pytester.runpytest("--odoo-harness-no-report")
    result.assert_outcomes(failed=1)  # failed, not an error at teardown
    line = line_of(DUPLICATE, "harness_scenario(")
    result.stdout.fnmatch_lines(
        [
            f"*- no_duplicate_records (*test_duplicate.py:{line})",
            "*Odoo partners created more than once",
            '*actual:   {"ada@example.com": 2}',
        ]
    )


def test_a_plain_assertion_fails_as_usual_and_is_reported(pytester: pytest.Pytester) -> None:
    source = EXPORTED.replace("assert len(found) == 1", "assert len(found) == 2")
    pytester.makepyfile(test_assert=source)
    out = pytester.mkdir("out")
    result = pytester.runpytest(f"--odoo-harness-report={out}")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*assert 1 == 2*"])  # pytest's own assertion rewriting
    [scenario] = summary(out)["scenarios"]
    [failure] = scenario["failures"]
    assert failure["check"] == "error" and failure["line"] == line_of(source, "assert len")


@pytest.mark.parametrize(
    ("source", "anchor", "message"),
    [
        (
            BAD_GIVEN,
            "harness_scenario(",
            "given.odoo.recrods: unknown key; expected one of: records",
        ),
        (BAD_STEP, "run.step(", "step: not a step; write one of: odoo creates <model> {values}"),
        (BAD_THEN, "run.expect(", "then.faild_records: unknown key; expected one of:"),
    ],
)
def test_bad_data_is_one_line_naming_file_and_line(
    pytester: pytest.Pytester, source: str, anchor: str, message: str
) -> None:
    pytester.makepyfile(test_bad=source)
    result = pytester.runpytest("--odoo-harness-no-report")
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    where = f"test_bad.py:{line_of(source, anchor)}: "
    [shown] = [line for line in text.splitlines() if where in line and "FAILED" not in line]
    assert message in shown
    assert "Traceback" not in text and "site-packages" not in text


def test_run_with_workers_reports_python_and_yaml_scenarios(tmp_path: Path) -> None:
    folder = tmp_path / "suite"
    folder.mkdir()
    yaml = ROOT / "scenarios" / "crm_contacts" / "odoo_change_exported.scenario.yaml"
    (folder / yaml.name).write_text(yaml.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "test_exported.py").write_text(EXPORTED, encoding="utf-8")
    (folder / "test_wrong.py").write_text(WRONG, encoding="utf-8")
    reports = tmp_path / "reports"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ODOO_HARNESS_")}
    result = subprocess.run(
        [sys.executable, "-m", "odoo_harness.cli.main", "run", str(folder)]
        + ["--workers", "2", "--report", str(reports)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
        env=clean,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 passed, 1 failed" in result.stdout
    assert "- then.crm.contacts.firstname (" in result.stdout
    found = {s["name"]: s["outcome"] for s in summary(reports)["scenarios"]}
    assert found == {
        "odoo_change_exported": "passed",
        "test_partner_exported": "passed",
        "test_wrong_name": "failed",
    }


KEYS = st.sampled_from(["odoo", "crm", "shop", "carrier", "engine", "records", "x", "batch_size"])
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=8,
)


@settings(deadline=None)  # the first example loads the schema
@given(
    data=st.fixed_dictionaries(
        {"scenario": st.text(max_size=5), "flow": st.text(max_size=5) | st.integers()},
        optional={
            "given": st.dictionaries(KEYS, VALUES, max_size=3),
            "faults": st.lists(
                st.dictionaries(st.sampled_from(["system", "kind", "times"]), VALUES)
            ),
            "odoo_version": st.sampled_from(["17.0", "18.0", "16.0", 18]),
            "then": st.dictionaries(KEYS, VALUES, max_size=2),
        },
    ),
    line=st.integers(min_value=1, max_value=9999),
)
def test_any_refused_data_is_one_line_at_the_call(data: dict[str, Any], line: int) -> None:
    """Whatever Python data a scenario is given, it is accepted or refused with one line
    that names the file and line of the call (never another exception)."""
    path = Path("scenarios/test_x.py")
    try:
        _checked(data, (path, line))
    except SourceError as exc:
        message = str(exc)
        assert message.startswith(f"{path}:{line}: ") and "\n" not in message


ACTORS = """
def test_who_calls(harness_scenario):
    run = harness_scenario("The author's own reads are the harness's", flow="crm_contacts")
    run.odoo.search("res.partner", [("email", "=", "ada@example.com")])
    with run.users():
        run.odoo.create("res.partner", {"name": "Ada Lovelace", "email": "ada@example.com"})
    run.step("odoo creates res.partner {name: Grace Hopper, email: grace@example.com}")
    calls = [
        (e.correlation_id.split("-")[0], e.data["model"] + "." + e.data["method"])
        for e in run.journal
        if e.kind == "odoo.call" and e.data["model"] == "res.partner"
        and not e.correlation_id.startswith("engine-")  # the system under test's own
    ]
    assert calls == [
        ("harness", "res.partner.search"),
        ("users", "res.partner.create"),
        ("users", "res.partner.create"),
    ], calls
"""


def test_python_scenario_calls_are_the_harness_unless_made_as_users(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_who_calls_live=ACTORS)
    result = pytester.runpytest("--odoo-harness-no-report")
    result.assert_outcomes(passed=1)
