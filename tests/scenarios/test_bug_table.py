"""The bug table: proof that the scenario suite catches a careless engine.

Each row switches one deliberate bug on (``odoo_harness.engine.bugs``) and names the
scenario that must then fail, the check that fails and words its message must hold. With
the bug off the same scenario passes. The table is repeated, for people, in
``docs/scenarios.md`` ("Proof that the suite catches bugs").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from odoo_harness.engine import Binder, JobStore
from odoo_harness.engine.bugs import DEFECTS, Defects, switched_on
from odoo_harness.scenarios.failure import render_failure
from odoo_harness.scenarios.model import load_scenario
from odoo_harness.scenarios.runner import run_scenario

pytestmark = pytest.mark.wire
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@dataclass(frozen=True)
class Row:
    bug: str
    scenario: str
    check: str  # the failing check (an expectation's key or a built-in check's name)
    says: str  # words the rendered failure holds

    def __str__(self) -> str:
        return f"{self.bug}-{Path(self.scenario).name}"


# bug                        scenario that catches it                           failing check                        message holds
BUG_TABLE = (
    Row("create_without_lookup", "crm_contacts/existing_crm_contact_adopted_not_duplicated", "then.failed_records", "Contact already exists"),
    Row("create_without_lookup", "catalogue_stock/product_created_once_despite_lost_answer", "then.shop.variants.0.count", "expected: 1"),
    Row("ignore_retry_after", "crm_contacts/rate_limit_retry_after_respected", "retry_after_respected", "Retry-After: 120"),
    Row("overwrite_owned_fields", "crm_contacts/non_owner_change_is_a_conflict", "ownership_respected", "ownership conflicts differ"),
    Row("overwrite_owned_fields", "crm_contacts/odoo_edit_of_crm_owned_stage_not_sent", "then.crm.contacts.lifecyclestage", "expected: lead"),
    Row("accept_bad_signature", "crm_contacts/forged_webhook_refused", "forged_webhooks_refused", "webhook with a bad signature"),
    Row("secret_in_log", "crm_contacts/odoo_change_exported", "no_secret_in_journal", "holds a secret"),
    # tokens handed out mid-run: the carrier's access token, the CRM's refreshed one
    Row("secret_in_log", "shipping/shop_order_shipped_and_fulfilled", "no_secret_in_journal", "holds a secret"),
    Row("secret_in_log", "crm_contacts/expired_token_refreshed_once", "no_secret_in_journal", "holds a secret"),
    Row("enqueue_outside_outbox", "engine/crash_before_queueing_loses_no_change", "then.crm.contacts.0.count", "(outbox)"),
)  # fmt: skip


def run(row: Row) -> tuple[bool, str, set[str]]:
    result = run_scenario(load_scenario(SCENARIOS / f"{row.scenario}.scenario.yaml"))
    return result.passed, render_failure(result), {f.check for f in result.failures}


@pytest.mark.parametrize("row", BUG_TABLE, ids=str)
def test_the_scenario_passes_without_the_bug_and_fails_with_it(row: Row) -> None:
    assert not DEFECTS.active()
    passed, text, _ = run(row)
    assert passed, text
    with switched_on(row.bug):
        passed, text, checks = run(row)
    assert not passed, f"{row.scenario} passed with the bug {row.bug} on"
    assert row.check in checks, text
    assert row.says in text, text
    assert not DEFECTS.active()


def test_every_bug_switch_has_a_row() -> None:
    assert {row.bug for row in BUG_TABLE} == set(Defects.names())


def test_an_unknown_switch_is_refused_by_name() -> None:
    with (
        pytest.raises(ValueError, match="no engine bug 'typo'; the switches are: create_"),
        switched_on("typo"),
    ):
        pass
    assert not DEFECTS.active()


def test_create_without_lookup_reuses_the_binder_s_create_or_find_switch() -> None:
    store = JobStore()
    assert Binder(None, store, system="shop", model="sale.order").create_or_find_enabled  # type: ignore[arg-type]
    with switched_on("create_without_lookup"):
        binder = Binder(None, store, system="shop", model="sale.order")  # type: ignore[arg-type]
    assert not binder.create_or_find_enabled  # tests/engine/test_create_or_find.py: 2 orders
    store.close()


def test_an_unknown_switch_in_the_environment_is_a_usage_error(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "ODOO_HARNESS_ENGINE_BUGS": "secret_in_log,typo"}
    done = subprocess.run(
        [sys.executable, "-m", "odoo_harness.cli.main", "run", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 4, done.stdout + done.stderr
    assert "ODOO_HARNESS_ENGINE_BUGS: no engine bug 'typo'" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_tokens_handed_out_mid_run_are_masked_in_the_result() -> None:
    """With the engine logging its headers, the carrier's access token (issued after the
    scenario started) is caught and appears nowhere in the result or its rendering."""
    path = SCENARIOS / "shipping" / "shop_order_shipped_and_fulfilled.scenario.yaml"
    with switched_on("secret_in_log"):
        result = run_scenario(load_scenario(path))
    issued = [s for s in result.secrets if s.startswith("phat_")]
    assert issued, "the carrier's access token is among the known secrets"
    assert "no_secret_in_journal" in {f.check for f in result.failures}
    import json

    text = json.dumps(result.to_dict()) + render_failure(result)
    assert not [s for s in result.secrets if s in text]
    assert "Bearer ***" in json.dumps(result.to_dict())
