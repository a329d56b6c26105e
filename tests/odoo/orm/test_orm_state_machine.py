"""The ORM against a plain-Python model: create, write, unlink, archive, search and read on
res.partner.industry agree with a dict of records after any sequence of calls."""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import settings
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from odoo_harness.odoo.exceptions import MissingError
from odoo_harness.odoo.sandbox import Sandbox

MODEL = "res.partner.industry"
names = st.text(alphabet="abcXYZ _%", min_size=1, max_size=6)
SANDBOXES: dict[str, Sandbox] = {}


def sandbox_for(version: str) -> Sandbox:
    if version not in SANDBOXES:
        SANDBOXES[version] = Sandbox(version)
    box = SANDBOXES[version]
    box.reset()
    return box


class IndustryMachine(RuleBasedStateMachine):
    version = "18.0"
    records = Bundle("records")

    def __init__(self) -> None:
        super().__init__()
        self.box = sandbox_for(self.version)
        self.uid = self.box.admin_uid
        self.model: dict[int, dict[str, Any]] = {}
        self.deleted: set[int] = set()

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.box.execute_kw(self.uid, MODEL, method, list(args), kwargs)

    @rule(target=records, name=names, full_name=st.none() | names, active=st.booleans())
    def create(self, name: str, full_name: str | None, active: bool) -> int:
        vals: dict[str, Any] = {"name": name, "active": active}
        if full_name is not None:
            vals["full_name"] = full_name
        new_id = self.call("create", vals)
        assert isinstance(new_id, int) and new_id not in self.model
        self.model[new_id] = {"name": name, "full_name": full_name or False, "active": active}
        return new_id

    @rule(record=records, name=names)
    def rename(self, record: int, name: str) -> None:
        assert self.call("write", [record], {"name": name}) is True
        if record in self.model:  # a model without record rules ignores missing ids
            self.model[record]["name"] = name

    @rule(record=records, active=st.booleans())
    def archive(self, record: int, active: bool) -> None:
        self.call("write", [record], {"active": active})
        if record in self.model:
            self.model[record]["active"] = active

    @rule(record=records)
    def unlink(self, record: int) -> None:
        assert self.call("unlink", [record]) is True
        self.model.pop(record, None)
        self.deleted.add(record)

    @rule(name=names)
    def search_by_name(self, name: str) -> None:
        found = self.call("search", [["name", "=", name]])
        expected = sorted(
            (i for i, r in self.model.items() if r["name"] == name and r["active"]),
            key=lambda i: (self.model[i]["name"], i),
        )
        assert found == expected

    @rule(fragment=names)
    def search_ilike_including_archived(self, fragment: str) -> None:
        found = self.call("search", [["name", "ilike", fragment]], context={"active_test": False})
        expected = {i for i, r in self.model.items() if _ilike(r["name"], fragment)}
        assert set(found) == expected

    @invariant()
    def reads_agree(self) -> None:
        ids = sorted(self.model) + sorted(self.deleted)
        rows = self.call("read", ids, ["name", "full_name", "active"])
        assert [r["id"] for r in rows] == sorted(self.model)  # deleted ids are dropped
        for row in rows:
            expected = self.model[row["id"]]
            assert {k: row[k] for k in ("name", "full_name", "active")} == expected

    @invariant()
    def counts_agree(self) -> None:
        ours = self.call(
            "search_count", [["id", "in", sorted(self.model)]], context={"active_test": False}
        )
        assert ours == len(self.model)


def _ilike(value: str, pattern: str) -> bool:
    """Odoo's ilike: the pattern inside %...%, with % and _ as wildcards."""
    import re

    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.search(regex, value, re.IGNORECASE | re.DOTALL) is not None


@pytest.mark.parametrize("version", ["17.0", "18.0", "19.0"])
def test_orm_matches_dict_model(version: str) -> None:
    machine = type(f"IndustryMachine_{version[:2]}", (IndustryMachine,), {"version": version})
    machine.TestCase.settings = settings(max_examples=25, stateful_step_count=20, deadline=None)
    machine.TestCase().runTest()


def test_write_on_missing_partner_is_missing_error() -> None:
    """Models with record rules refuse writes to missing ids, unlike the machine's model."""
    box = sandbox_for("18.0")
    with pytest.raises(MissingError):
        box.execute_kw(box.admin_uid, "res.partner", "write", [[999999], {"name": "x"}], {})
