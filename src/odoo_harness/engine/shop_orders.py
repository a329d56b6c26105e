"""The ``shop_orders`` flow: shop orders become confirmed sale orders in Odoo; cancellations
follow (plan ``contracts/flows/shop_orders.yaml``, ownership ``contracts/ownership/orders.yaml``).

Jobs come from the webhook receiver (``shop_router``: ``orders/create`` -> an import,
``orders/cancelled`` -> a cancellation) or from the fallback poll (``ShopOrderPoller``:
orders updated since the watermark), with the same identity keys, so an order seen by both
is imported once.

An import: the customer is found by email or created (``Binder`` on ``res.partner``, key
``email``); the lines' SKUs are looked up as ``product.product.default_code`` (an unknown SKU
is a ``PermanentError`` "Unknown SKU X in order #1001", shown on the customer in Odoo);
the sale order is found by ``client_order_ref`` = the shop order id or created (the flow
key: a retry after an answer lost *after* Odoo committed finds the order instead of
creating a second one), then confirmed (``action_confirm`` creates the delivery).

``import_batch`` does the same for many orders in a handful of calls (one search per model,
one ``create`` of all partners, one of all orders with their lines, one ``action_confirm``
of all): ``run_batch`` drives it from the job store for bulk imports; an order the batch
cannot take (unknown SKU) is left to the worker, which fails it with the plan's notice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from ..journal import Journal
from .binder import Binder
from .errors import PermanentError, SyncError
from .jobs import Job, JobStore
from .odoo_adapter import OdooAdapter
from .receiver import JobSpec
from .shop_adapter import ShopAdapter
from .worker import JobContext

FLOW = "shop_orders"
SYSTEM = "engine"
IMPORT, CANCEL = "import", "cancel"
CANCELLABLE = ("draft", "sent", "sale")
NO_CANCEL_WIZARD = {"disable_cancel_warning": True}
SKU_CACHE = timedelta(minutes=10)  # how long a SKU's product id is trusted without a read


def import_key(order_id: Any) -> str:
    return f"shop:order:{order_id}"


def cancel_key(order_id: Any) -> str:
    return f"shop:order:{order_id}:cancelled"


def jobs_for(order: Mapping[str, Any], topic: str) -> list[JobSpec]:
    """The jobs one shop order event asks for."""
    name = str(order.get("name") or f"#{order['id']}")
    if topic == "orders/create":
        return [(FLOW, import_key(order["id"]), {"action": IMPORT, "name": name, "order": order})]
    if topic == "orders/cancelled":
        return [(FLOW, cancel_key(order["id"]), {"action": CANCEL, "name": name, "order": order})]
    return []


def shop_router(event: Mapping[str, Any]) -> list[JobSpec]:
    """The receiver's router for ``/webhooks/shop`` (``routers={"shop": shop_router}``)."""
    body = event.get("body")
    if not isinstance(body, Mapping) or "id" not in body:
        return []
    return jobs_for(body, str(event.get("topic") or ""))


