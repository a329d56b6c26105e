"""Smoke run of ``benchmarks/engine_orders.py`` with tiny counts: orders imported in
batches within the calls-per-order target, stock pushed once and not again. No timing is
asserted."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "engine_orders.py"

pytestmark = pytest.mark.wire


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_engine_orders", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    return module


def test_orders_and_stock_figures() -> None:
    bench = load_script()
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
    assert load_script().main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "calls per order" in out and "second run (no change)" in out
