"""Reports people read: ``summary.json`` and one self-contained, offline ``report.html``
built from scenario results (JUnit XML comes from pytest's ``--junitxml``)."""

from __future__ import annotations

from pathlib import Path

from ..scenarios import ScenarioResult
from .html import render_html
from .summary import summary

__all__ = ["render_html", "summary", "write_reports"]


def write_reports(results: list[ScenarioResult], folder: Path) -> list[Path]:
    import json

    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / "summary.json"
    json_path.write_text(json.dumps(summary(results), indent=2, default=str), encoding="utf-8")
    html_path = folder / "report.html"
    html_path.write_text(render_html(results), encoding="utf-8")
    return [json_path, html_path]
