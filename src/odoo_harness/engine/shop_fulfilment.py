"""Shipping -> shop: a fulfilment with tracking once a label is bought.

``ShopFulfilment`` is the shipping flow's ``on_shipped(picking, tracking)`` hook
(``ShippingFlow(..., on_shipped=ShopFulfilment(odoo, shop, store))``). For a picking whose
sale order came from the shop (a ``shop``/``sale.order`` binding in the job store, made by
the ``shop_orders`` import) it fulfils what is still open of the shop order with the
tracking number, company and URL; a picking of any other order is skipped.

Idempotent, like every create of the engine: the order's fulfilments are read first and
one carrying the same tracking number means "already done" (a retry after the shop
committed the fulfilment but the answer was lost). The shop refuses to fulfil more than
is left with a 422: that is read as "already done" only when an existing fulfilment has
this tracking number; otherwise it is a permanent failure (shown on the picking) - the
order was fulfilled by someone else, e.g. by hand in the shop admin.

Known limit: the fulfilment covers everything still open on the order's fulfilment
orders; a split delivery (backorder) is not mapped line by line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..journal import Journal
from .binder import Binder
from .errors import PermanentError
from .exchange import current_job
from .jobs import JobStore
from .odoo_adapter import OdooAdapter
from .shipping import Tracking
from .shop_adapter import ShopAdapter

SYSTEM = "engine"
OPEN = ("open", "in_progress")


class ShopFulfilment:
    def __init__(
        self,
        odoo: OdooAdapter,
        shop: ShopAdapter,
        store: JobStore,
        *,
        journal: Journal | None = None,
        notify_customer: bool = False,
    ) -> None:
        self.odoo = odoo
        self.shop = shop
        self.journal = journal if journal is not None else odoo.journal
        self.orders = Binder(odoo, store, system="shop", model="sale.order", mirror=False)
        self.notify_customer = notify_customer

    def __call__(self, picking: Mapping[str, Any], tracking: Tracking) -> None:
        name = str(picking.get("name") or picking.get("id"))
        shop_order = self._shop_order(picking)
        if shop_order is None:
            self._event("FulfilmentSkipped", picking=name, reason="the order is not from the shop")
            return
        info = {"number": tracking.number, "company": tracking.carrier or None}
        if tracking.url:
            info["url"] = tracking.url
        found = self._with_tracking(shop_order, tracking.number)
        if found is not None:
            self._done(name, shop_order, found, created=False)
            return
        orders = [fo for fo in self.shop.fulfillment_orders(shop_order) if fo.get("status") in OPEN]
        if not orders:
            self._nothing_left(name, shop_order, tracking)
            return
        created = None
        for fo in orders:
            body: dict[str, Any] = {
                "fulfillment": {
                    "line_items_by_fulfillment_order": [{"fulfillment_order_id": int(fo["id"])}],
                    "notify_customer": self.notify_customer,
                    "tracking_info": info,
                }
            }
            response = self.shop.request("POST", "/fulfillments.json", json=body, ok=(422,))
            if response.status_code == 422:
                self._nothing_left(name, shop_order, tracking, refused=response.text)
                return
            created = response.json()["fulfillment"]
        assert created is not None
        self._done(name, shop_order, created, created=True)

    def _shop_order(self, picking: Mapping[str, Any]) -> str | None:
        origin = picking.get("origin")
        if not origin:
            return None
        ids = self.odoo.search("sale.order", [("name", "=", origin)], limit=1)
        return self.orders.to_external(ids[0]) if ids else None

    def _with_tracking(self, shop_order: str, number: str) -> dict[str, Any] | None:
        for fulfilment in self.shop.fulfillments(shop_order):
            numbers = fulfilment.get("tracking_numbers") or [fulfilment.get("tracking_number")]
            if number in numbers and fulfilment.get("status") != "cancelled":
                return fulfilment
        return None

    def _nothing_left(
        self, name: str, shop_order: str, tracking: Tracking, refused: str | None = None
    ) -> None:
        """The shop has nothing left to fulfil: done if it was us, else a failure."""
        found = self._with_tracking(shop_order, tracking.number)
        if found is not None:
            self._done(name, shop_order, found, created=False)
            return
        raise PermanentError(
            f"shop order {shop_order}: nothing left to fulfil for {name} "
            f"(tracking {tracking.number})" + (f": {refused[:200]}" if refused else ""),
            user_message=f"The shop order of {name} is already fulfilled without tracking "
            f"{tracking.number}: check the order in the shop",
        )

    def _done(
        self, name: str, shop_order: str, fulfilment: Mapping[str, Any], *, created: bool
    ) -> None:
        self._event(
            "FulfilmentSent" if created else "FulfilmentFound",
            picking=name,
            shop_order=shop_order,
            fulfillment_id=fulfilment.get("id"),
            tracking_number=fulfilment.get("tracking_number"),
        )

    def _event(self, kind: str, **data: Any) -> None:
        job = current_job()
        self.journal.record(
            kind,
            SYSTEM,
            {"job_id": job, "flow": "shipping", **data},
            correlation_id=f"job-{job}" if job is not None else None,
        )


__all__ = ["ShopFulfilment"]
