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
    # the Odoo user the scenario plays marks its calls (users-...)
    entry(6, "odoo.call", "odoo", "users-900", model="res.partner", method="create", outcome="ok"),
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


ACTED = [
    # the harness sets up (before the first step): not the system under test
    entry(1, "odoo.call", "odoo", "harness-000001", model="res.users", method="write"),
    entry(2, "mock.request", "crm", "m1", method="POST", path="/crm/v3/objects/contacts",
          headers={"X-Correlation-Id": "harness-000002", "x-harness-actor": "scenario"}),
    entry(3, "mock.response", "crm", "m1", status=201),
    entry(4, "odoo.call", "odoo", "engine-000001", model="sale.order", method="search_read"),
    entry(5, "ScenarioStep", "scenario", step="crm updates contacts", line=9),
    entry(6, "mock.request", "crm", "m2", method="PATCH", path="/crm/v3/objects/contacts/1",
          headers={"x-correlation-id": "users-000003"}),
    entry(7, "mock.response", "crm", "m2", status=200),
    # the harness watches states after each step, and checks expectations at the end
    entry(8, "odoo.call", "odoo", "harness-000004", model="sale.order", method="search_read"),
    entry(9, "exchange.request", "odoo", "engine-2", model="res.partner", method="read"),
    # a harness read while the engine's call is in flight is still the harness's
    entry(10, "odoo.call", "odoo", "harness-000005", model="res.partner", method="search_read"),
    entry(11, "odoo.call", "odoo", "engine-2", model="res.partner", method="read"),
    entry(12, "exchange.response", "odoo", "engine-2", outcome="ok"),
    entry(13, "odoo.call", "odoo", "users-000006", model="sale.order", method="action_cancel"),
    # after a step, a request no adapter journalled and nobody marked (the engine's carrier
    # adapter fetching a token) is still the system under test's; its id is the same as an
    # engine call's to the CRM (each mock numbers its own requests)
    entry(14, "exchange.request", "crm", "engine-3", method="GET", path="/crm/v3/x"),
    entry(15, "mock.request", "crm", "req_1", method="GET", path="/crm/v3/x"),
    entry(16, "mock.response", "crm", "req_1", status=200),
    entry(17, "exchange.response", "crm", "engine-3", status=200, outcome="ok"),
    entry(18, "mock.request", "carrier", "req_1", method="POST", path="/oauth/token",
          headers={"content-type": "application/x-www-form-urlencoded"}),
    entry(19, "mock.response", "carrier", "req_1", status=200),
]  # fmt: skip


def test_the_harness_own_calls_are_left_out_and_counted() -> None:
    diagram = sequence(ACTED)
    arrows = [(a.source, a.target, a.label) for a in diagram.arrows]
    assert arrows == [
        ("engine", "odoo", "sale.order.search_read"),  # no engine adapter entry: the SUT
        ("odoo", "engine", "ok"),
        ("users", "crm", "PATCH /crm/v3/objects/contacts/1"),
        ("crm", "users", "200"),
        ("engine", "odoo", "res.partner.read"),
        ("odoo", "engine", "ok"),
        ("users", "odoo", "sale.order.action_cancel"),
        ("odoo", "users", "ok"),
        ("engine", "crm", "GET /crm/v3/x"),
        ("crm", "engine", "200"),
        ("engine", "carrier", "POST /oauth/token"),
        ("carrier", "engine", "200"),
    ]
    assert diagram.hidden == 4
    assert "harness" not in diagram.participants


def test_with_the_harness_its_calls_are_drawn_from_it() -> None:
    arrows = [(a.source, a.target, a.label) for a in sequence(ACTED, harness=True).arrows]
    assert arrows[:4] == [
        ("harness", "odoo", "res.users.write"),
        ("odoo", "harness", "ok"),
        ("harness", "crm", "POST /crm/v3/objects/contacts"),
        ("crm", "harness", "201"),
    ]
    assert ("harness", "odoo", "res.partner.search_read") in arrows
    assert sequence(ACTED, harness=True).participants[0] == "harness"


def test_a_harness_call_that_took_an_injected_fault_is_drawn() -> None:
    journal = [
        entry(1, "ScenarioStep", "scenario", step="engine runs due jobs", line=9),
        entry(2, "odoo.call", "odoo", "harness-000001", model="sale.order", method="search_read",
              outcome="error", error={"name": "odoo.exceptions.UserError", "message": "boom"},
              fault={"id": 1, "kind": "error"}),
        entry(3, "mock.request", "crm", "req_1", method="GET", path="/crm/v3/objects/contacts",
              headers={"x-correlation-id": "harness-000002"}),
        entry(4, "mock.fault", "crm", "req_1", status=503),
        entry(5, "mock.response", "crm", "req_1", status=503),
        entry(6, "odoo.call", "odoo", "harness-000003", model="res.partner", method="read"),
    ]  # fmt: skip
    diagram = sequence(journal)
    arrows = [(a.source, a.target, a.label) for a in diagram.arrows]
    assert arrows[0] == ("harness", "odoo", "sale.order.search_read")
    assert ("harness", "crm", "GET /crm/v3/objects/contacts") in arrows
    assert ("crm", "harness", "503 ✕") in arrows
    assert ("harness", "odoo", "res.partner.read") not in arrows  # no fault: left out
    assert diagram.hidden == 1
    assert diagram.participants[0] == "harness"
