"""Reading and checking request bodies the way ParcelHub does.

The mock holds its own JSON Schemas of the request bodies (written from the contract, not
loaded from it, so schemathesis really checks that the two agree). A body that is not
JSON is a 400 ``INVALID_JSON``; one that breaks a rule is a 422 ``VALIDATION_ERROR`` with
one entry per field, named by its dotted path (``to_address.zip``, ``parcels.0.weight``).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ..base import Call, ProviderError


def _string(low: int, high: int, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "minLength": low, "maxLength": high, **extra}


def _number(maximum: float) -> dict[str, Any]:
    return {"type": "number", "exclusiveMinimum": 0, "maximum": maximum}


def _closed(required: Iterable[str], **properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(required),
        "properties": properties,
    }


MONEY = {"type": "string", "pattern": "^[0-9]{1,7}\\.[0-9]{2}$"}
COUNTRY = {"type": "string", "pattern": "^[A-Z]{2}$"}
LABEL_FORMAT = {"type": "string", "enum": ["PDF", "ZPL", "PNG"]}
EVENT_TYPES = ("shipment.purchased", "shipment.voided", "tracker.updated")

ADDRESS = _closed(
    ["street1", "city", "zip", "country"],
    name=_string(0, 100),
    company=_string(0, 100),
    street1=_string(1, 100),
    street2=_string(0, 100),
    city=_string(1, 60),
    state=_string(0, 60),
    zip=_string(1, 20),
    country=COUNTRY,
    phone=_string(0, 40),
    email=_string(0, 120),
)
PARCEL = _closed(
    ["weight", "weight_unit"],
    length=_number(10000),
    width=_number(10000),
    height=_number(10000),
    dimension_unit={"type": "string", "enum": ["cm", "in"]},
    weight=_number(100000),
    weight_unit={"type": "string", "enum": ["kg", "g", "lb", "oz"]},
)
CUSTOMS = _closed(
    ["contents_type", "items"],
    contents_type={
        "type": "string",
        "enum": ["merchandise", "documents", "gift", "sample", "returned_goods", "other"],
    },
    items={
        "type": "array",
        "minItems": 1,
        "maxItems": 50,
        "items": _closed(
            ["description", "quantity", "value", "currency"],
            description=_string(1, 200),
            quantity={"type": "integer", "minimum": 1, "maximum": 10000},
            value=MONEY,
            currency={"type": "string", "pattern": "^[A-Z]{3}$"},
            weight=_number(100000),
            hs_code={"type": "string", "pattern": "^[0-9]{6,10}$"},
            origin_country=COUNTRY,
        ),
    },
)
OPTIONS = _closed(
    [], label_format=LABEL_FORMAT, signature={"type": "boolean"}, insurance_amount=MONEY
)
_PARCELS = {"type": "array", "minItems": 1, "maxItems": 10, "items": PARCEL}

SCHEMAS: dict[str, dict[str, Any]] = {
    "address_validation": _closed(["address"], address=ADDRESS, strict={"type": "boolean"}),
    "rates": _closed(
        ["from_address", "to_address", "parcels"],
        reference=_string(1, 100),
        from_address=ADDRESS,
        to_address=ADDRESS,
        parcels=_PARCELS,
        customs=CUSTOMS,
    ),
    "shipment": _closed(
        ["reference", "from_address", "to_address", "parcels"],
        reference=_string(1, 100),
        from_address=ADDRESS,
        to_address=ADDRESS,
        parcels=_PARCELS,
        customs=CUSTOMS,
        options=OPTIONS,
    ),
    "buy": _closed(
        ["rate_id"],
        rate_id={"type": "string", "pattern": "^rate_[0-9a-z]{1,32}$"},
        label_format=LABEL_FORMAT,
        insurance_amount=MONEY,
    ),
    "webhook": _closed(
        ["url", "secret", "events"],
        url=_string(
            0,
            200,
            pattern="^https?://(127\\.0\\.0\\.1|localhost)(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$",
        ),
        secret=_string(8, 128),
        events={
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "enum": list(EVENT_TYPES)},
        },
    ),
}
_VALIDATORS = {name: Draft202012Validator(schema) for name, schema in SCHEMAS.items()}


def read_json(call: Call) -> Any:
    """The JSON body: 400 when it is absent, not JSON, has NaN/Infinity or bad unicode."""
    if not call.body:
        raise ProviderError(400, "INVALID_JSON", "the request needs a JSON body")
    try:
        data = json.loads(call.body, parse_constant=_no_constant, parse_float=_finite)
        if b"\\u" in call.body:  # only a \u escape can spell a lone surrogate
            json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise ProviderError(400, "INVALID_JSON", f"the body is not valid JSON: {exc}") from None
    return data


def checked(call: Call, schema: str) -> dict[str, Any]:
    """The JSON body once it passes the named schema (else 422 with field errors)."""
    data = read_json(call)
    if isinstance(data, dict) and conforms(SCHEMAS[schema], data):
        return data
    errors = sorted(_VALIDATORS[schema].iter_errors(data), key=lambda e: list(e.path))
    if errors:
        raise ProviderError(
            422,
            "VALIDATION_ERROR",
            "the request has invalid fields",
            errors=[_field_error(e) for e in errors[:20]],
        )
    if not isinstance(data, dict):  # unreachable: every schema is an object
        raise ProviderError(422, "VALIDATION_ERROR", "the body must be a JSON object")
    return data


def conforms(schema: dict[str, Any], value: Any) -> bool:
    """A fast, conservative check for the keywords these schemas use: True only when the
    value surely conforms (then jsonschema, 10x slower, is skipped); False means "ask
    jsonschema", which gives the field errors. Unusual values (a float as an integer, a
    list of non-strings for ``uniqueItems``) answer False."""
    kind = schema.get("type")
    if kind == "object":
        return _object_conforms(schema, value)
    if kind == "array":
        return _array_conforms(schema, value)
    if kind == "string":
        return type(value) is str and _string_conforms(schema, value)
    if kind == "number":
        return type(value) in (int, float) and _number_conforms(schema, value)
    if kind == "integer":
        return type(value) is int and _number_conforms(schema, value)
    if kind == "boolean":
        return type(value) is bool
    return False


def _object_conforms(schema: dict[str, Any], value: Any) -> bool:
    if type(value) is not dict:
        return False
    properties = schema["properties"]
    return all(k in value for k in schema["required"]) and all(
        k in properties and conforms(properties[k], v) for k, v in value.items()
    )


def _array_conforms(schema: dict[str, Any], value: Any) -> bool:
    if type(value) is not list:
        return False
    if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)):
        return False
    if schema.get("uniqueItems") and not (
        all(type(v) is str for v in value) and len(set(value)) == len(value)
    ):
        return False
    return all(conforms(schema["items"], v) for v in value)


def _string_conforms(schema: dict[str, Any], value: str) -> bool:
    if "enum" in schema:
        return value in schema["enum"]
    if not schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", len(value)):
        return False
    pattern = schema.get("pattern")
    return pattern is None or _compiled(pattern).search(value) is not None


def _number_conforms(schema: dict[str, Any], value: float) -> bool:
    return value > schema.get("exclusiveMinimum", -math.inf) and schema.get(
        "minimum", -math.inf
    ) <= value <= schema.get("maximum", math.inf)


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _field_error(error: ValidationError) -> dict[str, str]:
    path = [str(p) for p in error.absolute_path]
    code = str(error.validator)
    if code == "required" and isinstance(error.instance, dict):
        missing = [k for k in error.validator_value if k not in error.instance]
        path.append(missing[0] if missing else "")
        return {"field": ".".join(path), "code": "required", "message": "is required"}
    if code == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {})
        extra = [k for k in error.instance if k not in allowed]
        path.append(str(extra[0]) if extra else "")
        return {"field": ".".join(path), "code": "unknown_field", "message": "is not allowed"}
    return {"field": ".".join(path) or "(body)", "code": code, "message": error.message[:300]}


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # 1e400: a JSON number, but not one that can be answered
        raise ValueError(f"{text[:40]} is out of range")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


__all__ = ["EVENT_TYPES", "SCHEMAS", "checked", "conforms", "read_json"]
