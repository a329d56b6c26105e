"""The scenario plugin as users run it (``pytester``): collection, -k, failures rendered by
the one formatter, load errors, JUnit XML and the reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.wire
ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "scenarios" / "crm_contacts"
SECRETS = ("pat-na1-crmock-production-0001", "crmock-client-secret-0001")

CONFLICT_NOT_EXPECTED = """\
scenario: A CRM name change, wrongly expected to be harmless
flow: crm_contacts
when:
  - "odoo creates res.partner {name: Alan Turing, email: alan@example.com}"
  - engine runs due jobs
  - time passes 1 minute
  - "crm updates contacts where {email: alan@example.com} set {firstname: Alan M.}"
  - crm sends webhooks
  - engine runs due jobs
then:
  odoo:
    res.partner:
      where: {email: alan@example.com}
      name: Alan M. Turing
"""


def copy_scenario(pytester: pytest.Pytester, name: str) -> Path:
    text = (SUITE / f"{name}.scenario.yaml").read_text(encoding="utf-8")
    return pytester.makefile(".scenario.yaml", **{name: text})


def test_scenarios_are_items_and_reports_are_written(pytester: pytest.Pytester) -> None:
    copy_scenario(pytester, "exported_once_despite_lost_answer")
    copy_scenario(pytester, "odoo_change_exported")
    out = pytester.mkdir("out")
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest(
        "-v", "-k", "lost_answer", f"--odoo-harness-report={out}", f"--junitxml={junit}"
    )
    result.assert_outcomes(passed=1, deselected=1)
    result.stdout.fnmatch_lines(["*exported_once_despite_lost_answer PASSED*"])
    assert 'tests="1"' in junit.read_text(encoding="utf-8")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["total"], summary["passed"]) == (1, 1)
    [scenario] = summary["scenarios"]
    assert scenario["flow"] == "crm_contacts" and len(scenario["steps"]) == 4
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "lost" in html and "commit_then_drop" in html and "batch/upsert" in html
    assert "<script" not in html and "http://" not in html.split("<body>")[0]
    for secret in SECRETS:
        assert secret not in html and secret not in json.dumps(summary)


def test_a_failure_renders_expectation_journal_and_reproduce(pytester: pytest.Pytester) -> None:
    pytester.makefile(".scenario.yaml", wrong=CONFLICT_NOT_EXPECTED)
    result = pytester.runpytest("--odoo-harness-no-report")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*Scenario failed: A CRM name change, wrongly expected to be harmless",
            "*- then.odoo.res.partner.name (*wrong.scenario.yaml:14)",
            "*expected: Alan M. Turing",
            "*actual:   Alan Turing",
            "*- ownership_respected (*wrong.scenario.yaml:*)",
            "*journal:",
            "*engine OwnershipConflict*",
            "Reproduce with:",
            "*odoo-harness run *wrong.scenario.yaml",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_a_bad_file_fails_collection_naming_line_and_key(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".scenario.yaml",
        bad="scenario: t\nflow: crm_contacts\nwhen:\n  - engine runs due jobs\n"
        "then:\n  faild_records: none\n",
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*bad.scenario.yaml:6: then.faild_records: unknown key*"])


def test_exitfirst_and_markers(pytester: pytest.Pytester) -> None:
    pytester.makefile(".scenario.yaml", a_wrong=CONFLICT_NOT_EXPECTED)
    copy_scenario(pytester, "odoo_change_exported")
    result = pytester.runpytest("-x", "--odoo-harness-no-report", "-m", "crm_contacts")
    result.assert_outcomes(failed=1)
    assert pytester.runpytest("-m", "not scenario").ret == pytest.ExitCode.NO_TESTS_COLLECTED
