"""The odoo-harness command as users run it: a real process, a real socket."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

import httpx
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
    result = run_cli("run", "--self-check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok   login as admin" in result.stdout
    assert "ok   read it back" in result.stdout
    assert "self-check passed" in result.stdout


def test_sandbox_up_prints_urls_and_credentials_then_stops_by_itself() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "odoo_harness.cli.main", "sandbox", "up"]
        + ["--odoo-version", "19.0", "--port", "0", "--for", "20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = []
        for line in process.stdout:  # up to the prompt: everything is served by then
            banner.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        text = "".join(banner)
        mocks = re.findall(r"^(\S.* mock .*) at (http://127\.0\.0\.1:\d+\S*)$", text, re.M)
        controls = re.findall(r"^  control API  (http://127\.0\.0\.1:\d+)/_control/", text, re.M)
        assert [title.split()[0] for title, _ in mocks] == ["Shipping", "eCommerce", "CRM"], text
        assert len(set(controls)) == 4  # Odoo's and each mock's
        for token in ("test_pk_", "shpat_test_shopmock", "pat-na1-crmock-sandbox-0001"):
            assert token in text
        for control in controls[1:]:  # each mock answers on its own port
            assert httpx.get(f"{control}/_control/clock", timeout=5).status_code == 200
        shop_api = mocks[1][1]
        assert shop_api.endswith("/admin/api/2024-07")
        shop = httpx.get(
            f"{shop_api}/shop.json",
            headers={"X-Shopify-Access-Token": "shpat_test_shopmock"},
            timeout=5,
        )
        assert shop.json()["shop"]["plan_name"] == "partner_test"
    finally:
        process.send_signal(signal.SIGINT)  # as Ctrl-C: a clean stop
        out, err = process.communicate(timeout=30)
    assert "http://127.0.0.1:" in text
    assert "login 'admin', password 'admin'" in text
    assert "admin API key" in text  # JSON-2 needs one on 19.0
    assert "sandbox stopped" in out, err


def test_sandbox_up_without_mocks_serves_odoo_only() -> None:
    result = run_cli("sandbox", "up", "--port", "0", "--for", "0.1", "--no-mocks")
    assert result.returncode == 0, result.stderr
    assert "mock" not in result.stdout
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
