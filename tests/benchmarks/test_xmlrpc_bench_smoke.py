"""Smoke run of ``benchmarks/xmlrpc_sandbox.py`` with tiny counts: it starts the sandbox in
its own process, measures the four operations and prints a table. No timing is asserted."""

from __future__ import annotations

from dataclasses import replace

import pytest
from benchscript import load

pytestmark = pytest.mark.wire


def test_quick_run_reports_the_four_operations() -> None:
    bench = load("xmlrpc_sandbox")
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
