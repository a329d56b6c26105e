"""Input checks of the CRM mock, answered as HubSpot does: 400 ``VALIDATION_ERROR`` with
one entry per problem in ``errors`` (``code``, ``in``, ``message``).

``clean_properties`` checks a property map against the catalog (unknown, read-only, wrong
option or format) and normalises values; the ``expect_*`` helpers check JSON bodies
strictly (no unknown keys), as the contract's closed schemas say.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from ..base import ProviderError
from .catalog import (
    CURSOR_PATTERN,
    EPOCH_MS_PATTERN,
    MAX_TEXT,
    PROPERTY_INDEX,
    PropertyDef,
    matches,
)

_RFC3339 = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)


def is_decimal(text: str, max_digits: int = 18) -> bool:
    """ASCII digits only (``str.isdigit`` also accepts "³"), short enough for an id."""
    return 0 < len(text) <= max_digits and text.isascii() and text.isdigit()


def invalid(message: str, errors: list[dict[str, Any]] | None = None) -> ProviderError:
    """A 400 VALIDATION_ERROR; ``errors`` defaults to one entry with the message."""
    return ProviderError(
        400,
        "VALIDATION_ERROR",
        message,
        errors=errors or [{"message": message, "code": "INVALID_INPUT"}],
    )


def field_error(where: str, message: str, code: str = "INVALID_INPUT") -> ProviderError:
    return invalid(
        f"Invalid input ({where}): {message}", [{"message": message, "code": code, "in": where}]
    )


# -- property maps --------------------------------------------------------------------------
def clean_properties(object_type: str, data: object, where: str = "properties") -> dict[str, str]:
    """The property map normalised (emails lower-cased, datetimes as ISO 8601 UTC), or a
    400 listing every invalid property."""
    if not isinstance(data, Mapping):
        raise field_error(where, "must be an object of property names to string values")
    catalog = PROPERTY_INDEX[object_type]
    clean: dict[str, str] = {}
    errors: list[dict[str, Any]] = []
    for name, value in data.items():
        problem = _property_problem(catalog.get(name), name, value)
        if problem is not None:
            errors.append({"message": problem[1], "code": problem[0], "in": name})
            continue
        clean[name] = normalise(catalog[name], value)
    if errors:
        details = "; ".join(e["message"] for e in errors)
        raise invalid(f"Property values were not valid: {details}", errors)
    return clean


def _property_problem(prop: PropertyDef | None, name: str, value: object) -> tuple[str, str] | None:
    if prop is None:
        return "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist'
    if prop.read_only:
        return "READ_ONLY_VALUE", f'"{name}" is a read only property; its value cannot be set.'
    if not isinstance(value, str):
        return "INVALID_STRING", f'"{name}" must be a string'
    if value == "" and prop.pattern is None:
        return None  # clears the value (patterns admit "" themselves)
    return _value_problem(prop, value)


def _value_problem(prop: PropertyDef, value: str) -> tuple[str, str] | None:
    if prop.pattern is not None:
        if not matches(prop.pattern, value):
            code = {"email": "INVALID_EMAIL", "number": "INVALID_NUMBER"}.get(
                prop.name if prop.name == "email" else prop.type, "INVALID_INPUT"
            )
            return code, f'{value!r} is not a valid value for "{prop.name}"'
        return None
    if prop.type == "enumeration" and value not in prop.options:
        return (
            "INVALID_OPTION",
            f"{value!r} was not one of the allowed options: {', '.join(prop.options)}",
        )
    if prop.type == "datetime" and parse_datetime(value) is None:
        return "INVALID_DATE", f'{value!r} is not a valid datetime for "{prop.name}"'
    if prop.type == "string" and len(value) > MAX_TEXT:
        return "INVALID_STRING", f'"{prop.name}" is longer than {MAX_TEXT} characters'
    return None


def normalise(prop: PropertyDef, value: str) -> str:
    if value == "":
        return ""
    if prop.name == "email":
        return value.lower()
    if prop.type == "datetime":
        parsed = parse_datetime(value)
        return iso(parsed) if parsed is not None else value
    return value


def parse_datetime(value: str) -> datetime | None:
    """An RFC 3339 date-time or epoch milliseconds (what HubSpot accepts), else None."""
    if matches(EPOCH_MS_PATTERN, value):
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(value))
    found = _RFC3339.match(value)
    if found is None:
        return None
    y, mo, d, h, mi, s, frac, zone = found.groups()
    if zone not in ("Z", "z") and (int(zone[1:3]) > 23 or int(zone[4:]) > 59):
        return None
    try:
        offset = (
            timedelta(0)
            if zone in ("Z", "z")
            else (
                (1 if zone[0] == "+" else -1)
                * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:]))
            )
        )
        micro = int((frac or ".0")[1:7].ljust(6, "0"))
        local = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tzinfo=UTC)
    except ValueError:
        return None
    return local - offset


@functools.lru_cache(maxsize=4096)
def iso(instant: datetime) -> str:
    """HubSpot's timestamp text: ``2024-05-01T10:00:00.000Z``."""
    return (
        instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{instant.microsecond // 1000:03d}Z"
    )


# -- JSON bodies ----------------------------------------------------------------------------
def expect_object(
    value: object, where: str, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``value`` as a JSON object with exactly the allowed keys, or a 400."""
    if not isinstance(value, dict):
        raise field_error(where, "must be a JSON object")
    unknown = sorted(set(value) - set(required) - set(optional))
    if unknown:
        raise field_error(where, f"unknown field(s) {', '.join(unknown)}", "UNRECOGNIZED_FIELD")
    missing = [key for key in required if key not in value]
    if missing:
        raise field_error(
            where, f"missing required field(s) {', '.join(missing)}", "REQUIRED_FIELD"
        )
    return value


def expect_list(
    value: object, where: str, *, min_items: int = 0, max_items: int | None = None
) -> list[Any]:
    if not isinstance(value, list):
        raise field_error(where, "must be an array")
    if len(value) < min_items:
        raise field_error(where, f"must have at least {min_items} item(s)")
    if max_items is not None and len(value) > max_items:
        raise field_error(
            where, f"must have at most {max_items} items; got {len(value)}", "TOO_MANY_INPUTS"
        )
    return value


def expect_str(
    value: object,
    where: str,
    *,
    pattern: str | None = None,
    choices: tuple[str, ...] | None = None,
    min_length: int = 0,
) -> str:
    if not isinstance(value, str):
        raise field_error(where, "must be a string")
    if len(value) < min_length:
        raise field_error(where, f"must have at least {min_length} character(s)")
    if choices is not None and value not in choices:
        raise field_error(where, f"must be one of {', '.join(choices)}")
    if pattern is not None and not matches(pattern, value):
        raise field_error(where, f"does not match {pattern}")
    return value


def expect_int(value: object, where: str, low: int, high: int) -> int:
    """An integer in range; ``20.0`` counts (JSON Schema's integers include it)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise field_error(where, f"must be an integer between {low} and {high}")
    return value


def expect_bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise field_error(where, "must be true or false")
    return value


# -- query parameters -----------------------------------------------------------------------
def query_int(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"-?[0-9]{1,12}", raw):
        raise field_error(name, "must be an integer")
    return expect_int(int(raw), name, low, high)


def query_bool(query: Mapping[str, str], name: str) -> bool:
    raw = query.get(name)
    if raw is None:
        return False
    if raw not in ("true", "false"):
        raise field_error(name, "must be true or false")
    return raw == "true"


def query_list(query: Any, name: str) -> list[str] | None:
    """A list parameter given repeated (``a=1&a=2``) or comma-separated (``a=1,2``)."""
    values = (
        query.getlist(name)
        if hasattr(query, "getlist")
        else ([query[name]] if name in query else [])
    )
    if not values:
        return None
    return [part for value in values for part in value.split(",") if part]


def cursor(container: Mapping[str, Any], key: str = "after") -> int:
    """A paging cursor (the decimal text HubSpot hands out in ``paging.next.after``);
    0 when ``container`` has none."""
    if key not in container:
        return 0
    return _cursor(container[key], key)


def _cursor(raw: object, where: str) -> int:
    if not isinstance(raw, str) or not matches(CURSOR_PATTERN, raw):
        raise field_error(where, "must be a cursor from paging.next.after")
    return int(raw)


__all__ = [
    "is_decimal",
    "clean_properties",
    "cursor",
    "expect_bool",
    "expect_int",
    "expect_list",
    "expect_object",
    "expect_str",
    "field_error",
    "invalid",
    "iso",
    "parse_datetime",
    "query_bool",
    "query_int",
    "query_list",
]
