"""Odoo's ``sale.order`` (with ``sale_stock``): quotations and sales orders, amounts from
their lines, confirmation into a delivery, cancellation.

``action_confirm`` checks the state (Odoo's per-version message), writes ``state='sale'``
and launches the delivery: one outgoing picking of the order's warehouse with a move per
storable/consumable line, confirmed and reserved.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import UserError
from ..orm import fields as F
from ..orm.models import BaseModel, rpc
from .base import _default_company
from .ir_sequence import next_by_code


def _sale_states(model: BaseModel) -> list[tuple[str, str]]:
    states = [("draft", "Quotation"), ("sent", "Quotation Sent"), ("sale", "Sales Order")]
    return [*states, ("cancel", "Cancelled")]


def address_get(model: BaseModel, partner_id: int, types: tuple[str, ...]) -> dict[str, int]:
    """Odoo's ``res.partner.address_get``: the partner, then its contacts, depth first."""
    result: dict[str, int] = {}
    to_scan, visited = [partner_id], set()
    while to_scan:
        current = to_scan.pop(0)
        if current in visited:
            continue
        visited.add(current)
        row = model._sql('SELECT type FROM "res_partner" WHERE id = ?', (current,))
        kind = row[0][0] if row else "contact"
        if kind in types and kind not in result:
            result[kind] = current
        if len(result) == len(types):
            break
        children = [
            r[0]
            for r in model._sql(
                'SELECT id FROM "res_partner" WHERE parent_id = ? AND active = 1 AND '
                "(is_company IS NULL OR is_company = 0) ORDER BY type, id",
                (current,),
            )
            if r[0] not in visited
        ]
        to_scan = children + to_scan
    default = result.get("contact", partner_id)
    return {t: result.get(t, default) for t in types}


def _default_warehouse(model: BaseModel) -> int | None:
    rows = model._sql('SELECT id FROM "stock_warehouse" WHERE active = 1 ORDER BY sequence, id')
    return rows[0][0] if rows else None


