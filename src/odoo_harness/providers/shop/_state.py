"""The shop's state and its business rules, free of HTTP.

Catalogue (products, variants, inventory items), locations and inventory levels,
customers, orders with their fulfillment orders, and fulfilments. The rules are Shopify's:
``set`` is absolute, ``adjust`` adds a delta; stock moves only for tracked items stocked at
a location; a fulfilment may not exceed what is fulfillable (so a retried duplicate
fails); an order with fulfilments cannot be cancelled. Changes emit webhook topics through
the ``emit`` callback.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from . import _records as rec
from ._params import unprocessable

Emit = Callable[[str, dict[str, Any]], object]
OPEN_FO = ("open", "in_progress")
MAX_VARIANTS = 100  # per product, in the REST API


class NotFoundError(LookupError):
    """A referenced record does not exist (the API answers 404)."""


class ShopState:
    def __init__(self, now: Callable[[], datetime], emit: Emit, currency: str = "USD") -> None:
        self.now = now
        self.emit = emit
        self.currency = currency
        self.ids = rec.Ids()
        self.locations: dict[int, dict[str, Any]] = {}
        self.products: dict[int, dict[str, Any]] = {}
        self.variants: dict[int, dict[str, Any]] = {}
        self.items: dict[int, dict[str, Any]] = {}  # inventory item id -> variant
        self.levels: dict[tuple[int, int], dict[str, Any]] = {}  # (item, location)
        self.customers: dict[int, dict[str, Any]] = {}
        self.orders: dict[int, dict[str, Any]] = {}
        self.fulfillment_orders: dict[int, dict[str, Any]] = {}
        self.fulfillments: dict[int, dict[str, Any]] = {}
        self.order_fos: dict[int, list[int]] = {}
        self.order_fulfillments: dict[int, list[int]] = {}

    def stamp(self) -> str:
        return rec.stamp(self.now())

    # -- lookups --------------------------------------------------------------------------
    def get(self, table: dict[int, dict[str, Any]], record_id: int) -> dict[str, Any]:
        record = table.get(record_id)
        if record is None:
            raise NotFoundError(record_id)
        return record

    def variant_by_sku(self, sku: str) -> dict[str, Any] | None:
        return next((v for v in self.variants.values() if v["sku"] == sku), None)

    # -- catalogue and locations ----------------------------------------------------------
    def add_location(self, data: dict[str, Any]) -> dict[str, Any]:
        location_id = self.ids.take("location", data.get("id"))
        record = rec.location(location_id, data, self.stamp())
        self.locations[location_id] = record
        return record

    def add_product(self, data: dict[str, Any]) -> dict[str, Any]:
        product_id = self.ids.take("product", data.get("id"))
        product = rec.product(product_id, data, self.stamp())
        self.products[product_id] = product
        for position, vdata in enumerate(data.get("variants") or [{}], start=1):
            self._add_variant(product, position, vdata)
        return product

    def create_product(self, data: dict[str, Any]) -> dict[str, Any]:
        """``POST /products.json``: a product with its variants (one ``Default Title``
        variant when none is given). Variants are told apart by ``option1`` (Shopify: "The
        variant 'X' already exists"); SKUs need not be unique (Shopify does not check them,
        so a connector that creates twice gets two products). A tracked variant's new
        inventory item is stocked at every active location with 0 available."""
        variants = list(data.get("variants") or [{}])
        seen: set[str] = set()
        for vdata in variants:
            title = str(vdata.get("option1") or "Default Title")
            if title in seen:
                raise unprocessable([("base", f"The variant '{title}' already exists.")])
            seen.add(title)
        product = self.add_product(
            {
                k: data[k]
                for k in ("title", "body_html", "vendor", "product_type", "status", "tags")
                if k in data
            }
            | {"variants": [_new_variant(v) for v in variants]}
        )
        for variant, vdata in zip(product["variants"], variants, strict=True):
            self._finish_new_variant(variant, vdata)
        return product

    def create_variant(self, product_id: int, data: dict[str, Any]) -> dict[str, Any]:
        """``POST /products/{id}/variants.json``: one more variant on an existing product,
        told apart from its siblings by ``option1`` (its title); a repeated title, or a
        product already holding ``MAX_VARIANTS``, is a 422. SKUs are not checked, as on
        create. Stocked like a new product's variant; the product is updated
        (``products/update``)."""
        product = self.get(self.products, product_id)
        title = str(data.get("option1") or "Default Title")
        if any(v["title"] == title for v in product["variants"]):
            raise unprocessable([("base", f"The variant '{title}' already exists.")])
        if len(product["variants"]) >= MAX_VARIANTS:
            raise unprocessable([("base", f"A product can have at most {MAX_VARIANTS} variants.")])
        position = len(product["variants"]) + 1
        variant = self._add_variant(product, position, _new_variant(data))
        self._finish_new_variant(variant, data)
        product["updated_at"] = variant["updated_at"]
        self.emit("products/update", product)
        return variant

    def _finish_new_variant(self, variant: dict[str, Any], data: dict[str, Any]) -> None:
        """What the API's variant input sets beyond the seed's fields; a tracked variant's
        new inventory item is stocked at every active location with 0 available."""
        for key in ("inventory_policy", "requires_shipping", "taxable"):
            if key in data:
                variant[key] = data[key]
        if data.get("compare_at_price") is not None:
            variant["compare_at_price"] = rec.money(data["compare_at_price"])
        if variant["inventory_management"] is not None:
            for location_id, location in self.locations.items():
                if location["active"]:
                    self._stock(variant["inventory_item_id"], location_id, 0)

    def _add_variant(
        self, product: dict[str, Any], position: int, data: dict[str, Any]
    ) -> dict[str, Any]:
        variant_id = self.ids.take("variant", data.get("id"))
        item_id = self.ids.take("inventory_item", data.get("inventory_item_id"))
        variant = rec.variant(variant_id, product["id"], item_id, position, data, self.stamp())
        product["variants"].append(variant)
        self.variants[variant_id] = variant
        self.items[item_id] = variant
        for location_id, available in (data.get("stock") or {}).items():
            self._stock(item_id, int(location_id), int(available))
        return variant

    def _stock(self, item_id: int, location_id: int, available: int) -> None:
        if location_id not in self.locations:
            raise NotFoundError(location_id)
        self.levels[(item_id, location_id)] = {
            "inventory_item_id": item_id,
            "location_id": location_id,
            "available": available,
            "updated_at": self.stamp(),
            "admin_graphql_api_id": rec.level_gid(item_id, location_id),
        }
        self._sync_quantity(item_id)

    def _sync_quantity(self, item_id: int) -> None:
        variant = self.items[item_id]
        variant["inventory_quantity"] = sum(
            level["available"] or 0 for (item, _), level in self.levels.items() if item == item_id
        )

    def update_variant(self, variant_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        variant = self.get(self.variants, variant_id)
        for key in ("price", "compare_at_price"):
            if key in changes:
                variant[key] = None if changes[key] is None else rec.money(changes[key])
        for key in ("sku", "barcode"):
            if key in changes:
                variant[key] = changes[key]
        product = self.products[variant["product_id"]]
        variant["updated_at"] = product["updated_at"] = self.stamp()
        self.emit("products/update", product)
        return variant

    # -- inventory ------------------------------------------------------------------------
    def level(self, item_id: int, location_id: int) -> dict[str, Any]:
        variant = self.get(self.items, item_id)
        self.get(self.locations, location_id)
        if variant["inventory_management"] is None:
            raise unprocessable(
                [("base", "Inventory item does not have inventory tracking enabled")]
            )
        level = self.levels.get((item_id, location_id))
        if level is None:
            raise unprocessable([("base", "Inventory item is not stocked at the location")])
        return level

    def set_level(self, item_id: int, location_id: int, available: int) -> dict[str, Any]:
        level = self.level(item_id, location_id)
        return self._move(level, available)

    def adjust_level(self, item_id: int, location_id: int, delta: int) -> dict[str, Any]:
        level = self.level(item_id, location_id)
        target = (level["available"] or 0) + delta
        if abs(target) > 1_000_000_000:
            raise unprocessable([("available_adjustment", "would take available out of range")])
        return self._move(level, target)

    def _move(self, level: dict[str, Any], available: int) -> dict[str, Any]:
        if level["available"] != available:
            level["available"] = available
            level["updated_at"] = self.stamp()
            self._sync_quantity(level["inventory_item_id"])
            self.emit("inventory_levels/update", level)
        return level

    # -- customers and orders -------------------------------------------------------------
    def add_customer(self, data: dict[str, Any], *, announce: bool = False) -> dict[str, Any]:
        customer_id = self.ids.take("customer", data.get("id"))
        record = rec.customer(customer_id, data, self.currency, self.stamp())
        self.customers[customer_id] = record
        if announce:
            self.emit("customers/create", record)
        return record

    def customer_for(self, data: dict[str, Any], *, announce: bool) -> dict[str, Any] | None:
        """The order's customer: by id, by email, or created (``customers/create``)."""
        if data.get("customer_id") is not None:
            return self.get(self.customers, int(data["customer_id"]))
        given = data.get("customer") or ({"email": data["email"]} if data.get("email") else None)
        if not given:
            return None
        email = given.get("email")
        known = next((c for c in self.customers.values() if email and c["email"] == email), None)
        return known or self.add_customer(given, announce=announce)

    def add_order(self, data: dict[str, Any], *, checkout: bool = False) -> dict[str, Any]:
        """An order as a checkout creates it; ``checkout`` also takes the stock and emits
        customers/create and orders/create, as a storefront sale does."""
        customer = self.customer_for(data, announce=checkout)
        order_id = self.ids.take("order", data.get("id"))
        number = self.ids.take("order_number", data.get("number"))
        lines = [self._line(line) for line in data.get("line_items") or []]
        order = self._order_record(order_id, number, data, customer, lines)
        self.orders[order_id] = order
        location_id = int(data.get("location_id") or self.default_location())
        self._open_fulfillment_order(order, location_id, bool(data.get("hold")))
        if checkout:
            self._take_stock(order, location_id)
            self.emit("orders/create", order)
        return order

    def default_location(self) -> int:
        active = [lid for lid, loc in self.locations.items() if loc["active"]]
        if not active:
            raise NotFoundError("location")
        return min(active)

    def _line(self, data: dict[str, Any]) -> dict[str, Any]:
        var = None
        if data.get("variant_id") is not None:
            var = self.get(self.variants, int(data["variant_id"]))
        elif data.get("sku") is not None:
            var = self.variant_by_sku(str(data["sku"]))
            if var is None:
                raise NotFoundError(data["sku"])
        title = str(
            data.get("title")
            or (self.products[var["product_id"]]["title"] if var else "Custom item")
        )
        price = rec.money(data.get("price") or (var["price"] if var else "0.00"))
        return rec.line_item(
            self.ids.take("line_item"), var, title, int(data.get("quantity", 1)), price
        )

    def _order_record(
        self,
        order_id: int,
        number: int,
        data: dict[str, Any],
        customer: dict[str, Any] | None,
        lines: list[dict[str, Any]],
    ) -> dict[str, Any]:
        created = str(data.get("created_at") or self.stamp())
        subtotal = sum(
            (rec.money_value(li["price"]) * li["quantity"] for li in lines), rec.money_value("0")
        )
        tax = rec.money_value(data.get("total_tax", "0"))
        return {
            "id": order_id,
            "admin_graphql_api_id": rec.gid("order", order_id),
            "name": f"#{number}",
            "order_number": number,
            "email": data.get("email") or (customer or {}).get("email"),
            "phone": data.get("phone"),
            "test": bool(data.get("test", False)),
            "created_at": created,
            "updated_at": created,
            "processed_at": created,
            "cancelled_at": None,
            "cancel_reason": None,
            "closed_at": None,
            "currency": self.currency,
            "financial_status": str(data.get("financial_status") or "paid"),
            "fulfillment_status": None,
            "total_price": rec.money(subtotal + tax),
            "subtotal_price": rec.money(subtotal),
            "total_tax": rec.money(tax),
            "note": data.get("note"),
            "tags": str(data.get("tags") or ""),
            "customer": customer,
            "shipping_address": rec.address(data.get("shipping_address")),
            "line_items": lines,
        }

    def _open_fulfillment_order(self, order: dict[str, Any], location_id: int, hold: bool) -> None:
        self.get(self.locations, location_id)
        fo_id = self.ids.take("fulfillment_order")
        now = self.stamp()
        self.fulfillment_orders[fo_id] = {
            "id": fo_id,
            "shop_id": 1,
            "order_id": order["id"],
            "assigned_location_id": location_id,
            "request_status": "unsubmitted",
            "status": "on_hold" if hold else "open",
            "supported_actions": [] if hold else ["create_fulfillment", "hold", "move"],
            "line_items": [self._fo_line(fo_id, line) for line in order["line_items"]],
            "created_at": now,
            "updated_at": now,
        }
        self.order_fos.setdefault(order["id"], []).append(fo_id)
        self.order_fulfillments.setdefault(order["id"], [])

    def _fo_line(self, fo_id: int, line: dict[str, Any]) -> dict[str, Any]:
        var = self.variants.get(line["variant_id"]) if line["variant_id"] else None
        return {
            "id": self.ids.take("fulfillment_order_line"),
            "shop_id": 1,
            "fulfillment_order_id": fo_id,
            "line_item_id": line["id"],
            "inventory_item_id": var["inventory_item_id"] if var else None,
            "variant_id": line["variant_id"],
            "quantity": line["quantity"],
            "fulfillable_quantity": line["quantity"],
        }

    def _take_stock(self, order: dict[str, Any], location_id: int, sign: int = -1) -> None:
        for line in order["line_items"]:
            var = self.variants.get(line["variant_id"]) if line["variant_id"] else None
            level = self.levels.get((var["inventory_item_id"], location_id)) if var else None
            if var and level and var["inventory_management"]:
                self._move(level, (level["available"] or 0) + sign * line["quantity"])

    def touch_order(self, order: dict[str, Any]) -> None:
        order["updated_at"] = self.stamp()
        self.emit("orders/updated", order)

    def cancel_order(self, order_id: int, reason: str | None, restock: bool) -> dict[str, Any]:
        order = self.get(self.orders, order_id)
        if order["cancelled_at"] is not None:
            raise unprocessable([("base", "Order has already been cancelled")])
        if self.order_fulfillments.get(order_id):
            raise unprocessable([("base", "Cannot cancel an order that has fulfillments")])
        order.update(
            cancelled_at=self.stamp(),
            cancel_reason=reason or "other",
            financial_status="voided"
            if order["financial_status"] in ("pending", "authorized")
            else "refunded",
        )
        for fo_id in self.order_fos.get(order_id, []):
            fo = self.fulfillment_orders[fo_id]
            fo.update(status="closed", supported_actions=[], updated_at=self.stamp())
            if restock:
                self._take_stock(order, fo["assigned_location_id"], sign=+1)
        self.emit("orders/cancelled", order)
        self.touch_order(order)
        return order


def _new_variant(data: dict[str, Any]) -> dict[str, Any]:
    """An API variant as the seed's variant: ``option1`` is its title; Shopify's REST
    default for ``inventory_management`` is null (stock not tracked)."""
    out: dict[str, Any] = {
        "title": data.get("option1") or "Default Title",
        "sku": data.get("sku"),
        "barcode": data.get("barcode"),
        "tracked": data.get("inventory_management") == "shopify",
        "price": data.get("price", "0.00"),
    }
    if "grams" in data:
        out["grams"] = data["grams"]
    return out


__all__ = ["NotFoundError", "ShopState"]
