"""Smoke run of ``benchmarks/engine_orders.py`` with tiny counts: orders imported in
batches within the calls-per-order target, stock pushed once and not again. No timing is
asserted."""

from __future__ import annotations

import pytest
from benchscript import load

pytestmark = pytest.mark.wire


def test_orders_and_stock_figures() -> None:
    bench = load("engine_orders")
    orders = bench.bench_orders(30, batch=20, products=10)
    assert orders["imported"] == orders["confirmed"] == 30
    assert orders["calls_per_order"] <= bench.TARGET_CALLS
    stock = bench.bench_stock(40, batch=25)
    first, second = stock["runs"]
    assert first["jobs"] == 2 and not first["failed"]
    assert first["kinds"]["POST /inventory_levels/set.json"] == 40
    assert second["jobs"] == 0 and second["shop_calls"] == 0
    assert stock["levels_sent"] == 40


def test_quick_main_prints_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert load("engine_orders").main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "calls per order" in out and "second run (no change)" in out
