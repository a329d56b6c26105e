"""Smoke run of ``benchmarks/xmlrpc_sandbox.py`` with tiny counts: it starts the sandbox in
its own process, measures the four operations and prints a table. No timing is asserted."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "xmlrpc_sandbox.py"

pytestmark = pytest.mark.wire


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_xmlrpc_sandbox", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    return module


def test_quick_run_reports_the_four_operations() -> None:
    bench = load_script()
    settings, strict = bench.parse_args(["--quick"])
    assert not strict
    settings = replace(settings, iterations=3, warmup=1, seed=20, batch_size=10, batch_repeats=1)

    rows = bench.run_with_server(settings)

    names = [row.operation for row in rows]
    for operation in bench.OPERATIONS:
        assert operation in names
    assert bench.DECODE_OP in names
    assert all(row.n >= 1 for row in rows)
    text = bench.table(rows)
    for operation in bench.OPERATIONS:
        assert operation in text
