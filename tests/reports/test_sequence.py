"""The sequence diagram read from a journal written by hand: who called whom, in order,
with which status; the engine's calls drawn once; faults marked; repeats folded."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from odoo_harness.reports.sequence import Arrow, Divider, Note, render_svg, sequence

AT = "2026-03-02T09:00:00+00:00"


def entry(seq: int, kind: str, system: str, cid: str = "", **data: Any) -> dict[str, Any]:
    return {
        "seq": seq,
        "kind": kind,
        "system": system,
        "correlation_id": cid or f"c-{seq}",
        "at": AT,
        "data": data,
    }


JOURNAL = [
    # the system under test starts: subscribes twice (folded into one pair, x2)
    entry(1, "mock.request", "crm", "m1", method="POST", path="/webhooks/subscriptions"),
    entry(2, "mock.response", "crm", "m1", status=201),
    entry(3, "mock.request", "crm", "m2", method="POST", path="/webhooks/subscriptions"),
    entry(4, "mock.response", "crm", "m2", status=201),
    entry(5, "ScenarioStep", "scenario", step="odoo creates res.partner {name: Ada}", line=7),
    # the scenario's Odoo user is an OdooAdapter too: its ids look like the engine's
    entry(6, "odoo.call", "odoo", "engine-900", model="res.partner", method="create", outcome="ok"),
    entry(7, "ScenarioStep", "scenario", step="engine runs due jobs", line=8),
    entry(8, "JobStarted", "engine", "job-1", job_id=1, attempt=1),
    entry(
        9,
        "exchange.request",
        "odoo",
        "engine-1",
        transport="xmlrpc",
        model="res.partner",
        method="read",
    ),
    entry(10, "odoo.call", "odoo", "engine-1", model="res.partner", method="read", outcome="ok"),
    entry(11, "exchange.response", "odoo", "engine-1", outcome="ok"),
    entry(12, "exchange.request", "crm", "engine-2", method="POST", path="/crm/v3/upsert"),
    entry(13, "mock.request", "crm", "m3", method="POST", path="/crm/v3/upsert"),
    entry(14, "mock.committed_then_dropped", "crm", "m3", path="/crm/v3/upsert", status=200),
    entry(15, "exchange.response", "crm", "engine-2", outcome="error", category="connection"),
    entry(16, "JobRetried", "engine", "job-1", category="connection"),
    entry(17, "webhook.delivery", "crm", topic="contact.propertyChange", status=401),
    entry(18, "JobFailed", "engine", "job-1", reason="the CRM refused <the> token"),
]


def test_participants_in_fixed_order_only_those_that_took_part() -> None:
    assert sequence(JOURNAL).participants == ["users", "engine", "odoo", "crm"]
    only_odoo = [e for e in JOURNAL if e["system"] in ("odoo", "scenario")]
    assert sequence(only_odoo).participants == ["users", "engine", "odoo"]


def test_arrows_follow_the_journal_and_the_engine_calls_are_drawn_once() -> None:
    arrows = [(a.source, a.target, a.label, a.count) for a in sequence(JOURNAL).arrows]
    assert arrows == [
        ("engine", "crm", "POST /webhooks/subscriptions", 2),  # before the first step
        ("crm", "engine", "201", 2),
        ("users", "odoo", "res.partner.create", 1),
        ("odoo", "users", "ok", 1),
        ("engine", "odoo", "res.partner.read", 1),  # not again from the server's odoo.call
        ("odoo", "engine", "ok", 1),
        ("engine", "crm", "POST /crm/v3/upsert", 1),  # not again from mock.request
        ("crm", "engine", "✕ connection", 1),
        ("crm", "engine", "webhook contact.propertyChange → 401 ✕", 1),
    ]


def test_faults_errors_and_alarming_events_are_marked() -> None:
    diagram = sequence(JOURNAL)
    faulty = [a.label for a in diagram.arrows if a.fault]
    assert faulty == ["✕ connection", "webhook contact.propertyChange → 401 ✕"]
    notes = [(n.system, n.alarm, n.text) for n in diagram.rows if isinstance(n, Note)]
    assert ("crm", True, "⚡ committed, then dropped the answer (/crm/v3/upsert)") in notes
    assert ("engine", False, "JobStarted: attempt 1") in notes
    assert ("engine", True, "JobFailed: the CRM refused <the> token") in notes
    steps = [d.text for d in diagram.rows if isinstance(d, Divider)]
    assert steps[1:] == ["odoo creates res.partner {name: Ada}", "engine runs due jobs"]


def test_a_404_answers_a_lookup_and_is_not_a_fault() -> None:
    journal = [
        entry(1, "exchange.request", "crm", "e1", method="GET", path="/contacts/x"),
        entry(2, "exchange.response", "crm", "e1", status=404, outcome="ok"),
        entry(3, "exchange.request", "crm", "e2", method="GET", path="/contacts/y"),
        entry(4, "exchange.response", "crm", "e2", status=503, outcome="error"),
    ]
    assert [(a.label, a.fault) for a in sequence(journal).arrows if a.response] == [
        ("404", False),
        ("503 ✕", True),
    ]


def test_the_svg_is_well_formed_and_draws_each_row() -> None:
    diagram = sequence(JOURNAL)
    svg = render_svg(diagram, "s1")
    root = ET.fromstring(svg)  # well-formed XML, text escaped
    ns = "{http://www.w3.org/2000/svg}"
    groups = root.findall(f"{ns}g")
    arrows = [g for g in groups if "arrow" in g.get("class", "")]
    assert len(arrows) == len(diagram.arrows)
    assert [g.get("data-from") for g in arrows][:3] == ["engine", "crm", "users"]
    assert sum("fault" in g.get("class", "") for g in arrows) == 2
    participants = [t.text for t in root.iter(f"{ns}text") if t.get("class") == "participant"]
    assert participants == diagram.participants
    assert "&lt;the&gt;" in svg and "<script" not in svg
    assert re.findall(r'marker-end="url\(#(.+?)\)"', svg) == ["s1-a"] * len(diagram.arrows)


def test_a_note_near_the_right_edge_is_drawn_leftwards() -> None:
    svg = render_svg(sequence(JOURNAL))
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    width = int(root.get("width", "0"))
    notes = [
        t
        for t in root.iter(f"{ns}text")
        if t.get("class") == "note-text" and (t.text or "").startswith("⚡")
    ]
    assert len(notes) == 1  # on crm, the last lifeline
    assert notes[0].get("text-anchor") == "end" and int(notes[0].get("x", "0")) < width


def test_long_journals_are_cut_and_say_so() -> None:
    journal = []
    for i in range(30):
        journal.append(
            entry(2 * i + 1, "exchange.request", "odoo", f"e{i}", model=f"m{i}", method="read")
        )
        journal.append(entry(2 * i + 2, "exchange.response", "odoo", f"e{i}", outcome="ok"))
    diagram = sequence(journal, max_rows=11)
    assert len(diagram.rows) == 11 and diagram.omitted == 61 - 11
    assert "50 more rows not drawn" in render_svg(diagram)
    assert isinstance(diagram.rows[1], Arrow)
