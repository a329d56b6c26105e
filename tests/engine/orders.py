"""A minimal shop-order handler for engine tests: partner by email, order by shop id.

It is not the shop_orders flow (that one lives with the flows); it only uses the engine
core the way every flow will: binders with create-or-find, ``context.affects`` for
where a failure is shown, the adapter for everything else.
"""

from __future__ import annotations

from odoo_harness.engine import Binder, Job, JobContext, JobStore, OdooAdapter


class OrderImporter:
    def __init__(
        self, adapter: OdooAdapter, store: JobStore, *, create_or_find: bool = True
    ) -> None:
        self.adapter = adapter
        self.partners = Binder(
            adapter, store, system="shop", model="res.partner", create_or_find=create_or_find
        )
        self.orders = Binder(
            adapter, store, system="shop", model="sale.order", create_or_find=create_or_find
        )

    def __call__(self, job: Job, context: JobContext) -> None:
        order = job.payload
        partner_id, _ = self.partners.create_or_find(
            order["email"],
            {"name": order["customer"], "email": order["email"]},
            key=[("email", "=", order["email"])],
        )
        context.affects("res.partner", partner_id, f"#{order['id']}")
        order_id, _ = self.orders.create_or_find(
            order["id"],
            {"partner_id": partner_id, "client_order_ref": order["id"]},
            key=[("client_order_ref", "=", order["id"])],
        )
        context.affects("sale.order", order_id, f"#{order['id']}")
        [row] = self.adapter.read("sale.order", [order_id], ["state"])
        if row["state"] == "draft":
            self.adapter.call("sale.order", "action_confirm", [order_id])


ORDER = {"id": "1001", "email": "ana@example.com", "customer": "Ana Diaz", "name": "#1001"}
