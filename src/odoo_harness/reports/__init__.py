"""Reports people read: ``summary.json``, one self-contained, offline ``report.html`` and a
page per flow plan under ``flows/``, built from scenario report data (JUnit XML comes from
pytest's ``--junitxml``). Every file's text is masked once more with the known secrets."""

from __future__ import annotations

import json
from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..journal import MASK
from ..scenarios.sut import repository_root
from .flowdocs import write_flow_pages
from .html import render_html
from .sequence import render_svg, sequence
from .summary import summary

__all__ = ["render_html", "render_svg", "sequence", "summary", "write_flow_pages", "write_reports"]


def write_reports(
    results: list[dict[str, Any]],
    folder: Path,
    *,
    secrets: Iterable[str] = (),
    root: Path | None = None,
) -> list[Path]:
    """Write the reports of ``results`` into ``folder``; the paths of the main files."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        pages = write_flow_pages(root or repository_root(), folder / "flows")
    except ConfigError:  # no contracts/flows here: the report goes without flow pages
        pages = []
    flows = [p.stem for p in pages if p.stem != "index"]
    json_path = folder / "summary.json"
    html_path = folder / "report.html"
    for path, text in (
        (json_path, json.dumps(summary(results), indent=2, default=str)),
        (html_path, render_html(results, flows)),
    ):
        path.write_text(_masked(text, secrets), encoding="utf-8")
    return [json_path, html_path]


def _masked(text: str, secrets: Iterable[str]) -> str:
    forms = {form for s in secrets for form in (s, escape(s), json.dumps(s)[1:-1]) if form}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, MASK)
    return text
