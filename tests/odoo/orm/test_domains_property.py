"""Generated domains on a generated world: the SQL compiler agrees with the Python oracle.

Every operator, '!', '|', '&', dotted paths through many2one and x2many fields, on every
version profile. The oracle (``domain_oracle``) shares no code with ``orm.domains``.
"""

from __future__ import annotations

from typing import Any

from domain_oracle import Oracle
from domain_world import VERSIONS, World, connect, search
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TEXTS = [None, "", "Acme", "acme", "ACME corp", "b_b", "Bob 50%_off", "Éa", "éa", "x@acme.example"]
PATTERNS = ["", "a", "A", "acme", "ACME", "b_b", "50%", "%", "_", "É", "é", "Ac%", "%e", False]
IDS = [1, 2, 3, 4, 5, 6]
N_PARTNERS = 6


@st.composite
def worlds(draw: st.DrawFn) -> World:
    countries = {
        1: {"name": "Belgium", "code": "BE"},
        2: {"name": "France", "code": "FR"},
        3: {"name": "Élan", "code": None},
    }
    tags = {
        t: {"name": name, "active": draw(st.sampled_from([0, 1, 1]))}
        for t, name in ((1, "VIP"), (2, "Whole"), (3, "éclair"))
    }
    partners: dict[int, dict[str, Any]] = {}
    for pid in range(1, N_PARTNERS + 1):
        partners[pid] = {
            "name": draw(st.sampled_from(TEXTS[1:])),
            "email": draw(st.sampled_from(TEXTS)),
            "ref": draw(st.sampled_from([None, "", "ACME", "r1"])),
            "color": draw(st.sampled_from([None, 0, 1, 5, -3])),
            "lat": draw(st.sampled_from([None, 0.0, 1.5, -2.0])),
            "is_company": draw(st.sampled_from([None, 0, 1])),
            "kind": draw(st.sampled_from([None, "a", "b"])),
            "day": draw(st.sampled_from([None, "2024-01-15", "2024-03-01"])),
            "stamp": draw(st.sampled_from([None, "2024-01-15 10:00:00", "2024-01-16 00:00:00"])),
            "parent_id": draw(st.sampled_from([None, *range(1, pid)])),
            "country_id": draw(st.sampled_from([None, 1, 2, 3])),
        }
    links = draw(st.sets(st.tuples(st.sampled_from(IDS), st.sampled_from([1, 2, 3]))))
    return World({"x.country": countries, "x.tag": tags, "x.partner": partners}, sorted(links))


