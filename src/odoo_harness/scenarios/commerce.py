"""The shop and the carrier in a scenario: their mocks, started only when the scenario
uses them, and the people around them (a shopper, a shop admin, the carrier's network).

``systems_needed(scenario)`` says which provider mocks a scenario starts: the ones its
flow talks to, plus any named in ``given``, ``faults`` or a ``when`` step. ``ShopSandbox``
and ``CarrierSandbox`` hold one mock each on an ephemeral loopback port; what a scenario's
people do goes through the mocks' control API (a checkout, webhook delivery) or their
state under the mock's lock (a shop admin's cancellation, reading the end state), so it
never spends the system under test's rate-limit budget.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from ..clock import Clock
from ..engine.errors import PermanentError
from ..errors import ConfigError
from ..journal import Journal
from ..providers.base import ProviderError
from ..providers.carrier import CarrierMock
from ..providers.carrier.accounts import DEFAULT_ACCOUNTS
from ..providers.shop import CLIENT_SECRET, LIVE_TOKEN, TEST_TOKEN, ShopMock
from .loopback import shared_client
from .model import Scenario, Step

if TYPE_CHECKING:
    from .sandboxes import Sandboxes
    from .sut import SystemUnderTest

PROVIDERS = ("crm", "shop", "carrier")
FLOW_SYSTEMS = {
    "crm_contacts": ("crm",),
    "shop_orders": ("shop",),
    "catalogue_stock": ("shop",),
    "shipping": ("carrier",),
}
CARRIER_HOOK_SECRET = "whsec_scenario_carrier_0001"  # the engine's, given when it subscribes
FORGED_SECRET = "not-the-shop-secret"


def systems_needed(scenario: Scenario) -> frozenset[str]:
    """The provider mocks ``scenario`` uses: its flow's, and any it names."""
    needed = set(FLOW_SYSTEMS.get(scenario.flow, ("crm",)))
    needed.update(k for k in scenario.given if k in PROVIDERS)
    needed.update(str(f.get("system")) for f in scenario.faults if f.get("system") in PROVIDERS)
    for step in scenario.when:
        system = step.action.split(".", 1)[0]
        if system in PROVIDERS:
            needed.add(system)
    return frozenset(needed)


