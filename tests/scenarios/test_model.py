"""Scenario files: the schema, the step phrases, and load-time errors naming file, line, key."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest

from odoo_harness.scenarios import load_scenario
from odoo_harness.scenarios.model import schema
from odoo_harness.yamlsource import SourceError

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").rglob("*.scenario.yaml")))
def test_the_suite_loads(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.title and scenario.when and scenario.odoo_version == "18.0"


def test_steps_in_words_and_structured(tmp_path: Path) -> None:
    scenario = load_scenario(
        write(
            tmp_path,
            "scenario: t\nflow: crm_contacts\nwhen:\n"
            '  - "odoo creates res.partner {name: Ada, city: London}"\n'
            "  - time passes 5 minutes\n"
            "  - {time_passes: 2 hours}\n"
            "  - engine runs due jobs\n"
            "  - {crm: {update: {object: contacts, where: {email: a@b.c}, properties: {x: y}}}}\n"
            "then: {failed_records: none}\n",
        )
    )
    create, five, two, run, update = scenario.when
    assert (create.action, create.args) == (
        "odoo.create",
        {"model": "res.partner", "values": {"name": "Ada", "city": "London"}},
    )
    assert create.line == 4
    assert five.args["delta"] == timedelta(minutes=5)
    assert two.args["delta"] == timedelta(hours=2)
    assert run.action == "engine.run_due_jobs"
    assert update.action == "crm.update" and update.args["object"] == "contacts"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("scenario: t\nflow: f\nwhen: [engine runs due jobs]\nthen: {}\nthne: {}\n", ":5: thne: "),
        ("scenario: t\nflow: f\nwhen:\n  - engine dances\nthen: {}\n", ":4: when[0]: not a step"),
        ("scenario: t\nflow: f\nthen: {}\n", ":1: (top level): missing: 'when'"),
        (
            "scenario: t\nflow: f\nwhen: [engine runs due jobs]\nthen:\n  failed_records: few\n",
            ":5: then.failed_records: ",
        ),
        (
            "scenario: t\nflow: f\nwhen: [engine runs due jobs]\nthen: {}\n"
            "faults:\n  - {system: fax, kind: drop}\n",
            ":6: faults[0].system: ",
        ),
    ],
)
def test_mistakes_name_file_line_and_key(tmp_path: Path, text: str, where: str) -> None:
    with pytest.raises(SourceError) as caught:
        load_scenario(write(tmp_path, text))
    assert str(caught.value).startswith(str(tmp_path / "x.scenario.yaml"))
    assert where in str(caught.value)


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"scenario: t\nflow: caf\xe9\n", ":2: not UTF-8 text (byte 0xe9)"),
        (b"scenario: t\nflow: \x00\n", ":2: not valid YAML: character #x0000 is not allowed"),
    ],
)
def test_a_file_that_is_not_text_is_one_line(tmp_path: Path, data: bytes, where: str) -> None:
    path = tmp_path / "x.scenario.yaml"
    path.write_bytes(data)
    with pytest.raises(SourceError) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}{where}"
