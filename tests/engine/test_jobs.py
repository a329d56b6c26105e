"""The job store against a plain list model, and its durability across a crash."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from odoo_harness.clock import Clock
from odoo_harness.engine.errors import RetryableError, exhausted
from odoo_harness.engine.jobs import DONE, FAILED, PENDING, RUNNING, JobStore
from odoo_harness.engine.retry import RetryPolicy
from odoo_harness.errors import ConfigError

START = datetime(2026, 1, 1, tzinfo=UTC)
keys = st.sampled_from([f"order:{i}" for i in range(6)])


class JobStoreMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = Clock(START, frozen=True)
        self.store = JobStore(clock=self.clock)
        self.model: dict[str, dict] = {}  # key -> {state, attempts, run_at}

    @rule(key=keys)
    def enqueue(self, key: str) -> None:
        job, created = self.store.enqueue("shop_orders", key, {"key": key})
        assert created == (key not in self.model)  # a second enqueue is a no-op, any state
        if created:
            self.model[key] = {"state": PENDING, "attempts": 0, "run_at": self.clock.now()}
        assert job.state == self.model[key]["state"]

    @rule()
    def run_due(self) -> None:
        due = {j.identity_key for j in self.store.due()}
        now = self.clock.now()
        expected = {
            k for k, m in self.model.items() if m["state"] == PENDING and m["run_at"] <= now
        }
        assert due == expected
        for key in sorted(due):
            job = self.store.claim(self.store.get_by_key(key).id)
            assert job is not None and job.state == RUNNING
            self.model[key]["state"] = RUNNING
            self.model[key]["attempts"] += 1
            assert job.attempts == self.model[key]["attempts"]

    @rule(key=keys, outcome=st.sampled_from(["done", "retry", "fail"]), seconds=st.integers(1, 120))
    def finish(self, key: str, outcome: str, seconds: int) -> None:
        if self.model.get(key, {}).get("state") != RUNNING:
            return
        job_id = self.store.get_by_key(key).id
        if outcome == "done":
            self.store.succeed(job_id)
            self.model[key]["state"] = DONE
        elif outcome == "retry":
            self.store.retry_later(job_id, timedelta(seconds=seconds), "timeout", "retryable")
            self.model[key].update(
                state=PENDING, run_at=self.clock.now() + timedelta(seconds=seconds)
            )
        else:
            self.store.fail(job_id, "boom", "permanent", "Order could not be imported")
            self.model[key]["state"] = FAILED

    @rule(key=keys)
    def manual_retry(self, key: str) -> None:
        if self.model.get(key, {}).get("state") != FAILED:
            return
        self.store.requeue(self.store.get_by_key(key).id)
        self.model[key].update(state=PENDING, attempts=0, run_at=self.clock.now())

    @rule(seconds=st.integers(0, 90))
    def time_passes(self, seconds: int) -> None:
        self.clock.advance(timedelta(seconds=seconds))

    @invariant()
    def states_agree(self) -> None:
        jobs = {j.identity_key: j for j in self.store.jobs()}
        assert set(jobs) == set(self.model)
        for key, job in jobs.items():
            assert (job.state, job.attempts) == (
                self.model[key]["state"],
                self.model[key]["attempts"],
            )


TestJobStore = JobStoreMachine.TestCase
TestJobStore.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)


def test_transaction_is_all_or_nothing() -> None:
    store = JobStore()
    with pytest.raises(RuntimeError), store.transaction():
        store.record_event("shop", "evt-1", {"order": 1})
        store.enqueue("shop_orders", "order:1")
        store.set_watermark("shop_orders", "2026-01-01")
        raise RuntimeError("crash before commit")
    assert store.jobs() == [] and store.watermark("shop_orders") is None
    assert store.record_event("shop", "evt-1", {}) is True  # the event was not kept either


def test_committed_work_survives_a_killed_process(tmp_path: Path) -> None:
    """The process dies right after the event+job commit: a new process finds both, and
    a job left running is recovered to pending."""
    db = tmp_path / "engine.sqlite"
    child = textwrap.dedent(f"""
        import os
        from odoo_harness.engine.jobs import JobStore
        store = JobStore({str(db)!r})
        with store.transaction():
            store.record_event("shop", "evt-9", {{"order": 9}})
            job, _ = store.enqueue("shop_orders", "order:9", {{"order": 9}})
        store.claim(job.id)
        os._exit(9)  # no cleanup, no close: a crash
    """)
    result = subprocess.run([sys.executable, "-c", child], timeout=60, check=False)
    assert result.returncode == 9
    store = JobStore(db)
    assert store.record_event("shop", "evt-9", {}) is False  # seen before the crash
    assert store.recover() == 1
    (job,) = store.jobs()
    assert (job.identity_key, job.state, job.attempts) == ("order:9", PENDING, 1)


def test_retry_policy_backoff_and_retry_after() -> None:
    policy = RetryPolicy(attempts=4, first=timedelta(seconds=30), maximum=timedelta(seconds=100))
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 100, 100]
    slow = RetryableError("429", retry_after=300)
    assert policy.delay(1, slow) == timedelta(seconds=300)
    assert policy.gives_up_after(4) and not policy.gives_up_after(3)
    final = exhausted(RetryableError("timeout", user_message="Shop did not answer"), 4)
    assert final.__cause__ is not None and "gave up after 4 attempts" in final.user_message


def test_a_file_that_is_not_a_store_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_bytes(b"not an SQLite database, however long it is " * 4)
    with pytest.raises(ConfigError, match=r"notes\.txt: not an engine store \(file is not a"):
        JobStore(text)
    assert text.read_bytes() == b"not an SQLite database, however long it is " * 4
    with pytest.raises(ConfigError, match="a folder, not an engine store"):
        JobStore(tmp_path)
    with pytest.raises(ConfigError, match="cannot open the engine store"):
        JobStore(tmp_path / "missing" / "engine.sqlite")


def test_without_create_only_an_existing_store_opens(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    with pytest.raises(ConfigError, match="not an engine store"):
        JobStore(empty, create=False)
    assert empty.stat().st_size == 0  # not turned into a database
    with pytest.raises(ConfigError, match="no engine store there"):
        JobStore(tmp_path / "absent.sqlite", create=False)
    assert not (tmp_path / "absent.sqlite").exists()
    made = JobStore(tmp_path / "engine.sqlite")
    made.enqueue("shop_orders", "order:1")
    made.close()
    opened = JobStore(tmp_path / "engine.sqlite", create=False)
    assert [job.identity_key for job in opened.jobs()] == ["order:1"]
    opened.close()
