"""YAML fixtures: records land with their external ids; mistakes name file, line and key;
a bad file leaves nothing half-written."""

from __future__ import annotations

from pathlib import Path

import pytest

from odoo_harness.odoo.fixtures import FixtureError
from odoo_harness.odoo.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def box() -> Sandbox:
    return Sandbox("18.0")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_demo_fixture_creates_linked_records(box: Sandbox) -> None:
    box.reset()
    assert box.load_fixtures([REPO / "fixtures" / "odoo" / "demo.yaml"]) == 3
    uid = box.admin_uid
    acme = box.execute_kw(uid, "ir.model.data", "check_object_reference", ["demo", "acme"], {})
    alice = box.execute_kw(uid, "ir.model.data", "check_object_reference", ["demo", "alice"], {})
    rows = box.execute_kw(
        uid, "res.partner", "read", [[alice[1]], ["parent_id", "country_id", "display_name"]], {}
    )
    assert rows[0]["parent_id"] == [acme[1], "Acme Corp"]
    assert rows[0]["country_id"][1] == "Belgium"  # the contact took its company's address
    assert rows[0]["display_name"] == "Acme Corp, Alice Smith"


def test_same_file_gives_same_ids(box: Sandbox, tmp_path: Path) -> None:
    path = write(tmp_path, "records:\n  - model: res.partner\n    values: {name: One}\n")
    box.reset()
    first = box.execute_kw(box.admin_uid, "res.partner", "search", [[]], {})
    box.load_fixtures([path])
    ids_a = box.execute_kw(box.admin_uid, "res.partner", "search", [[["name", "=", "One"]]], {})
    box.reset()
    assert box.execute_kw(box.admin_uid, "res.partner", "search", [[]], {}) == first
    box.load_fixtures([path])
    ids_b = box.execute_kw(box.admin_uid, "res.partner", "search", [[["name", "=", "One"]]], {})
    assert ids_a == ids_b


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("records:\n  - model: res.partnr\n", ":2: records[0].model: unknown model 'res.partnr'"),
        (
            "records:\n  - model: res.partner\n    values:\n      nme: x\n",
            ":4: records[0].values.nme: res.partner has no field 'nme'",
        ),
        (
            "records:\n  - model: res.partner\n    values:\n      country_id: {ref: base.zz}\n",
            ":4: records[0].values.country_id: no record has the external id 'base.zz'",
        ),
        ("records:\n  - model: res.partner\n    id: no-dot\n", ":3: records[0].id: an external id"),
        ("records: [\n", ": not valid YAML"),
        ("things: []\n", ":1: records: a fixture file holds a 'records' list"),
    ],
)
def test_mistakes_name_file_line_and_key(
    box: Sandbox, tmp_path: Path, text: str, where: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(FixtureError) as info:
        box.load_fixtures([path])
    assert str(info.value).startswith(str(path))
    assert where in str(info.value)


def test_refused_record_rolls_back_the_whole_load(box: Sandbox, tmp_path: Path) -> None:
    box.reset()
    path = write(
        tmp_path,
        (
            "records:\n"
            "  - model: res.partner\n    values: {name: Kept only if all goes well}\n"
            "  - model: res.partner.category\n    values: {color: 3}\n"  # name is required
        ),
    )
    with pytest.raises(FixtureError, match=r":4: records\[1\]: Odoo refused the record"):
        box.load_fixtures([path])
    found = box.execute_kw(
        box.admin_uid,
        "res.partner",
        "search_count",
        [[["name", "=", "Kept only if all goes well"]]],
        {},
    )
    assert found == 0


def test_a_file_that_is_not_utf8_names_file_and_line(box: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    path.write_bytes(b"records:\n  - model: res.partner\n    values: {name: Caf\xe9}\n")
    with pytest.raises(FixtureError) as info:
        box.load_fixtures([path])
    assert str(info.value) == f"{path}:3: not UTF-8 text (byte 0xe9)"
