"""``POST /crm/v3/objects/{type}/search``: filter groups (OR of ANDed filters), one sort,
a free-text ``query``, ``limit`` up to 200 and an ``after`` offset cursor.

Comparisons follow the property's type (numbers and datetimes by value, text without
case); a filter never errors on a value it cannot compare, it simply does not match.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from typing import Any

from ..base import Call, Reply
from .catalog import PROPERTY_INDEX, PropertyDef
from .objects_api import render, requested
from .portal import Portal
from .store import Record
from .validation import (
    cursor,
    expect_int,
    expect_list,
    expect_object,
    expect_str,
    field_error,
    parse_datetime,
)

VALUE_OPERATORS = ("EQ", "NEQ", "LT", "LTE", "GT", "GTE", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN")
LIST_OPERATORS = ("IN", "NOT_IN")
PRESENCE_OPERATORS = ("HAS_PROPERTY", "NOT_HAS_PROPERTY")
OPERATORS = (*VALUE_OPERATORS, "BETWEEN", *LIST_OPERATORS, *PRESENCE_OPERATORS)
MAX_GROUPS, MAX_FILTERS = 5, 6

Predicate = Callable[[Record], bool]


def search(call: Call, object_type: str) -> Reply:
    body = expect_object(
        call.json_object(),
        "body",
        (),
        ("filterGroups", "sorts", "query", "properties", "limit", "after"),
    )
    groups = [
        _group(object_type, g, f"filterGroups[{i}]")
        for i, g in enumerate(
            expect_list(body.get("filterGroups", []), "filterGroups", max_items=MAX_GROUPS)
        )
    ]
    order = _sort(object_type, expect_list(body.get("sorts", []), "sorts", max_items=1))
    text = expect_str(body["query"], "query") if "query" in body else None
    limit = expect_int(body.get("limit", 10), "limit", 0, 200)
    after = cursor(body)
    names = requested(
        object_type,
        [
            expect_str(p, f"properties[{i}]")
            for i, p in enumerate(expect_list(body["properties"], "properties"))
        ]
        if "properties" in body
        else None,
    )
    portal: Portal = call.context["portal"]
    found = [
        r
        for r in portal.stores[object_type].active()
        if (not groups or any(all(f(r) for f in g) for g in groups))
        and (text is None or _text_match(object_type, r, text))
    ]
    found = order(found)
    page = found[after : after + limit]
    result: dict[str, Any] = {
        "total": len(found),
        "results": [render(portal, r, names) for r in page],
    }
    if after + limit < len(found) and limit > 0:
        result["paging"] = {"next": {"after": str(after + limit)}}
    return Reply(200, result)


def _group(object_type: str, data: object, where: str) -> list[Predicate]:
    group = expect_object(data, where, ("filters",))
    filters = expect_list(group["filters"], f"{where}.filters", min_items=1, max_items=MAX_FILTERS)
    return [_filter(object_type, f, f"{where}.filters[{i}]") for i, f in enumerate(filters)]


def _filter(object_type: str, data: object, where: str) -> Predicate:
    raw = expect_object(data, where, ("propertyName", "operator"), ("value", "values", "highValue"))
    operator = expect_str(raw["operator"], f"{where}.operator", choices=OPERATORS)
    prop = PROPERTY_INDEX[object_type].get(expect_str(raw["propertyName"], f"{where}.propertyName"))
    if prop is None:
        raise field_error(
            f"{where}.propertyName",
            f"{raw['propertyName']!r} is not a property of {object_type}",
            "PROPERTY_DOESNT_EXIST",
        )
    needed = {"BETWEEN": ("value", "highValue"), "IN": ("values",), "NOT_IN": ("values",)}.get(
        operator, () if operator in PRESENCE_OPERATORS else ("value",)
    )
    raw = expect_object(raw, where, ("propertyName", "operator", *needed))
    args = {k: _operand(raw[k], f"{where}.{k}") for k in needed}
    return _predicate(prop, operator, args)


def _operand(value: object, where: str) -> Any:
    """``values`` is a non-empty list of strings; ``value`` and ``highValue`` strings."""
    if where.endswith(".values"):
        return [
            expect_str(v, f"{where}[{i}]")
            for i, v in enumerate(expect_list(value, where, min_items=1))
        ]
    return expect_str(value, where)


def _predicate(prop: PropertyDef, operator: str, args: dict[str, Any]) -> Predicate:
    name = prop.name

    def value_of(record: Record) -> str | None:
        return record.properties.get(name)

    if operator == "HAS_PROPERTY":
        return lambda r: value_of(r) is not None
    if operator == "NOT_HAS_PROPERTY":
        return lambda r: value_of(r) is None
    if operator in LIST_OPERATORS:
        wanted = {_key(prop, v) for v in args["values"]}
        inside: Predicate = lambda r: value_of(r) is not None and _key(prop, value_of(r)) in wanted  # noqa: E731
        return inside if operator == "IN" else (lambda r: not inside(r))
    if operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        pattern = args["value"].lower()
        has: Predicate = lambda r: _has_token(value_of(r), pattern)  # noqa: E731
        return has if operator == "CONTAINS_TOKEN" else (lambda r: not has(r))
    if operator == "BETWEEN":
        low, high = _key(prop, args["value"]), _key(prop, args["highValue"])
        return lambda r: (
            _compare(prop, value_of(r), low, lambda a, b: a >= b)
            and _compare(prop, value_of(r), high, lambda a, b: a <= b)
        )
    target = _key(prop, args["value"])
    if operator == "EQ":
        return lambda r: value_of(r) is not None and _key(prop, value_of(r)) == target
    if operator == "NEQ":
        return lambda r: value_of(r) is None or _key(prop, value_of(r)) != target
    test = {
        "LT": lambda a, b: a < b,
        "LTE": lambda a, b: a <= b,
        "GT": lambda a, b: a > b,
        "GTE": lambda a, b: a >= b,
    }[operator]
    return lambda r: _compare(prop, value_of(r), target, test)


def _key(prop: PropertyDef, value: str | None) -> tuple[int, Any]:
    """A comparable form of a value: numbers and datetimes by value, text by lower case."""
    if value is None:
        return (2, "")
    if prop.type == "number" or prop.name == "hs_object_id":
        try:
            return (0, float(value))
        except ValueError:
            pass
    if prop.type == "datetime":
        parsed = parse_datetime(value)
        if parsed is not None:
            return (0, parsed.timestamp())
    return (1, value.lower())


def _compare(
    prop: PropertyDef, value: str | None, target: tuple[int, Any], test: Callable[[Any, Any], bool]
) -> bool:
    if value is None:
        return False
    mine = _key(prop, value)
    return mine[0] == target[0] and bool(test(mine[1], target[1]))


def _has_token(value: str | None, pattern: str) -> bool:
    if value is None:
        return False
    tokens = value.lower().replace("@", " ").replace(".", " ").split() + [value.lower()]
    return any(fnmatch.fnmatchcase(token, pattern) for token in tokens)


def _text_match(object_type: str, record: Record, text: str) -> bool:
    needle = text.lower().strip()
    return any(
        needle in (record.properties.get(p.name) or "").lower()
        for p in PROPERTY_INDEX[object_type].values()
        if p.searchable
    )


def _sort(object_type: str, sorts: list[Any]) -> Callable[[list[Record]], list[Record]]:
    if not sorts:
        return lambda records: records
    spec = expect_object(sorts[0], "sorts[0]", ("propertyName",), ("direction",))
    prop = PROPERTY_INDEX[object_type].get(
        expect_str(spec["propertyName"], "sorts[0].propertyName")
    )
    if prop is None:
        raise field_error("sorts[0].propertyName", "unknown property", "PROPERTY_DOESNT_EXIST")
    descending = (
        expect_str(
            spec.get("direction", "ASCENDING"),
            "sorts[0].direction",
            choices=("ASCENDING", "DESCENDING"),
        )
        == "DESCENDING"
    )

    def order(records: list[Record]) -> list[Record]:
        present = [r for r in records if r.properties.get(prop.name) is not None]
        absent = [r for r in records if r.properties.get(prop.name) is None]
        present.sort(key=lambda r: (_key(prop, r.properties[prop.name]), r.id), reverse=descending)
        return present + absent

    return order


__all__ = ["OPERATORS", "search"]
