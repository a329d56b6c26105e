"""The sequence diagram of what systems actually exchanged, drawn from journal entries.

``sequence(entries)`` reads a scenario's journal (dicts, secrets already masked) into a
``Diagram``: participants (users, engine, odoo, shop, carrier, crm, those that took part),
and rows in journal order: arrows (a request with method and path or model.method, its
response with status), notes (injected faults, engine events) and the scenario's steps as
dividers. The engine's own calls are journalled twice (by its adapter and by the server
that answers); they are drawn once. Who made a call the servers journalled is read off
its correlation id: ``users-...`` the people a scenario plays, ``harness-...`` the harness
setting up and checking (left out of the diagram unless ``harness=True``; ``hidden``
counts them), anything else the system under test (``engine``), such as a token fetch its
adapters do not journal. ``render_svg`` draws the diagram as
inline SVG.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from html import escape
from typing import Any

ORDER = ("harness", "users", "engine", "odoo", "shop", "carrier", "crm")
ACTORS = ("users", "harness")  # correlation id prefixes of the scenario harness's clients
SUT = "engine"  # who made a request no actor marked: the system under test
ALARMS = ("Failed", "Conflict", "Alert", "Paused", "Rejected", "Violated", "Dead")
MAX_ROWS = 400


@dataclass(frozen=True)
class Arrow:
    seq: int
    source: str
    target: str
    label: str
    at: str
    response: bool = False
    fault: bool = False
    count: int = 1  # the same exchange repeated back to back, drawn once

    def same(self, other: Row) -> bool:
        return isinstance(other, Arrow) and (
            self.source,
            self.target,
            self.label,
            self.response,
            self.fault,
        ) == (other.source, other.target, other.label, other.response, other.fault)


@dataclass(frozen=True)
class Note:
    seq: int
    system: str
    text: str
    at: str
    alarm: bool = False


@dataclass(frozen=True)
class Divider:
    seq: int
    text: str
    at: str


Row = Arrow | Note | Divider


@dataclass
class Diagram:
    participants: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    omitted: int = 0  # rows past ``max_rows``
    hidden: int = 0  # the harness's own requests, left out

    @property
    def arrows(self) -> list[Arrow]:
        return [r for r in self.rows if isinstance(r, Arrow)]


def sequence(
    entries: list[dict[str, Any]],
    max_rows: int = MAX_ROWS,
    *,
    fold: bool = True,
    harness: bool = False,
) -> Diagram:
    """The diagram of ``entries``; ``fold`` draws back-to-back repeats once, with a count;
    ``harness`` keeps the harness's own calls (setup, state watching, checks)."""
    reader = _Reader()
    for entry in entries:
        reader.read(entry)
    rows = reader.rows
    hidden = 0
    if not harness:  # except a call that took an injected fault: the scenario needs to see it
        left_out = [r for r in rows if _harness_row(r) and r.seq not in reader.keep]
        hidden = sum(1 for r in left_out if isinstance(r, Arrow) and r.source == "harness")
        rows = [r for r in rows if not _harness_row(r) or r.seq in reader.keep]
    rows = _compact(rows) if fold else rows
    used = {p for r in rows if isinstance(r, Arrow) for p in (r.source, r.target)}
    used |= {r.system for r in rows if isinstance(r, Note)}
    participants = [p for p in ORDER if p in used]
    participants += sorted(used - set(ORDER))
    return Diagram(participants, rows[:max_rows], max(0, len(rows) - max_rows), hidden)


def _harness_row(row: Row) -> bool:
    if isinstance(row, Arrow):
        return "harness" in (row.source, row.target)
    return isinstance(row, Note) and row.system == "harness"


def actor_of(correlation_id: str) -> str | None:
    """``users`` or ``harness`` when the scenario harness's clients made the call."""
    prefix = correlation_id.split("-", 1)[0]
    return prefix if prefix in ACTORS else None


def _compact(rows: list[Row]) -> list[Row]:
    """Back-to-back repeats of one request and its response become one pair with a count."""
    out: list[Row] = []
    for row in rows:
        out.append(row)
        if (
            len(out) >= 4
            and isinstance(out[-1], Arrow)
            and out[-1].response
            and out[-1].same(out[-3])
            and isinstance(out[-2], Arrow)
            and out[-2].same(out[-4])
        ):
            request, response = out[-4], out[-3]
            assert isinstance(request, Arrow) and isinstance(response, Arrow)
            del out[-4:]
            out += [
                replace(request, count=request.count + 1),
                replace(response, count=response.count + 1),
            ]
    return out


