"""The run's summary: ``summary.json`` and a self-contained ``summary.html`` (inline SVG
charts of latency percentiles and throughput over time, drawn from Locust's history; no
script, no network)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from .stats import HistoryPoint

WIDTH, HEIGHT, PAD = 640, 220, 40
COLOURS = ("#1f77b4", "#ff7f0e", "#d62728")


def svg_chart(
    title: str, xs: Sequence[float], series: dict[str, Sequence[float | None]], unit: str
) -> str:
    """A line chart: one polyline per series (None values leave gaps), axes with the range."""
    values = [v for line in series.values() for v in line if v is not None]
    top = max(values, default=0.0) or 1.0
    x0, x1 = (min(xs), max(xs)) if xs else (0.0, 1.0)
    span = (x1 - x0) or 1.0

    def point(x: float, y: float) -> str:
        px = PAD + (x - x0) / span * (WIDTH - 2 * PAD)
        py = HEIGHT - PAD - y / top * (HEIGHT - 2 * PAD)
        return f"{px:.1f},{py:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(title)}">',
        f'<text x="{PAD}" y="16" font-size="13">{escape(title)}</text>',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>',
        f'<text x="2" y="{PAD + 4}" font-size="10">{top:g} {escape(unit)}</text>',
        f'<text x="2" y="{HEIGHT - PAD}" font-size="10">0</text>',
        f'<text x="{WIDTH - PAD - 30}" y="{HEIGHT - PAD + 14}" font-size="10">{span:g} s</text>',
    ]
    for index, (label, line) in enumerate(series.items()):
        colour = COLOURS[index % len(COLOURS)]
        segments: list[list[str]] = [[]]
        for x, y in zip(xs, line, strict=True):
            if y is None:
                segments.append([])
            else:
                segments[-1].append(point(x, y))
        for segment in segments:
            if len(segment) == 1:
                x, y = segment[0].split(",")
                parts.append(f'<circle cx="{x}" cy="{y}" r="2" fill="{colour}"/>')
            elif segment:
                parts.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" '
                    f'points="{" ".join(segment)}"/>'
                )
        parts.append(
            f'<text x="{WIDTH - PAD - 60}" y="{PAD + 14 * index}" font-size="11" '
            f'fill="{colour}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def charts(history: Sequence[HistoryPoint]) -> dict[str, str]:
    start = history[0].timestamp if history else 0
    xs = [float(p.timestamp - start) for p in history]
    latency = svg_chart(
        "Latency percentiles over time",
        xs,
        {
            "p50": [p.p50_ms for p in history],
            "p95": [p.p95_ms for p in history],
            "p99": [p.p99_ms for p in history],
        },
        "ms",
    )
    throughput = svg_chart(
        "Throughput over time",
        xs,
        {"requests/s": [p.rps for p in history], "failures/s": [p.failures_per_s for p in history]},
        "req/s",
    )
    return {"latency": latency, "throughput": throughput}


def write_summary(
    directory: Path, summary: dict[str, Any], history: Sequence[HistoryPoint]
) -> None:
    """``summary.json`` (the data) and ``summary.html`` (the same, for people, with charts)."""
    (directory / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    drawn = charts(history)
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(_cell(row.get(k)))}</td>" for k in _COLUMNS) + "</tr>"
        for row in summary.get("requests", [])
    )
    verdicts = "".join(
        f'<li class="{"met" if v["met"] else "breach"}">{escape(v["text"])}</li>'
        for v in summary.get("slo", {}).get("verdicts", [])
    )
    workers = summary.get("workers")
    worker_html = ""
    if workers:
        worker_html = (
            "<h2>Workers</h2><ul>"
            + "".join(
                f"<li>{escape(str(k))}: {v} requests</li>" for k, v in workers["requests"].items()
            )
            + "</ul>"
        )
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Load test summary</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
        ".met{color:#060}.breach{color:#b00;font-weight:bold}</style></head><body>"
        f"<h1>Load test: {escape(str(summary.get('target', '')))}</h1>"
        f"<p>{escape(_settings(summary))}</p>"
        f"<h2>Service level objectives: {escape(summary.get('slo', {}).get('result', ''))}</h2>"
        f"<ul>{verdicts}</ul>"
        "<h2>Requests</h2><table><tr>"
        + "".join(f"<th>{escape(c)}</th>" for c in _COLUMNS)
        + f"</tr>{rows}</table>"
        f"<h2>Charts</h2>{drawn['latency']}<br>{drawn['throughput']}"
        f"{worker_html}</body></html>\n"
    )
    (directory / "summary.html").write_text(html, encoding="utf-8")


_COLUMNS = ("name", "requests", "failures", "error_rate", "p50_ms", "p95_ms", "p99_ms", "rps")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _settings(summary: dict[str, Any]) -> str:
    s = summary.get("settings", {})
    return ", ".join(f"{k} {v}" for k, v in s.items())
