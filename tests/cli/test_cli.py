"""The odoo-harness command as users run it: a real process, a real socket."""

from __future__ import annotations

import subprocess
import sys

import pytest

from odoo_harness.cli.main import main


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "odoo_harness.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_run_self_check_passes_over_the_network() -> None:
    result = run_cli("run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok   login as admin" in result.stdout
    assert "ok   read it back" in result.stdout
    assert "self-check passed" in result.stdout


def test_sandbox_up_prints_urls_and_credentials_then_stops_by_itself() -> None:
    result = run_cli("sandbox", "up", "--odoo-version", "19.0", "--port", "0", "--for", "0.5")
    assert result.returncode == 0, result.stderr
    assert "http://127.0.0.1:" in result.stdout
    assert "login 'admin', password 'admin'" in result.stdout
    assert "admin API key" in result.stdout  # JSON-2 needs one on 19.0
    assert "sandbox stopped" in result.stdout


def test_bad_fixture_is_one_line_usage_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("records:\n  - model: nope.model\n", encoding="utf-8")
    result = run_cli("sandbox", "up", "--port", "0", "--for", "0.1", "--fixture", str(bad))
    assert result.returncode == 4
    assert result.stderr.strip().splitlines() == [
        f"odoo-harness: error: {bad}:2: records[0].model: unknown model 'nope.model'"
    ]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("argv", [["bogus"], ["run", "--odoo-version", "16.0"], []])
def test_usage_errors_exit_4(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        code = main(argv)
        raise SystemExit(code)
    assert info.value.code == 4


def test_reset_without_data_dir_is_refused() -> None:
    result = run_cli("sandbox", "up", "--port", "0", "--reset", "--for", "0.1")
    assert result.returncode == 4
    assert "--reset only applies with --data-dir" in result.stderr