class _Reader:
    """Journal entries to rows. Before the scenario's first step, the system under test's
    requests are it starting (subscribing to webhooks, ...)."""

    def __init__(self) -> None:
        self.rows: list[Row] = [Divider(0, "setup: the system under test starts", "")]
        self.in_flight: dict[str, list[str]] = defaultdict(list)  # system -> engine call ids
        # (system, server-side id): each mock numbers its own requests (req_00000001...)
        self.engine_side: set[tuple[str, str]] = set()  # the engine's calls, drawn already
        self.callers: dict[tuple[str, str], str] = {}  # who made the others
        self.requests: dict[tuple[str, str], int] = {}  # their request rows' seq
        self.keep: set[int] = set()  # rows of the harness's calls that took a fault

    def read(self, e: dict[str, Any]) -> None:
        kind, system, data = e["kind"], e["system"], e.get("data") or {}
        seq, at, cid = e["seq"], str(e.get("at", "")), str(e.get("correlation_id", ""))
        if kind == "ScenarioStep":
            self.rows.append(Divider(seq, str(data.get("step", "")), at))
        elif kind == "exchange.request":
            self.in_flight[system].append(cid)
            self.rows.append(Arrow(seq, "engine", system, request_label(data), at))
        elif kind == "exchange.response":
            if cid in self.in_flight[system]:
                self.in_flight[system].remove(cid)
            label, fault = response_label(data)
            self.rows.append(Arrow(seq, system, "engine", label, at, response=True, fault=fault))
        elif kind == "mock.request":
            actor = actor_of(_header(data, "x-correlation-id"))
            if actor is None and self.in_flight[system]:
                self.engine_side.add((system, cid))
            else:
                caller = self.callers[system, cid] = actor or SUT
                self.requests[system, cid] = seq
                self.rows.append(Arrow(seq, caller, system, request_label(data), at))
        elif kind == "mock.response":
            if (system, cid) not in self.engine_side:
                label, fault = response_label(data)
                caller = self.callers.get((system, cid), SUT)
                if self.requests.get((system, cid)) in self.keep:
                    self.keep.add(seq)
                self.rows.append(Arrow(seq, system, caller, label, at, True, fault))
        elif kind in ("mock.fault", "mock.committed_then_dropped"):
            if (request := self.requests.get((system, cid))) is not None:
                self.keep.add(request)
            self.rows.append(Note(seq, system, fault_text(kind, data), at, alarm=True))
        elif kind == "odoo.call":
            self._odoo_call(seq, at, cid, data)
        elif kind == "webhook.delivery":
            label, fault = response_label(data)
            text = f"webhook {data.get('topic', '')}".strip()
            self.rows.append(Arrow(seq, system, "engine", f"{text} → {label}", at, fault=fault))
        elif system == "engine" and kind[:1].isupper():
            alarm = any(word in kind for word in ALARMS)
            self.rows.append(Note(seq, "engine", event_text(kind, data), at, alarm=alarm))

    def _odoo_call(self, seq: int, at: str, cid: str, data: dict[str, Any]) -> None:
        fault = data.get("fault")
        if fault:
            self.rows.append(Note(seq, "odoo", fault_text("odoo.fault", fault), at, alarm=True))
        actor = actor_of(cid)
        if actor is None and self.in_flight["odoo"]:
            return  # the engine's call, already drawn from its own entry
        caller = actor or SUT
        if fault:
            self.keep.add(seq)
        self.rows.append(Arrow(seq, caller, "odoo", request_label(data), at))
        label, failed = response_label(data)
        self.rows.append(Arrow(seq, "odoo", caller, label, at, response=True, fault=failed))


def _header(data: dict[str, Any], name: str) -> str:
    for key, value in (data.get("headers") or {}).items():
        if str(key).lower() == name:
            return str(value)
    return ""


def request_label(data: dict[str, Any]) -> str:
    if data.get("path"):
        return f"{data.get('method', '')} {data['path']}".strip()
    if data.get("model"):
        return f"{data['model']}.{data.get('method', '')}"
    return " ".join(str(data[k]) for k in ("transport", "method") if data.get(k)) or "request"


def response_label(data: dict[str, Any]) -> tuple[str, bool]:
    """The response's label and whether it failed (an error outcome or a 4xx/5xx)."""
    status = data.get("status")
    error = data.get("outcome") == "error" or "error" in data and not status
    if isinstance(status, int):  # a 404 answers a lookup: not a fault
        failed = status >= 400 and status != 404
        return str(status) + (" ✕" if failed else ""), failed
    if error:
        detail = data.get("category") or data.get("error") or "error"
        if isinstance(detail, dict):
            detail = detail.get("name") or detail.get("message") or "error"
        return f"✕ {detail}", True
    return str(data.get("outcome") or "ok"), False


def fault_text(kind: str, data: dict[str, Any]) -> str:
    if kind == "mock.committed_then_dropped":
        return f"⚡ committed, then dropped the answer ({data.get('path', '')})"
    what = data.get("kind") or data.get("status") or "fault"
    return f"⚡ fault: {what}"


def event_text(kind: str, data: dict[str, Any]) -> str:
    detail = data.get("reason") or data.get("category") or data.get("error") or ""
    if not detail and "attempt" in data:
        detail = f"attempt {data['attempt']}"
    return f"{kind}: {detail}" if detail else kind


