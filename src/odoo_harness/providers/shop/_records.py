"""The shop's records in their Shopify JSON shape, and the ids they are numbered with.

Records are stored as the dicts the API returns (so a read is one ``json.dumps``); the
builders here turn seed or checkout input into them. Ids are integers in distinct ranges
per resource, so an id of the wrong kind is never accidentally valid.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

API_VERSION = "2024-07"
ID_START = {
    "location": 70_001,
    "product": 1_000_001,
    "variant": 2_000_001,
    "inventory_item": 3_000_001,
    "customer": 4_000_001,
    "order": 5_000_001,
    "line_item": 6_000_001,
    "fulfillment_order": 7_000_001,
    "fulfillment_order_line": 8_000_001,
    "fulfillment": 9_000_001,
    "webhook": 1_001,
    "order_number": 1_001,
}
GID_KIND = {
    "location": "Location",
    "product": "Product",
    "variant": "ProductVariant",
    "customer": "Customer",
    "order": "Order",
    "line_item": "LineItem",
    "fulfillment": "Fulfillment",
}
TRACKING_URLS = {
    "UPS": "https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums={}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={}",
    "DHL Express": "https://www.dhl.com/en/express/tracking.html?AWB={}&brand=DHL",
}
ADDRESS_KEYS = (
    "first_name",
    "last_name",
    "name",
    "company",
    "address1",
    "address2",
    "city",
    "province",
    "province_code",
    "zip",
    "country",
    "country_code",
    "phone",
)


class Ids:
    """Integer ids per series; explicit (seeded) ids push the series past them."""

    def __init__(self) -> None:
        self._next = dict(ID_START)

    def take(self, series: str, wanted: int | None = None) -> int:
        value = self._next[series] if wanted is None else wanted
        self._next[series] = max(self._next[series], value + 1)
        return value


def stamp(instant: datetime) -> str:
    """Shopify's timestamp: ISO 8601 with an offset, whole seconds."""
    return instant.astimezone(UTC).isoformat(timespec="seconds")


def gid(series: str, record_id: int) -> str:
    return f"gid://shopify/{GID_KIND[series]}/{record_id}"


def money_value(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def money(value: Any) -> str:
    return f"{money_value(value)}"


def address(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    record: dict[str, Any] = {key: data.get(key) for key in ADDRESS_KEYS}
    if record["name"] is None and (record["first_name"] or record["last_name"]):
        record["name"] = " ".join(p for p in (record["first_name"], record["last_name"]) if p)
    return record


def location(location_id: int, data: dict[str, Any], now: str) -> dict[str, Any]:
    return {
        "id": location_id,
        "admin_graphql_api_id": gid("location", location_id),
        "name": str(data.get("name") or f"Location {location_id}"),
        "address1": data.get("address1"),
        "city": data.get("city"),
        "zip": data.get("zip"),
        "country_code": str(data.get("country_code") or "US"),
        "active": bool(data.get("active", True)),
        "legacy": False,
        "created_at": now,
        "updated_at": now,
    }


def variant(
    variant_id: int, product_id: int, item_id: int, position: int, data: dict[str, Any], now: str
) -> dict[str, Any]:
    tracked = data.get("tracked", True)
    grams = int(data.get("grams", 1000))
    return {
        "id": variant_id,
        "admin_graphql_api_id": gid("variant", variant_id),
        "product_id": product_id,
        "title": str(data.get("title") or "Default Title"),
        "sku": data.get("sku"),
        "price": money(data.get("price", "10.00")),
        "compare_at_price": None,
        "barcode": data.get("barcode"),
        "position": position,
        "inventory_item_id": item_id,
        "inventory_management": "shopify" if tracked else None,
        "inventory_policy": "deny",
        "inventory_quantity": 0,
        "grams": grams,
        "weight": grams / 1000,
        "weight_unit": "kg",
        "requires_shipping": True,
        "taxable": True,
        "created_at": now,
        "updated_at": now,
    }


def product(product_id: int, data: dict[str, Any], now: str) -> dict[str, Any]:
    title = str(data.get("title") or f"Product {product_id}")
    return {
        "id": product_id,
        "admin_graphql_api_id": gid("product", product_id),
        "title": title,
        "handle": "-".join(title.lower().split()),
        "body_html": data.get("body_html"),
        "vendor": str(data.get("vendor") or "ShopMock"),
        "product_type": str(data.get("product_type") or ""),
        "status": str(data.get("status") or "active"),
        "tags": str(data.get("tags") or ""),
        "created_at": now,
        "updated_at": now,
        "published_at": now,
        "variants": [],
    }


def customer(customer_id: int, data: dict[str, Any], currency: str, now: str) -> dict[str, Any]:
    return {
        "id": customer_id,
        "admin_graphql_api_id": gid("customer", customer_id),
        "email": data.get("email"),
        "first_name": data.get("first_name"),
        "last_name": data.get("last_name"),
        "phone": data.get("phone"),
        "state": str(data.get("state") or "disabled"),
        "tags": str(data.get("tags") or ""),
        "verified_email": bool(data.get("verified_email", True)),
        "currency": currency,
        "created_at": now,
        "updated_at": now,
    }


def line_item(
    line_id: int, var: dict[str, Any] | None, title: str, quantity: int, price: str
) -> dict[str, Any]:
    return {
        "id": line_id,
        "admin_graphql_api_id": gid("line_item", line_id),
        "variant_id": var["id"] if var else None,
        "product_id": var["product_id"] if var else None,
        "sku": var["sku"] if var else None,
        "title": title,
        "variant_title": var["title"] if var else None,
        "name": title
        if not var or var["title"] == "Default Title"
        else f"{title} - {var['title']}",
        "quantity": quantity,
        "fulfillable_quantity": quantity,
        "fulfillment_status": None,
        "price": price,
        "requires_shipping": True,
        "grams": var["grams"] if var else 0,
    }


def fulfillment(
    fulfillment_id: int,
    order: dict[str, Any],
    number: int,
    location_id: int,
    lines: list[dict[str, Any]],
    now: str,
) -> dict[str, Any]:
    return {
        "id": fulfillment_id,
        "admin_graphql_api_id": gid("fulfillment", fulfillment_id),
        "order_id": order["id"],
        "name": f"{order['name']}.{number}",
        "status": "success",
        "service": "manual",
        "location_id": location_id,
        "tracking_company": None,
        "tracking_number": None,
        "tracking_numbers": [],
        "tracking_url": None,
        "tracking_urls": [],
        "shipment_status": None,
        "created_at": now,
        "updated_at": now,
        "line_items": lines,
    }


def apply_tracking(record: dict[str, Any], info: dict[str, Any] | None) -> None:
    """Tracking as Shopify stores it; known carriers get their URL when none is given."""
    info = info or {}
    number, company, url = info.get("number"), info.get("company"), info.get("url")
    if url is None and number and company in TRACKING_URLS:
        url = TRACKING_URLS[company].format(number)
    record.update(
        tracking_company=company,
        tracking_number=number,
        tracking_numbers=[number] if number else [],
        tracking_url=url,
        tracking_urls=[url] if url else [],
    )


def level_gid(item_id: int, location_id: int) -> str:
    return f"gid://shopify/InventoryLevel/{location_id}?inventory_item_id={item_id}"


__all__ = [
    "API_VERSION",
    "Ids",
    "address",
    "apply_tracking",
    "customer",
    "fulfillment",
    "gid",
    "level_gid",
    "line_item",
    "location",
    "money",
    "money_value",
    "product",
    "stamp",
    "variant",
]
