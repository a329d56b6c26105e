"""Flow-plan pages: the living process documentation, generated from the plan files.

``write_flow_pages(root, folder)`` reads ``contracts/flows/*.yaml`` and the ownership files
they name, and writes ``<folder>/<flow>.html`` per flow (origin, direction, trigger, mode,
idempotency key, retry policy, what users see, allowed transitions, the ownership table)
and ``<folder>/index.html``. Pages are self-contained: no script, no external asset.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from ..contracts.flows import FlowPlan, load_flows
from ..contracts.ownership import Ownership, load_ownership
from ..errors import ConfigError

STYLE = """
body{font:14px/1.5 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#1f2328;padding:0 1em}
table{border-collapse:collapse;margin:.5em 0 1.5em} th,td{border:1px solid #d0d7de;
padding:4px 10px;text-align:left;vertical-align:top} th{background:#f6f8fa;width:14em}
code{background:#f6f8fa;padding:0 3px;border-radius:3px} .owner-odoo{color:#714b67}
.owner-crm{color:#bc4c00} .owner-shop{color:#1a7f37} .owner-carrier{color:#9a6700}
nav a{margin-right:1em}
"""


def write_flow_pages(root: Path, folder: Path) -> list[Path]:
    """One page per flow plan of ``root/contracts/flows`` plus an index; their paths."""
    plans = load_flows(root / "contracts" / "flows")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file in its place, or no right to write there
        raise ConfigError(f"{folder}: cannot write the pages there ({exc.strerror})") from None
    written = []
    for name, plan in plans.items():
        ownership = load_ownership(root / plan.ownership) if plan.ownership else None
        path = folder / f"{name}.html"
        path.write_text(flow_page(plan, ownership, sorted(plans)), encoding="utf-8")
        written.append(path)
    index = folder / "index.html"
    index.write_text(index_page(list(plans.values())), encoding="utf-8")
    return [index, *written]


def index_page(plans: list[FlowPlan]) -> str:
    rows = "".join(
        f"<tr><td><a href='{escape(p.flow)}.html'>{escape(p.flow)}</a></td>"
        f"<td>{escape(' → '.join(p.direction))}</td><td>{escape(p.mode)}</td>"
        f"<td>{escape(p.summary)}</td></tr>"
        for p in plans
    )
    return _page(
        "Flow plans",
        "<h1>Flow plans</h1><table><tr><th>flow</th><th>direction</th><th>mode</th>"
        f"<th>summary</th></tr>{rows}</table>",
    )


def flow_page(plan: FlowPlan, ownership: Ownership | None, flows: list[str]) -> str:
    nav = " ".join(f"<a href='{escape(f)}.html'>{escape(f)}</a>" for f in flows)
    retry = plan.retry
    facts = [
        (
            "origin",
            f"<span class=owner-{escape(plan.origin)}>{escape(plan.origin)}</span> "
            "creates the original record",
        ),
        ("direction", escape(" → ".join(plan.direction))),
        (
            "trigger",
            "<br>".join(
                f"{escape(k)}: <code>{escape(str(v))}</code>" for k, v in plan.trigger.items()
            ),
        ),
        (
            "mode",
            escape(plan.mode) + (f" (batches of {plan.batch_size})" if plan.batch_size else ""),
        ),
        ("idempotency key", f"<code>{escape(plan.key)}</code>"),
        (
            "retry policy",
            escape(
                f"{retry.attempts} attempts, {retry.backoff} backoff from {_duration(retry.first)}"
                f" up to {_duration(retry.maximum)}; retried on {', '.join(retry.retry_on)}"
            ),
        ),
        (
            "after the last retry",
            f"the record goes to the <code>{escape(plan.queue)}</code> "
            "queue, where a person can retry it",
        ),
        ("user visibility", _show(plan)),
        (
            "plan file",
            f"<code>contracts/flows/{escape(plan.path.name if plan.path else '')}</code>",
        ),
    ]
    rows = "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in facts)
    body = (
        f"<nav><a href='index.html'>all flows</a> {nav}</nav>"
        f"<h1>Flow: {escape(plan.flow)}</h1><p>{escape(plan.summary)}</p>"
        f"<table class=plan>{rows}</table>"
        f"<h2>Allowed status transitions</h2>{_transitions(plan)}"
        f"<h2>Field ownership</h2>{_ownership(ownership)}"
    )
    return _page(f"Flow {plan.flow}", body)


def _show(plan: FlowPlan) -> str:
    show = plan.show
    if not (show.odoo_activity_on or show.text):
        return "nothing is shown to users"
    on = " or ".join(show.odoo_activity_on) or "(no model)"
    return (
        f"an Odoo activity on <code>{escape(on)}</code> for the {escape(show.to or 'team')}: "
        f"“{escape(show.text)}”"
    )


def _transitions(plan: FlowPlan) -> str:
    if not plan.transitions:
        return "<p>The plan restricts no status field.</p>"
    rows = "".join(
        f"<tr><th><code>{escape(name)}</code></th><td>"
        + "<br>".join(f"{escape(a)} → {escape(b)}" for a, b in pairs)
        + "</td></tr>"
        for name, pairs in plan.transitions.items()
    )
    return f"<table class=transitions>{rows}</table><p>Any other change of these is refused.</p>"


def _ownership(ownership: Ownership | None) -> str:
    if ownership is None:
        return "<p>The plan names no ownership file.</p>"
    rows = "".join(
        f"<tr><td><code>{escape(name)}</code></td>"
        f"<td class=owner-{escape(owner)}>{escape(owner)}</td></tr>"
        for name, owner in ownership.fields.items()
    )
    return (
        f"<p>Entity <b>{escape(ownership.entity)}</b> between "
        f"{escape(', '.join(ownership.systems))}; a write by a system that does not own the "
        f"field is an ownership conflict.</p>"
        f"<table class=ownership><tr><th>field</th><th>owner</th></tr>{rows}</table>"
    )


def _duration(delta: object) -> str:
    seconds = int(delta.total_seconds())  # type: ignore[attr-defined]
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )


__all__ = ["flow_page", "index_page", "write_flow_pages"]
