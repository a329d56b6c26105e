"""Flow-plan pages: what the plan and ownership files say, on one page per flow."""

from __future__ import annotations

import re
import subprocess
import sys
from html import unescape
from pathlib import Path

from odoo_harness.contracts.flows import load_flows
from odoo_harness.reports import write_flow_pages

ROOT = Path(__file__).resolve().parents[2]
PLAN = """\
flow: returns
summary: A shop return becomes a credit note.
origin: shop
direction: shop -> odoo
trigger: {webhook: returns/create, fallback_schedule: every 15 min}
mode: live
key: shop return id -> account.move ref
ownership: contracts/ownership/returns.yaml
retry: {attempts: 4, backoff: fixed, first: 10s, max: 2 min, retry_on: [timeout, 5xx]}
on_failure:
  queue: failed_records
  show: {odoo_activity_on: account.move, to: accounting, text: "Return {name}: {reason}"}
transitions:
  account.move.state: [draft -> posted, posted -> cancel]
"""
OWNERSHIP = """\
entity: return
systems: [shop, odoo]
fields:
  reason: shop
  amount: odoo
"""


def text_of(page: Path) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page.read_text("utf-8"))))


def test_a_page_says_what_the_plan_says(tmp_path: Path) -> None:
    (tmp_path / "contracts" / "flows").mkdir(parents=True)
    (tmp_path / "contracts" / "ownership").mkdir()
    (tmp_path / "contracts" / "flows" / "returns.yaml").write_text(PLAN, "utf-8")
    (tmp_path / "contracts" / "ownership" / "returns.yaml").write_text(OWNERSHIP, "utf-8")
    pages = write_flow_pages(tmp_path, tmp_path / "out")
    assert [p.name for p in pages] == ["index.html", "returns.html"]
    text = text_of(tmp_path / "out" / "returns.html")
    for fact in (
        "origin shop creates the original record",
        "direction shop → odoo",
        "webhook: returns/create",
        "fallback_schedule: every 15 min",
        "mode live",
        "idempotency key shop return id -> account.move ref",
        "4 attempts, fixed backoff from 10 s up to 2 min; retried on timeout, 5xx",
        "an Odoo activity on account.move for the accounting: “Return {name}: {reason}”",
        "account.move.state draft → posted posted → cancel",
        "reason shop amount odoo",
        "Entity return between shop, odoo",
    ):
        assert fact in text, fact
    index = text_of(tmp_path / "out" / "index.html")
    assert "returns shop → odoo live A shop return becomes a credit note." in index
    html = (tmp_path / "out" / "returns.html").read_text("utf-8")
    assert "<script" not in html and "http" not in html


def test_every_plan_of_the_repository_gets_a_page_with_its_key(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "odoo_harness.cli.main", "flows", "docs", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    plans = load_flows(ROOT / "contracts" / "flows")
    assert sorted(p.stem for p in tmp_path.glob("*.html")) == sorted([*plans, "index"])
    for name, plan in plans.items():
        text = text_of(tmp_path / f"{name}.html")
        assert f"Flow: {name}" in text and " ".join(plan.key.split()) in text
