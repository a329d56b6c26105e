"""The JSON summary: totals and, per scenario, its outcome, steps and failures."""

from __future__ import annotations

from typing import Any

from ..scenarios import ScenarioResult


def summary(results: list[ScenarioResult]) -> dict[str, Any]:
    passed = sum(r.passed for r in results)
    return {
        "total": len(results),
        "passed": passed,
        "failed": len(results) - passed,
        "seconds": round(sum(r.seconds for r in results), 3),
        "scenarios": [{k: v for k, v in r.to_dict().items() if k != "journal"} for r in results],
    }


__all__ = ["summary"]
