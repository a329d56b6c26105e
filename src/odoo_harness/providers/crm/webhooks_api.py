"""The webhooks API of a developer's app (``/webhooks/v3/{appId}/...``, developer API key
in ``hapikey``): the target URL and the event subscriptions deliveries are made for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..base import Call, ProviderError, Reply
from .catalog import OBJECT_TYPES, PROPERTY_INDEX, SINGULAR
from .hooks import EVENT_TYPES, HubSpotWebhooks
from .validation import expect_bool, expect_int, expect_object, expect_str, field_error, is_decimal

if TYPE_CHECKING:
    from .mock import CrmMock

TARGET_URL_PATTERN = r"^https?://(127\.0\.0\.1|localhost)(:[0-9]{1,5})?(/[^\s]*)?$"
PLURAL = {SINGULAR[t]: t for t in OBJECT_TYPES}


def _hooks(mock: CrmMock, call: Call) -> HubSpotWebhooks:
    app_id = call.path_params["appId"]
    if app_id != str(mock.credentials.app_id):
        raise ProviderError(404, "OBJECT_NOT_FOUND", f"app {app_id} not found")
    return mock.hooks


def get_settings(mock: CrmMock, call: Call) -> Reply:
    settings = _hooks(mock, call).settings()
    if settings is None:
        raise ProviderError(404, "OBJECT_NOT_FOUND", "this app has no webhook settings")
    return Reply(200, settings)


def put_settings(mock: CrmMock, call: Call) -> Reply:
    hooks = _hooks(mock, call)
    body = expect_object(call.json_object(), "body", ("targetUrl",), ("throttling",))
    url = expect_str(body["targetUrl"], "targetUrl", pattern=TARGET_URL_PATTERN)
    concurrent = 10
    if "throttling" in body:
        throttling = expect_object(
            body["throttling"], "throttling", ("maxConcurrentRequests",), ("period",)
        )
        concurrent = expect_int(
            throttling["maxConcurrentRequests"], "throttling.maxConcurrentRequests", 1, 100
        )
        if "period" in throttling:
            expect_str(throttling["period"], "throttling.period", choices=("SECONDLY",))
    hooks.configure(url, concurrent)
    return Reply(200, hooks.settings())


def list_subscriptions(mock: CrmMock, call: Call) -> Reply:
    hooks = _hooks(mock, call)
    return Reply(200, {"results": [s.public() for s in hooks.subscriptions.values()]})


def create_subscription(mock: CrmMock, call: Call) -> Reply:
    hooks = _hooks(mock, call)
    body = expect_object(call.json_object(), "body", ("eventType",), ("propertyName", "active"))
    event_type = expect_str(body["eventType"], "eventType", choices=EVENT_TYPES)
    active = expect_bool(body.get("active", True), "active")
    property_name = None
    if event_type.endswith(".propertyChange"):
        if "propertyName" not in body:
            raise field_error("propertyName", "required for propertyChange subscriptions")
        known = PROPERTY_INDEX[PLURAL[event_type.split(".")[0]]]
        property_name = expect_str(body["propertyName"], "propertyName", choices=tuple(known))
    elif "propertyName" in body:
        raise field_error("propertyName", "only propertyChange subscriptions name a property")
    sub = hooks.subscribe(mock.next_int("subscription", 1001), event_type, property_name, active)
    return Reply(201, sub.public())


def delete_subscription(mock: CrmMock, call: Call) -> Reply:
    hooks = _hooks(mock, call)
    raw = call.path_params["subscriptionId"]
    if not (is_decimal(raw) and hooks.unsubscribe(int(raw))):
        raise ProviderError(404, "OBJECT_NOT_FOUND", f"subscription {raw} not found")
    return Reply(204)


__all__ = [
    "create_subscription",
    "delete_subscription",
    "get_settings",
    "list_subscriptions",
    "put_settings",
]
