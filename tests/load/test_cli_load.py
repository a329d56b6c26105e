"""``odoo-harness load stock`` end to end over loopback: Locust in its own processes against
a stock endpoint, reports written, the contract's x-slo judged, two local workers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from odoo_harness.cli.main import main
from odoo_harness.load.contract import DEFAULT_CONTRACT, load_contract
from odoo_harness.load.run import serve_endpoint
from odoo_harness.serving import LoopbackServer

from .standin import standin_app

pytestmark = pytest.mark.wire
KEY_ENV = "LOAD_TEST_STOCK_KEY"
SMALL = ("--catalogue", "200x4", "--users", "2", "--spawn-rate", "2")


@pytest.fixture(scope="module")
def endpoint() -> Iterator[tuple[str, str]]:
    """The sandbox (200 variants x 4 warehouses) and the real stock endpoint, as child
    processes on loopback: (URL, API key)."""
    with serve_endpoint("200x4", bound=300, say=lambda _: None) as (url, env):
        yield url, env["ODOO_HARNESS_STOCK_API_KEY"]


def load_stock(*args: str, key: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if key is not None:
        env[KEY_ENV] = key
    return subprocess.run(
        [sys.executable, "-m", "odoo_harness.cli.main", "load", "stock", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def test_by_default_starts_everything_passes_the_contract_slo_and_writes_reports(
    tmp_path: Path,
) -> None:
    result = load_stock(*SMALL, "--duration", "4", "--report", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "stock endpoint ready at http://127.0.0.1:" in result.stdout
    for name in ("stock_stats.csv", "stock_stats_history.csv", "locust.html", "summary.html"):
        assert (tmp_path / name).stat().st_size > 0, name
    summary = json.loads((tmp_path / "summary.json").read_text())
    names = {row["name"]: row for row in summary["requests"]}
    assert {"1 sku", "50 skus", "warehouse delta", "page 1000", "Aggregated"} <= set(names)
    assert names["Aggregated"]["requests"] > 0 and names["Aggregated"]["failures"] == 0
    assert summary["slo"]["result"] == "met"
    assert summary["slo"]["objectives"] == load_contract(DEFAULT_CONTRACT).slo
    html = (tmp_path / "summary.html").read_text()
    assert html.count("<svg") == 2 and "<polyline" in html and "<script" not in html


def test_a_tightened_objective_fails_naming_it(endpoint: tuple[str, str], tmp_path: Path) -> None:
    url, key = endpoint
    result = load_stock(
        "--target", url, "--api-key-env", KEY_ENV, *SMALL, "--duration", "3",
        "--slo", "p95_ms=0.01", "--report", str(tmp_path), key=key,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "p95_ms BREACHED: objective <= 0.01 ms, measured" in result.stdout
    assert "error_rate met" in result.stdout
    assert json.loads((tmp_path / "summary.json").read_text())["slo"]["result"] == "breached"
    assert key not in "".join(p.read_text() for p in tmp_path.iterdir()) + result.stdout


def test_a_wrong_api_key_counts_as_failures_and_breaches_the_error_rate(
    endpoint: tuple[str, str], tmp_path: Path
) -> None:
    result = load_stock(
        "--target", endpoint[0], "--api-key-env", KEY_ENV, *SMALL, "--duration", "2",
        "--report", str(tmp_path), key="wrong",
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error_rate BREACHED: objective <= 0.01, measured 1" in result.stdout
    failures = (tmp_path / "stock_failures.csv").read_text()
    assert "status 401" in failures


def test_a_contract_mismatch_is_a_failure(tmp_path: Path) -> None:
    """The stand-in answers without the real contract's ``unknown_skus``: every answer
    fails the shape check."""
    with LoopbackServer(standin_app("k"), name="stand-in") as server:
        result = load_stock(
            "--target", server.url, "--api-key-env", KEY_ENV, *SMALL, "--duration", "2",
            "--report", str(tmp_path), key="k",
        )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "contract: missing field(s) unknown_skus" in (tmp_path / "stock_failures.csv").read_text()
    )


def test_two_local_workers_both_make_requests(endpoint: tuple[str, str], tmp_path: Path) -> None:
    url, key = endpoint
    result = load_stock(
        "--target", url, "--api-key-env", KEY_ENV, "--catalogue", "200x4", "--users", "4",
        "--spawn-rate", "4", "--duration", "5", "--workers", "2", "--report", str(tmp_path),
        key=key,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    workers = json.loads((tmp_path / "summary.json").read_text())["workers"]
    assert workers["expected"] == 2 and len(workers["requests"]) == 2
    assert all(count > 0 for count in workers["requests"].values()) and workers["all_active"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--users", "0"], "--users must be at least 1"),
        (["--spawn-rate", "0"], "--spawn-rate must be above 0"),
        (["--duration", "soon"], "--duration 'soon'"),
        (["--workers", "-1"], "--workers must be 0"),
        (["--catalogue", "lots"], "lots: not a size like 20000x4"),
        (["--slo", "p95=3"], "unknown objective 'p95'"),
        (["--target", "ftp://example.org"], "--target 'ftp://example.org'"),
        (["--target", "http://user:hunter22@127.0.0.1:9"], "--target: no credentials in the URL"),
        (
            ["--target", "http://127.0.0.1:1", "--api-key-env", "PATH"],
            "--target http://127.0.0.1:1: nothing answers there",
        ),
        (
            ["--target", "http://127.0.0.1:9", "--api-key-env", "NO_SUCH_KEY_VAR"],
            "$NO_SUCH_KEY_VAR is not set",
        ),
        (["--contract", "nowhere.yaml"], "nowhere.yaml: cannot read the contract"),
        (["--users", "many"], "invalid int value: 'many'"),
    ],
)
def test_bad_flags_give_one_line_and_exit_4(
    args: list[str], words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.environ.pop("NO_SUCH_KEY_VAR", None)
    try:
        code = main(["load", "stock", *args, "--report", str(tmp_path)])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    assert code == 4
    err = capsys.readouterr().err
    error_lines = [line for line in err.splitlines() if line.startswith("odoo-harness: error")]
    assert len(error_lines) == 1 and words in error_lines[0], err
    assert "Traceback" not in err
    assert "hunter22" not in err
