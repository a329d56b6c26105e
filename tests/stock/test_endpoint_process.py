"""The endpoint as users run it: ``odoo-harness engine stock-endpoint`` in its own process,
and schemathesis (``contracts verify``) against the running endpoint."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest

from .conftest import KEY, Served

pytestmark = pytest.mark.wire

CONTRACT = Path(__file__).parents[2] / "contracts" / "engine" / "stock_availability.openapi.yaml"
CLI = [sys.executable, "-m", "odoo_harness.cli.main"]


def _env(**values: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("ODOO_HARNESS_ODOO_PASSWORD", "ODOO_HARNESS_ODOO_API_KEY")
    }
    env.pop("ODOO_HARNESS_STOCK_API_KEY", None)
    env.update(values)
    return env


def _argv(served: Served, *extra: str) -> list[str]:
    odoo = served.odoo
    return [
        *CLI,
        "engine",
        "stock-endpoint",
        "--odoo-url",
        odoo.url,
        "--db",
        odoo.db,
        "--login",
        odoo.login,
        *extra,
    ]


def test_the_command_refreshes_then_serves_until_sigterm(served: Served, tmp_path: Path) -> None:
    env = _env(ODOO_HARNESS_ODOO_PASSWORD=served.odoo.password, ODOO_HARNESS_STOCK_API_KEY=KEY)
    argv = _argv(served, "--store", str(tmp_path / "s.sqlite"), "--refresh-every", "0.5")
    with subprocess.Popen(
        [*argv, "--for", "60"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("stock endpoint ready: http://127.0.0.1:"), line
        url = line.removeprefix("stock endpoint ready: ")
        answer = httpx.get(
            f"{url}/v1/stock/availability?sku=SKU-000001", headers={"X-API-Key": KEY}
        )
        assert answer.status_code == 200
        assert [item["sku"] for item in answer.json()["items"]] == ["SKU-000001"]
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "warehouse WH: " in err and "product(s) read" in err  # progress on stderr
    assert KEY not in out + err
    assert (tmp_path / "s.sqlite").is_file()


def test_without_an_api_key_it_makes_a_throwaway_one(served: Served) -> None:
    env = _env(ODOO_HARNESS_ODOO_PASSWORD=served.odoo.password)
    result = subprocess.run(
        [*_argv(served), "--for", "0.2"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "no $ODOO_HARNESS_STOCK_API_KEY; throwaway API key: " in result.stderr


def test_without_an_odoo_credential_it_says_which_variable(served: Served) -> None:
    result = subprocess.run(
        [*_argv(served), "--for", "1"], env=_env(), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 4
    assert "set ODOO_HARNESS_ODOO_PASSWORD or ODOO_HARNESS_ODOO_API_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_schemathesis_finds_nothing(served: Served, tmp_path: Path) -> None:
    junit = tmp_path / "stock.junit.xml"
    result = subprocess.run(
        [
            *CLI,
            "contracts",
            "verify",
            str(CONTRACT),
            "--base-url",
            served.url,
            "--header",
            f"X-API-Key: {KEY}",
            "--max-examples",
            "3",
            "--seed",
            "1",
            "--junit",
            str(junit),
            "--html",
            str(tmp_path / "stock.html"),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    suites = ElementTree.parse(junit).getroot()
    assert int(suites.get("tests", 0)) == 4
    assert int(suites.get("failures", 0)) == 0 and int(suites.get("errors", 0)) == 0, output
    assert KEY not in output


def test_a_wrong_password_is_one_clear_line_and_exit_3(served: Served) -> None:
    env = _env(ODOO_HARNESS_ODOO_PASSWORD="not-the-password", ODOO_HARNESS_STOCK_API_KEY=KEY)
    result = subprocess.run(
        [*_argv(served), "--for", "1"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 3
    assert f"stock endpoint: cannot read Odoo at {served.odoo.url}" in result.stderr
    assert "Traceback" not in result.stderr and "not-the-password" not in result.stderr
    assert result.stdout == ""
