"""Associations v4: ``PUT .../associations/default/{to}/{toId}`` links two records with the
unlabeled default type (both directions), ``GET .../associations/{to}`` lists a record's
links to one object type with their type ids."""

from __future__ import annotations

from typing import Any

from ..base import Call, ProviderError, Reply
from .catalog import ASSOCIATION_TYPES, DEFAULT_ASSOCIATION, OBJECT_TYPES, SINGULAR
from .portal import Portal
from .store import Record
from .validation import cursor, field_error, iso, query_int


def object_type(call: Call, param: str) -> str:
    value = call.path_params[param]
    if value not in OBJECT_TYPES:
        raise field_error(
            param, f"Unable to infer object type from: {value}", "INVALID_OBJECT_TYPE"
        )
    return str(value)


def _record(call: Call, type_param: str, id_param: str) -> Record:
    kind = object_type(call, type_param)
    portal: Portal = call.context["portal"]
    record = portal.lookup(kind, call.path_params[id_param])
    if record is None:
        raise ProviderError(
            404,
            "OBJECT_NOT_FOUND",
            f"resource not found: {SINGULAR[kind]} {call.path_params[id_param]!r}",
        )
    return record


def associate_default(call: Call) -> Reply:
    started = iso(call.context["now"])
    source = _record(call, "fromObjectType", "fromObjectId")
    target = _record(call, "toObjectType", "toObjectId")
    type_id = DEFAULT_ASSOCIATION[(source.object_type, target.object_type)]
    portal: Portal = call.context["portal"]
    portal.associate((source.object_type, source.id), (target.object_type, target.id), type_id)
    results = [
        _spec(source, target, type_id),
        _spec(target, source, ASSOCIATION_TYPES[type_id].inverse),
    ]
    return Reply(
        200,
        {
            "status": "COMPLETE",
            "results": results,
            "startedAt": started,
            "completedAt": iso(portal.clock.now()),
        },
    )


def _spec(source: Record, target: Record, type_id: int) -> dict[str, Any]:
    return {
        "from": {"id": str(source.id)},
        "to": {"id": str(target.id)},
        "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id},
    }


def list_associations(call: Call) -> Reply:
    source = _record(call, "objectType", "objectId")
    target_type = object_type(call, "toObjectType")
    limit = query_int(call.query, "limit", 500, 1, 500)
    after = cursor(call.query)
    portal: Portal = call.context["portal"]
    links = [
        link
        for link in portal.links.targets((source.object_type, source.id), target_type)
        if link[0] >= after
    ][: limit + 1]
    body: dict[str, Any] = {
        "results": [
            {
                "toObjectId": target_id,
                "associationTypes": [
                    {
                        "category": "HUBSPOT_DEFINED",
                        "typeId": t,
                        "label": ASSOCIATION_TYPES[t].label,
                    }
                    for t in types
                ],
            }
            for target_id, types in links[:limit]
        ]
    }
    if len(links) > limit:
        body["paging"] = {"next": {"after": str(links[limit][0])}}
    return Reply(200, body)


__all__ = ["associate_default", "list_associations", "object_type"]
