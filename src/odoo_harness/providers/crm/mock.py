"""``CrmMock``: a HubSpot-v3-flavoured CRM ("CRMock") on the shared mock framework.

Two portals, production and sandbox, each with its own records and (stricter in the
sandbox) rate limits; a token selects the portal. Every authenticated answer carries
HubSpot's rate-limit headers and the correlation id; errors use HubSpot's envelope
``{"status": "error", "message", "correlationId", "category", ...}``. The contract is
``contracts/providers/crm.openapi.yaml``; ``docs/provider-mocks.md`` tells the story.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from ...clock import Clock
from ...controlapi import ControlError
from ...journal import Journal
from ..base import Call, Handler, MockProvider, ProviderError, Reply
from . import account_api, associations_api, objects_api, search_api, webhooks_api
from .auth import Authenticator, Credentials
from .catalog import OBJECT_TYPES
from .hooks import HubSpotWebhooks
from .limits import DEFAULT_LIMITS, Limits
from .portal import Portal
from .validation import clean_properties

PORTAL_IDS = {"production": 62515, "sandbox": 99001}
OBJECTS = "/crm/v3/objects"
WEBHOOKS = "/webhooks/v3/{appId}"
PUBLIC_PATHS = frozenset({"/oauth/v1/token"})


class CrmMock(MockProvider):
    name = "crm"
    request_id_header = "X-HubSpot-Correlation-Id"
    state_attributes = (
        "portals",
        "auth",
        "hooks.target_url",
        "hooks.max_concurrent",
        "hooks.settings_at",
        "hooks.subscriptions",
        "hooks._sub",
    )

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        journal: Journal | None = None,
        seed: int = 0,
        limits: dict[str, Limits] | None = None,
        token_ttl: timedelta = timedelta(minutes=30),
        credentials: Credentials | None = None,
        webhook_backoff: tuple[float, ...] = (60, 300, 900, 3600, 7200, 14400),
        webhook_max_failures: int = 10,
        state_path: str | Path | None = None,
    ) -> None:
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self.credentials = credentials or Credentials()
        self.token_ttl = token_ttl
        self._hook_options = (webhook_backoff, webhook_max_failures)
        super().__init__(clock=clock, journal=journal, seed=seed, state_path=state_path)
        for secret in self.credentials.secrets():
            self.register_secret(secret)

    # -- state ----------------------------------------------------------------------------
    def reset_state(self) -> None:
        self.portals = {
            name: Portal(
                name,
                PORTAL_IDS[name],
                self.clock,
                self.limits[name],
                self._new_object_id,
                self._emit,
            )
            for name in ("production", "sandbox")
        }
        self.auth = Authenticator(self.clock, self.credentials, self.token_ttl, self.rng)
        if not hasattr(self, "hooks"):
            backoff, max_failures = self._hook_options
            self.hooks = HubSpotWebhooks(
                clock=self.clock,
                journal=self.journal,
                app_id=self.credentials.app_id,
                client_secret=self.credentials.client_secret,
                backoff=backoff,
                max_failures=max_failures,
            )
            self.webhooks = self.hooks.dispatcher
        self.hooks.reset()

    def new_request_id(self) -> str:
        """A UUID, as HubSpot's correlation ids are; deterministic, never reused."""
        return f"00000000-0000-4000-8000-{next(self._request_ids):012d}"

    def _new_object_id(self, series: str) -> int:
        return self.next_int(series, 101 + 1000 * OBJECT_TYPES.index(series.split(".")[1]))

    def _emit(
        self,
        portal: Portal,
        event_type: str,
        object_id: int,
        change: tuple[str, str] | None = None,
        flag: str | None = None,
    ) -> None:
        self.hooks.emit(
            self.next_int("event"), portal.portal_id, event_type, object_id, change, flag
        )

    def seed(self, data: dict[str, Any]) -> dict[str, Any]:
        """``{"portal": "production", "contacts": [{"properties": {...}}], "companies":
        [...], "deals": [...]}``: records created without webhooks or rate limits."""
        portal = self.portals.get(data.get("portal", "production"))
        unknown = set(data) - {"portal", *OBJECT_TYPES}
        if portal is None or unknown:
            raise ControlError(
                "seed takes 'portal' (production|sandbox) and lists of "
                f"{', '.join(OBJECT_TYPES)}; got {sorted(unknown) or data['portal']}"
            )
        for object_type in OBJECT_TYPES:
            items = data.get(object_type, [])
            if not isinstance(items, list):
                raise ControlError(f"'{object_type}' must be a list of property maps")
            for item in items:
                props = item.get("properties", item) if isinstance(item, dict) else item
                portal.create(object_type, clean_properties(object_type, props), emit=False)
        return {"portal": portal.name, **portal.counts()}

    # -- requests -------------------------------------------------------------------------
    def authenticate(self, call: Call) -> str | None:
        if call.path in PUBLIC_PATHS:
            return None
        if call.path.startswith("/webhooks/"):
            self.auth.check_developer_key(call.query.get("hapikey"))
            return "developer"
        portal = self.auth.portal_of(call.headers.get("authorization"))
        call.context["portal"] = self.portals[portal]
        return portal

    def render_error(self, error: ProviderError, call: Call) -> Reply:
        headers = {**call.context.get("rate_headers", {}), **error.headers}
        extra = dict(error.extra)
        if extra.pop("envelope", None) == "oauth":
            return Reply(
                error.status,
                {"status": error.code, "message": error.message, "correlationId": call.request_id},
                headers,
            )
        body: dict[str, Any] = {
            "status": "error",
            "message": error.message,
            "correlationId": call.request_id,
            "category": _category(error.code),
        }
        if error.errors:
            body["errors"] = error.errors
        return Reply(error.status, body | extra, headers)

    def routes(self) -> list[tuple[str, str, Handler]]:
        routes: list[tuple[str, str, Handler]] = []
        for kind in OBJECT_TYPES:
            base = f"{OBJECTS}/{kind}"
            routes += [
                ("GET", base, self._limited(objects_api.list_objects, kind)),
                ("POST", base, self._limited(objects_api.create, kind)),
                ("POST", f"{base}/search", self._limited(search_api.search, kind, search=True)),
                ("POST", f"{base}/batch/read", self._limited(objects_api.batch_read, kind)),
                ("POST", f"{base}/batch/upsert", self._limited(objects_api.batch_upsert, kind)),
                ("GET", f"{base}/{{objectId}}", self._limited(objects_api.get, kind)),
                ("PATCH", f"{base}/{{objectId}}", self._limited(objects_api.update, kind)),
                ("DELETE", f"{base}/{{objectId}}", self._limited(objects_api.archive, kind)),
            ]
        return routes + self._account_routes() + self._webhook_routes()

    def _account_routes(self) -> list[tuple[str, str, Handler]]:
        v4 = "/crm/v4/objects"
        return [
            ("GET", "/crm/v3/properties/{objectType}", self._limited(account_api.list_properties)),
            (
                "GET",
                "/crm/v3/properties/{objectType}/{propertyName}",
                self._limited(account_api.get_property),
            ),
            (
                "PUT",
                f"{v4}/{{fromObjectType}}/{{fromObjectId}}/associations/default/"
                "{toObjectType}/{toObjectId}",
                self._limited(associations_api.associate_default),
            ),
            (
                "GET",
                f"{v4}/{{objectType}}/{{objectId}}/associations/{{toObjectType}}",
                self._limited(associations_api.list_associations),
            ),
            (
                "GET",
                "/account-info/v3/api-usage/daily/private-apps",
                self._limited(account_api.daily_usage),
            ),
            ("POST", "/oauth/v1/token", functools.partial(account_api.oauth_token, self)),
        ]

    def _webhook_routes(self) -> list[tuple[str, str, Handler]]:
        def bound(handler: Callable[[CrmMock, Call], Reply]) -> Handler:
            return functools.partial(handler, self)

        return [
            ("GET", f"{WEBHOOKS}/settings", bound(webhooks_api.get_settings)),
            ("PUT", f"{WEBHOOKS}/settings", bound(webhooks_api.put_settings)),
            ("GET", f"{WEBHOOKS}/subscriptions", bound(webhooks_api.list_subscriptions)),
            ("POST", f"{WEBHOOKS}/subscriptions", bound(webhooks_api.create_subscription)),
            (
                "DELETE",
                f"{WEBHOOKS}/subscriptions/{{subscriptionId}}",
                bound(webhooks_api.delete_subscription),
            ),
        ]

    def _limited(self, handler: Callable[..., Reply], *args: Any, search: bool = False) -> Handler:
        """The handler behind the portal's rate limits; its reply gets their headers."""

        def limited(call: Call) -> Reply:
            portal: Portal = call.context["portal"]
            call.context["now"] = self.clock.now()
            call.context["rate_headers"] = portal.limiter.take(search=search)
            reply = handler(call, *args)
            reply.headers = {**call.context["rate_headers"], **reply.headers}
            return reply

        return limited

    def credentials_summary(self) -> dict[str, Any]:
        """What ``sandbox up`` prints: tokens, app credentials and portal ids."""
        return {**self.credentials.public(), "portals": dict(PORTAL_IDS)}


_CATEGORIES = {
    "INVALID_JSON": "VALIDATION_ERROR",
    "NOT_FOUND": "OBJECT_NOT_FOUND",
    "INTERNAL_ERROR": "INTERNAL_ERROR",
}


def _category(code: str) -> str:
    return _CATEGORIES.get(code, code)


__all__ = ["PORTAL_IDS", "CrmMock"]
