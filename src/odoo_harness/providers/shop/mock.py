"""``ShopMock``: an eCommerce shop that behaves like Shopify's Admin REST API (2024-07).

The contract is ``contracts/providers/shop.openapi.yaml``. This module holds what is
around the resources: access tokens (sandbox and production, each with its own leaky
bucket on the mock's clock), Shopify's error envelope and headers, webhook subscriptions
signed with the app's client secret, seeding, and the shop's own control routes
(``/_control/shop/checkout``, ``/_control/shop/emit``). The resources are in
``_handlers``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ...clock import Clock
from ...controlapi import ControlError, bad_request, json_object
from ...journal import Journal
from ..base import Call, Event, Handler, ProviderError, Reply, TokenBucket, WebhookDispatcher
from . import _seed, _signing
from ._handlers import BASE, ShopHandlers
from ._records import API_VERSION, stamp
from ._state import NotFoundError, ShopState

TEST_TOKEN = "shpat_test_shopmock"
LIVE_TOKEN = "shpat_live_shopmock"
CLIENT_SECRET = "shpss_shopmock_client_secret"
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
TOPICS = (
    "orders/create",
    "orders/updated",
    "orders/cancelled",
    "products/update",
    "inventory_levels/update",
    "customers/create",
)
# Shopify: 8 retries over about 4 hours (compress it with the mock's clock)
BACKOFF = (10.0, 30.0, 60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0)


@dataclass(frozen=True)
class Plan:
    """A leaky bucket: ``bucket`` calls, leaking ``leak`` per second."""

    bucket: int
    leak: float


PLANS = {"test": Plan(40, 2.0), "live": Plan(400, 20.0)}
PLAN_NAMES = {
    "test": ("partner_test", "Developer Preview"),
    "live": ("shopify_plus", "Shopify Plus"),
}


class ShopMock(ShopHandlers):
    """A Shopify-flavoured shop; ``tokens`` maps access tokens to ``test`` or ``live``."""

    name = "shop"
    request_id_header = "X-Request-Id"
    state_attributes = ("state", "buckets", "hooks", "hook_subscriptions", "created_at")

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        journal: Journal | None = None,
        seed: int = 0,
        tokens: dict[str, str] | None = None,
        plans: dict[str, Plan] | None = None,
        client_secret: str = CLIENT_SECRET,
        shop_domain: str = "shopmock.myshopify.com",
        currency: str = "USD",
        backoff: tuple[float, ...] = BACKOFF,
        max_failures: int = 8,
        state_path: str | Path | None = None,
    ) -> None:
        self.tokens = dict(tokens or {TEST_TOKEN: "test", LIVE_TOKEN: "live"})
        self.plans = dict(plans or PLANS)
        unknown = set(self.tokens.values()) - set(self.plans)
        if unknown:
            raise ValueError(f"tokens name modes without a plan: {sorted(unknown)}")
        self.client_secret = client_secret
        self.shop_domain = shop_domain
        self.currency = currency
        self._backoff = backoff
        self._max_failures = max_failures
        super().__init__(clock=clock, journal=journal, seed=seed, state_path=state_path)
        for secret in (*self.tokens, client_secret):
            self.register_secret(secret)

    # -- state ----------------------------------------------------------------------------
    def reset_state(self) -> None:
        if not hasattr(self, "webhooks"):
            self.webhooks = WebhookDispatcher(
                system=self.name,
                clock=self.clock,
                journal=self.journal,
                signer=_signing.make_signer(self.shop_domain),
                encode=_signing.encode,
                delivery_headers=_signing.make_delivery_headers(self.shop_domain),
                backoff=self._backoff,
                max_failures=self._max_failures,
            )
        self.webhooks.clear()
        self.buckets = {
            mode: TokenBucket(self.clock, plan.bucket, plan.leak)
            for mode, plan in self.plans.items()
        }
        self.state = ShopState(self.clock.now, self._emit, self.currency)
        self.state.add_location(
            {
                "name": "Main warehouse",
                "address1": "1 Harness Way",
                "city": "Springfield",
                "zip": "12345",
                "country_code": "US",
            }
        )
        self.hooks: dict[int, dict[str, Any]] = {}
        self.hook_subscriptions: dict[int, str] = {}
        self.created_at = stamp(self.clock.now())

    def seed(self, data: dict[str, Any]) -> dict[str, Any]:
        return _seed.load(self.state, data, self.rng)

    def _emit(self, topic: str, payload: dict[str, Any]) -> Event:
        event_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        return self.webhooks.emit(topic, payload, event_id)

    # -- the pipeline ---------------------------------------------------------------------
    def routes(self) -> list[tuple[str, str, Handler]]:
        return [
            (method, BASE + path, self._wrap(handler))
            for method, path, handler in self.resource_routes()
        ]

    def _wrap(self, handler: Handler) -> Handler:
        def run(call: Call) -> Reply:
            try:
                if "" in call.query:  # "?=x": a parameter without a name is malformed
                    raise ProviderError(400, "BAD_REQUEST", "Query parameters must have names")
                reply = handler(call)
            except NotFoundError:
                raise ProviderError(404, "NOT_FOUND", "Not Found") from None
            reply.headers.update(self._headers(call))
            return reply

        return run

    def authenticate(self, call: Call) -> str | None:
        token = call.headers.get("x-shopify-access-token")
        mode = self.tokens.get(token) if token else None
        if token is None or mode is None:
            raise ProviderError(401, "UNAUTHORIZED", INVALID_TOKEN)
        call.context["mode"] = mode
        decision = self.buckets[mode].take(token)
        call.context["limit"] = f"{decision.limit - decision.remaining}/{decision.limit}"
        if not decision.allowed:
            leak = self.plans[mode].leak
            raise ProviderError(
                429,
                "RATE_LIMITED",
                f"Exceeded {leak:g} calls per second for api client. "
                "Reduce request rates to resume uninterrupted service.",
                headers={"Retry-After": f"{float(decision.retry_after):.1f}"},
            )
        return token

    def _headers(self, call: Call) -> dict[str, str]:
        headers = {"X-Shopify-API-Version": API_VERSION}
        if "limit" in call.context:
            headers["X-Shopify-Shop-Api-Call-Limit"] = call.context["limit"]
        return headers

    def render_error(self, error: ProviderError, call: Call) -> Reply:
        return Reply(
            error.status, {"errors": _errors_value(error)}, {**error.headers, **self._headers(call)}
        )

    # -- control routes -------------------------------------------------------------------
    def extra_control_routes(self) -> list[BaseRoute]:
        return [
            Route("/_control/shop/checkout", self._control_checkout, methods=["POST"]),
            Route("/_control/shop/emit", self._control_emit, methods=["POST"]),
        ]

    async def _control_checkout(self, request: Request) -> Response:
        """A storefront sale: creates the order (and customer), takes the stock, emits
        customers/create, orders/create and inventory_levels/update."""
        try:
            body = await json_object(request)
            with self.lock:
                try:
                    order = self._checkout(body)
                finally:
                    self.save_state()  # into the state file, as after an API request
        except ControlError as exc:
            return bad_request(exc)
        return JSONResponse({"order": order}, status_code=201)

    def _checkout(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.state.add_order(body, checkout=True)
        except NotFoundError as exc:
            raise ControlError(f"refers to {exc.args[0]!r}, which does not exist") from None
        except (TypeError, ValueError, ArithmeticError, KeyError) as exc:
            raise ControlError(f"{type(exc).__name__}: {exc}") from None

    async def _control_emit(self, request: Request) -> Response:
        """Emit ``topic`` for an existing record: ``{"topic": "orders/create", "id": 5000001}``
        (for inventory_levels/update: ``inventory_item_id`` and ``location_id``)."""
        try:
            body = await json_object(request)
            with self.lock:
                try:
                    event = self._emit_existing(body)
                finally:
                    self.save_state()
        except ControlError as exc:
            return bad_request(exc)
        return JSONResponse({"event": event}, status_code=201)

    def _emit_existing(self, body: dict[str, Any]) -> dict[str, Any]:
        topic = body.get("topic")
        if topic not in TOPICS:
            raise ControlError(f"'topic' must be one of {', '.join(TOPICS)}")
        try:
            payload = self._payload(topic, body)
        except (NotFoundError, TypeError, ValueError) as exc:
            raise ControlError(f"no record for {topic}: {exc}") from None
        event = self._emit(topic, payload)
        return {"topic": topic, "event_id": event.id}

    def _payload(self, topic: str, body: dict[str, Any]) -> dict[str, Any]:
        state = self.state
        if topic.startswith("orders/"):
            return state.get(state.orders, int(body["id"]))
        if topic == "products/update":
            return state.get(state.products, int(body["id"]))
        if topic == "customers/create":
            return state.get(state.customers, int(body["id"]))
        key = (int(body["inventory_item_id"]), int(body["location_id"]))
        if key not in state.levels:
            raise NotFoundError(key)
        return state.levels[key]


def _errors_value(error: ProviderError) -> Any:
    """Shopify's ``errors``: field -> [messages] (422), param -> message (400), or a string."""
    if error.status == 422:
        grouped: dict[str, list[str]] = {}
        for item in error.errors or [{"field": "base", "message": error.message}]:
            grouped.setdefault(str(item.get("field") or "base"), []).append(str(item["message"]))
        return grouped
    if error.status == 400 and error.errors:
        return {str(e.get("field") or "base"): str(e["message"]) for e in error.errors}
    if error.status == 404:
        return "Not Found"
    if error.status >= 500:
        return "Internal Server Error"
    return error.message or "Error"


__all__ = ["CLIENT_SECRET", "LIVE_TOKEN", "PLANS", "TEST_TOKEN", "TOPICS", "Plan", "ShopMock"]
