"""The journal and its redaction helper."""

from __future__ import annotations

import threading
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime

import pytest

from odoo_harness.journal import MASK, Journal, redact


def test_entries_are_frozen_and_ordered() -> None:
    journal = Journal(now=lambda: datetime(2024, 1, 1, tzinfo=UTC))
    first = journal.record("odoo.call", "odoo", {"model": "res.partner"})
    second = journal.record("shop.webhook", "shop", {}, correlation_id="order-1")
    assert (first.seq, second.seq) == (1, 2)
    assert first.correlation_id == "c-000001"
    assert journal.entries(system="shop") == [second]
    assert journal.entries(correlation_id="order-1") == [second]
    assert journal.entries(since=1) == [second]
    with pytest.raises(FrozenInstanceError):
        first.kind = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        first.data["model"] = "x"  # type: ignore[index]
    assert first.to_dict()["at"] == "2024-01-01T00:00:00+00:00"


def test_thread_safe_appends() -> None:
    journal = Journal()
    threads = [
        threading.Thread(target=lambda: [journal.record("k", "s") for _ in range(200)])
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(journal) == 1600
    assert sorted(e.seq for e in journal) == list(range(1, 1601))


def test_redact() -> None:
    value = {"login": "a", "Password": "p", "nested": [{"api_key": "k", "ok": (1, {"token": "t"})}]}
    assert redact(value) == {
        "login": "a",
        "Password": MASK,
        "nested": [{"api_key": MASK, "ok": [1, {"token": MASK}]}],
    }
    assert value["Password"] == "p"  # the original is untouched


def test_bounded_journal_drops_oldest_and_counts() -> None:
    journal = Journal(max_entries=3)
    for i in range(5):
        journal.record("k", "s", {"i": i})
    assert [e.data["i"] for e in journal.entries()] == [2, 3, 4]
    assert journal.dropped == 2
    journal.clear()
    assert journal.dropped == 0 and len(journal) == 0
