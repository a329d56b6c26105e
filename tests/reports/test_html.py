"""report.html and summary.json from report data written by hand: what was created, what
failed and what users saw, the failure's expectation and cause, links to flow pages, and
secrets masked in every file."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

from odoo_harness.reports import write_reports
from odoo_harness.reports.html import created_records, last_messages, render_html

AT = "2026-03-02T09:00:00+00:00"
SECRET = "pat-na1-0123456789abcdef"


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
    entry(1, "ScenarioStep", "scenario", step="odoo creates res.partner {name: Ada}", line=5),
    entry(2, "odoo.call", "odoo", "users-2", model="res.partner", method="create", outcome="ok"),
    entry(3, "exchange.request", "crm", "engine-1", method="POST", path="/crm/v3/objects/contacts"),
    entry(4, "mock.request", "crm", "m1", method="POST", path="/crm/v3/objects/contacts"),
    entry(5, "mock.response", "crm", "m1", status=201),
    entry(6, "exchange.response", "crm", "engine-1", status=201, outcome="ok"),
    entry(7, "exchange.request", "crm", "engine-2", method="POST", path="/crm/v3/objects/search"),
    entry(8, "mock.request", "crm", "m2", method="POST", path="/crm/v3/objects/search"),
    entry(9, "mock.response", "crm", "m2", status=200),
    entry(10, "exchange.response", "crm", "engine-2", status=200, outcome="ok"),
    entry(11, "JobFailed", "engine", "job-1", flow="crm_contacts", reason="CRM said no"),
    entry(
        12,
        "NoticeRaised",
        "engine",
        "job-1",
        flow="crm_contacts",
        model="res.partner",
        res_id=7,
        text="Ada could not be synced with the CRM: CRM said no",
    ),
    entry(
        13,
        "exchange.request",
        "crm",
        "engine-3",
        method="GET",
        path="/x",
        headers={"note": f"token {SECRET}"},
    ),
]
RESULT = {
    "name": "ada_sync",
    "title": "Ada reaches the CRM",
    "flow": "crm_contacts",
    "path": "scenarios/crm_contacts/ada_sync.scenario.yaml",
    "odoo_version": "18.0",
    "outcome": "failed",
    "seconds": 1.5,
    "steps": [
        {
            "text": "odoo creates res.partner {name: Ada}",
            "line": 5,
            "at": AT,
            "ok": True,
            "detail": "res.partner 7 created",
        }
    ],
    "failures": [
        {
            "check": "then.crm.contacts.city",
            "line": 14,
            "expected": "London",
            "actual": "Paris",
            "message": "record 101",
            "entries": [JOURNAL[2]],
        }
    ],
    "journal": JOURNAL,
    "faults": [{"system": "crm", "kind": "status", "status": 503, "times": 1}],
    "reproduce": "odoo-harness run scenarios/crm_contacts/ada_sync.scenario.yaml",
}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_records_created_are_creates_not_searches() -> None:
    assert created_records(JOURNAL) == [
        ("odoo", "res.partner", "users", 2),
        ("crm", "POST /crm/v3/objects/contacts → 201", "engine", 4),
    ]


def test_the_report_shows_failure_cause_records_and_what_users_saw() -> None:
    page = text(render_html([RESULT], flows=["crm_contacts"]))
    assert "0 of 1 passed" in page
    assert "then.crm.contacts.city (line 14) record 101" in page
    assert 'expected "London"' in page and 'actual "Paris"' in page
    assert "caused by:" in page and "/crm/v3/objects/contacts" in page
    assert "Reproduce with: odoo-harness run scenarios/crm_contacts/ada_sync" in page
    assert "JobFailed crm_contacts CRM said no" in page
    assert "NoticeRaised crm_contacts res.partner 7: Ada could not be synced" in page
    assert '"status": 503' in page  # the fault injected


def test_pages_link_to_flow_plans_and_need_nothing_from_the_network() -> None:
    html = render_html([RESULT], flows=["crm_contacts"])
    assert "href='flows/crm_contacts.html'" in html and "href='flows/index.html'" in html
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"""(src|href)=['"]?https?:""", html)


def test_written_files_mask_secrets_everywhere(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    written = write_reports([RESULT], tmp_path, secrets=[SECRET], root=root)
    assert [p.name for p in written] == ["summary.json", "report.html"]
    assert (tmp_path / "flows" / "crm_contacts.html").exists()
    for path in [*written, *tmp_path.glob("flows/*.html")]:
        assert SECRET not in path.read_text(encoding="utf-8")
    assert "token ***" in (tmp_path / "report.html").read_text(encoding="utf-8")
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert (summary["total"], summary["failed"]) == (1, 1)
    assert "journal" not in summary["scenarios"][0]


def test_an_end_state_failure_shows_the_last_messages_to_that_system() -> None:
    assert [e["seq"] for e in last_messages(JOURNAL, "then.crm.contacts.city")] == [7, 10, 13]
    assert last_messages(JOURNAL, "no_duplicate_records") == []
    result = {**RESULT, "failures": [{**RESULT["failures"][0], "entries": []}]}
    page = text(render_html([result]))
    assert "the last messages to crm:" in page and "/crm/v3/objects/search" in page


def test_the_harness_own_calls_are_named_as_such_and_left_out_of_the_diagram() -> None:
    journal = [
        entry(1, "odoo.call", "odoo", "harness-000001", model="res.partner", method="create",
              outcome="ok"),
        entry(2, "ScenarioStep", "scenario", step="odoo creates res.partner {name: Ada}", line=5),
        entry(3, "odoo.call", "odoo", "users-000002", model="res.partner", method="create",
              outcome="ok"),
        entry(4, "odoo.call", "odoo", "harness-000003", model="res.partner", method="search_read",
              outcome="ok"),
    ]  # fmt: skip
    assert created_records(journal) == [
        ("odoo", "res.partner", "harness", 1),
        ("odoo", "res.partner", "users", 3),
    ]
    page = text(render_html([{**RESULT, "journal": journal, "failures": []}], flows=[]))
    assert "2 messages between users, odoo" in page
    assert "Left out: 2 calls of the harness itself" in page


def test_records_created_read_each_mock_status_under_its_own_request_id() -> None:
    journal = [
        entry(1, "mock.request", "shop", "req_1", method="POST", path="/admin/products.json"),
        entry(2, "mock.response", "shop", "req_1", status=201),
        entry(3, "mock.request", "carrier", "req_1", method="POST", path="/v1/shipments"),
        entry(4, "mock.response", "carrier", "req_1", status=422),
    ]
    assert created_records(journal) == [("shop", "POST /admin/products.json → 201", "engine", 1)]