def resolve_refs(odoo_user: Any, value: Any) -> Any:
    """``{ref: module.name}`` anywhere in step values -> that record's id (a ``given``
    record's or the master data's external id)."""
    if isinstance(value, dict) and set(value) == {"ref"}:
        found = odoo_user.external_id(str(value["ref"]))
        if found is None:
            raise ConfigError(f"no record has the external id {value['ref']!r}")
        return found[1]
    if isinstance(value, dict):
        return {k: resolve_refs(odoo_user, v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_refs(odoo_user, v) for v in value]
    return value


def _control(url: str, path: str, body: Any = None) -> Any:
    body = body if body is not None else {}
    response = shared_client().post(f"{url}/_control/{path}", json=body)
    if response.is_error:
        raise ConfigError(f"the mock refused {path}: {response.text}")
    return response.json()


class ShopSandbox:
    """The shop mock. The system under test gets the sandbox token (``TEST_TOKEN``) and
    the app's client secret (webhook signatures); people use the state directly."""

    token = TEST_TOKEN
    client_secret = CLIENT_SECRET
    secrets = (TEST_TOKEN, LIVE_TOKEN, CLIENT_SECRET)

    def __init__(self, clock: Clock, journal: Journal, stack: ExitStack) -> None:
        self.mock = ShopMock(clock=clock, journal=journal)
        self.server = stack.enter_context(self.mock.server(port=0))
        self.url = self.server.url
        self.clock = clock

    def seed(self, data: dict[str, Any]) -> None:
        try:
            with self.mock.lock:
                self.mock.seed(data)
        except ProviderError as exc:
            raise ValueError(str(exc)) from None

    # -- what people do -------------------------------------------------------------------
    def place_order(self, order: dict[str, Any]) -> str:
        """A shopper checks out: the order, its customer and the orders/create webhook."""
        placed = _control(self.url, "shop/checkout", order)["order"]
        return str(placed["name"])

    def cancel_order(self, name: str) -> str:
        """A shop admin cancels the order named ``name`` (``#1001``): orders/cancelled."""
        order = self.order(name)
        with self.mock.lock:
            self.mock.state.cancel_order(int(order["id"]), "customer", True)
        return str(order["name"])

    def send_webhooks(self) -> int:
        return int(_control(self.url, "webhooks/deliver")["attempted"])

    def resend_last_webhook(self) -> str:
        """The shop delivers its last delivered webhook again (same event id and body)."""
        delivered = [d for d in self.mock.webhooks.deliveries() if d.status == "delivered"]
        if not delivered:
            raise ConfigError("the shop has delivered no webhook yet: nothing to resend")
        last = delivered[-1]
        last.status = "pending"
        last.due_at = self.clock.now()
        self.send_webhooks()
        return f"{last.event.topic} {last.event.id} delivered again"

    def forge_webhook(self, body: dict[str, Any], topic: str = "orders/create") -> int:
        """Someone posts ``body`` to the shop's subscribers with a wrong signature; the
        HTTP status each subscriber answered (one per subscription of ``topic``)."""
        targets = [s.url for s in self.mock.webhooks.subscriptions() if topic in s.topics]
        if not targets:
            raise ConfigError(f"nobody subscribed to the shop's {topic} webhooks")
        raw = json.dumps(body).encode()
        digest = hmac.new(FORGED_SECRET.encode(), raw, hashlib.sha256).digest()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
            "X-Shopify-Shop-Domain": self.mock.shop_domain,
            "X-Shopify-Triggered-At": self.clock.now().isoformat(),
            "X-Shopify-Event-Id": str(uuid.uuid4()),
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        }
        http = shared_client()
        statuses = [http.post(url, content=raw, headers=headers).status_code for url in targets]
        return statuses[-1]

    # -- the end state --------------------------------------------------------------------
    def order(self, name: str) -> dict[str, Any]:
        for order in self.orders():
            if order["name"] == name or str(order["id"]) == name:
                return order
        known = ", ".join(o["name"] for o in self.orders()) or "none"
        raise ConfigError(f"the shop has no order {name} (orders: {known})")

    def orders(self) -> list[dict[str, Any]]:
        with self.mock.lock:
            return [dict(o) for o in self.mock.state.orders.values()]

    def variants(self) -> list[dict[str, Any]]:
        with self.mock.lock:
            return [dict(v) for v in self.mock.state.variants.values()]

    def inventory_levels(self) -> list[dict[str, Any]]:
        """Levels with the variant's ``sku`` added."""
        with self.mock.lock:
            skus = {v["inventory_item_id"]: v["sku"] for v in self.mock.state.variants.values()}
            return [
                {**level, "sku": skus.get(item)}
                for (item, _), level in self.mock.state.levels.items()
            ]

    def fulfillments(self) -> list[dict[str, Any]]:
        """Fulfilments with their order's ``order_name`` added."""
        with self.mock.lock:
            names = {o["id"]: o["name"] for o in self.mock.state.orders.values()}
            return [
                {**f, "order_name": names.get(f.get("order_id"))}
                for f in self.mock.state.fulfillments.values()
            ]


class CarrierSandbox:
    """The carrier mock (sandbox account). Tracking events follow the scenario's clock and
    are delivered when the scenario says ``carrier sends webhooks``."""

    account = DEFAULT_ACCOUNTS[0]
    hook_secret = CARRIER_HOOK_SECRET

    def __init__(self, clock: Clock, journal: Journal, stack: ExitStack) -> None:
        self.mock = CarrierMock(clock=clock, journal=journal)
        self.server = stack.enter_context(self.mock.server(port=0))
        self.url = self.server.url
        self.secrets = (
            *(a.api_key for a in DEFAULT_ACCOUNTS),
            *(a.client_secret for a in DEFAULT_ACCOUNTS),
            CARRIER_HOOK_SECRET,
        )

    def seed(self, data: dict[str, Any]) -> None:
        try:
            with self.mock.lock:
                self.mock.seed(data)
        except ProviderError as exc:
            raise ValueError(str(exc)) from None

    def send_webhooks(self) -> int:
        return int(_control(self.url, "webhooks/deliver")["attempted"])

    def shipments(self) -> list[dict[str, Any]]:
        with self.mock.lock:
            return [dict(s) for s in self.mock.book.shipments.values()]


