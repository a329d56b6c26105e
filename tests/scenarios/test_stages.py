"""A system that cannot be reached or refuses, outside a step, is one failure naming the
stage and the error in one line (not a traceback); a misspelt ``then.odoo`` field is a
failure naming its key and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from odoo_harness.engine.errors import RetryableError
from odoo_harness.errors import ConfigError
from odoo_harness.scenarios.failure import render_failure
from odoo_harness.scenarios.model import load_scenario
from odoo_harness.scenarios.runner import run_scenario
from odoo_harness.scenarios.sut import system_under_test

pytestmark = pytest.mark.wire

MISSPELT = """\
scenario: A partner, expected with a misspelt field
flow: crm_contacts
given:
  odoo:
    records:
      - {model: res.partner, values: {name: Ana Diaz, email: ana@example.com}}
when:
  - engine runs due jobs
then:
  odoo:
    res.partner:
      where: {email: ana@example.com}
      nme: Ana Diaz
"""


def test_a_misspelt_then_odoo_field_names_its_key_and_line(tmp_path: Path) -> None:
    path = tmp_path / "misspelt.scenario.yaml"
    path.write_text(MISSPELT, encoding="utf-8")
    result = run_scenario(load_scenario(path))
    [failure] = [f for f in result.failures if f.check.startswith("then.")]
    assert failure.check == "then.odoo.res.partner.nme"
    assert failure.line == 13  # the misspelt key
    assert "Invalid field" in str(failure.actual) and "nme" in str(failure.actual)
    assert "is each field and model name right?" in failure.message
    assert "Traceback" not in render_failure(result)


class Unreachable:
    """A system under test whose Odoo does not answer."""

    def __init__(self, flow: str) -> None:
        self.inner = system_under_test(flow)

    def start(self, systems: Any) -> None:
        raise RetryableError("authenticate: ConnectError: [Errno 111] Connection refused")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_system_under_test_that_cannot_start_is_one_failure() -> None:
    path = (
        Path(__file__).resolve().parents[2]
        / "scenarios/crm_contacts/odoo_change_exported.scenario.yaml"
    )
    result = run_scenario(load_scenario(path), sut_factory=Unreachable)
    assert [f.check for f in result.failures] == ["error"]
    [failure] = result.failures
    assert failure.expected == "the system under test starts"
    assert (
        failure.actual
        == "RetryableError: authenticate: ConnectError: [Errno 111] Connection refused"
    )
    assert result.steps == []  # it stopped there


def test_a_flow_the_engine_does_not_have_is_named_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "typo.scenario.yaml"
    path.write_text(
        "scenario: Typo in flow\nflow: crm_contacs\nwhen:\n  - engine runs due jobs\n"
        "then:\n  failed_records: none\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        run_scenario(load_scenario(path))
    assert str(info.value).startswith(f"{path}:2: flow: ")
    assert "'crm_contacs'" in str(info.value) and "crm_contacts" in str(info.value)


def test_an_unknown_model_in_given_is_named_at_the_scenario_s_own_line(tmp_path: Path) -> None:
    path = tmp_path / "model.scenario.yaml"
    path.write_text(
        "scenario: Unknown model\nflow: crm_contacts\ngiven:\n  odoo:\n    records:\n"
        "      - {model: res.partner, values: {name: Ana}}\n"
        "      - {model: res.partnr, values: {name: Bob}}\n"
        "when:\n  - engine runs due jobs\nthen:\n  failed_records: none\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        run_scenario(load_scenario(path))
    assert str(info.value) == f"{path}:7: given.odoo.records[1].model: unknown model 'res.partnr'"
