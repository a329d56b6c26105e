"""The restart/crash/forged-webhook steps, the ``failed_records`` list and ``requests``
expectations, the ``retry_after_respected`` and ``forged_webhooks_refused`` checks, the
crash points and the log mask."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from odoo_harness.engine.bugs import SimulatedCrash, arm_crash, crash_point, disarm_crashes
from odoo_harness.journal import Journal
from odoo_harness.scenarios import load_scenario
from odoo_harness.scenarios.checks import forged_webhooks_refused, retry_after_respected
from odoo_harness.scenarios.logmask import masked_logs
from odoo_harness.scenarios.runner import run_scenario
from odoo_harness.yamlsource import SourceError

SUITE = Path(__file__).resolve().parents[2] / "scenarios"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HEAD = "scenario: t\nflow: crm_contacts\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# -- steps ----------------------------------------------------------------------------------
def test_the_new_steps_in_words_and_structured(tmp_path: Path) -> None:
    scenario = load_scenario(
        write(
            tmp_path,
            HEAD + "when:\n"
            "  - engine restarts\n"
            "  - engine crashes after 2 jobs\n"
            "  - engine crashes before queueing changes\n"
            "  - crm sends a webhook with a bad signature\n"
            "  - {engine: restart}\n"
            "  - {engine: {crash: worker.after_handler, after: 1}}\n"
            "  - {crm: {forged_webhook: true}}\n"
            "then: {}\n",
        )
    )
    got = [(s.action, s.args) for s in scenario.when]
    assert got == [
        ("engine.restart", {}),
        ("engine.crash", {"point": "worker.after_handler", "after": 2}),
        ("engine.crash", {"point": "poller.before_enqueue", "after": 0}),
        ("crm.forged_webhook", {}),
        ("engine.restart", {}),
        ("engine.crash", {"point": "worker.after_handler", "after": 1}),
        ("crm.forged_webhook", {}),
    ]
    assert [s.line for s in scenario.when] == [4, 5, 6, 7, 8, 9, 10]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            "when:\n  - {engine: {crash: nowhere}}\nthen: {}\n",
            "x.scenario.yaml:4: when[0].engine.crash: 'nowhere' is not one of",
        ),
        (
            "when:\n  - engine crashes later\nthen: {}\n",
            "x.scenario.yaml:4: when[0]: not a step; write one of",
        ),
        (
            "when:\n  - engine restarts\nthen:\n  failed_records: [{reson: x}]\n",
            "x.scenario.yaml:6: then.failed_records",
        ),
        (
            "when:\n  - engine restarts\nthen:\n  requests: {crm: {oauth: 1}}\n",
            "x.scenario.yaml:6: then.requests.crm",
        ),
    ],
)
def test_mistakes_in_the_new_forms_name_line_and_key(tmp_path: Path, text: str, where: str) -> None:
    with pytest.raises(SourceError) as info:
        load_scenario(write(tmp_path, HEAD + text))
    assert where in str(info.value)


# -- crash points ---------------------------------------------------------------------------
def test_a_crash_point_fires_once_after_its_count() -> None:
    disarm_crashes()
    crash_point("worker.after_handler")  # not armed: nothing happens
    arm_crash("worker.after_handler", after=2)
    crash_point("worker.after_handler")
    crash_point("worker.after_handler")
    with pytest.raises(SimulatedCrash, match="worker.after_handler"):
        crash_point("worker.after_handler")
    crash_point("worker.after_handler")  # fired: disarmed
    with pytest.raises(ValueError, match="no crash point 'x'; the points are: poller"):
        arm_crash("x")


# -- checks on a journal --------------------------------------------------------------------
def throttled_then_called(gap: float, *, actor: bool = False, wait: str = "120") -> Journal:
    journal = Journal(lambda: T0)
    journal.record("mock.response", "crm", {"status": 429, "headers": {"Retry-After": wait}}, at=T0)
    headers = {"x-harness-actor": "scenario"} if actor else {}
    journal.record(
        "mock.request",
        "crm",
        {"method": "GET", "path": "/crm/v3/objects/contacts/1", "headers": headers},
        at=T0 + timedelta(seconds=gap),
    )
    return journal


@given(wait=st.integers(1, 3600), gap=st.integers(0, 7200))
def test_retry_after_is_respected_exactly_when_the_next_call_waits_long_enough(
    wait: int, gap: int
) -> None:
    failures = retry_after_respected(list(throttled_then_called(gap, wait=str(wait))))
    assert bool(failures) == (gap < wait)
    if failures:
        assert f"Retry-After: {wait}" in failures[0].message
        assert f"after {gap}s" in failures[0].message


def test_retry_after_ignores_the_scenario_people_and_bad_headers() -> None:
    assert retry_after_respected(list(throttled_then_called(1, actor=True))) == []
    assert retry_after_respected(list(throttled_then_called(1, wait="soon"))) == []


def test_a_forged_webhook_must_be_answered_401() -> None:
    journal = Journal(lambda: T0)
    journal.record("ForgedWebhookSent", "scenario", {"provider": "crm", "status": 401})
    assert forged_webhooks_refused(list(journal)) == []
    journal.record("ForgedWebhookSent", "scenario", {"provider": "crm", "status": 200})
    [failure] = forged_webhooks_refused(list(journal))
    assert failure.actual == "HTTP 200" and "bad signature" in failure.message


# -- the log mask ---------------------------------------------------------------------------
def test_http_library_logs_are_masked_but_not_the_engine_s(
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = "crmock-developer-key-0001"
    with caplog.at_level(logging.INFO):
        with masked_logs([secret, "abc"]):
            logging.getLogger("httpx").info("HTTP Request: PUT http://h/x?hapikey=%s", secret)
            logging.getLogger("httpx").info("abc stays: too short to mask")
            logging.getLogger("odoo_harness.engine.x").info("engine: %s", secret)
        logging.getLogger("httpx").info("after: %s", secret)
    assert [r.getMessage() for r in caplog.records] == [
        "HTTP Request: PUT http://h/x?hapikey=***",
        "abc stays: too short to mask",
        f"engine: {secret}",
        f"after: {secret}",
    ]


# -- over the wire --------------------------------------------------------------------------
@pytest.mark.wire
def test_without_the_user_s_retry_the_record_stays_failed_with_its_activity(
    tmp_path: Path,
) -> None:
    text = (SUITE / "engine" / "manual_retry_clears_failed_queue.scenario.yaml").read_text()
    text = text.replace("  - user retries failed records\n", "")
    result = run_scenario(load_scenario(write(tmp_path, text)))
    failed = {f.check: f for f in result.failures}
    assert failed["then.odoo.mail.activity.count"].actual == 1
    [record] = failed["then.failed_records"].actual
    assert record["state"] == "failed" and "The CRM refused the change" in record["reason"]
    assert set(failed) == {
        "then.odoo.mail.activity.count",
        "then.failed_records",
        "then.crm.contacts.count",
    }


@pytest.mark.wire
def test_failed_records_and_requests_expectations_report_what_differs(tmp_path: Path) -> None:
    text = (SUITE / "crm_contacts" / "refused_token_pauses_flow.scenario.yaml").read_text()
    text = text.replace("state: paused", "state: failed").replace(
        '"POST /oauth/v1/token": 1', '"POST /oauth/v1/token": 0'
    )
    result = run_scenario(load_scenario(write(tmp_path, text)))
    failed = {f.check: f for f in result.failures}
    assert set(failed) == {"then.failed_records", "then.requests.crm.POST /oauth/v1/token"}
    assert failed["then.requests.crm.POST /oauth/v1/token"].actual == 1
    assert failed["then.failed_records"].message.startswith("no failed record matches")
    assert failed["then.failed_records"].actual[0]["state"] == "paused"


@pytest.mark.wire
def test_steps_a_system_under_test_lacks_fail_as_steps(tmp_path: Path) -> None:
    class Minimal:
        def __init__(self, flow: str) -> None: ...
        def start(self, systems: object) -> None: ...
        def failed_records(self) -> list[dict[str, object]]:
            return []

        def close(self) -> None: ...

    path = write(tmp_path, HEAD + "when:\n  - engine restarts\nthen: {}\n")
    result = run_scenario(load_scenario(path), sut_factory=Minimal)  # type: ignore[arg-type]
    [failure] = result.failures
    assert failure.check == "step" and "cannot restart" in str(failure.actual)
