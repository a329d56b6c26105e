"""The project's own rules for contracts, beyond OpenAPI validity.

- every operation documents responses, and every documented status has a body schema
  (204, 304, 1xx and HEAD excepted: they have no body);
- every object schema reachable from a response says ``additionalProperties`` (or
  ``unevaluatedProperties``) explicitly: closed where the real API is closed;
- ``x-slo`` is ``{p50_ms?, p95_ms?, p99_ms?, error_rate?}`` with numbers;
- ``operationId`` is unique;
- ``x-schema-valid-rejections`` (on an operation) is a list of distinct status codes the
  operation documents: the answers a schema-valid request may get from a documented rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ._document import escape, pointer
from ._openapi import OperationRef, deref, iter_operations

Problem = tuple[str, str]
BODYLESS = frozenset({"204", "304"})
SLO_KEYS = ("p50_ms", "p95_ms", "p99_ms", "error_rate")
REJECTIONS = "x-schema-valid-rejections"
_NOT_SCHEMA = frozenset({"example", "examples", "default", "enum", "const"})


def check_rules(data: Any) -> Iterator[Problem]:
    yield from _operation_ids(data)
    for op in iter_operations(data):
        yield from _responses(data, op)
        if REJECTIONS in op.operation:
            yield from _rejections(op)
    yield from _closed_objects(data)
    yield from _slos(data, "")


# -- responses --------------------------------------------------------------------------
def _responses(data: Any, op: OperationRef) -> Iterator[Problem]:
    responses = op.operation.get("responses")
    if not isinstance(responses, dict) or not responses:
        yield op.pointer, f"{op.label} documents no responses"
        return
    for status, response in responses.items():
        if str(status).startswith("x-"):
            continue
        response, ptr = deref(data, response, f"{op.pointer}/responses/{escape(str(status))}")
        if isinstance(response, dict) and not _bodyless(op.method, str(status)):
            yield from _response_schema(data, op, str(status), response, ptr)


def _bodyless(method: str, status: str) -> bool:
    return method == "head" or status in BODYLESS or status.startswith("1")


def _response_schema(
    data: Any, op: OperationRef, status: str, response: dict[str, Any], ptr: str
) -> Iterator[Problem]:
    content = response.get("content")
    if not isinstance(content, dict) or not content:
        yield (
            ptr,
            (
                f"{op.label} response {status} has no schema: document its body under "
                "'content' (an operation without a response schema is rejected)"
            ),
        )
        return
    for media, media_obj in content.items():
        media_obj, media_ptr = deref(data, media_obj, f"{ptr}/content/{escape(media)}")
        if isinstance(media_obj, dict) and "schema" not in media_obj:
            yield media_ptr, f"{op.label} response {status} {media} has no schema"


# -- closed objects ---------------------------------------------------------------------
def _closed_objects(data: Any) -> Iterator[Problem]:
    reported: set[str] = set()
    for label, ptr, schema in _response_schemas(data):
        for open_ptr in _open_objects(data, schema, ptr, False, set()):
            if open_ptr not in reported:
                reported.add(open_ptr)
                yield (
                    open_ptr,
                    (
                        f"object schema (in {label}) does not say additionalProperties: false to "
                        "close it, true or a schema where the real API is open "
                        "(unevaluatedProperties where it combines allOf)"
                    ),
                )


def _response_schemas(data: Any) -> Iterator[tuple[str, str, Any]]:
    for op in iter_operations(data):
        responses = op.operation.get("responses")
        if not isinstance(responses, dict):
            continue
        for status, response in responses.items():
            response, ptr = deref(data, response, f"{op.pointer}/responses/{escape(status)}")
            content = response.get("content") if isinstance(response, dict) else None
            for media, media_obj in content.items() if isinstance(content, dict) else ():
                media_obj, media_ptr = deref(data, media_obj, f"{ptr}/content/{escape(media)}")
                if isinstance(media_obj, dict) and "schema" in media_obj:
                    yield (
                        f"{op.label} response {status}",
                        f"{media_ptr}/schema",
                        media_obj["schema"],
                    )


def declares_object(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "object" or (isinstance(kind, list) and "object" in kind):
        return True
    return kind is None and ("properties" in schema or "patternProperties" in schema)


def _open_objects(
    data: Any, schema: Any, ptr: str, exempt: bool, seen: set[tuple[str, bool]]
) -> Iterator[str]:
    schema, ptr = deref(data, schema, ptr)
    if not isinstance(schema, dict) or (ptr, exempt) in seen:
        return
    seen.add((ptr, exempt))
    explicit = "additionalProperties" in schema or "unevaluatedProperties" in schema
    if declares_object(schema) and not explicit and not exempt:
        yield ptr
    members_exempt = exempt or "unevaluatedProperties" in schema
    for child_ptr, child, child_exempt in _subschemas(schema, ptr, members_exempt):
        yield from _open_objects(data, child, child_ptr, child_exempt, seen)


def _subschemas(
    schema: dict[str, Any], ptr: str, members_exempt: bool
) -> Iterator[tuple[str, Any, bool]]:
    for key in ("allOf", "anyOf", "oneOf"):
        for i, member in enumerate(_as_list(schema.get(key))):
            yield f"{ptr}/{key}/{i}", member, members_exempt
    for key in ("properties", "patternProperties"):
        values = schema.get(key)
        for name, sub in values.items() if isinstance(values, dict) else ():
            yield f"{ptr}/{key}/{escape(name)}", sub, False
    for key in (
        "items",
        "additionalProperties",
        "unevaluatedProperties",
        "contains",
        "then",
        "else",
    ):
        if isinstance(schema.get(key), dict):
            yield f"{ptr}/{key}", schema[key], False
    for i, sub in enumerate(_as_list(schema.get("prefixItems"))):
        yield f"{ptr}/prefixItems/{i}", sub, False


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# -- x-slo --------------------------------------------------------------------------------
def _slos(node: Any, ptr: str) -> Iterator[Problem]:
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{ptr}/{escape(str(key))}"
            if key == "x-slo":
                yield from _slo_shape(value, child)
            elif key not in _NOT_SCHEMA:
                yield from _slos(value, child)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _slos(value, f"{ptr}/{i}")


def _slo_shape(slo: Any, ptr: str) -> Iterator[Problem]:
    if not isinstance(slo, dict):
        yield ptr, "x-slo must be a mapping {p50_ms?, p95_ms?, p99_ms?, error_rate?}"
        return
    for key, value in slo.items():
        if key not in SLO_KEYS:
            yield (
                f"{ptr}/{escape(str(key))}",
                f"unknown x-slo key {key!r}; known: {', '.join(SLO_KEYS)}",
            )
        elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            yield f"{ptr}/{key}", f"x-slo {key} must be a number >= 0 (got {value!r})"
        elif key == "error_rate" and value > 1:
            yield f"{ptr}/{key}", f"x-slo error_rate is a fraction between 0 and 1 (got {value!r})"
    yield from _slo_order(slo, ptr)


def _slo_order(slo: dict[str, Any], ptr: str) -> Iterator[Problem]:
    numbers = [
        (k, slo[k])
        for k in SLO_KEYS[:3]
        if isinstance(slo.get(k), int | float) and not isinstance(slo.get(k), bool)
    ]
    for (low_key, low), (high_key, high) in zip(numbers, numbers[1:], strict=False):
        if low > high:
            yield f"{ptr}/{high_key}", f"x-slo {high_key} ({high}) is below {low_key} ({low})"


# -- x-schema-valid-rejections -----------------------------------------------------------
def schema_valid_rejections(data: Any) -> Iterator[tuple[OperationRef, list[int]]]:
    """Each operation with a well-formed ``x-schema-valid-rejections``, and its statuses."""
    for op in iter_operations(data):
        if REJECTIONS in op.operation and not any(_rejections(op)):
            yield op, [int(status) for status in op.operation[REJECTIONS]]


def _rejections(op: OperationRef) -> Iterator[Problem]:
    value, ptr = op.operation[REJECTIONS], f"{op.pointer}/{REJECTIONS}"
    shape = f"{REJECTIONS} must be a non-empty list of status codes (e.g. [400, 422])"
    if not isinstance(value, list) or not value:
        yield ptr, f"{shape}; got {value!r}"
        return
    responses = op.operation.get("responses")
    documented = {str(k).upper() for k in responses} if isinstance(responses, dict) else set()
    seen: set[int] = set()
    for i, status in enumerate(value):
        code = _status(status)
        if code is None:
            yield f"{ptr}/{i}", f"{shape}; {status!r} is not a status code (100-599)"
        elif code in seen:
            yield f"{ptr}/{i}", f"{REJECTIONS} lists {code} twice"
        elif str(code) not in documented and f"{str(code)[0]}XX" not in documented:
            yield (
                f"{ptr}/{i}",
                f"{op.label} lists {code} in {REJECTIONS} but does not document a {code} response",
            )
        if code is not None:
            seen.add(code)


def _status(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and len(value) == 3 and value.isdigit():
        value = int(value)
    return value if isinstance(value, int) and 100 <= value <= 599 else None


# -- operationId --------------------------------------------------------------------------
def _operation_ids(data: Any) -> Iterator[Problem]:
    first: dict[str, OperationRef] = {}
    for op in iter_operations(data):
        op_id = op.operation.get("operationId")
        if not isinstance(op_id, str):
            continue
        if op_id in first:
            yield (
                f"{op.pointer}/operationId",
                f"operationId {op_id!r} is already used by {first[op_id].label}",
            )
        else:
            first[op_id] = op


# -- schema locations (for the meta-schema check) -----------------------------------------
def schema_roots(data: Any) -> Iterator[tuple[str, Any]]:
    """Every schema the document holds directly: components' and each ``schema`` key."""
    schemas = (data.get("components") or {}).get("schemas") if isinstance(data, dict) else None
    for name, schema in schemas.items() if isinstance(schemas, dict) else ():
        yield pointer("components", "schemas", name), schema
    for key in ("paths", "webhooks"):
        yield from _schema_keys(data.get(key), f"/{key}")
    components = data.get("components")
    if isinstance(components, dict):
        for key, value in components.items():
            if key != "schemas":
                yield from _schema_keys(value, pointer("components", key))


def _schema_keys(node: Any, ptr: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{ptr}/{escape(str(key))}"
            if key == "schema":
                yield child, value
            elif key not in _NOT_SCHEMA and not str(key).startswith("x-"):
                yield from _schema_keys(value, child)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _schema_keys(value, f"{ptr}/{i}")