class ShopOrdersFlow:
    """``worker.register("shop_orders", flow)``; ``run_batch`` for bulk imports."""

    def __init__(
        self,
        odoo: OdooAdapter,
        store: JobStore,
        *,
        journal: Journal | None = None,
        create_or_find: bool = True,
        mirror: bool = True,
    ) -> None:
        self.odoo = odoo
        self.store = store
        self.journal = journal if journal is not None else odoo.journal
        self.partners = Binder(
            odoo,
            store,
            system="shop",
            model="res.partner",
            mirror=mirror,
            create_or_find=create_or_find,
        )
        self.orders = Binder(
            odoo,
            store,
            system="shop",
            model="sale.order",
            mirror=mirror,
            create_or_find=create_or_find,
        )
        self._left: set[int] = set()  # jobs run_batch leaves to the worker
        # SKU -> product.product id, with the time it was read (see _products)
        self._sku_ids: dict[str, tuple[int, datetime]] = {}

    # -- the worker's handler -------------------------------------------------------------
    def __call__(self, job: Job, context: JobContext) -> None:
        action = job.payload.get("action")
        order = job.payload.get("order")
        if not isinstance(order, Mapping):
            raise PermanentError(f"shop_orders: job {job.id} carries no order")
        if action == IMPORT:
            try:
                self.import_one(order, job, context)
            except SyncError:
                self._sku_ids.clear()  # a stale product id may be why: read them again
                raise
        elif action == CANCEL:
            self.cancel(order, job, context)
        else:
            raise PermanentError(f"shop_orders: unknown action {action!r}")

    def import_one(self, order: Mapping[str, Any], job: Job, context: JobContext) -> None:
        name = _name(order)
        partners = self._partners([order])
        partner_id = partners[_customer_key(order)]
        context.affects("res.partner", partner_id, name)
        products = self._products(_skus([order]))
        missing = [sku for sku in _skus([order]) if sku not in products]
        if missing:
            shown = ", ".join(m or "(none)" for m in missing)
            raise PermanentError(
                f"Unknown SKU {shown} in order {name}",
                user_message=f"Unknown SKU {shown} in order {name}: "
                "create the product in Odoo (Internal Reference = SKU), then retry",
            )
        values = self._order_values(order, partner_id, products)
        sale_id, created = self.orders.create_or_find(
            str(order["id"]), values, key=[("client_order_ref", "=", str(order["id"]))]
        )
        context.affects("sale.order", sale_id, name)
        confirmed = self._confirm({sale_id: created})
        self._event(
            "OrderImported",
            job,
            order_id=str(order["id"]),
            sale_order_id=sale_id,
            partner_id=partner_id,
            created=created,
            confirmed=bool(confirmed),
        )

    def cancel(self, order: Mapping[str, Any], job: Job, context: JobContext) -> None:
        order_id = str(order["id"])
        sale_id = self.orders.to_internal(order_id)
        if sale_id is None:
            sale_id = self.odoo.find("sale.order", [("client_order_ref", "=", order_id)])
        if sale_id is None:
            self._event("CancelSkipped", job, order_id=order_id, reason="order not imported")
            return
        context.affects("sale.order", sale_id, _name(order))
        [row] = self.odoo.read("sale.order", [sale_id], ["state"])
        if row["state"] == "cancel":
            self._event("CancelSkipped", job, order_id=order_id, reason="already cancelled")
            return
        if row["state"] not in CANCELLABLE:
            raise PermanentError(
                f"sale.order {sale_id} is {row['state']}: cannot cancel",
                user_message=f"Order {_name(order)} was cancelled in the shop but is "
                f"{row['state']} in Odoo: cancel it by hand",
            )
        self.odoo.call("sale.order", "action_cancel", [sale_id], context=NO_CANCEL_WIZARD)
        self._event("OrderCancelled", job, order_id=order_id, sale_order_id=sale_id)

    # -- batches --------------------------------------------------------------------------
    def import_batch(
        self, orders: Sequence[Mapping[str, Any]], products: Mapping[str, int] | None = None
    ) -> dict[str, int]:
        """Import many orders whose SKUs are all known (``products``: product id by SKU,
        looked up when not given); the sale order id of each shop order id."""
        if not orders:
            return {}
        partners = self._partners(orders)
        if products is None:
            products = self._products(_skus(orders))
        records = {
            str(o["id"]): self._order_values(o, partners[_customer_key(o)], products)
            for o in orders
        }
        bound = self.orders.create_or_find_many(records, key_field="client_order_ref")
        self._confirm({sale_id: created for sale_id, created in bound.values()})
        return {ext: sale_id for ext, (sale_id, _) in bound.items()}

    def run_batch(
        self, limit: int = 500, *, skip: Callable[[Job], bool] | None = None
    ) -> tuple[int, int]:
        """Import the due ``import`` jobs of the flow in one batch; (done, left). Jobs whose
        order has an unknown SKU are left pending for the worker (which fails them with a
        notice); if the batch fails, its jobs go back to pending for the worker to run
        one by one. ``skip(job)`` leaves more to the worker (``engine run``: jobs already
        attempted or with an open notice, so a retry's success resolves its notice)."""
        window = self.store.due(limit * 4 + len(self._left))
        jobs = [
            j
            for j in window
            if j.flow == FLOW
            and j.payload.get("action") == IMPORT
            and j.id not in self._left
            and not (skip is not None and skip(j))
        ][:limit]
        if not jobs:
            return 0, 0
        orders = [j.payload["order"] for j in jobs]
        products = self._products(_skus(orders))
        ready = [j for j in jobs if all(s in products for s in _skus([j.payload["order"]]))]
        self._left.update(j.id for j in jobs if j not in ready)
        claimed = [c for j in ready if (c := self.store.claim(j.id)) is not None]
        try:
            done = self.import_batch([j.payload["order"] for j in claimed], products)
        except SyncError as exc:
            self._sku_ids.clear()
            for job in claimed:
                self.store.retry_later(job.id, timedelta(0), str(exc), exc.kind)
            self.journal.record(
                "BatchFellBack", SYSTEM, {"flow": FLOW, "jobs": len(claimed), "error": str(exc)}
            )
            return 0, len(jobs)
        with self.store.transaction():
            for job in claimed:
                self.store.succeed(job.id)
        self.journal.record(
            "OrdersImported",
            SYSTEM,
            {"flow": FLOW, "orders": len(done), "left": len(jobs) - len(claimed)},
        )
        return len(claimed), len(jobs) - len(claimed)

    # -- steps ----------------------------------------------------------------------------
    def _partners(self, orders: Iterable[Mapping[str, Any]]) -> dict[str, int]:
        records: dict[str, dict[str, Any]] = {}
        for order in orders:
            records.setdefault(_customer_key(order), _partner_values(order))
        bound = self.partners.create_or_find_many(records, key_field="email")
        return {ext: partner_id for ext, (partner_id, _) in bound.items()}

    def _products(self, skus: Iterable[str]) -> dict[str, int]:
        """product.product id by default_code: from the cache when read in the last
        ``SKU_CACHE`` (unknown SKUs are never cached), else one search for the rest. The
        cache is dropped when an import fails (a deleted product's id), so a retry reads
        the ids again."""
        wanted = sorted(set(skus) - {""})
        if not wanted:
            return {}
        now = self.store.clock.now()
        found = {
            sku: hit[0]
            for sku in wanted
            if (hit := self._sku_ids.get(sku)) is not None and now - hit[1] < SKU_CACHE
        }
        missing = [sku for sku in wanted if sku not in found]
        if missing:
            rows = self.odoo.search_read(
                "product.product", [("default_code", "in", missing)], ["default_code"]
            )
            for row in rows:
                found[row["default_code"]] = int(row["id"])
                self._sku_ids[row["default_code"]] = (int(row["id"]), now)
        return found

    def known_skus(self, orders: Sequence[Mapping[str, Any]]) -> set[str]:
        return set(self._products(_skus(orders)))

    def _order_values(
        self, order: Mapping[str, Any], partner_id: int, products: Mapping[str, int]
    ) -> dict[str, Any]:
        lines = [
            [
                0,
                0,
                {
                    "product_id": products[str(line["sku"])],
                    "product_uom_qty": float(line.get("quantity") or 1),
                    "price_unit": float(line.get("price") or 0),
                },
            ]
            for line in order.get("line_items") or []
        ]
        values: dict[str, Any] = {
            "partner_id": partner_id,
            "client_order_ref": str(order["id"]),
            "origin": _name(order),
            "order_line": lines,
        }
        return values

    def _confirm(self, orders: Mapping[int, bool]) -> list[int]:
        """Confirm the new orders and any found one still in draft (a retry after a crash
        between create and confirm); one ``action_confirm`` for all."""
        ids = [i for i, created in orders.items() if created]
        found = [i for i, created in orders.items() if not created]
        if found:
            rows = self.odoo.read("sale.order", found, ["state"])
            ids += [r["id"] for r in rows if r["state"] in ("draft", "sent")]
        if ids:
            self.odoo.call("sale.order", "action_confirm", sorted(ids))
        return ids

    def _event(self, kind: str, job: Job, **data: Any) -> None:
        self.journal.record(
            kind,
            SYSTEM,
            {"job_id": job.id, "flow": job.flow, **data},
            correlation_id=f"job-{job.id}",
        )


