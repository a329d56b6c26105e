"""Smoke run of ``benchmarks/stock_load.py`` with a tiny catalogue and short runs: it starts
the sandbox and the stock endpoint, runs Locust on every route and prints the table. No
timing is asserted."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchscript import load

pytestmark = pytest.mark.wire


def test_a_short_run_fills_every_row_of_the_table(tmp_path: Path) -> None:
    bench = load("stock_load")
    args = bench.parse_args(
        ["--sizes", "200", "--warehouses", "2", "--users", "2", "--spawn-rate", "2"]
        + ["--duration", "2", "--report", str(tmp_path)]
    )
    rows = bench.run(args)
    assert [row.label for row in rows] == [label for label, *_ in bench.RUNS]
    for row in rows:
        assert row.total.requests > 0 and row.total.failures == 0, row
    one_user = next(row for row in rows if row.label == bench.ONE_USER)
    assert {"1 sku", "50 skus", "page 1000"} <= set(one_user.stats)
    assert set(next(row for row in rows if "50-sku" in row.label).stats) == {
        "50 skus",
        "Aggregated",
    }
    table = bench.report(args, rows)
    assert "reference / naive throughput at 200" in table
    assert "page 1000" in table and "Odoo 317 ms" in table
