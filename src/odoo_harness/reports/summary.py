"""The JSON summary: totals and, per scenario, its outcome, steps and failures."""

from __future__ import annotations

from typing import Any


def summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    """``results``: each scenario's report data (``ScenarioResult.to_dict()`` and more)."""
    passed = sum(r["outcome"] == "passed" for r in results)
    return {
        "total": len(results),
        "passed": passed,
        "failed": len(results) - passed,
        "seconds": round(sum(r["seconds"] for r in results), 3),
        "scenarios": [{k: v for k, v in r.items() if k != "journal"} for r in results],
    }


__all__ = ["summary"]
