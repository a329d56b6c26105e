"""``ShopAdapter``: the shop's Admin REST API (Shopify 2024-07 flavour) for the engine's flows.

Base URL ``<shop>/admin/api/2024-07``, token in ``X-Shopify-Access-Token``. Lists follow
the ``Link`` header's ``rel="next"`` cursor (a page request may only carry ``limit`` and
``page_info``); ``iter_*`` walk every page, ``*_page`` return one. Stock is written with
the absolute ``inventory_levels/set`` only: a retry of ``set`` cannot move stock twice,
where ``adjust`` would (the adapter has no ``adjust`` on purpose).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .errors import PermanentError
from .rest_adapter import RestAdapter, TokenRefresher

API_PREFIX = "/admin/api/2024-07"
PAGE_LIMIT = 250
_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([a-z]+)"?')


class ShopAdapter(RestAdapter):
    system = "shop"
    label = "The shop"

    def __init__(
        self,
        base_url: str,
        *,
        token: str,
        refresher: TokenRefresher | None = None,
        **kwargs: Any,
    ) -> None:
        base = base_url.rstrip("/")
        if not base.endswith(API_PREFIX):
            base += API_PREFIX
        headers = dict(kwargs.pop("headers", None) or {})
        headers["X-Shopify-Access-Token"] = token
        secrets = tuple(kwargs.pop("secrets", ()))
        super().__init__(
            base, headers=headers, secrets=(token, *secrets), refresher=refresher, **kwargs
        )

    def error_message(self, body: Any) -> str:
        """Shopify's ``{"errors": ...}``: a string, or ``{field: [messages]}``."""
        if isinstance(body, Mapping) and "errors" in body:
            errors = body["errors"]
            if isinstance(errors, str):
                return errors
            if isinstance(errors, Mapping):
                parts = []
                for field, messages in errors.items():
                    text = (
                        "; ".join(str(m) for m in messages)
                        if isinstance(messages, list)
                        else str(messages)
                    )
                    parts.append(text if field == "base" else f"{field}: {text}")
                return " | ".join(parts)
        return super().error_message(body)

    # -- pagination -----------------------------------------------------------------------
    def page(
        self, path: str, key: str, params: Mapping[str, Any] | None = None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of ``key`` and the path (with query) of the next page, or None."""
        response = self.request("GET", path, params=params)
        records = list(response.json().get(key, []))
        return records, self.next_path(response.headers.get("Link"))

    def iter_pages(
        self, path: str, key: str, params: Mapping[str, Any] | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Every page, following ``rel="next"`` until there is none."""
        query: dict[str, Any] = {"limit": PAGE_LIMIT, **dict(params or {})}
        while True:
            records, following = self.page(path, key, query)
            yield records
            if following is None:
                return
            path, query = _split(following)

    def iter_all(
        self, path: str, key: str, params: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        for records in self.iter_pages(path, key, params):
            yield from records

    def next_path(self, link: str | None) -> str | None:
        """The ``rel="next"`` URL of a ``Link`` header, relative to the base URL."""
        for url, rel in _LINK.findall(link or ""):
            if rel != "next":
                continue
            parts = urlsplit(url)
            path = parts.path
            prefix = urlsplit(self.base_url).path
            if prefix and path.startswith(prefix):
                path = path[len(prefix) :]
            return f"{path}?{parts.query}" if parts.query else path
        return None

    # -- orders ---------------------------------------------------------------------------
    def orders(self, **params: Any) -> Iterator[dict[str, Any]]:
        """Every order matching ``params`` (``status``, ``updated_at_min``...), by id."""
        params.setdefault("status", "any")
        return self.iter_all("/orders.json", "orders", params)

    def order(self, order_id: int | str) -> dict[str, Any] | None:
        response = self.request("GET", f"/orders/{order_id}.json", ok=(404,))
        if response.status_code == 404:
            return None
        order: dict[str, Any] = response.json()["order"]
        return order

    def cancel_order(self, order_id: int | str, reason: str | None = None) -> dict[str, Any]:
        body = {"reason": reason} if reason else {}
        return dict(self.call("POST", f"/orders/{order_id}/cancel.json", json=body)["order"])

    # -- catalogue ------------------------------------------------------------------------
    def products(self, **params: Any) -> Iterator[dict[str, Any]]:
        return self.iter_all("/products.json", "products", params)

    def variants(self) -> Iterator[dict[str, Any]]:
        """Every variant of every product (the REST API has no variant list by SKU)."""
        for product in self.products():
            yield from product.get("variants") or []

    def create_product(self, product: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /products.json``: a product with its variants; the answer holds their ids
        and inventory item ids. Not idempotent (the shop does not check SKUs): look the
        SKUs up before calling it again after a lost answer."""
        return dict(self.call("POST", "/products.json", json={"product": dict(product)})["product"])

    def product(self, product_id: int) -> dict[str, Any] | None:
        """One product with its variants; None when the shop has no such product."""
        response = self.request("GET", f"/products/{product_id}.json", ok=(404,))
        if response.status_code == 404:
            return None
        return dict(response.json()["product"])

    def create_variant(self, product_id: int, variant: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /products/{id}/variants.json``: one more variant on an existing product
        (``option1`` tells it apart; a repeated one, or a 101st variant, is a 422). The
        answer holds its id and inventory item id. Not idempotent, like ``create_product``:
        look the SKU up before calling it again after a lost answer."""
        path = f"/products/{product_id}/variants.json"
        return dict(self.call("POST", path, json={"variant": dict(variant)})["variant"])

    def variant(self, variant_id: int) -> dict[str, Any]:
        return dict(self.call("GET", f"/variants/{variant_id}.json")["variant"])

    def update_variant(self, variant_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        body = {"variant": {"id": variant_id, **changes}}
        return dict(self.call("PUT", f"/variants/{variant_id}.json", json=body)["variant"])

    # -- stock ----------------------------------------------------------------------------
    def locations(self) -> list[dict[str, Any]]:
        return list(self.call("GET", "/locations.json")["locations"])

    def inventory_levels(
        self, item_ids: Iterable[int] = (), location_ids: Iterable[int] = ()
    ) -> list[dict[str, Any]]:
        """Levels of the items and/or locations (the API takes 50 ids a request)."""
        items = [int(i) for i in item_ids]
        locations = ",".join(str(int(i)) for i in location_ids)
        out: list[dict[str, Any]] = []
        chunks = [items[i : i + 50] for i in range(0, len(items), 50)] or [[]]
        for chunk in chunks:
            params: dict[str, Any] = {}
            if chunk:
                params["inventory_item_ids"] = ",".join(map(str, chunk))
            if locations:
                params["location_ids"] = locations
            out.extend(self.iter_all("/inventory_levels.json", "inventory_levels", params))
        return out

    def set_level(self, inventory_item_id: int, location_id: int, available: int) -> dict[str, Any]:
        """The absolute available quantity of one item at one location (idempotent)."""
        body = {
            "location_id": int(location_id),
            "inventory_item_id": int(inventory_item_id),
            "available": int(available),
        }
        return dict(self.call("POST", "/inventory_levels/set.json", json=body)["inventory_level"])

    def set_levels(
        self, levels: Iterable[tuple[int, int, int]]
    ) -> tuple[list[dict[str, Any]], list[tuple[tuple[int, int, int], PermanentError]]]:
        """``set`` for a batch of (item, location, available): the levels set, and the ones
        the shop refused (a refusal of one does not stop the others; anything retryable
        does, so the batch is retried)."""
        done, refused = [], []
        for level in levels:
            try:
                done.append(self.set_level(*level))
            except PermanentError as exc:
                refused.append((level, exc))
        return done, refused

    # -- fulfilment -----------------------------------------------------------------------
    def fulfillment_orders(self, order_id: int | str) -> list[dict[str, Any]]:
        path = f"/orders/{order_id}/fulfillment_orders.json"
        return list(self.call("GET", path)["fulfillment_orders"])

    def fulfillments(self, order_id: int | str) -> list[dict[str, Any]]:
        return list(self.call("GET", f"/orders/{order_id}/fulfillments.json")["fulfillments"])

    def create_fulfillment(
        self,
        fulfillment_order_id: int,
        *,
        tracking: Mapping[str, Any] | None = None,
        lines: Iterable[Mapping[str, Any]] | None = None,
        notify_customer: bool = False,
    ) -> dict[str, Any]:
        """Fulfil ``fulfillment_order_id`` (everything left, or ``lines`` of
        ``{"id", "quantity"}``) with optional ``tracking`` (``number``, ``company``, ``url``)."""
        by_fo: dict[str, Any] = {"fulfillment_order_id": int(fulfillment_order_id)}
        if lines is not None:
            by_fo["fulfillment_order_line_items"] = [dict(line) for line in lines]
        body: dict[str, Any] = {
            "fulfillment": {
                "line_items_by_fulfillment_order": [by_fo],
                "notify_customer": notify_customer,
            }
        }
        if tracking:
            body["fulfillment"]["tracking_info"] = dict(tracking)
        return dict(self.call("POST", "/fulfillments.json", json=body)["fulfillment"])


def _split(path_and_query: str) -> tuple[str, dict[str, str]]:
    path, _, query = path_and_query.partition("?")
    return path, dict(parse_qsl(query))


__all__ = ["API_PREFIX", "PAGE_LIMIT", "ShopAdapter"]