class ShopOrderPoller:
    """The fallback schedule: orders updated in the shop since the last poll (watermark
    ``updated_at``), enqueued with the webhook's identity keys in one store transaction."""

    def __init__(self, shop: ShopAdapter, store: JobStore, *, name: str = "shop_orders:updated_at"):
        self.shop = shop
        self.store = store
        self.name = name

    def poll(self) -> int:
        """One pass over every page; the number of jobs enqueued."""
        watermark = self.store.watermark(self.name)
        params: dict[str, Any] = {"status": "any"}
        if watermark:
            params["updated_at_min"] = watermark
        enqueued = 0
        latest = watermark
        for page in self.shop.iter_pages("/orders.json", "orders", params):
            with self.store.transaction():
                for order in page:
                    topic = "orders/cancelled" if order.get("cancelled_at") else "orders/create"
                    specs = jobs_for(order, topic)
                    for flow, key, payload in specs:
                        _, created = self.store.enqueue(flow, key, payload)
                        enqueued += created
                    stamp = str(order.get("updated_at") or "")
                    if stamp and (latest is None or stamp > latest):
                        latest = stamp
                if latest and latest != watermark:
                    self.store.set_watermark(self.name, latest)
        return enqueued


def _name(order: Mapping[str, Any]) -> str:
    return str(order.get("name") or f"#{order['id']}")


def _email(order: Mapping[str, Any]) -> str:
    customer = order.get("customer") or {}
    return str(order.get("email") or customer.get("email") or "").strip().lower()


def _customer_key(order: Mapping[str, Any]) -> str:
    return _email(order) or f"guest-{order['id']}"


def _partner_values(order: Mapping[str, Any]) -> dict[str, Any]:
    customer = order.get("customer") or {}
    address = order.get("shipping_address") or {}
    full = " ".join(
        str(p) for p in (customer.get("first_name"), customer.get("last_name")) if p
    ) or " ".join(str(p) for p in (address.get("first_name"), address.get("last_name")) if p)
    email = _email(order)
    values: dict[str, Any] = {"name": full or email or f"Shop customer {_name(order)}"}
    if email:
        values["email"] = email
    if customer.get("phone") or order.get("phone"):
        values["phone"] = customer.get("phone") or order.get("phone")
    return values


def _skus(orders: Iterable[Mapping[str, Any]]) -> list[str]:
    out: list[str] = []
    for order in orders:
        for line in order.get("line_items") or []:
            sku = str(line.get("sku") or "")
            if sku not in out:
                out.append(sku)
    return out


__all__ = [
    "FLOW",
    "ShopOrderPoller",
    "ShopOrdersFlow",
    "cancel_key",
    "import_key",
    "jobs_for",
    "shop_router",
]
