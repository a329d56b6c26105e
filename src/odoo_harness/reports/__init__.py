"""Reports people read: ``summary.json``, one self-contained, offline ``report.html`` and a
page per flow plan under ``flows/``, built from scenario report data (JUnit XML comes from
pytest's ``--junitxml``). Every file's text is masked once more with the known secrets."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..journal import mask_secrets
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
        path.write_text(mask_secrets(text, secrets), encoding="utf-8")
    return [json_path, html_path]