class SaleOrder(BaseModel):
    _name = "sale.order"
    _description = "Sales Order"
    _order = "date_order desc, id desc"
    _has_record_rules = True

    name = F.Char("Order Reference", required=True, copy=False, index=True, default="New")
    state = F.SelectionField(
        _sale_states, "Status", readonly=True, copy=False, index=True, default="draft"
    )
    locked = F.Boolean("Locked", default=False, copy=False)
    date_order = F.Datetime(
        "Order Date", required=True, copy=False, default=lambda self: self.env.now_string()
    )
    validity_date = F.Date("Expiration")
    commitment_date = F.Datetime("Delivery Date", copy=False)
    partner_id = F.Many2one("res.partner", "Customer", required=True, index=True)
    partner_invoice_id = F.Many2one("res.partner", "Invoice Address")
    partner_shipping_id = F.Many2one("res.partner", "Delivery Address")
    client_order_ref = F.Char("Customer Reference", copy=False)
    origin = F.Char("Source Document")
    reference = F.Char("Payment Ref.", copy=False)
    company_id = F.Many2one(
        "res.company", "Company", required=True, index=True, default=_default_company
    )
    currency_id = F.Many2one("res.currency", "Currency", compute="_compute_currency_id")
    user_id = F.Many2one(
        "res.users",
        "Salesperson",
        compute="_compute_user_id",
        store=True,
        depends=("partner_id",),
        readonly=False,
    )
    team_id = F.Many2one(
        "crm.team",
        "Sales Team",
        default=lambda self: self.env.xmlid_id("sales_team.team_sales_department"),
    )
    order_line = F.One2many("sale.order.line", "order_id", "Order Lines", copy=True)
    amount_untaxed = F.Monetary("Untaxed Amount", compute="_compute_amount_untaxed")
    amount_tax = F.Monetary("Taxes", compute="_compute_amount_tax")
    amount_total = F.Monetary("Total", compute="_compute_amount_total")
    note = F.Html("Terms and conditions")
    invoice_status = F.SelectionField(
        [
            ("upselling", "Upselling Opportunity"),
            ("invoiced", "Fully Invoiced"),
            ("to invoice", "To Invoice"),
            ("no", "Nothing to Invoice"),
        ],
        "Invoice Status",
        compute="_compute_invoice_status",
        store=True,
        depends=("state", "order_line"),
    )
    # sale_stock
    warehouse_id = F.Many2one("stock.warehouse", "Warehouse", default=_default_warehouse)
    picking_policy = F.SelectionField(
        [("direct", "As soon as possible"), ("one", "When all products are ready")],
        "Shipping Policy",
        required=True,
        default="direct",
    )
    picking_ids = F.One2many("stock.picking", "sale_id", "Transfers")
    delivery_count = F.Integer("Delivery Orders", compute="_compute_delivery_count")
    delivery_status = F.SelectionField(
        [
            ("pending", "Not Delivered"),
            ("started", "Started"),
            ("partial", "Partially Delivered"),
            ("full", "Fully Delivered"),
        ],
        "Delivery Status",
        compute="_compute_delivery_status",
    )

    # -- computes -------------------------------------------------------------------------
    def _compute_currency_id(self) -> dict[int, Any]:
        out = {}
        for row in self._read_rows(["company_id"], "_classic_write"):
            cur = self._sql(
                'SELECT currency_id FROM "res_company" WHERE id = ?', (row["company_id"],)
            )
            out[row["id"]] = cur[0][0] if cur else False
        return out

    def _line_totals(self) -> dict[int, tuple[float, float]]:
        out = {i: (0.0, 0.0) for i in self._ids}
        if not self._ids:
            return out
        marks = ",".join("?" * len(self._ids))
        for order_id, untaxed, tax in self._sql(
            f'SELECT order_id, SUM(price_subtotal), SUM(price_tax) FROM "sale_order_line" '
            f"WHERE order_id IN ({marks}) GROUP BY order_id",
            list(self._ids),
        ):
            out[order_id] = (round(untaxed or 0.0, 2), round(tax or 0.0, 2))
        return out

    def _compute_amount_untaxed(self) -> dict[int, Any]:
        return {i: u for i, (u, _t) in self._line_totals().items()}

    def _compute_amount_tax(self) -> dict[int, Any]:
        return {i: t for i, (_u, t) in self._line_totals().items()}

    def _compute_amount_total(self) -> dict[int, Any]:
        return {i: round(u + t, 2) for i, (u, t) in self._line_totals().items()}

    def _picking_rows(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {i: [] for i in self._ids}
        if not self._ids:
            return out
        marks = ",".join("?" * len(self._ids))
        for sale_id, state in self._sql(
            f'SELECT sale_id, state FROM "stock_picking" WHERE sale_id IN ({marks}) ORDER BY id',
            list(self._ids),
        ):
            out[sale_id].append(state)
        return out

    def _compute_delivery_count(self) -> dict[int, Any]:
        return {i: len(states) for i, states in self._picking_rows().items()}

    def _compute_delivery_status(self) -> dict[int, Any]:
        out: dict[int, Any] = {}
        for order_id, states in self._picking_rows().items():
            live = [s for s in states if s != "cancel"]
            if not live:
                out[order_id] = False
            elif all(s == "done" for s in live):
                out[order_id] = "full"
            elif any(s == "done" for s in live):
                out[order_id] = "partial"
            else:
                out[order_id] = "pending"
        return out

    def _compute_user_id(self) -> dict[int, Any]:
        rows = self._read_rows(["user_id", "partner_id"], "_classic_write")
        out = {}
        for row in rows:
            user = row["user_id"]
            if not user and row["partner_id"]:
                user = self.env["res.partner"].sudo().browse(row["partner_id"])["user_id"]
            out[row["id"]] = user or self.env.uid
        return out

    def _compute_invoice_status(self) -> dict[int, Any]:
        out = {}
        for row in self._read_rows(["state", "order_line"], "_classic_write"):
            if row["state"] != "sale":
                out[row["id"]] = "no"
                continue
            lines = self.env["sale.order.line"].browse(row["order_line"])
            to_invoice = lines._compute_qty_to_invoice()
            out[row["id"]] = "to invoice" if any(q > 0 for q in to_invoice.values()) else "no"
        return out

    # -- CRUD -----------------------------------------------------------------------------
    @rpc(create=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        prepared = []
        for vals in vals_list:
            vals = dict(vals)
            if vals.get("name", "New") in ("New", None, False):
                vals["name"] = next_by_code(self.env, "sale.order") or "New"
            if vals.get("partner_id"):
                addresses = address_get(self, vals["partner_id"], ("invoice", "delivery"))
                vals.setdefault("partner_invoice_id", addresses["invoice"])
                vals.setdefault("partner_shipping_id", addresses["delivery"])
            prepared.append(vals)
        return super().create(prepared)

    @rpc
    def write(self, vals: dict[str, Any]) -> bool:
        vals = dict(vals)
        if vals.get("partner_id"):
            addresses = address_get(self, vals["partner_id"], ("invoice", "delivery"))
            vals.setdefault("partner_invoice_id", addresses["invoice"])
            vals.setdefault("partner_shipping_id", addresses["delivery"])
        return super().write(vals)

    def _before_unlink(self) -> None:
        rows = self._read_rows(["state"], "_classic_write")
        if any(r["state"] not in ("draft", "cancel") for r in rows):
            raise UserError(
                "You can not delete a sent quotation or a confirmed sales order. "
                "You must first cancel it."
            )

    # -- workflow -------------------------------------------------------------------------
    @rpc
    def action_confirm(self) -> bool:
        rows = self._read_rows(["state", "name"], "_classic_write")
        wrong = [r["name"] for r in rows if r["state"] not in ("draft", "sent")]
        if wrong:
            if self.env.profile.major < 18:
                raise UserError(
                    "The following orders are not in a state requiring confirmation: "
                    + ", ".join(wrong)
                )
            raise UserError("Some orders are not in a state requiring confirmation.")
        self._check_lines_products()
        self.write({"state": "sale", "date_order": self.env.now_string()})
        for order in self:
            order.sudo()._launch_delivery()
        return True

    def _check_lines_products(self) -> None:
        for row in self._read_rows(["order_line"], "_classic_write"):
            lines = self.env["sale.order.line"].sudo().browse(row["order_line"])
            for line in lines._read_rows(["product_id"], "_classic_write"):
                if not line["product_id"]:
                    continue
                product = self.env["product.product"].sudo().with_context(active_test=False)
                active = product.browse(line["product_id"])._read_rows(["active"])[0]["active"]
                if not active:
                    name = product.browse(line["product_id"])._display_names()[line["product_id"]]
                    raise UserError(
                        f"You cannot confirm this order: the product {name} is archived."
                        if self.env.profile.major >= 18
                        else f"The product {name} is archived."
                    )

    def _launch_delivery(self) -> None:
        """sale_stock's procurement, one step: an outgoing picking with a move per line."""
        order = self._read_rows(
            [
                "name",
                "partner_shipping_id",
                "warehouse_id",
                "order_line",
                "picking_policy",
                "company_id",
            ],
            "_classic_write",
        )[0]
        lines = (
            self.env["sale.order.line"]
            .browse(order["order_line"])
            ._read_rows(["product_id", "product_uom_qty", "name", "display_type"], "_classic_write")
        )
        goods = [
            line
            for line in lines
            if line["product_id"]
            and self._is_goods(line["product_id"])
            and not line["display_type"]
        ]
        if not goods or not order["warehouse_id"]:
            return
        warehouse = self.env["stock.warehouse"].browse(order["warehouse_id"])
        out_type = warehouse["out_type_id"]
        customers = self._customer_location(order["partner_shipping_id"])
        src = self.env["stock.picking.type"].browse(out_type)["default_location_src_id"]
        src = src or warehouse["lot_stock_id"]
        move_vals = []
        for line in goods:
            uom_field = "product_uom_id" if self.env.profile.major >= 19 else "product_uom"
            uom = self.env["sale.order.line"].browse(line["id"])[uom_field]
            move_vals.append(
                (
                    0,
                    0,
                    {
                        "name": line["name"] or order["name"],
                        "product_id": line["product_id"],
                        "product_uom_qty": line["product_uom_qty"],
                        "product_uom": uom,
                        "location_id": src,
                        "location_dest_id": customers,
                        "sale_line_id": line["id"],
                        "origin": order["name"],
                        "warehouse_id": order["warehouse_id"],
                        "partner_id": order["partner_shipping_id"],
                    },
                )
            )
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": out_type,
                "location_id": src,
                "location_dest_id": customers,
                "partner_id": order["partner_shipping_id"],
                "origin": order["name"],
                "sale_id": self.id,
                "move_type": order["picking_policy"],
                "company_id": order["company_id"],
                "move_ids": move_vals,
            }
        )
        picking.action_confirm()

    def _is_goods(self, product_id: int) -> bool:
        kind = self.env["product.product"].browse(product_id)["type"]
        return kind in ("consu", "product")

    def _customer_location(self, partner_id: int | None) -> int | None:
        return self.env.xmlid_id("stock.stock_location_customers")

    @rpc
    def action_cancel(self) -> Any:
        rows = self._read_rows(["state", "locked"], "_classic_write")
        if any(r["locked"] for r in rows):
            raise UserError("You cannot cancel a locked order. Please unlock it first.")
        if (
            self.env.profile.major < 19
            and not self.env.context.get("disable_cancel_warning")
            and any(r["state"] != "draft" for r in rows)
        ):
            self.ensure_one()
            return {
                "name": "Cancel Sales Order",
                "view_mode": "form",
                "res_model": "sale.order.cancel",
                "view_id": self.env.xmlid_id("sale.sale_order_cancel_view_form") or False,
                "type": "ir.actions.act_window",
                "context": {
                    "default_template_id": self.env.xmlid_id("sale.mail_template_sale_cancellation")
                    or 19,
                    "default_order_id": self.id,
                    "mark_so_as_canceled": True,
                    "default_email_layout_xmlid": "mail.mail_notification_layout_with_responsible_signature",
                    "model_description": "Sales Order",
                },
                "target": "new",
            }
        return self._action_cancel()

    def _action_cancel(self) -> bool:
        pickings = (
            self.env["stock.picking"]
            .sudo()
            .browse(
                [
                    r[0]
                    for r in self._sql(
                        f'SELECT id FROM "stock_picking" WHERE sale_id IN ({",".join("?" * len(self._ids))})'
                        " AND state != 'done'",
                        list(self._ids),
                    )
                ]
            )
            if self._ids
            else self.env["stock.picking"]
        )
        if pickings:
            pickings.action_cancel()
        self.write({"state": "cancel"})
        return True

    @rpc
    def action_draft(self) -> bool:
        rows = self._read_rows(["state"], "_classic_write")
        orders = self.browse([r["id"] for r in rows if r["state"] in ("cancel", "sent")])
        return orders.write({"state": "draft"})

    @rpc
    def action_lock(self) -> bool:
        return self.write({"locked": True})

    @rpc
    def action_unlock(self) -> bool:
        return self.write({"locked": False})

    @rpc
    def action_quotation_sent(self) -> bool:
        rows = self._read_rows(["state"], "_classic_write")
        if any(r["state"] != "draft" for r in rows):
            raise UserError("Only draft orders can be marked as sent directly.")
        return self.write({"state": "sent"})


def seed_data(env: Any, masterdata: dict[str, Any]) -> None:
    sequences = env["ir.sequence"].sudo()
    if not sequences._search([("code", "=", "sale.order")]):
        sequences.create({"name": "Sales Order", "code": "sale.order", "prefix": "S", "padding": 5})


MODELS: list[type[BaseModel]] = [SaleOrder]
