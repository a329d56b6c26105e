"""``/crm/v3/objects/{contacts|companies|deals}``: create, read, update, archive, list
with ``after`` paging, and the batch read and upsert endpoints.

Plain create is deliberately not idempotent (a second create with the same email is a
409 naming the existing id); batch upsert by a unique ``idProperty`` is the retry-safe
write, answered 207 when some inputs failed.
"""

from __future__ import annotations

from typing import Any

from ..base import Call, ProviderError, Reply
from .catalog import (
    ASSOCIATION_TYPES,
    DEFAULT_PROPERTIES,
    EMAIL_PATTERN,
    ID_PROPERTIES,
    OBJECT_TYPES,
    PROPERTY_INDEX,
    SINGULAR,
    association_types_from,
)
from .portal import Portal
from .store import Key, Record
from .validation import (
    clean_properties,
    cursor,
    expect_list,
    expect_object,
    expect_str,
    field_error,
    is_decimal,
    iso,
    query_bool,
    query_int,
    query_list,
)

MAX_BATCH = 100
ID_PATTERN = r"^[0-9]+$"


# -- rendering --------------------------------------------------------------------------
def requested(object_type: str, names: list[str] | None, extra: tuple[str, ...] = ()) -> list[str]:
    """The properties to return: the client's (unknown names ignored, as HubSpot does)
    or the type's defaults, plus ``extra``."""
    known = PROPERTY_INDEX[object_type]
    base = (
        [n for n in names if n in known]
        if names is not None
        else list(DEFAULT_PROPERTIES[object_type])
    )
    return sorted(set(base) | {n for n in extra if n in known})


def render(
    portal: Portal, record: Record, names: list[str], associations: list[str] | None = None
) -> dict[str, Any]:
    body = record.public(names)
    links = {}
    for target in associations or ():
        if target in OBJECT_TYPES:
            block = portal.links.public((record.object_type, record.id), target)
            if block["results"]:
                links[target] = block
    if links:
        body["associations"] = links
    return body


def _portal(call: Call) -> Portal:
    portal: Portal = call.context["portal"]
    return portal


def _not_found(object_type: str, object_id: str) -> ProviderError:
    return ProviderError(
        404, "OBJECT_NOT_FOUND", f"resource not found: {SINGULAR[object_type]} {object_id!r}"
    )


def _id_property(call: Call, object_type: str) -> str | None:
    value = call.query.get("idProperty")
    if value is None:
        return None
    return expect_str(value, "idProperty", choices=ID_PROPERTIES[object_type])


# -- single objects ---------------------------------------------------------------------
def create(call: Call, object_type: str) -> Reply:
    body = expect_object(call.json_object(), "body", ("properties",), ("associations",))
    values = clean_properties(object_type, body["properties"])
    links = parse_associations(object_type, body.get("associations", []))
    record = _portal(call).create(object_type, values, links)
    names = requested(object_type, None, tuple(values))
    return Reply(201, render(_portal(call), record, names))


def parse_associations(object_type: str, data: object) -> list[tuple[Key, int]]:
    """Inline associations of a create: ``[{to: {id}, types: [{category, typeId}]}]``."""
    allowed = association_types_from(object_type)
    links: list[tuple[Key, int]] = []
    for i, item in enumerate(expect_list(data, "associations")):
        where = f"associations[{i}]"
        item = expect_object(item, where, ("to", "types"))
        target = expect_object(item["to"], f"{where}.to", ("id",))
        target_id = expect_str(target["id"], f"{where}.to.id", pattern=ID_PATTERN)
        for j, kind in enumerate(expect_list(item["types"], f"{where}.types", min_items=1)):
            at = f"{where}.types[{j}]"
            kind = expect_object(kind, at, ("associationCategory", "associationTypeId"))
            expect_str(
                kind["associationCategory"],
                f"{at}.associationCategory",
                choices=("HUBSPOT_DEFINED",),
            )
            type_id = kind["associationTypeId"]
            if isinstance(type_id, float) and type_id.is_integer():
                type_id = int(type_id)  # JSON Schema's 279.0 is 279
            if not isinstance(type_id, int) or isinstance(type_id, bool) or type_id not in allowed:
                raise field_error(
                    f"{at}.associationTypeId", f"must be one of {allowed} for {object_type}"
                )
            target = int(target_id) if is_decimal(target_id) else -1  # -1: no such record (404)
            links.append(((ASSOCIATION_TYPES[type_id].target, target), type_id))
    return links


