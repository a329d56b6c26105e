"""The shop benchmark runs end to end (tiny counts; it prints figures, asserts no time)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[3] / "benchmarks" / "mock_shop.py"


@pytest.mark.wire
def test_the_shop_benchmark_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "read: GET /orders/{id}.json" in done.stdout
    assert "write: POST /inventory_levels/adjust.json" in done.stdout
