"""The list endpoints' own filters (status, dates, since_id, ids) for ``_paging``.

Each ``Listing`` reads and validates its query parameters into a JSON-able dict (kept in
the cursor, so every page of a walk applies the same filters) and says whether a record
passes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ._paging import Listing
from ._params import query_choice, query_ids, query_int, query_time, unprocessable

ORDER_STATUS = ("open", "closed", "cancelled", "any")
FULFILLMENT_FILTER = ("shipped", "partial", "unshipped", "unfulfilled", "any")
SHIPPED = {
    "shipped": ("fulfilled",),
    "partial": ("partial",),
    "unshipped": (None,),
    "unfulfilled": (None, "partial"),
}


def _times(query: Mapping[str, str], *names: str) -> dict[str, Any]:
    values = {name: query_time(query, name) for name in names}
    return {name: value.isoformat() for name, value in values.items() if value is not None}


def _common(query: Mapping[str, str]) -> dict[str, Any]:
    since = query_int(query, "since_id", minimum=0)
    return {"since_id": since} if since else {}


def _in_window(record: dict[str, Any], filters: dict[str, Any]) -> bool:
    if record["id"] <= filters.get("since_id", 0):
        return False
    for name, field, later in (
        ("updated_at_min", "updated_at", True),
        ("updated_at_max", "updated_at", False),
        ("created_at_min", "created_at", True),
    ):
        if name in filters:
            at, bound = datetime.fromisoformat(record[field]), datetime.fromisoformat(filters[name])
            if (at < bound) if later else (at > bound):
                return False
    return True


def order_filters(query: Mapping[str, str]) -> dict[str, Any]:
    return {
        "status": query_choice(query, "status", ORDER_STATUS, "open"),
        "fulfillment_status": query_choice(query, "fulfillment_status", FULFILLMENT_FILTER, "any"),
        **_common(query),
        **_times(query, "updated_at_min", "updated_at_max", "created_at_min"),
    }


def keep_order(order: dict[str, Any], filters: dict[str, Any]) -> bool:
    status = filters.get("status", "open")
    cancelled, closed = order["cancelled_at"] is not None, order["closed_at"] is not None
    if status == "open" and (cancelled or closed):
        return False
    if (status == "closed" and not closed) or (status == "cancelled" and not cancelled):
        return False
    wanted = filters.get("fulfillment_status", "any")
    if wanted != "any" and order["fulfillment_status"] not in SHIPPED[wanted]:
        return False
    return _in_window(order, filters)


def _product_filters(query: Mapping[str, str]) -> dict[str, Any]:
    status = query_choice(query, "status", ("active", "archived", "draft"))
    return {
        **_common(query),
        **_times(query, "updated_at_min"),
        **({"status": status} if status else {}),
    }


def _keep_product(product: dict[str, Any], filters: dict[str, Any]) -> bool:
    return filters.get("status", product["status"]) == product["status"] and _in_window(
        product, filters
    )


def _customer_filters(query: Mapping[str, str]) -> dict[str, Any]:
    return {**_common(query), **_times(query, "updated_at_min")}


def _level_filters(query: Mapping[str, str]) -> dict[str, Any]:
    items, locations = query_ids(query, "inventory_item_ids"), query_ids(query, "location_ids")
    if items is None and locations is None:
        raise unprocessable([("base", "inventory_item_ids or location_ids must be present")])
    return {k: v for k, v in (("items", items), ("locations", locations)) if v is not None}


def _keep_level(level: dict[str, Any], filters: dict[str, Any]) -> bool:
    return level["inventory_item_id"] in filters.get("items", [level["inventory_item_id"]]) and (
        level["location_id"] in filters.get("locations", [level["location_id"]])
    )


ORDERS = Listing(
    frozenset(
        {
            "status",
            "fulfillment_status",
            "since_id",
            "updated_at_min",
            "updated_at_max",
            "created_at_min",
        }
    ),
    order_filters,
    keep_order,
)
PRODUCTS = Listing(
    frozenset({"status", "since_id", "updated_at_min"}), _product_filters, _keep_product
)
CUSTOMERS = Listing(frozenset({"since_id", "updated_at_min"}), _customer_filters, _in_window)
LEVELS = Listing(
    frozenset({"items", "locations"}),
    _level_filters,
    _keep_level,
    key=lambda level: (level["inventory_item_id"], level["location_id"]),
)


__all__ = ["CUSTOMERS", "LEVELS", "ORDERS", "PRODUCTS", "keep_order", "order_filters"]