def get(call: Call, object_type: str) -> Reply:
    object_id = call.path_params["objectId"]
    names = requested(object_type, query_list(call.query, "properties"))
    associations = query_list(call.query, "associations")
    archived = query_bool(call.query, "archived")
    record = _portal(call).lookup(
        object_type, object_id, _id_property(call, object_type), archived=archived
    )
    if record is None:
        raise _not_found(object_type, object_id)
    return Reply(200, render(_portal(call), record, names, associations))


def update(call: Call, object_type: str) -> Reply:
    object_id = call.path_params["objectId"]
    id_property = _id_property(call, object_type)
    body = expect_object(call.json_object(), "body", ("properties",))
    values = clean_properties(object_type, body["properties"])
    record = _portal(call).lookup(object_type, object_id, id_property)
    if record is None:
        raise _not_found(object_type, object_id)
    _portal(call).update(record, values)
    return Reply(200, render(_portal(call), record, requested(object_type, None, tuple(values))))


def archive(call: Call, object_type: str) -> Reply:
    object_id = call.path_params["objectId"]
    portal = _portal(call)
    record = portal.lookup(object_type, object_id) or portal.lookup(
        object_type, object_id, archived=True
    )
    if record is None:
        raise _not_found(object_type, object_id)
    portal.archive(record)
    return Reply(204)


def list_objects(call: Call, object_type: str) -> Reply:
    limit = query_int(call.query, "limit", 10, 1, 100)
    after = cursor(call.query)
    names = requested(object_type, query_list(call.query, "properties"))
    associations = query_list(call.query, "associations")
    store = _portal(call).stores[object_type]
    pool = store.archived() if query_bool(call.query, "archived") else store.active()
    page = [r for r in pool if r.id >= after][: limit + 1]
    body: dict[str, Any] = {
        "results": [render(_portal(call), r, names, associations) for r in page[:limit]]
    }
    if len(page) > limit:
        body["paging"] = {"next": {"after": str(page[limit].id)}}
    return Reply(200, body)


# -- batches ----------------------------------------------------------------------------
def batch_read(call: Call, object_type: str) -> Reply:
    started = iso(call.context["now"])
    body = expect_object(
        call.json_object(),
        "body",
        ("inputs", "properties"),
        ("idProperty", "propertiesWithHistory"),
    )
    id_property = None
    if "idProperty" in body:
        id_property = expect_str(
            body["idProperty"], "idProperty", choices=ID_PROPERTIES[object_type]
        )
    names = requested(object_type, _string_list(body["properties"], "properties"))
    history = _string_list(body.get("propertiesWithHistory", []), "propertiesWithHistory")
    ids = [
        expect_str(expect_object(item, f"inputs[{i}]", ("id",))["id"], f"inputs[{i}].id")
        for i, item in enumerate(expect_list(body["inputs"], "inputs", max_items=MAX_BATCH))
    ]
    results, missing = [], []
    for object_id in dict.fromkeys(ids):
        record = _portal(call).lookup(object_type, object_id, id_property)
        if record is None:
            missing.append(object_id)
            continue
        results.append(_with_history(record, record.public(names), history))
    errors = (
        []
        if not missing
        else [
            _batch_error(
                "OBJECT_NOT_FOUND",
                f"Could not get some {object_type} objects, they may be deleted "
                "or not exist. Check that ids are valid.",
                {"ids": missing},
            )
        ]
    )
    return _batch_reply(call, started, results, errors)


