"""One self-contained HTML report (no script, no external asset: it opens offline): a
summary, then per scenario its steps, failures, the journal as a timeline and the
exchanged requests and responses (already redacted)."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from ..scenarios import ScenarioResult
from ..scenarios.failure import reproduce_command

EXCHANGE_KINDS = ("exchange.request", "exchange.response", "mock.request", "mock.response")
STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}
h1{margin-top:0} .passed{color:#1a7f37} .failed{color:#cf222e}
section{border:1px solid #ddd;border-radius:6px;padding:1em;margin:1em 0}
table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #eee;padding:2px 6px;
text-align:left;vertical-align:top;font-size:12px} pre{white-space:pre-wrap;margin:0;font-size:12px}
.failure{background:#fff5f5;border-left:4px solid #cf222e;padding:.5em 1em;margin:.5em 0}
.sys-odoo{color:#714b67} .sys-crm{color:#ff7a59} .sys-engine{color:#0969da} .sys-scenario{color:#666}
"""


def render_html(results: list[ScenarioResult]) -> str:
    passed = sum(r.passed for r in results)
    rows = "".join(
        f"<tr><td class={_outcome(r)}>{_outcome(r)}</td><td><a href='#{escape(r.scenario.name)}'>"
        f"{escape(r.scenario.title)}</a></td><td>{escape(r.scenario.flow)}</td>"
        f"<td>{r.seconds:.2f} s</td></tr>"
        for r in results
    )
    body = "".join(_scenario(r) for r in results)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>odoo-harness report</title><style>{STYLE}</style></head><body>"
        f"<h1>odoo-harness scenarios: {passed} of {len(results)} passed</h1>"
        f"<table><tr><th>outcome</th><th>scenario</th><th>flow</th><th>time</th></tr>{rows}</table>"
        f"{body}</body></html>"
    )


def _outcome(result: ScenarioResult) -> str:
    return "passed" if result.passed else "failed"


def _scenario(result: ScenarioResult) -> str:
    s = result.scenario
    steps = "".join(
        f"<li>{'' if step.ok else '<b class=failed>FAILED</b> '}<code>{escape(step.text)}</code>"
        f" <small>{escape(step.at)} &middot; {escape(step.detail)}</small></li>"
        for step in result.steps
    )
    failures = "".join(
        f"<div class=failure><b>{escape(f.check)}</b> (line {f.line}) {escape(f.message)}<br>"
        f"expected <code>{_json(f.expected)}</code><br>actual <code>{_json(f.actual)}</code>"
        f"{_entries(f.entries)}</div>"
        for f in result.failures
    )
    if failures:
        failures += f"<p>Reproduce with: <code>{escape(reproduce_command(result))}</code></p>"
    exchanges = [e for e in result.journal if e["kind"] in EXCHANGE_KINDS]
    faults = "".join(f"<li><code>{_json(fault)}</code></li>" for fault in s.faults)
    if faults:
        faults = f"<h3>Faults injected</h3><ul>{faults}</ul>"
    return (
        f"<section id='{escape(s.name)}'><h2 class={_outcome(result)}>{escape(s.title)}</h2>"
        f"<p><code>{escape(str(s.path))}</code> &middot; flow {escape(s.flow)} &middot; "
        f"Odoo {escape(s.odoo_version)} &middot; {result.seconds:.2f} s</p>"
        f"{failures}{faults}<h3>Steps</h3><ol>{steps}</ol>"
        f"<details><summary>Timeline ({len(result.journal)} journal entries)</summary>"
        f"{_timeline(result.journal)}</details>"
        f"<details><summary>Requests and responses ({len(exchanges)})</summary>"
        f"{_exchanges(exchanges)}</details></section>"
    )


def _timeline(entries: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{e['seq']}</td><td>{escape(e['at'][11:19])}</td>"
        f"<td class=sys-{escape(e['system'])}>{escape(e['system'])}</td>"
        f"<td>{escape(e['kind'])}</td><td>{escape(e['correlation_id'])}</td>"
        f"<td>{escape(_brief(e['data']))}</td></tr>"
        for e in entries
    )
    return (
        "<table><tr><th>#</th><th>at</th><th>system</th><th>what</th><th>correlation</th>"
        f"<th>detail</th></tr>{rows}</table>"
    )


def _exchanges(entries: list[dict[str, Any]]) -> str:
    return "".join(
        f"<details><summary>#{e['seq']} {escape(e['system'])} {escape(e['kind'])} "
        f"{escape(_brief(e['data'], 120))}</summary><pre>{_json(e['data'], indent=2)}</pre>"
        "</details>"
        for e in entries
    )


def _entries(entries: tuple[dict[str, Any], ...]) -> str:
    if not entries:
        return ""
    return "<br>journal:" + _timeline(list(entries))


def _brief(data: dict[str, Any], limit: int = 200) -> str:
    text = json.dumps(data, default=str, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _json(value: Any, indent: int | None = None) -> str:
    return escape(json.dumps(value, default=str, indent=indent))


__all__ = ["render_html"]
