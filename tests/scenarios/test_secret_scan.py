"""Seeded-secret scans: the credentials the sandboxes hand out and the engine uses never
reach the journal, ``report.html``, ``summary.json``, the JUnit XML or the captured
log, stdout and stderr of a run; and the scan does find one when the engine logs it.

The scenarios run with the plugin as users run it (``pytester``), with every log record
captured (``--log-level=DEBUG``, ``junit_logging=all``, ``-rA``) so that the scan sees all
there is. The live journal is scanned by each scenario's built-in ``no_secret_in_journal``
check (a leak fails the scenario); ``summary.json`` holds the journal as reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from odoo_harness.engine.bugs import switched_on
from odoo_harness.providers.crm.auth import Credentials
from odoo_harness.scenarios.sandboxes import CRM_TOKEN
from odoo_harness.scenarios.sut import ReferenceEngine

pytestmark = pytest.mark.wire
SUITE = Path(__file__).resolve().parents[2] / "scenarios"
# token refresh (client secret, refresh token), signed webhooks (client secret), a forged
# webhook, a failure shown in Odoo, a crash and restart
SCANNED = (
    "crm_contacts/expired_token_refreshed_once",
    "crm_contacts/crm_owned_change_imported",
    "crm_contacts/forged_webhook_refused",
    "engine/manual_retry_clears_failed_queue",
)
SEEDED = (CRM_TOKEN, *Credentials().secrets())


def scan(places: dict[str, str]) -> list[str]:
    """``place: secret`` for every seeded secret found (the secret itself masked)."""
    return [
        f"{place}: {secret[:4]}..." for place, text in places.items() for secret in SEEDED
        if secret in text
    ]  # fmt: skip


def run_suite(pytester: pytest.Pytester, *names: str) -> tuple[pytest.RunResult, dict[str, str]]:
    for name in names:
        text = (SUITE / f"{name}.scenario.yaml").read_text(encoding="utf-8")
        pytester.makefile(".scenario.yaml", **{Path(name).name: text})
    out = pytester.path / "out"
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest(
        f"--odoo-harness-report={out}",
        f"--junitxml={junit}",
        "-o",
        "junit_logging=all",
        "--log-level=DEBUG",
        "-rA",
    )
    places = {
        "summary.json": (out / "summary.json").read_text(encoding="utf-8"),
        "report.html": (out / "report.html").read_text(encoding="utf-8"),
        "junit.xml": junit.read_text(encoding="utf-8"),
        "stdout": result.stdout.str(),
        "stderr": result.stderr.str(),
    }
    return result, places


def test_the_seeded_secrets_are_the_ones_the_engine_is_given() -> None:
    assert len(SEEDED) >= 5 and all(len(s) >= 6 for s in SEEDED)
    assert {CRM_TOKEN, Credentials().client_secret} <= set(SEEDED)
    assert ReferenceEngine.FLOWS  # the reference engine gets these through Systems


def test_no_seeded_secret_in_any_output(pytester: pytest.Pytester) -> None:
    result, places = run_suite(pytester, *SCANNED)
    result.assert_outcomes(passed=len(SCANNED))
    assert all(text for place, text in places.items() if place != "stderr")
    assert "Captured log" in places["stdout"]  # the log was captured and printed, and clean
    assert scan(places) == []


def test_the_scan_finds_a_secret_the_engine_logs(pytester: pytest.Pytester) -> None:
    with switched_on("secret_in_log"):
        result, places = run_suite(pytester, "crm_contacts/odoo_change_exported")
    result.assert_outcomes(failed=1)  # the built-in no_secret_in_journal check
    assert "no_secret_in_journal" in places["stdout"]
    found = scan(places)
    assert "stdout: pat-..." in found and "junit.xml: pat-..." in found, found
    # what the harness writes itself stays masked even then
    assert not [f for f in found if f.startswith(("summary.json", "report.html"))], found
