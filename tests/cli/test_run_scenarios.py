"""``odoo-harness run``: scenarios through pytest, one line each, reports, pytest's exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.wire
ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "crm_contacts" / "odoo_change_exported.scenario.yaml"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "odoo_harness.cli.main", "run", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )


def test_a_passing_scenario_one_line_and_reports(tmp_path: Path) -> None:
    result = run(SCENARIO, "--report", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    [line] = [x for x in result.stdout.splitlines() if x.startswith("PASSED")]
    assert "odoo_change_exported" in line
    assert "1 passed" in result.stdout
    assert json.loads((tmp_path / "summary.json").read_text())["passed"] == 1
    assert (tmp_path / "report.html").exists()


def test_a_failing_scenario_exits_1_with_the_rendered_failure(tmp_path: Path) -> None:
    text = SCENARIO.read_text(encoding="utf-8").replace(
        "city: London\n  failed", "city: Paris\n  failed"
    )
    bad = tmp_path / "wrong_city.scenario.yaml"
    bad.write_text(text, encoding="utf-8")
    result = run(bad, "--report", tmp_path / "reports")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED" in result.stdout and "then.crm.contacts.city" in result.stdout
    assert "Reproduce with:" in result.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [((SCENARIO, "-k", "no_such_scenario"), 5), ((ROOT / "no-such-folder",), 4)],
)
def test_exit_codes_agree_with_pytest(
    args: tuple[str | Path, ...], code: int, tmp_path: Path
) -> None:
    assert run(*args, "--report", tmp_path).returncode == code
