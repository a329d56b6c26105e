"""The shop's resources: one handler per operation of ``shop.openapi.yaml``.

Handlers read the request (``_params``), apply the business rules (``_state``,
``_fulfilment``) and answer in Shopify's shapes; lists are paginated by ``_paging``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ..base import Call, Handler, MockProvider, Reply, WebhookDispatcher
from ..base.webhooks import LOOPBACK_HOSTS
from . import _fulfilment
from ._listings import CUSTOMERS, LEVELS, ORDERS, PRODUCTS, keep_order, order_filters
from ._paging import Listing, paginate
from ._params import Field, body_object, ident, quantity, rooted, unprocessable
from ._records import API_VERSION
from ._state import NotFoundError, ShopState

BASE = f"/admin/api/{API_VERSION}"
TOPIC_CHOICES = (
    "orders/create",
    "orders/updated",
    "orders/cancelled",
    "products/update",
    "inventory_levels/update",
    "customers/create",
)
MONEY = r"[0-9]{1,9}(\.[0-9]{1,2})?"
TRACKING = Field(
    "object",
    fields={
        "number": Field("str", max_length=255),
        "url": Field("str", max_length=2000),
        "company": Field("str", max_length=255),
    },
)
FULFILLMENT_LINE = Field(
    "object",
    fields={"id": ident(True), "quantity": Field("int", required=True, minimum=1, maximum=100_000)},
)
FULFILLMENT_GROUP = Field(
    "object",
    fields={
        "fulfillment_order_id": ident(True),
        "fulfillment_order_line_items": Field("list", max_items=250, items=FULFILLMENT_LINE),
    },
)
FULFILLMENT = {
    "line_items_by_fulfillment_order": Field(
        "list", required=True, min_items=1, max_items=50, items=FULFILLMENT_GROUP
    ),
    "tracking_info": TRACKING,
    "notify_customer": Field("bool"),
    "message": Field("str", max_length=1000),
}
TRACKING_UPDATE = {
    "tracking_info": Field("object", required=True, fields=TRACKING.fields),
    "notify_customer": Field("bool"),
}
VARIANT = {
    "id": ident(),
    "price": Field("str", pattern=MONEY),
    "compare_at_price": Field("str", nullable=True, pattern=MONEY),
    "sku": Field("str", nullable=True, max_length=255),
    "barcode": Field("str", nullable=True, max_length=255),
}
NEW_VARIANT = Field(
    "object",
    fields={
        "sku": Field("str", nullable=True, max_length=255),
        "price": Field("str", pattern=MONEY),
        "compare_at_price": Field("str", nullable=True, pattern=MONEY),
        "barcode": Field("str", nullable=True, max_length=255),
        "option1": Field("str", min_length=1, max_length=255),
        "inventory_management": Field("str", nullable=True, choices=("shopify",)),
        "inventory_policy": Field("str", choices=("deny", "continue")),
        "grams": Field("int", minimum=0, maximum=2_000_000),
        "requires_shipping": Field("bool"),
        "taxable": Field("bool"),
    },
)
NEW_PRODUCT = {
    "title": Field("str", required=True, min_length=1, max_length=255),
    "body_html": Field("str", nullable=True, max_length=65_535),
    "vendor": Field("str", max_length=255),
    "product_type": Field("str", max_length=255),
    "status": Field("str", choices=("active", "archived", "draft")),
    "tags": Field("str", max_length=2000),
    "variants": Field("list", max_items=100, items=NEW_VARIANT),
}
LEVEL_SET = {
    "location_id": ident(True),
    "inventory_item_id": ident(True),
    "available": quantity(True),
    "disconnect_if_necessary": Field("bool"),
}
LEVEL_ADJUST = {
    "location_id": ident(True),
    "inventory_item_id": ident(True),
    "available_adjustment": quantity(True),
}
CANCEL = {
    "reason": Field("str", choices=("customer", "inventory", "fraud", "declined", "other")),
    "email": Field("bool"),
    "restock": Field("bool"),
}
WEBHOOK = {
    "topic": Field("str", required=True, choices=TOPIC_CHOICES),
    "address": Field("str", required=True, min_length=1, max_length=2000),
    "format": Field("str", choices=("json",)),
}
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?")


class ShopHandlers(MockProvider):
    """The resource handlers; ``ShopMock`` adds auth, limits, errors and webhooks."""

    state: ShopState
    webhooks: WebhookDispatcher
    hooks: dict[int, dict[str, Any]]
    hook_subscriptions: dict[int, str]
    client_secret: str
    shop_domain: str
    currency: str
    created_at: str

    def resource_routes(self) -> list[tuple[str, str, Handler]]:
        return [
            ("GET", "/shop.json", self.get_shop),
            ("GET", "/orders.json", self.list_orders),
            ("GET", "/orders/count.json", self.count_orders),
            ("GET", "/orders/{order_id}.json", self.get_order),
            ("POST", "/orders/{order_id}/cancel.json", self.cancel_order),
            ("GET", "/orders/{order_id}/fulfillment_orders.json", self.list_fulfillment_orders),
            ("GET", "/orders/{order_id}/fulfillments.json", self.list_order_fulfillments),
            ("POST", "/fulfillments.json", self.create_fulfillment),
            ("POST", "/fulfillments/{fulfillment_id}/update_tracking.json", self.update_tracking),
            ("GET", "/products.json", self.list_products),
            ("POST", "/products.json", self.create_product),
            ("GET", "/products/{product_id}.json", self.get_product),
            ("POST", "/products/{product_id}/variants.json", self.create_variant),
            ("GET", "/variants/{variant_id}.json", self.get_variant),
            ("PUT", "/variants/{variant_id}.json", self.update_variant),
            ("GET", "/customers.json", self.list_customers),
            ("GET", "/customers/{customer_id}.json", self.get_customer),
            ("GET", "/locations.json", self.list_locations),
            ("GET", "/inventory_levels.json", self.list_inventory_levels),
            ("POST", "/inventory_levels/set.json", self.set_inventory_level),
            ("POST", "/inventory_levels/adjust.json", self.adjust_inventory_level),
            ("GET", "/webhooks.json", self.list_webhooks),
            ("POST", "/webhooks.json", self.create_webhook),
            ("GET", "/webhooks/{webhook_id}.json", self.get_webhook),
            ("DELETE", "/webhooks/{webhook_id}.json", self.delete_webhook),
        ]

    # -- shop -----------------------------------------------------------------------------
    def get_shop(self, call: Call) -> Reply:
        plan, display = {"test": ("partner_test", "Developer Preview")}.get(
            call.context.get("mode", ""), ("shopify_plus", "Shopify Plus")
        )
        return Reply(
            200,
            {
                "shop": {
                    "id": 1,
                    "name": "ShopMock",
                    "email": "owner@shopmock.example",
                    "domain": self.shop_domain,
                    "myshopify_domain": self.shop_domain,
                    "currency": self.currency,
                    "iana_timezone": "UTC",
                    "plan_name": plan,
                    "plan_display_name": display,
                    "created_at": self.created_at,
                    "updated_at": self.created_at,
                }
            },
        )

    # -- orders ---------------------------------------------------------------------------
    def list_orders(self, call: Call) -> Reply:
        return self._page(call, "orders", list(self.state.orders.values()), ORDERS)

    def count_orders(self, call: Call) -> Reply:
        filters = {
            k: v for k, v in order_filters(call.query).items() if k in ("status", "updated_at_min")
        }
        return Reply(
            200, {"count": sum(keep_order(o, filters) for o in self.state.orders.values())}
        )

    def get_order(self, call: Call) -> Reply:
        return Reply(200, {"order": self._find(call, self.state.orders, "order_id")})

    def cancel_order(self, call: Call) -> Reply:
        order_id = _path_id(call, "order_id")
        body = body_object(call.json(), CANCEL) if call.body else {}
        order = self.state.cancel_order(order_id, body.get("reason"), bool(body.get("restock")))
        return Reply(200, {"order": order})

    def list_fulfillment_orders(self, call: Call) -> Reply:
        order = self._find(call, self.state.orders, "order_id")
        fos = [self.state.fulfillment_orders[i] for i in self.state.order_fos.get(order["id"], [])]
        return Reply(200, {"fulfillment_orders": fos})

    def list_order_fulfillments(self, call: Call) -> Reply:
        order = self._find(call, self.state.orders, "order_id")
        ids = self.state.order_fulfillments.get(order["id"], [])
        return Reply(200, {"fulfillments": [self.state.fulfillments[i] for i in ids]})

    # -- fulfilments ----------------------------------------------------------------------
    def create_fulfillment(self, call: Call) -> Reply:
        request = rooted(call.json(), "fulfillment", FULFILLMENT)
        return Reply(201, {"fulfillment": _fulfilment.create_fulfillment(self.state, request)})

    def update_tracking(self, call: Call) -> Reply:
        fulfillment_id = _path_id(call, "fulfillment_id")
        request = rooted(call.json(), "fulfillment", TRACKING_UPDATE)
        record = _fulfilment.update_tracking(self.state, fulfillment_id, request["tracking_info"])
        return Reply(200, {"fulfillment": record})

    # -- catalogue ------------------------------------------------------------------------
    def list_products(self, call: Call) -> Reply:
        return self._page(call, "products", list(self.state.products.values()), PRODUCTS)

    def create_product(self, call: Call) -> Reply:
        request = rooted(call.json(), "product", NEW_PRODUCT)
        return Reply(201, {"product": self.state.create_product(request)})

    def get_product(self, call: Call) -> Reply:
        return Reply(200, {"product": self._find(call, self.state.products, "product_id")})

    def create_variant(self, call: Call) -> Reply:
        product_id = _path_id(call, "product_id")
        request = rooted(call.json(), "variant", NEW_VARIANT.fields)
        return Reply(201, {"variant": self.state.create_variant(product_id, request)})

    def get_variant(self, call: Call) -> Reply:
        return Reply(200, {"variant": self._find(call, self.state.variants, "variant_id")})

    def update_variant(self, call: Call) -> Reply:
        variant_id = _path_id(call, "variant_id")
        changes = rooted(call.json(), "variant", VARIANT)
        self.state.get(self.state.variants, variant_id)
        return Reply(200, {"variant": self.state.update_variant(variant_id, changes)})

    def list_customers(self, call: Call) -> Reply:
        return self._page(call, "customers", list(self.state.customers.values()), CUSTOMERS)

    def get_customer(self, call: Call) -> Reply:
        return Reply(200, {"customer": self._find(call, self.state.customers, "customer_id")})

    # -- inventory ------------------------------------------------------------------------
    def list_locations(self, call: Call) -> Reply:
        return Reply(
            200, {"locations": sorted(self.state.locations.values(), key=lambda r: r["id"])}
        )

    def list_inventory_levels(self, call: Call) -> Reply:
        return self._page(call, "inventory_levels", list(self.state.levels.values()), LEVELS)

    def set_inventory_level(self, call: Call) -> Reply:
        body = body_object(call.json(), LEVEL_SET)
        level = self.state.set_level(
            int(body["inventory_item_id"]), int(body["location_id"]), int(body["available"])
        )
        return Reply(200, {"inventory_level": level})

    def adjust_inventory_level(self, call: Call) -> Reply:
        body = body_object(call.json(), LEVEL_ADJUST)
        level = self.state.adjust_level(
            int(body["inventory_item_id"]),
            int(body["location_id"]),
            int(body["available_adjustment"]),
        )
        return Reply(200, {"inventory_level": level})

    # -- webhook subscriptions ------------------------------------------------------------
    def list_webhooks(self, call: Call) -> Reply:
        self._prune_hooks()
        return Reply(200, {"webhooks": [self.hooks[i] for i in sorted(self.hooks)]})

    def create_webhook(self, call: Call) -> Reply:
        request = rooted(call.json(), "webhook", WEBHOOK)
        address, topic = request["address"], request["topic"]
        _check_address(address)
        self._prune_hooks()
        if any(h["address"] == address and h["topic"] == topic for h in self.hooks.values()):
            raise unprocessable([("address", "for this topic has already been taken")])
        subscription = self.webhooks.subscribe(address, [topic], self.client_secret)
        hook_id = self.state.ids.take("webhook")
        now = self.state.stamp()
        self.hooks[hook_id] = {
            "id": hook_id,
            "address": address,
            "topic": topic,
            "format": "json",
            "fields": [],
            "metafield_namespaces": [],
            "api_version": API_VERSION,
            "created_at": now,
            "updated_at": now,
        }
        self.hook_subscriptions[hook_id] = subscription.id
        return Reply(201, {"webhook": self.hooks[hook_id]})

    def get_webhook(self, call: Call) -> Reply:
        self._prune_hooks()
        return Reply(200, {"webhook": self._find(call, self.hooks, "webhook_id")})

    def delete_webhook(self, call: Call) -> Reply:
        self._prune_hooks()
        hook = self._find(call, self.hooks, "webhook_id")
        del self.hooks[hook["id"]]
        self.webhooks.unsubscribe(self.hook_subscriptions.pop(hook["id"]))
        return Reply(200, {})

    def _prune_hooks(self) -> None:
        """Shopify removes a subscription whose deliveries keep failing."""
        for hook_id, sub_id in list(self.hook_subscriptions.items()):
            subscription = self.webhooks.get(sub_id)
            if subscription is None or not subscription.active:
                self.hooks.pop(hook_id, None)
                del self.hook_subscriptions[hook_id]

    # -- helpers --------------------------------------------------------------------------
    def _find(self, call: Call, table: dict[int, dict[str, Any]], param: str) -> dict[str, Any]:
        return self.state.get(table, _path_id(call, param))

    def _page(self, call: Call, key: str, records: list[dict[str, Any]], listing: Listing) -> Reply:
        page = paginate(records, call.query, listing, _absolute_url(call))
        headers = {"Link": page.link} if page.link else {}
        return Reply(200, {key: page.items}, headers)


def _path_id(call: Call, name: str) -> int:
    raw = str(call.path_params.get(name, ""))
    if not re.fullmatch(r"[1-9][0-9]{0,15}", raw):
        raise NotFoundError(raw)
    return int(raw)


def _absolute_url(call: Call) -> str:
    host = call.headers.get("host", "")
    return f"http://{host if _HOST.fullmatch(host) else '127.0.0.1'}{call.path}"


def _check_address(address: str) -> None:
    try:
        parts = urlsplit(address)
        ok = parts.scheme in ("http", "https") and parts.hostname in LOOPBACK_HOSTS
        _ = parts.port  # a malformed port raises
    except ValueError:
        ok = False
    if not ok:
        raise unprocessable(
            [
                (
                    "address",
                    "is invalid: ShopMock delivers to loopback addresses only"
                    " (http://127.0.0.1:PORT/...)",
                )
            ]
        )


__all__ = ["BASE", "ShopHandlers"]
