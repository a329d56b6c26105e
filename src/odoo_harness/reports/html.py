"""One self-contained HTML report (no script, no external asset: it opens offline from
file://): a summary, links to the flow-plan pages, then per scenario its failures (the
expectation, the actual value and the journal entries that explain it), faults, steps, a
sequence diagram of the traffic actually exchanged (inline SVG), the records created in each
system, failed records and what users were shown, the journal as a timeline and every
request and response. Input: the report data of each scenario (secrets already masked)."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from .sequence import render_svg, sequence

EXCHANGE_KINDS = ("exchange.request", "exchange.response", "mock.request", "mock.response")
FAILED_KINDS = ("JobFailed", "JobPaused", "FlowPaused")
SHOWN_KINDS = ("NoticeRaised", "NoticeResolved", "AlertRaised")
STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1f2328}
h1{margin-top:0} .passed{color:#1a7f37} .failed{color:#cf222e} .skipped{color:#9a6700}
section{border:1px solid #d0d7de;border-radius:6px;padding:1em;margin:1em 0}
table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #eee;padding:2px 6px;
text-align:left;vertical-align:top;font-size:12px} pre{white-space:pre-wrap;margin:0;font-size:12px}
.failure{background:#fff5f5;border-left:4px solid #cf222e;padding:.5em 1em;margin:.5em 0}
.sys-odoo{color:#714b67} .sys-crm{color:#bc4c00} .sys-engine{color:#0969da}
.sys-shop{color:#1a7f37} .sys-carrier{color:#9a6700} .sys-scenario{color:#57606a}
.diagram{overflow-x:auto;border:1px solid #eee;border-radius:4px;background:#fff}
svg.sequence text{font:11px system-ui,sans-serif} svg.sequence text.participant{font-size:13px}
svg.sequence text.step{font-size:11px;fill:#1f2328} svg.sequence text.time{fill:#8c959f}
nav.flows a{margin-right:1em} .muted{color:#57606a}
"""


def render_html(results: list[dict[str, Any]], flows: list[str] | None = None) -> str:
    """The report of ``results`` (each ``ScenarioResult.to_dict()`` plus ``faults`` and
    ``reproduce``); ``flows`` names the flow-plan pages written under ``flows/``."""
    passed = sum(r["outcome"] == "passed" for r in results)
    rows = "".join(
        f"<tr><td class={r['outcome']}>{r['outcome']}</td><td><a href='#{_id(r)}'>"
        f"{escape(r['title'])}</a></td><td>{escape(r['flow'])}</td>"
        f"<td>{r['seconds']:.2f} s</td></tr>"
        for r in results
    )
    nav = ""
    if flows:
        links = "".join(f"<a href='flows/{escape(f)}.html'>{escape(f)}</a>" for f in flows)
        nav = (
            f"<nav class=flows><b>Flow plans:</b> <a href='flows/index.html'>all</a> {links}</nav>"
        )
    body = "".join(_scenario(i, r) for i, r in enumerate(results))
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>odoo-harness report</title><style>{STYLE}</style></head><body>"
        f"<h1>odoo-harness scenarios: {passed} of {len(results)} passed</h1>{nav}"
        f"<table><tr><th>outcome</th><th>scenario</th><th>flow</th><th>time</th></tr>{rows}</table>"
        f"{body}</body></html>"
    )


def _id(result: dict[str, Any]) -> str:
    return escape(str(result["name"]), quote=True)


def _scenario(index: int, r: dict[str, Any]) -> str:
    journal = r.get("journal") or []
    failures = "".join(_failure(f, journal) for f in r.get("failures") or [])
    if failures and r.get("reproduce"):
        failures += f"<p>Reproduce with: <code>{escape(r['reproduce'])}</code></p>"
    faults = "".join(f"<li><code>{_json(fault)}</code></li>" for fault in r.get("faults") or [])
    if faults:
        faults = f"<h3>Faults injected</h3><ul>{faults}</ul>"
    steps = "".join(
        f"<li>{'' if s['ok'] else '<b class=failed>FAILED</b> '}<code>{escape(s['text'])}</code>"
        f" <small>{escape(s['at'])} &middot; {escape(s['detail'])}</small></li>"
        for s in r.get("steps") or []
    )
    exchanges = [e for e in journal if e["kind"] in EXCHANGE_KINDS]
    diagram = sequence(journal)
    return (
        f"<section id='{_id(r)}'><h2 class={r['outcome']}>{escape(r['title'])}</h2>"
        f"<p><code>{escape(r['path'])}</code> &middot; flow "
        f"<a href='flows/{escape(r['flow'])}.html'>{escape(r['flow'])}</a> &middot; "
        f"Odoo {escape(r['odoo_version'])} &middot; {r['seconds']:.2f} s</p>"
        f"{failures}{faults}<h3>Steps</h3><ol>{steps}</ol>"
        f"<h3>Sequence diagram</h3><p class=muted>{len(diagram.arrows)} messages between "
        f"{escape(', '.join(diagram.participants))}; dashed: responses; red: faults and errors."
        f"{_hidden_note(diagram.hidden)}</p><div class=diagram>{render_svg(diagram, f'seq{index}')}</div>"
        f"<h3>Records created</h3>{_created(journal)}"
        f"<h3>Failed records and what users saw</h3>{_shown(journal)}"
        f"<details><summary>Requests and responses ({len(exchanges)})</summary>"
        f"{_exchanges(exchanges)}</details>"
        f"<details><summary>Timeline ({len(journal)} journal entries)</summary>"
        f"{_timeline(journal)}</details></section>"
    )


