"""Account-level endpoints: the OAuth token refresh, the property definitions of each
object type, and the daily API usage of the portal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..base import Call, ProviderError, Reply
from .associations_api import object_type
from .catalog import PROPERTIES, PROPERTY_INDEX
from .portal import Portal
from .validation import iso

if TYPE_CHECKING:
    from .mock import CrmMock


def oauth_token(mock: CrmMock, call: Call) -> Reply:
    answer = mock.auth.refresh(call.body)
    mock.register_secret(answer["access_token"])
    return Reply(200, answer)


def list_properties(call: Call) -> Reply:
    kind = object_type(call, "objectType")
    return Reply(200, {"results": [p.public(kind) for p in PROPERTIES[kind]]})


def get_property(call: Call) -> Reply:
    kind = object_type(call, "objectType")
    prop = PROPERTY_INDEX[kind].get(call.path_params["propertyName"])
    if prop is None:
        raise ProviderError(
            404, "OBJECT_NOT_FOUND", f"property {call.path_params['propertyName']!r} does not exist"
        )
    return Reply(200, prop.public(kind))


def daily_usage(call: Call) -> Reply:
    portal: Portal = call.context["portal"]
    used, resets = portal.limiter.usage()
    return Reply(
        200,
        {
            "results": [
                {
                    "name": "private-apps-api-calls-daily",
                    "usageLimit": portal.limiter.limits.daily,
                    "currentUsage": used,
                    "collectedAt": iso(portal.clock.now()),
                    "fetchStatus": "SUCCESS",
                    "resetsAt": iso(resets),
                }
            ]
        },
    )


__all__ = ["daily_usage", "get_property", "list_properties", "oauth_token"]