# -- the steps ----------------------------------------------------------------------------
FORGED_ORDER = {
    "id": 990001,
    "name": "#9901",
    "email": "mallory@example.com",
    "line_items": [{"sku": "FORGED-1", "quantity": 1, "price": "0.01"}],
}


def _shop(sandboxes: Sandboxes) -> ShopSandbox:
    if sandboxes.shop is None:
        raise ConfigError("this scenario did not start the shop")
    return sandboxes.shop


def _odoo_call(step: Step, sandboxes: Sandboxes, sut: SystemUnderTest) -> str:
    """A user presses a button: ``method`` on the records ``where`` finds."""
    model, method, where = step.args["model"], step.args["method"], step.args["where"]
    ids = sandboxes.odoo_user.search(model, [(k, "=", v) for k, v in where.items()])
    if not ids:
        raise ConfigError(f"no {model} where {where}: nothing to call {method} on")
    try:
        sandboxes.odoo_user.call(model, method, ids)
    except PermanentError as exc:
        if "marshal" not in str(exc):  # the call ran; its answer (None) cannot be sent back
            raise ValueError(f"{model}.{method}: {exc}") from None
    return f"{model}.{method} on {ids}"


def _place_order(step: Step, sandboxes: Sandboxes, sut: SystemUnderTest) -> str:
    return f"order {_shop(sandboxes).place_order(dict(step.args['order']))} placed"


def _cancel_order(step: Step, sandboxes: Sandboxes, sut: SystemUnderTest) -> str:
    return f"order {_shop(sandboxes).cancel_order(step.args['name'])} cancelled in the shop"


def _shop_webhooks(step: Step, sandboxes: Sandboxes, sut: SystemUnderTest) -> str:
    return f"shop webhooks attempted: {_shop(sandboxes).send_webhooks()}"


def _shop_resend(step: Step, sandboxes: Sandboxes, sut: SystemUnderTest) -> str:
    return _shop(sandboxes).resend_last_webhook()


def _shop_forged(step: Step, sandboxes: Sandboxes, sut: SystemUnderTest) -> str:
    status = _shop(sandboxes).forge_webhook(dict(step.args.get("order") or FORGED_ORDER))
    sandboxes.journal.record(
        "ForgedWebhookSent", "scenario", {"provider": "shop", "status": status}
    )
    return f"the receiver answered HTTP {status}"


def _carrier_webhooks(step: Step, sandboxes: Sandboxes, sut: SystemUnderTest) -> str:
    if sandboxes.carrier is None:
        raise ConfigError("this scenario did not start the carrier")
    return f"carrier webhooks attempted: {sandboxes.carrier.send_webhooks()}"


def _schedule(step: Step, sandboxes: Sandboxes, sut: SystemUnderTest) -> str:
    fire = getattr(sut, "fire_schedule", None)
    if fire is None:
        raise ValueError("the system under test has no schedules (no fire_schedule())")
    return f"schedule {step.args['name']} queued {fire(step.args['name'])} jobs"


COMMERCE_STEPS = {
    "odoo.call": _odoo_call,
    "shop.place_order": _place_order,
    "shop.cancel_order": _cancel_order,
    "shop.send_webhooks": _shop_webhooks,
    "shop.resend_last_webhook": _shop_resend,
    "shop.forged_webhook": _shop_forged,
    "carrier.send_webhooks": _carrier_webhooks,
    "schedule.fire": _schedule,
}


__all__ = [
    "COMMERCE_STEPS",
    "resolve_refs",
    "FLOW_SYSTEMS",
    "PROVIDERS",
    "CarrierSandbox",
    "ShopSandbox",
    "systems_needed",
]