def _hidden_note(hidden: int) -> str:
    if not hidden:
        return ""
    calls = "call" if hidden == 1 else "calls"
    return (
        f" Left out: {hidden} {calls} of the harness itself (setting up, watching states, "
        "checking expectations); the timeline below lists them."
    )


def _failure(f: dict[str, Any], journal: list[dict[str, Any]]) -> str:
    entries = f.get("entries") or []
    cause = "<br>caused by:" + _timeline(entries) if entries else ""
    if not entries:  # an end-state expectation: the last messages the engine sent there
        last = last_messages(journal, str(f.get("check", "")))
        if last:
            cause = f"<br>the last messages to {escape(last[0]['system'])}:" + _timeline(last)
    return (
        f"<div class=failure><b>{escape(f['check'])}</b> (line {f['line']}) "
        f"{escape(f.get('message') or '')}<br>expected <code>{_json(f['expected'])}</code><br>"
        f"actual <code>{_json(f['actual'])}</code>{cause}</div>"
    )


def last_messages(
    journal: list[dict[str, Any]], check: str, count: int = 2
) -> list[dict[str, Any]]:
    """For ``then.<system>...``: the engine's last ``count`` requests to that system with
    their responses (what left the system in the state the expectation saw)."""
    parts = check.split(".")
    if len(parts) < 2 or parts[0] != "then":
        return []
    system = parts[1]
    mine = [e for e in journal if e["system"] == system and e["kind"].startswith("exchange.")]
    requests = [e for e in mine if e["kind"] == "exchange.request"][-count:]
    ids = {e["correlation_id"] for e in requests}
    return [e for e in mine if e["correlation_id"] in ids]


def created_records(journal: list[dict[str, Any]]) -> list[tuple[str, str, str, int]]:
    """(system, what, by whom, journal seq) of each create the journal shows: Odoo
    ``create`` calls and provider POSTs answered 2xx (the mocks' creates and upserts)."""
    out = []
    status = {  # each mock numbers its own requests: ids repeat across systems
        (e["system"], e["correlation_id"]): e["data"].get("status")
        for e in journal
        if e["kind"] == "mock.response"
    }
    arrows = sequence(journal, max_rows=len(journal) + 1, fold=False, harness=True).arrows
    diagram_rows = {a.seq: a.source for a in arrows if not a.response}
    for e in journal:
        data = e.get("data") or {}
        if (
            e["kind"] == "odoo.call"
            and data.get("method") == "create"
            and data.get("outcome") == "ok"
        ):
            by = diagram_rows.get(e["seq"], "engine")
            out.append(("odoo", f"{data.get('model')}", by, e["seq"]))
        elif e["kind"] == "mock.request" and data.get("method") == "POST":
            code = status.get((e["system"], e["correlation_id"]))
            if _creates(str(data.get("path", "")), code):
                by = diagram_rows.get(e["seq"], "engine")
                out.append((e["system"], f"POST {data.get('path')} → {code}", by, e["seq"]))
    return out


NOT_RECORDS = ("/_control", "/webhooks/", "/oauth/", "/search", "/token")


def _creates(path: str, status: Any) -> bool:
    """A provider POST that made a record: answered 201, or an upsert/create answered 2xx
    (searches, token requests and webhook settings are not records)."""
    if not isinstance(status, int) or not 200 <= status < 300:
        return False
    if any(part in path for part in NOT_RECORDS):
        return False
    return status == 201 or path.rstrip("/").rsplit("/", 1)[-1] in ("upsert", "create")


def _created(journal: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td class=sys-{escape(system)}>{escape(system)}</td><td>{escape(what)}</td>"
        f"<td>{escape(by)}</td><td>#{seq}</td></tr>"
        for system, what, by, seq in created_records(journal)
    )
    if not rows:
        return "<p class=muted>none</p>"
    return f"<table><tr><th>system</th><th>created</th><th>by</th><th>entry</th></tr>{rows}</table>"


def _shown(journal: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td class={'failed' if e['kind'] in FAILED_KINDS else ''}>{escape(e['kind'])}</td>"
        f"<td>{escape(str(e['data'].get('flow', '')))}</td>"
        f"<td>{escape(_message(e['data']))}</td><td>#{e['seq']}</td></tr>"
        for e in journal
        if e["system"] == "engine" and e["kind"] in (*FAILED_KINDS, *SHOWN_KINDS)
    )
    if not rows:
        return "<p class=muted>no failed record, nothing shown to users</p>"
    return f"<table><tr><th>what</th><th>flow</th><th>message</th><th>entry</th></tr>{rows}</table>"


def _message(data: dict[str, Any]) -> str:
    text = data.get("text") or data.get("reason") or data.get("error") or ""
    where = f"{data['model']} {data.get('res_id', '')}: " if data.get("model") else ""
    return f"{where}{text}"


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


def _brief(data: dict[str, Any], limit: int = 200) -> str:
    text = json.dumps(data, default=str, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _json(value: Any, indent: int | None = None) -> str:
    return escape(json.dumps(value, default=str, indent=indent))


__all__ = ["created_records", "last_messages", "render_html"]