def _with_history(record: Record, body: dict[str, Any], names: list[str]) -> dict[str, Any]:
    known = [n for n in names if n in PROPERTY_INDEX[record.object_type]]
    if known:
        body["propertiesWithHistory"] = {
            name: (
                [
                    {
                        "value": record.properties[name],
                        "timestamp": iso(record.updated_at),
                        "sourceType": "INTEGRATION",
                    }
                ]
                if name in record.properties
                else []
            )
            for name in known
        }
    return body


def _string_list(data: object, where: str) -> list[str]:
    return [expect_str(v, f"{where}[{i}]") for i, v in enumerate(expect_list(data, where))]


def batch_upsert(call: Call, object_type: str) -> Reply:
    started = iso(call.context["now"])
    body = expect_object(call.json_object(), "body", ("inputs",))
    raw = expect_list(body["inputs"], "inputs", min_items=1, max_items=MAX_BATCH)
    inputs = [_upsert_input(object_type, item, f"inputs[{i}]") for i, item in enumerate(raw)]
    _refuse_duplicate_ids(inputs)
    results, errors = [], []
    for id_property, object_id, values, trace in inputs:
        try:
            results.append(_upsert_one(call, object_type, id_property, object_id, values, trace))
        except ProviderError as error:
            errors.append(_batch_error(error.code, error.message, {"ids": [object_id]}, trace))
    return _batch_reply(call, started, results, errors)


def _upsert_input(
    object_type: str, item: object, where: str
) -> tuple[str, str, dict[str, str], str | None]:
    item = expect_object(item, where, ("idProperty", "id", "properties"), ("objectWriteTraceId",))
    id_property = expect_str(
        item["idProperty"], f"{where}.idProperty", choices=ID_PROPERTIES[object_type]
    )
    object_id = expect_str(
        item["id"],
        f"{where}.id",
        min_length=1,
        pattern=EMAIL_PATTERN if id_property == "email" else None,
    )
    trace = None
    if "objectWriteTraceId" in item:
        trace = expect_str(item["objectWriteTraceId"], f"{where}.objectWriteTraceId")
    values = clean_properties(object_type, item["properties"], f"{where}.properties")
    if id_property == "email":
        object_id = object_id.lower()
    return id_property, object_id, values, trace


def _refuse_duplicate_ids(inputs: list[tuple[str, str, dict[str, str], str | None]]) -> None:
    seen: set[tuple[str, str]] = set()
    for id_property, object_id, _, _ in inputs:
        if (id_property, object_id) in seen:
            raise ProviderError(
                409,
                "CONFLICT",
                f"Duplicate IDs found in batch input: [{object_id}]. IDs must be unique",
                errors=[{"message": "duplicate id", "code": "DUPLICATE_ID", "in": "inputs"}],
            )
        seen.add((id_property, object_id))


def _upsert_one(
    call: Call,
    object_type: str,
    id_property: str,
    object_id: str,
    values: dict[str, str],
    trace: str | None,
) -> dict[str, Any]:
    portal = _portal(call)
    values = {k: v for k, v in values.items() if k != id_property}
    record = portal.lookup(object_type, object_id, id_property)
    is_new = record is None
    if record is None:
        record = portal.create(object_type, {**values, id_property: object_id})
    else:
        portal.update(record, values)
    names = requested(object_type, None, (*values, id_property))
    result = record.public(names) | {"new": is_new}
    if trace is not None:
        result["objectWriteTraceId"] = trace
    return result


def _batch_error(
    category: str, message: str, context: dict[str, list[str]], trace: str | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {
        "status": "error",
        "category": category,
        "message": message,
        "context": context,
        "errors": [],
        "links": {},
    }
    if trace is not None:
        error["objectWriteTraceId"] = trace
    return error


def _batch_reply(
    call: Call, started: str, results: list[dict[str, Any]], errors: list[dict[str, Any]]
) -> Reply:
    body: dict[str, Any] = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": started,
        "completedAt": iso(_portal(call).clock.now()),
    }
    if errors:
        body |= {"numErrors": len(errors), "errors": errors}
    return Reply(207 if errors else 200, body)


__all__ = [
    "archive",
    "batch_read",
    "batch_upsert",
    "create",
    "get",
    "list_objects",
    "parse_associations",
    "render",
    "requested",
    "update",
]
