"""``odoo-harness run --odoo url=...`` against an Odoo started on its own, ``--workers 2``
with reports merged from both workers, and the options' usage errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xmlrpc.client
from pathlib import Path

import pytest

from odoo_harness.odoo.http.server import SandboxServer

pytestmark = pytest.mark.wire
ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "scenarios" / "crm_contacts"

EXTERNAL = """\
scenario: A partner made in a long-lived Odoo reaches the CRM once
flow: crm_contacts
given:
  odoo:
    records:
      - {model: res.partner.category, id: given.vip, values: {name: VIP ext-7}}
      - model: res.partner
        id: given.acme
        values: {name: Acme ext-7, is_company: true, country_id: {ref: base.be},
                 category_id: [{ref: given.vip}]}
when:
  - "odoo creates res.partner {name: Edith Clarke, email: edith.ext-7@example.com}"
  - engine runs due jobs
then:
  odoo:
    res.partner: {where: {name: Acme ext-7}, count: 1, country_id: Belgium}
  crm:
    contacts: {where: {email: edith.ext-7@example.com}, count: 1, lastname: Clarke}
  failed_records: none
"""
MOVES_TIME = """\
scenario: Needs the clock
flow: crm_contacts
when:
  - time passes 1 minute
then:
  failed_records: none
"""


PASSWORD = "Harness-Admin-2026!"


def set_admin_password(odoo: SandboxServer) -> tuple[str, str]:
    """A password no ordinary text contains (the default 'admin' is also the login)."""
    login, default = odoo.credentials["admin"]
    common = xmlrpc.client.ServerProxy(f"{odoo.url}/xmlrpc/2/common")
    models = xmlrpc.client.ServerProxy(f"{odoo.url}/xmlrpc/2/object")
    uid = common.authenticate(odoo.db, login, default, {})
    args = [[uid], {"password": PASSWORD}]
    models.execute_kw(odoo.db, uid, default, "res.users", "write", args)
    return login, PASSWORD


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ODOO_HARNESS_")}
    return subprocess.run(
        [sys.executable, "-m", "odoo_harness.cli.main", "run", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
        env={**clean, **(env or {})},
    )


def test_odoo_url_runs_against_an_odoo_started_separately(tmp_path: Path) -> None:
    (tmp_path / "edith.scenario.yaml").write_text(EXTERNAL, encoding="utf-8")
    (tmp_path / "clock.scenario.yaml").write_text(MOVES_TIME, encoding="utf-8")
    reports = tmp_path / "reports"
    with SandboxServer() as odoo:  # to the harness, just an Odoo at a URL
        login, password = set_admin_password(odoo)  # given records read external ids
        result = run(
            tmp_path,
            "--odoo",
            f"url={odoo.url},db={odoo.db},login={login}",
            "--report",
            reports,
            env={"ODOO_HARNESS_ODOO_PASSWORD": password},
        )
        calls = [e.data for e in odoo.journal.entries(kind="odoo.call")]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASSED  " in result.stdout and "edith" in result.stdout
    [skipped] = [x for x in result.stdout.splitlines() if x.startswith("SKIPPED")]
    assert "clock" in skipped and "an external Odoo's clock cannot be moved" in skipped
    assert "1 passed, 1 skipped" in result.stdout
    created = {(c["model"], c["method"]) for c in calls if c["outcome"] == "ok"}
    assert {("res.partner.category", "create"), ("res.partner", "create")} <= created
    for name in ("summary.json", "report.html"):
        assert password not in (reports / name).read_text(encoding="utf-8")
    assert password not in result.stdout + result.stderr
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    assert (summary["total"], summary["passed"]) == (1, 1)


def test_workers_merge_every_result_into_one_report(tmp_path: Path) -> None:
    wrong = (SUITE / "odoo_change_exported.scenario.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "wrong_city.scenario.yaml"
    bad.write_text(wrong.replace("city: London\n  failed", "city: Paris\n  failed"), "utf-8")
    names = ["existing_crm_contact_adopted_not_duplicated", "odoo_change_exported"]
    paths = [SUITE / f"{n}.scenario.yaml" for n in names]
    junit = tmp_path / "junit.xml"
    result = run(*paths, bad, "--workers", "2", "--report", tmp_path, "--junitxml", junit)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [x for x in result.stdout.splitlines() if x.startswith(("PASSED", "FAILED"))]
    assert len(lines) == 3 and sum(x.startswith("FAILED") for x in lines) == 1
    assert "2 passed, 1 failed" in result.stdout
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert (summary["total"], summary["passed"], summary["failed"]) == (3, 2, 1)
    assert sorted(s["name"] for s in summary["scenarios"]) == sorted([*names, "wrong_city"])
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 3 and "2 of 3 passed" in html
    assert 'tests="3"' in junit.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("--odoo", "url=http://127.0.0.1:1,password=hunter22"), {}, "no credentials on the"),
        (("--odoo", "url=http://127.0.0.1:1,db=x,login=y"), {}, "ODOO_HARNESS_ODOO_PASSWORD"),
        (("--odoo", "url=127.0.0.1"), {}, "is not an http(s) URL"),
        (("--workers", "0"), {}, "argument --workers: expected a whole number >= 1"),
        ((), {"ODOO_HARNESS_ODOO_VERSION": "16.0"}, "ODOO_HARNESS_ODOO_VERSION: '16.0'"),
        (  # nothing listens there: one line before any scenario, the password nowhere
            ("--odoo", "url=http://127.0.0.1:1,db=x,login=y"),
            {"ODOO_HARNESS_ODOO_PASSWORD": "hunter22"},
            "the Odoo at http://127.0.0.1:1 does not answer XML-RPC",
        ),
    ],
)
def test_option_mistakes_are_usage_errors(
    args: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    result = run(SUITE / "odoo_change_exported.scenario.yaml", *args, env=env)
    assert result.returncode == 4, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert "hunter22" not in result.stderr + result.stdout
    assert "--workers: --workers" not in result.stderr
