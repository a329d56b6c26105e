"""Smoke run of ``benchmarks/business_sandbox.py`` with tiny counts: it starts the sandbox
with a small catalogue in its own process, runs the three operations over XML-RPC and
prints a table. No timing is asserted."""

from __future__ import annotations

from dataclasses import replace

import pytest
from benchscript import load

pytestmark = pytest.mark.wire


@pytest.mark.parametrize("version", ["17.0", "18.0"])
def test_quick_run_reports_the_three_operations(version: str) -> None:
    bench = load("business_sandbox")
    settings, strict = bench.parse_args(["--quick", "--version", version])
    assert not strict
    settings = replace(settings, catalogue="60x2", iterations=2, warmup=1, orders=2)

    rows, seeded = bench.run_with_server(settings)

    assert "seeded catalogue 60x2" in seeded
    names = [row.operation for row in rows]
    for operation in bench.OPERATIONS:
        assert operation in names
        assert f"  server: {operation}" in names
    assert bench.DECODE_OP in names
    assert all(row.n >= 1 for row in rows)
    text = bench.table(rows)
    for operation in bench.OPERATIONS:
        assert operation in text


def test_options() -> None:
    bench = load("business_sandbox")
    settings, strict = bench.parse_args(
        ["--catalogue", "500x3", "--iterations", "4", "--orders", "7", "--fields", "qty_available",
         "--strict"]
    )  # fmt: skip
    assert strict
    assert (settings.catalogue, settings.iterations, settings.orders) == ("500x3", 4, 7)
    assert settings.fields == ("qty_available",)
