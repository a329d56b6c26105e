"""Compiled domains are kept per registry (``BaseModel._where``); a kept plan must never
answer for another field, context, user or value type than the one it was compiled for."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo_harness.odoo.exceptions import AccessError
from odoo_harness.odoo.orm import fields as F
from odoo_harness.odoo.orm.domains import compile_domain, normalize_domain
from odoo_harness.odoo.orm.models import BaseModel
from odoo_harness.odoo.sandbox import Sandbox

VERSIONS = ("17.0", "18.0", "19.0")


@pytest.fixture(scope="module", params=VERSIONS)
def sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    sandbox = Sandbox(request.param)
    yield sandbox
    sandbox.close()


def call(sandbox: Sandbox, uid: int, model: str, method: str, *args: Any, **kw: Any) -> Any:
    return sandbox.execute_kw(uid, model, method, list(args), kw)


def partners(sandbox: Sandbox, context: dict[str, Any] | None = None) -> BaseModel:
    uid = sandbox.admin_uid
    return sandbox._env(uid, {**sandbox.user_context(uid), **(context or {})})["res.partner"]


def uncached(model: BaseModel, domain: Any) -> tuple[str, list[Any]]:
    """``_where`` as it compiles without any cache: checked, active leaf added, compiled."""
    normalized = normalize_domain(domain, model.env.profile)
    return compile_domain(model, model._apply_active_test(normalized))


def typed(params: list[Any]) -> list[tuple[type, Any]]:
    return [(type(p), p) for p in params]


def test_archived_records_follow_active_test_whatever_was_compiled_first(
    sandbox: Sandbox,
) -> None:
    admin = sandbox.admin_uid
    pid = call(sandbox, admin, "res.partner", "create", {"name": "Cache Archived", "ref": "c-a"})
    call(sandbox, admin, "res.partner", "write", [pid], {"active": False})
    domain = [["ref", "=", "c-a"]]
    for _ in range(2):  # the second round finds both plans compiled
        assert call(sandbox, admin, "res.partner", "search", domain) == []
        everything = {"active_test": False}
        assert call(sandbox, admin, "res.partner", "search", domain, context=everything) == [pid]
        count = call(sandbox, admin, "res.partner", "search_count", domain, context=everything)
        assert count == 1


def test_a_domain_compiled_for_the_admin_still_checks_the_next_users_rights(
    sandbox: Sandbox,
) -> None:
    domain = [["code", "!=", False]]
    for _ in range(2):
        assert call(sandbox, sandbox.admin_uid, "res.lang", "search_count", domain) >= 1
    with pytest.raises(AccessError):
        call(sandbox, sandbox.integration_uid, "res.lang", "search_count", domain)
    with pytest.raises(AccessError):
        call(sandbox, sandbox.integration_uid, "res.lang", "read_group", domain, ["code"], ["code"])


def test_a_field_replaced_after_compiling_is_compiled_anew(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = partners(sandbox)
    domain = [["ref", "=", "5"]]
    for _ in range(2):
        params = typed(model._where(domain)[1])
        assert (str, "5") in params and (int, 5) not in params
    replaced = F.Integer("Reference as a number")
    replaced.setup("ref", "res.partner", sandbox.profile.serie)
    monkeypatch.setattr(type(model), "_fields", {**type(model)._fields, "ref": replaced})
    params = typed(model._where(domain)[1])
    assert (int, 5) in params and (str, "5") not in params


def test_a_field_added_after_a_failed_domain_is_found(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = partners(sandbox)
    domain = [["x_cache_probe", "=", 3]]
    with pytest.raises(ValueError, match="x_cache_probe"):
        model._where(domain)
    added = F.Integer("Probe")
    added.setup("x_cache_probe", "res.partner", sandbox.profile.serie)
    monkeypatch.setattr(type(model), "_fields", {**type(model)._fields, "x_cache_probe": added})
    where, params = model._where(domain)
    assert '"x_cache_probe"' in where and params[-1] == 3


def test_plans_are_kept_apart_per_language_and_active_test(sandbox: Sandbox) -> None:
    sandbox.registry.where_cache.clear()
    domain = [["ref", "=", "lang-probe"]]
    contexts = [{"lang": "en_US"}, {"lang": "fr_FR"}, {"lang": "fr_FR", "active_test": False}]
    for context in contexts:
        partners(sandbox, context)._where(domain)
    cache = sandbox.registry.where_cache
    kept = [key for key in cache if key[0] == "res.partner" and "lang-probe" in repr(key)]
    assert sorted((key[2], key[3]) for key in kept) == [
        (False, "fr_FR"),
        (True, "en_US"),
        (True, "fr_FR"),
    ]


# -- the cache against the compiler, on generated domains ----------------------------------------
FIELDS = [
    "name", "ref", "color", "is_company", "partner_latitude", "date", "create_date", "type",
    "active", "parent_id", "country_id", "id",
    # not kept: dotted paths, x2many, non-stored, unknown
    "parent_id.name", "child_ids", "category_id", "display_name", "x_unknown",
]  # fmt: skip
OPERATORS = [
    "=", "!=", "<>", "==", "in", "not in", "<", ">", "<=", ">=", "=?", "like", "not like",
    "ilike", "not ilike", "=like", "=ilike", "not =like", "child_of", "any", "IN", "bogus",
]  # fmt: skip
ATOMS = [True, False, None, 0, 1, 1.0, 0.0, -0.0, "1", "", "a%", "Azure", "é", "2024-01-01"]
VALUES = st.one_of(
    st.sampled_from(ATOMS),
    st.lists(st.sampled_from(ATOMS), max_size=3),
    st.lists(st.sampled_from(ATOMS), max_size=2).map(tuple),
    st.just({"a": 1}),
)
LEAVES = st.tuples(st.sampled_from(FIELDS), st.sampled_from(OPERATORS), VALUES)
TERMS = st.one_of(LEAVES.map(list), LEAVES, st.sampled_from(["&", "|", "!"]), st.just((1, "=", 1)))
DOMAINS = st.lists(TERMS, max_size=4)
CONTEXTS = st.fixed_dictionaries(
    {},
    optional={
        "active_test": st.sampled_from([True, False, 0, 1]),
        "lang": st.sampled_from(["en_US", "fr_FR", None]),
    },
)


def _outcome(compile_it: Any) -> Any:
    try:
        where, params = compile_it()
    except Exception as exc:  # the compiler's own errors: the same with or without cache
        return ("error", type(exc), str(exc))
    return ("ok", where, typed(params))


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(calls=st.lists(st.tuples(DOMAINS, CONTEXTS), min_size=1, max_size=6))
def test_a_kept_plan_is_the_one_the_compiler_gives(sandbox: Sandbox, calls: list[Any]) -> None:
    """Whatever was compiled before (other values, types, contexts), ``_where`` answers
    as the compiler does for this domain and context."""
    for domain, context in calls * 2:  # the second pass is served from the cache
        model = partners(sandbox, context)
        got = _outcome(lambda m=model, d=domain: m._where(d))
        expected = _outcome(lambda m=model, d=domain: uncached(m, d))
        assert got == expected, (domain, context)
