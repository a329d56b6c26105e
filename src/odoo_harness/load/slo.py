"""Service level objectives: ``x-slo`` of a contract (``p50_ms``, ``p95_ms``, ``p99_ms``,
``error_rate``), overrides given on the command line, and the verdict on a run's stats."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import ConfigError
from ..yamlsource import not_utf8, not_yaml
from .contract import SLO_KEYS, parse_slo
from .stats import RequestStats


@dataclass(frozen=True)
class Verdict:
    """One objective against what was measured (``measured`` None: nothing was measured)."""

    objective: str
    target: float
    measured: float | None

    @property
    def met(self) -> bool:
        return self.measured is not None and self.measured <= self.target

    def describe(self) -> str:
        unit = "" if self.objective == "error_rate" else " ms"
        got = "nothing (no request succeeded)" if self.measured is None else f"{self.measured:g}"
        word = "met" if self.met else "BREACHED"
        return f"{self.objective} {word}: objective <= {self.target:g}{unit}, measured {got}" + (
            unit if self.measured is not None else ""
        )


def parse_overrides(items: Iterable[str]) -> dict[str, float]:
    """``["p95_ms=0.01", ...]`` from ``--slo``; a bad item is a ConfigError naming it."""
    slo: dict[str, float] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(f"--slo {item!r}: expected OBJECTIVE=NUMBER, e.g. p95_ms=50")
        try:
            number = float(value)
        except ValueError:
            raise ConfigError(f"--slo {item!r}: {value!r} is not a number") from None
        slo.update(parse_slo({key.strip(): number}, "--slo"))
    return slo


def load_slo_file(path: str | Path) -> dict[str, float]:
    """A YAML file holding the objectives, at top level or under ``x-slo``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"--slo-file {path}: cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"--slo-file {not_utf8(path, exc)}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"--slo-file {not_yaml(path, text, exc)}") from None
    if isinstance(data, dict) and "x-slo" in data:
        data = data["x-slo"]
    return parse_slo(data, f"{path}")


def evaluate(slo: Mapping[str, float], stats: RequestStats) -> list[Verdict]:
    """Each objective of ``slo`` (in SLO_KEYS order) against the aggregated ``stats``."""
    measured: dict[str, float | None] = {
        "p50_ms": stats.p50_ms,
        "p95_ms": stats.p95_ms,
        "p99_ms": stats.p99_ms,
        "error_rate": stats.error_rate,
    }
    return [Verdict(key, slo[key], measured[key]) for key in SLO_KEYS if key in slo]
