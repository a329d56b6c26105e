"""Odoo's ``sale.order.line``: prices and taxes, amounts, and ``qty_delivered`` following
the done moves of the order's deliveries.
"""

from __future__ import annotations

from typing import Any

from ..orm import fields as F
from ..orm.models import BaseModel, rpc
from .base import V17_18, V19
from .sale_order import _sale_states


class SaleOrderLine(BaseModel):
    _name = "sale.order.line"
    _description = "Sales Order Line"
    _order = "order_id, sequence, id"
    _has_record_rules = True

    order_id = F.Many2one(
        "sale.order", "Order Reference", required=True, ondelete="cascade", index=True
    )
    sequence = F.Integer("Sequence", default=10)
    display_type = F.SelectionField(
        [("line_section", "Section"), ("line_note", "Note")], "Display Type", default=False
    )
    name = F.Text("Description")
    product_id = F.Many2one("product.product", "Product", ondelete="restrict")
    product_template_id = F.Many2one(
        "product.template", "Product Template", related="product_id.product_tmpl_id"
    )
    product_uom_qty = F.Float("Quantity", default=1.0, digits=(16, 2))
    product_uom = F.Many2one("uom.uom", "Unit of Measure", versions=V17_18)
    product_uom_id = F.Many2one("uom.uom", "Unit", versions=V19)
    price_unit = F.Float("Unit Price", digits=(16, 2))
    discount = F.Float("Discount (%)", digits=(16, 2), default=0.0)
    tax_id = F.Many2many(
        "account.tax",
        "account_tax_sale_order_line_rel",
        "sale_order_line_id",
        "account_tax_id",
        "Taxes",
        versions=V17_18,
    )
    tax_ids = F.Many2many(
        "account.tax",
        "account_tax_sale_order_line_rel",
        "sale_order_line_id",
        "account_tax_id",
        "Taxes",
        versions=V19,
    )
    price_subtotal = F.Monetary(
        "Subtotal",
        compute="_compute_amount",
        store=True,
        depends=("product_uom_qty", "price_unit", "discount", "tax_id", "tax_ids"),
    )
    price_tax = F.Float(
        "Total Tax",
        compute="_compute_amount",
        store=True,
        depends=("product_uom_qty", "price_unit", "discount", "tax_id", "tax_ids"),
    )
    price_total = F.Monetary(
        "Total",
        compute="_compute_amount",
        store=True,
        depends=("product_uom_qty", "price_unit", "discount", "tax_id", "tax_ids"),
    )
    qty_delivered = F.Float("Delivery Quantity", compute="_compute_qty_delivered", digits=(16, 2))
    qty_invoiced = F.Float("Invoiced Quantity", compute="_compute_qty_invoiced", digits=(16, 2))
    qty_to_invoice = F.Float("Quantity To Invoice", compute="_compute_qty_to_invoice")
    state = F.SelectionField(_sale_states, "Order Status", related="order_id.state")
    company_id = F.Many2one("res.company", related="order_id.company_id")
    move_ids = F.One2many("stock.move", "sale_line_id", "Stock Moves")

    @property
    def _tax_field(self) -> str:
        return "tax_ids" if self.env.profile.major >= 19 else "tax_id"

    @property
    def _uom_field(self) -> str:
        return "product_uom_id" if self.env.profile.major >= 19 else "product_uom"

    def _compute_amount(self) -> dict[int, Any]:
        # stored compute feeding three columns: write them all, report the subtotal
        out = {}
        taxes = self.env["account.tax"].sudo()
        for row in self._read_rows(
            ["product_uom_qty", "price_unit", "discount", self._tax_field], "_classic_write"
        ):
            price = row["price_unit"] * (1 - (row["discount"] or 0.0) / 100.0)
            untaxed, tax = taxes.browse(row[self._tax_field])._tax_amounts(
                price, row["product_uom_qty"]
            )
            self.browse(row["id"])._update(
                {
                    "price_subtotal": untaxed,
                    "price_tax": tax,
                    "price_total": round(untaxed + tax, 2),
                }
            )
            out[row["id"]] = untaxed
        return {}

    def _done_moves(self) -> dict[int, float]:
        out = {i: 0.0 for i in self._ids}
        if not self._ids:
            return out
        marks = ",".join("?" * len(self._ids))
        for line_id, usage, qty in self._sql(
            f'SELECT m.sale_line_id, l.usage, m.product_qty FROM "stock_move" m JOIN '
            f'"stock_location" l ON l.id = m.location_dest_id WHERE m.sale_line_id IN ({marks}) '
            f"AND m.state = 'done'",
            list(self._ids),
        ):
            out[line_id] += qty if usage == "customer" else -qty
        return out

    def _compute_qty_delivered(self) -> dict[int, Any]:
        return self._done_moves()

    def _compute_qty_invoiced(self) -> dict[int, Any]:
        return {i: 0.0 for i in self._ids}

    def _compute_qty_to_invoice(self) -> dict[int, Any]:
        out = {}
        delivered = self._done_moves()
        for row in self._read_rows(["product_id", "product_uom_qty", "order_id"], "_classic_write"):
            state = self.env["sale.order"].sudo().browse(row["order_id"])["state"]
            if state != "sale" or not row["product_id"]:
                out[row["id"]] = 0.0
                continue
            policy = self.env["product.product"].sudo().browse(row["product_id"])["invoice_policy"]
            qty = row["product_uom_qty"] if policy == "order" else delivered[row["id"]]
            out[row["id"]] = qty
        return out

    @rpc(create=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        prepared = []
        for vals in vals_list:
            vals = dict(vals)
            product_id = vals.get("product_id")
            if product_id and not vals.get("display_type"):
                product = self.env["product.product"].sudo().browse(product_id)
                row = product._read_rows(
                    ["lst_price", "uom_id", "taxes_id", "description_sale"], "_classic_write"
                )[0]
                if not vals.get("name"):
                    name = product._display_names().get(product_id) or ""
                    if row["description_sale"]:
                        name += "\n" + row["description_sale"]
                    vals["name"] = name
                vals.setdefault("price_unit", row["lst_price"])
                vals.setdefault(self._uom_field, row["uom_id"])
                vals.setdefault(self._tax_field, [(6, 0, row["taxes_id"])])
            prepared.append(vals)
        return super().create(prepared)


MODELS: list[type[BaseModel]] = [SaleOrderLine]
