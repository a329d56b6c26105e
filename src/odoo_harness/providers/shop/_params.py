"""Reading a request the way Shopify does: query parameters and JSON bodies.

A small declarative ``Field`` describes what a body may hold. A missing or malformed root
parameter is a 400 (``{"errors": {"fulfillment": "Required parameter missing or
invalid"}}``); a field of the wrong type, out of range or unknown is a 422 with messages
per field. Semantics follow JSON Schema (integers may be written ``5.0``; patterns match
the whole value), so the mock refuses exactly what the contract refuses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..base import ProviderError

MISSING = "Required parameter missing or invalid"
_INT = re.compile(r"-?[0-9]{1,19}")
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
MAX_ID = 9007199254740991


@dataclass(frozen=True)
class Field:
    """What one JSON value may be: ``kind`` is int, bool, str, object or list."""

    kind: str
    required: bool = False
    nullable: bool = False
    minimum: int | None = None
    maximum: int | None = None
    min_length: int = 0
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    pattern: str | None = None  # matched against the whole value
    fields: Mapping[str, Field] = field(default_factory=dict)
    items: Field | None = None
    min_items: int = 0
    max_items: int | None = None


def ident(required: bool = False) -> Field:
    return Field("int", required=required, minimum=1, maximum=MAX_ID)


def quantity(required: bool = False) -> Field:
    return Field("int", required=required, minimum=-1_000_000_000, maximum=1_000_000_000)


def unprocessable(problems: list[tuple[str, str]]) -> ProviderError:
    return ProviderError(
        422,
        "UNPROCESSABLE",
        problems[0][1],
        errors=[{"field": f, "message": m} for f, m in problems],
    )


def bad_request(name: str, message: str = MISSING) -> ProviderError:
    return ProviderError(400, "BAD_REQUEST", message, errors=[{"field": name, "message": message}])


def body_object(data: Any, spec: Mapping[str, Field]) -> dict[str, Any]:
    """A top-level body object: missing required keys are 400s, other problems 422s."""
    if not isinstance(data, dict):
        first = next(iter(spec))
        raise bad_request(first)
    for name, rule in spec.items():
        if rule.required and (name not in data or (data[name] is None and not rule.nullable)):
            raise bad_request(name)
    problems = _check_object(data, spec, "")
    if problems:
        raise unprocessable(problems)
    return data


def rooted(data: Any, root: str, spec: Mapping[str, Field]) -> dict[str, Any]:
    """A body wrapped in one root key (``{"fulfillment": {...}}``)."""
    if not isinstance(data, dict) or not isinstance(data.get(root), dict):
        raise bad_request(root)
    extra = sorted(set(data) - {root})
    if extra:
        raise unprocessable([(name, "is not a permitted parameter") for name in extra])
    problems = _check_object(data[root], spec, "")
    if problems:
        raise unprocessable(problems)
    return data[root]  # type: ignore[no-any-return]


def check(value: Any, rule: Field, path: str) -> list[tuple[str, str]]:
    if value is None:
        return [] if rule.nullable else [(path, "can't be blank")]
    checker = _CHECKS.get(rule.kind)
    if checker is None:
        raise ValueError(f"unknown field kind {rule.kind!r}")
    return checker(value, rule, path)


def _check_int(value: Any, rule: Field, path: str) -> list[tuple[str, str]]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return [(path, "must be an integer")]
    if isinstance(value, float) and not value.is_integer():
        return [(path, "must be an integer")]
    if rule.minimum is not None and value < rule.minimum:
        return [(path, f"must be greater than or equal to {rule.minimum}")]
    if rule.maximum is not None and value > rule.maximum:
        return [(path, f"must be less than or equal to {rule.maximum}")]
    return []


def _check_bool(value: Any, rule: Field, path: str) -> list[tuple[str, str]]:
    return [] if isinstance(value, bool) else [(path, "must be true or false")]


def _check_str(value: Any, rule: Field, path: str) -> list[tuple[str, str]]:
    if not isinstance(value, str):
        return [(path, "must be a string")]
    if len(value) < rule.min_length:
        return [(path, "can't be blank")]
    if rule.max_length is not None and len(value) > rule.max_length:
        return [(path, f"is too long (maximum is {rule.max_length} characters)")]
    if rule.choices and value not in rule.choices:
        return [(path, "is not included in the list")]
    if rule.pattern is not None and not re.fullmatch(rule.pattern, value):
        return [(path, "is invalid")]
    return []


def _check_object(
    value: Any, rule: Field | Mapping[str, Field], path: str
) -> list[tuple[str, str]]:
    spec = rule.fields if isinstance(rule, Field) else rule
    if not isinstance(value, dict):
        return [(path, "must be an object")]
    problems = [(_join(path, k), "is not a permitted parameter") for k in value if k not in spec]
    for name, sub in spec.items():
        if name in value:
            problems += check(value[name], sub, _join(path, name))
        elif sub.required:
            problems.append((_join(path, name), "can't be blank"))
    return problems


def _check_list(value: Any, rule: Field, path: str) -> list[tuple[str, str]]:
    if not isinstance(value, list):
        return [(path, "must be an array")]
    if len(value) < rule.min_items:
        return [(path, "can't be blank")]
    if rule.max_items is not None and len(value) > rule.max_items:
        return [(path, f"is too long (maximum is {rule.max_items} items)")]
    assert rule.items is not None
    problems: list[tuple[str, str]] = []
    for index, item in enumerate(value):
        problems += check(item, rule.items, f"{path}[{index}]")
    return problems


_CHECKS = {
    "int": _check_int,
    "bool": _check_bool,
    "str": _check_str,
    "object": _check_object,
    "list": _check_list,
}


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# -- query parameters -------------------------------------------------------------------
def query_int(
    query: Mapping[str, str],
    name: str,
    *,
    minimum: int,
    maximum: int = MAX_ID,
    default: int | None = None,
) -> int | None:
    raw = query.get(name)
    if raw is None:
        return default
    if not _INT.fullmatch(raw) or not minimum <= int(raw) <= maximum:
        raise bad_request(name, "Invalid value.")
    return int(raw)


def query_choice(
    query: Mapping[str, str], name: str, choices: tuple[str, ...], default: str | None = None
) -> str | None:
    raw = query.get(name)
    if raw is None:
        return default
    if raw not in choices:
        raise bad_request(name, "Invalid value.")
    return raw


def query_time(query: Mapping[str, str], name: str) -> datetime | None:
    raw = query.get(name)
    if raw is None:
        return None
    if not _TIMESTAMP.fullmatch(raw):
        raise bad_request(name, "Invalid value.")
    try:
        parsed = datetime.fromisoformat(raw.upper().replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(name, "Invalid value.") from None
    return parsed.astimezone(UTC)


def query_ids(query: Mapping[str, str], name: str) -> list[int] | None:
    raw = query.get(name)
    if raw is None:
        return None
    parts = raw.split(",")
    if len(parts) > 50 or not all(re.fullmatch(r"[1-9][0-9]{0,15}", p) for p in parts):
        raise bad_request(name, "Invalid value.")
    return [int(p) for p in parts]


__all__ = [
    "Field",
    "body_object",
    "check",
    "ident",
    "quantity",
    "query_choice",
    "query_ids",
    "query_int",
    "query_time",
    "rooted",
]
