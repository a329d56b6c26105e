"""Judging a finished run from Locust's files: objectives, workers, the summary."""

from __future__ import annotations

import json
from pathlib import Path

from odoo_harness.load.contract import StockContract
from odoo_harness.load.run import LoadSettings, _judge, locust_commands

HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n"
)
ROW = ",Aggregated,100,0,3,3,1,40,900,50,0,3,4,4,5,6,9,12,15,30,40,40\n"


def settings(tmp_path: Path, workers: int) -> LoadSettings:
    return LoadSettings(
        contract=StockContract(source="c.yaml", path="/v1/stock/availability"),
        slo={"p95_ms": 10.0, "error_rate": 0.0},
        slo_source="test",
        report=tmp_path,
        target="http://127.0.0.1:9",
        workers=workers,
    )


def test_a_worker_without_requests_fails_the_run_even_within_the_slo(tmp_path: Path) -> None:
    (tmp_path / "stock_stats.csv").write_text(HEADER + ROW)
    (tmp_path / "workers.json").write_text(json.dumps({"w1": 100, "w2": 0}))
    result = _judge(settings(tmp_path, 2), "http://127.0.0.1:9", tmp_path / "stock_stats.csv",
                    tmp_path / "workers.json")  # fmt: skip
    assert all(v.met for v in result.verdicts)
    assert not result.passed
    assert result.problems == [
        "only 1 of 2 workers made requests (per worker: {'w1': 100, 'w2': 0})"
    ]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["workers"] == {
        "expected": 2,
        "requests": {"w1": 100, "w2": 0},
        "all_active": False,
    }
    assert summary["slo"]["result"] == "met" and summary["problems"] == result.problems


def test_a_run_within_the_slo_with_every_worker_active_passes(tmp_path: Path) -> None:
    (tmp_path / "stock_stats.csv").write_text(HEADER + ROW)
    (tmp_path / "workers.json").write_text(json.dumps({"w1": 60, "w2": 40}))
    result = _judge(settings(tmp_path, 2), "http://127.0.0.1:9", tmp_path / "stock_stats.csv",
                    tmp_path / "workers.json")  # fmt: skip
    assert result.passed and result.worker_requests == {"w1": 60, "w2": 40}


def test_distributed_commands_bind_the_master_on_loopback(tmp_path: Path) -> None:
    master, *workers = locust_commands(settings(tmp_path, 3), "http://127.0.0.1:9", 5557)
    assert len(workers) == 3
    assert master[master.index("--master-bind-host") + 1] == "127.0.0.1"
    assert master[master.index("--expect-workers") + 1] == "3"
    for worker in workers:
        assert "--worker" in worker and worker[worker.index("--master-port") + 1] == "5557"
        assert worker[worker.index("--master-host") + 1] == "127.0.0.1"