# -- SVG ---------------------------------------------------------------------------------

COLUMN, LEFT, TOP, ROW = 180, 64, 44, 26
COLOURS = {
    "users": "#57606a",
    "engine": "#0969da",
    "odoo": "#714b67",
    "shop": "#1a7f37",
    "carrier": "#9a6700",
    "crm": "#bc4c00",
}
FAULT = "#cf222e"


def render_svg(diagram: Diagram, ident: str = "seq") -> str:
    """The diagram as one ``<svg>`` element (no script, no external reference)."""
    x = {p: LEFT + i * COLUMN + COLUMN // 2 for i, p in enumerate(diagram.participants)}
    width = LEFT + COLUMN * max(1, len(diagram.participants)) + 8
    height = TOP + ROW * (len(diagram.rows) + 1) + (ROW if diagram.omitted else 0) + 8
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sequence" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="sequence diagram">',
        f'<defs><marker id="{ident}-a" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" '
        'fill="context-stroke"/></marker></defs>',
    ]
    bottom = height - 4
    for p, px in x.items():
        colour = COLOURS.get(p, "#333")
        out.append(
            f'<line x1="{px}" y1="{TOP - 8}" x2="{px}" y2="{bottom}" stroke="{colour}" '
            'stroke-opacity=".35" stroke-dasharray="4 4"/>'
            f'<rect x="{px - 60}" y="6" width="120" height="26" rx="4" fill="{colour}"/>'
            f'<text x="{px}" y="24" fill="#fff" text-anchor="middle" font-weight="600" '
            f'class="participant">{escape(p)}</text>'
        )
    last_time = ""
    for i, row in enumerate(diagram.rows):
        y = TOP + ROW * i + ROW // 2 + 4
        time = row.at[11:19]
        if time != last_time and time:
            out.append(f'<text x="4" y="{y + 4}" class="time">{escape(time)}</text>')
            last_time = time
        out.append(_row(row, x, y, width, ident))
    if diagram.omitted:
        y = TOP + ROW * len(diagram.rows) + ROW // 2 + 4
        out.append(
            f'<text x="{LEFT}" y="{y}" class="omitted">… {diagram.omitted} more rows not drawn '
            "(see the request/response log)</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _row(row: Row, x: dict[str, int], y: int, width: int, ident: str) -> str:
    if isinstance(row, Divider):
        return (
            f'<rect x="{LEFT - 4}" y="{y - 13}" width="{width - LEFT}" height="20" '
            f'fill="#f6f8fa" stroke="#d0d7de"/><text x="{LEFT + 4}" y="{y + 1}" class="step">'
            f"▸ {escape(_fit(row.text, (width - LEFT) // 7))}</text>"
        )
    if isinstance(row, Note):
        px = x[row.system]
        colour = FAULT if row.alarm else "#57606a"
        shown = _fit(row.text, 44)
        # text to the right of the lifeline, or to its left when the picture ends first
        tx, anchor = (px + 12, "start") if px + 12 + 7 * len(shown) < width else (px - 12, "end")
        text = escape(shown)
        return (
            f'<g class="note{" alarm" if row.alarm else ""}"><title>#{row.seq} '
            f"{escape(row.text)}</title>"
            f'<rect x="{px - 7}" y="{y - 9}" width="14" height="14" rx="3" fill="{colour}"/>'
            f'<text x="{tx}" y="{y + 2}" fill="{colour}" text-anchor="{anchor}" '
            f'class="note-text">{text}</text></g>'
        )
    x1, x2 = x[row.source], x[row.target]
    colour = FAULT if row.fault else COLOURS.get(row.source, "#333")
    dash = ' stroke-dasharray="5 3"' if row.response else ""
    mid = (x1 + x2) // 2
    room = max(8, abs(x2 - x1) // 6)
    times = f" ×{row.count}" if row.count > 1 else ""
    return (
        f'<g class="arrow{" fault" if row.fault else ""}" data-from="{escape(row.source)}" '
        f'data-to="{escape(row.target)}"><title>#{row.seq} {escape(row.source)} → '
        f"{escape(row.target)}: {escape(row.label)}</title>"
        f'<line x1="{x1}" y1="{y}" x2="{x2 + (-3 if x2 > x1 else 3)}" y2="{y}" '
        f'stroke="{colour}" stroke-width="1.5"{dash} marker-end="url(#{ident}-a)"/>'
        f'<text x="{mid}" y="{y - 4}" text-anchor="middle" fill="{colour}" class="label">'
        f"{escape(_fit(row.label, room - len(times)) + times)}</text></g>"
    )


def _fit(text: str, room: int) -> str:
    return text if len(text) <= room else text[: max(1, room - 1)] + "…"


__all__ = ["Arrow", "Diagram", "Divider", "Note", "render_svg", "sequence"]
