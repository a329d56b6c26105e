"""Smoke run of ``benchmarks/stock_snapshot.py`` with tiny counts: it seeds a small
catalogue, refreshes the snapshot fully and incrementally, calls the app in-process and
prints a table. No timing is asserted."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from benchscript import load

pytestmark = pytest.mark.wire


def test_quick_run_prints_a_row_per_size(tmp_path: Path) -> None:
    bench = load("stock_snapshot")
    settings = replace(bench.parse_args(["--quick"]), sizes=(40, 80), requests=5, changes=2)
    rows = [bench.measure(size, settings, tmp_path) for size in settings.sizes]
    assert [row.size for row in rows] == [40, 80]
    for row in rows:
        assert row.full_calls > row.incremental_calls > 0
        assert set(row.request_us) == {"1 SKU", "50 SKUs", "page of 1,000", "delta"}
    table = bench.render(rows, settings)
    assert "full refresh s" in table and "80" in table