def _term(field: str, ops: list[str], values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.tuples(st.just(field), st.sampled_from(ops), values).map(list)


EQ = ["=", "!=", "in", "not in"]
LIKE = ["like", "not like", "ilike", "not ilike", "=like", "=ilike"]
CMP = ["<", ">", "<=", ">="]


def _listed(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(values, st.lists(values, max_size=3))


def char_terms(field: str) -> st.SearchStrategy[Any]:
    plain = st.sampled_from([False, "", "Acme", "acme", "b_b", "Éa", "x@acme.example", "ACME"])
    return st.one_of(
        _term(field, EQ, _listed(plain)),
        _term(field, LIKE, st.sampled_from(PATTERNS)),
        _term(field, CMP, st.sampled_from(["B", "a", "é"])),
        _term(field, ["=?"], st.sampled_from([False, "Acme", ""])),
    )


def scalar_terms() -> st.SearchStrategy[Any]:
    numbers = st.sampled_from([False, 0, 1, 5, -3])
    floats = st.sampled_from([False, 0, 0.0, 1.5, -2.0, -5])
    return st.one_of(
        char_terms("name"),
        char_terms("email"),
        char_terms("ref"),
        _term("color", EQ + CMP, _listed(numbers)).filter(_no_list_compare),
        _term("lat", EQ + CMP, _listed(floats)).filter(_no_list_compare),
        _term("is_company", ["=", "!="], st.sampled_from([True, False])),
        _term("is_company", ["in", "not in"], st.lists(st.booleans(), max_size=2)),
        _term("kind", EQ, _listed(st.sampled_from(["a", "b", False]))),
        _term(
            "day", ["=", "!=", *CMP], st.sampled_from([False, "2024-01-15", "2024-02-01"])
        ).filter(_no_list_compare),
        _term(
            "stamp",
            CMP + ["="],
            st.sampled_from(
                ["2024-01-15", "2024-01-16", "2024-01-15 10:00:00", "2024-01-16 00:00:00"]
            ),
        ),
        _term("id", ["in", "not in"], st.lists(st.sampled_from(IDS), max_size=3)),
    )


def _no_list_compare(term: list[Any]) -> bool:
    return not (term[1] in CMP and (isinstance(term[2], list) or term[2] is False))


def relational_terms(sub: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    ids = st.sampled_from(IDS)
    names = st.sampled_from(["Acme", "acme", "Belgium", "bel", "VIP", "vip", "éclair", "x@"])
    return st.one_of(
        _term("parent_id", EQ, _listed(st.one_of(ids, st.just(False)))),
        _term("parent_id", ["=", "!=", "ilike", "not ilike", "like"], names),
        _term("country_id", ["=", "!=", "ilike", "not ilike"], names),
        _term("country_id", ["in", "not in"], st.lists(names, min_size=1, max_size=2)),
        _term("country_id", EQ, _listed(st.sampled_from([1, 2, 3, False]))),
        _term("child_ids", EQ, _listed(st.one_of(ids, st.just(False)))),
        _term("child_ids", ["=", "ilike", "not ilike", "!="], names),
        _term("tag_ids", EQ, _listed(st.sampled_from([1, 2, 3, False]))),
        _term("tag_ids", ["=", "ilike", "not ilike", "!="], names),
        _term("id", ["child_of", "parent_of"], st.one_of(ids, st.lists(ids, max_size=2), names)),
        _term("parent_id", ["child_of", "parent_of"], st.one_of(ids, st.lists(ids, max_size=2))),
        _term("child_ids", ["child_of", "parent_of"], st.one_of(ids, st.lists(ids, max_size=2))),
        _term("parent_id", ["any", "not any"], sub),
        _term("child_ids", ["any", "not any"], sub),
        _term(
            "tag_ids",
            ["any", "not any"],
            st.lists(_term("name", ["ilike", "=", "!="], names), min_size=1, max_size=2),
        ),
        _term(
            "country_id",
            ["any", "not any"],
            st.lists(
                _term("code", ["=", "!=", "in"], _listed(st.sampled_from(["BE", "FR", False]))),
                min_size=1,
                max_size=2,
            ),
        ),
        _term("display_name", ["ilike", "=", "not ilike"], names),
    )


def dotted_terms() -> st.SearchStrategy[Any]:
    texts = st.sampled_from(["Acme", "acme", "BE", "FR", "VIP", "", False])
    paths = [
        "parent_id.name",
        "parent_id.country_id.code",
        "child_ids.name",
        "tag_ids.name",
        "country_code",
        "parent_id.parent_id.email",
        "child_ids.country_id.name",
    ]
    return st.tuples(
        st.sampled_from(paths), st.sampled_from(["=", "!=", "ilike", "not ilike", "in"]), texts
    ).map(lambda t: [t[0], t[1], [t[2]] if t[1] == "in" else t[2]])


def domains() -> st.SearchStrategy[list[Any]]:
    def extend(children: st.SearchStrategy[list[Any]]) -> st.SearchStrategy[list[Any]]:
        return st.one_of(
            children.map(lambda d: ["!", *d]),
            st.tuples(children, children).map(lambda p: ["|", *p[0], *p[1]]),
            st.tuples(children, children).map(lambda p: ["&", *p[0], *p[1]]),
            st.tuples(children, children).map(lambda p: p[0] + p[1]),  # implicit AND
        )

    simple = st.one_of(scalar_terms(), dotted_terms(), st.sampled_from([[1, "=", 1], [0, "=", 1]]))
    subdomains = st.lists(st.one_of(scalar_terms(), dotted_terms()), min_size=1, max_size=2)
    leaves = st.one_of(simple, relational_terms(subdomains)).map(lambda t: [t])
    return st.recursive(leaves, extend, max_leaves=5)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=worlds(), domain=domains(), version=st.sampled_from(VERSIONS))
def test_sql_agrees_with_oracle(world: World, domain: list[Any], version: str) -> None:
    conn = connect(world)
    try:
        expected = Oracle(world, version).search(domain)
        assert search(conn, version, domain) == expected, domain
    finally:
        conn.close()
