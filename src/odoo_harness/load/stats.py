"""Reading Locust's CSV output: the final stats per request name (``<prefix>_stats.csv``)
and the history of the aggregated row (``<prefix>_stats_history.csv``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

AGGREGATED = "Aggregated"


@dataclass(frozen=True)
class RequestStats:
    """One row of Locust's stats: a request name, or ``Aggregated`` (all of them)."""

    name: str
    requests: int
    failures: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    rps: float

    @property
    def error_rate(self) -> float | None:
        return self.failures / self.requests if self.requests else None

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "requests": self.requests,
            "failures": self.failures,
            "error_rate": self.error_rate,
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "p99_ms": self.p99_ms,
            "rps": self.rps,
        }


@dataclass(frozen=True)
class HistoryPoint:
    """The aggregated row at one moment of the run (percentiles of the last seconds)."""

    timestamp: int
    users: int
    rps: float
    failures_per_s: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "", "N/A") else None
    except ValueError:
        return None


def read_stats(path: Path) -> dict[str, RequestStats]:
    """Rows of ``<prefix>_stats.csv`` by name (the aggregated row under ``Aggregated``)."""
    rows: dict[str, RequestStats] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            requests = int(row.get("Request Count") or 0)
            answered = requests > int(row.get("Failure Count") or 0)
            rows[row["Name"]] = RequestStats(
                name=row["Name"],
                requests=requests,
                failures=int(row.get("Failure Count") or 0),
                # Locust times failed requests too: when none succeeded (a refused
                # connection answers in no time) there is no latency to judge
                p50_ms=_number(row.get("50%")) if answered else None,
                p95_ms=_number(row.get("95%")) if answered else None,
                p99_ms=_number(row.get("99%")) if answered else None,
                rps=_number(row.get("Requests/s")) or 0.0,
            )
    return rows


def read_history(path: Path) -> list[HistoryPoint]:
    """The ``Aggregated`` rows of ``<prefix>_stats_history.csv``, oldest first."""
    if not path.exists():
        return []
    points = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("Name") != AGGREGATED:
                continue
            points.append(
                HistoryPoint(
                    timestamp=int(float(row.get("Timestamp") or 0)),
                    users=int(float(row.get("User Count") or 0)),
                    rps=_number(row.get("Requests/s")) or 0.0,
                    failures_per_s=_number(row.get("Failures/s")) or 0.0,
                    p50_ms=_number(row.get("50%")),
                    p95_ms=_number(row.get("95%")),
                    p99_ms=_number(row.get("99%")),
                )
            )
    return points
