"""``odoo-harness engine status|failed|retry`` over a job store file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from odoo_harness.cli.main import main
from odoo_harness.engine import CredentialsError, FailedQueue, JobStore, PermanentError, Worker


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Three jobs of shop_orders: one done, one failed, one paused (flow paused)."""
    path = tmp_path / "engine.sqlite"
    store = JobStore(path)
    errors = {
        "shop:order:1": None,
        "shop:order:2": PermanentError(
            "sale.order.action_confirm: odoo.exceptions.UserError: archived product",
            user_message="The product Chair Red is archived.",
        ),
        "shop:order:3": CredentialsError("HTTP 401", user_message="Odoo refused the login"),
    }

    def handler(job, context):  # type: ignore[no-untyped-def]
        error = errors[job.identity_key]
        if error is not None:
            raise error

    worker = Worker(store)
    worker.register("shop_orders", handler)
    for key in errors:
        store.enqueue("shop_orders", key)
    for job in store.due():
        worker.run_job(job.id)
    store.close()
    return path


def test_status_counts_per_flow_and_state(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["engine", "status", "--store", str(store_path)]) == 1
    out = capsys.readouterr().out
    assert "shop_orders" in out and "failed" in out
    assert "paused: shop_orders: Odoo refused the login" in out
    assert "odoo-harness engine retry --flow shop_orders" in out


def test_failed_lists_reason_detail_since_and_attempts(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["engine", "failed", "--store", str(store_path)]) == 1
    out = capsys.readouterr().out
    assert "#2  shop_orders  shop:order:2  failed since" in out
    assert "after 1 attempt\n" in out
    assert "    The product Chair Red is archived." in out
    assert "detail: sale.order.action_confirm: odoo.exceptions.UserError" in out
    assert "#3  shop_orders  shop:order:3  paused" in out
    assert "2 record(s) need attention" in out


def test_retry_one_and_retry_a_flow(store_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["engine", "retry", "2", "--store", str(store_path)]) == 0
    assert "requeued job 2 (shop_orders shop:order:2)" in capsys.readouterr().out
    assert main(["engine", "retry", "--flow", "shop_orders", "--store", str(store_path)]) == 0
    assert "requeued 1 job(s) of flow shop_orders" in capsys.readouterr().out
    store = JobStore(store_path)
    assert [j.state for j in store.jobs()] == ["done", "pending", "pending"]
    assert FailedQueue(store).paused_flows() == {}
    store.close()
    assert main(["engine", "failed", "--store", str(store_path)]) == 0
    assert "no failed records" in capsys.readouterr().out


def test_usage_errors_exit_4(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["engine", "retry", "99", "--store", str(store_path)]) == 4
    assert "no job 99" in capsys.readouterr().err
    assert main(["engine", "retry", "1", "--store", str(store_path)]) == 4
    assert "job 1 is done" in capsys.readouterr().err
    missing = tmp_path / "nope.sqlite"
    assert main(["engine", "status", "--store", str(missing)]) == 4
    assert f"no job store at {missing}" in capsys.readouterr().err
    assert not missing.exists()
    with pytest.raises(SystemExit) as exited:
        main(["engine", "retry", "--store", str(store_path)])
    assert exited.value.code == 4


def test_engine_command_runs_as_a_process(store_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo_harness.cli.main",
            "engine",
            "failed",
            "--store",
            str(store_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "The product Chair Red is archived." in result.stdout
