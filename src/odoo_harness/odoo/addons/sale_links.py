"""What ``sale`` adds to other models: the orders of a partner, the invoicing policy of
products, and the links of moves and pickings to the order they deliver.
"""

from __future__ import annotations

from typing import Any

from ..orm import fields as F
from ..orm.models import BaseModel
from .base import V17_18


class ResPartnerSale(BaseModel):
    _inherit = "res.partner"

    sale_order_ids = F.One2many("sale.order", "partner_id", "Sales Order")
    sale_order_count = F.Integer("Sale Order Count", compute="_compute_sale_order_count")

    def _compute_sale_order_count(self) -> dict[int, Any]:
        out = {i: 0 for i in self._ids}
        if not self._ids:
            return out
        marks = ",".join("?" * len(self._ids))
        for pid, count in self._sql(
            f'SELECT partner_id, COUNT(*) FROM "sale_order" WHERE partner_id IN ({marks}) '
            f"GROUP BY partner_id",
            list(self._ids),
        ):
            out[pid] = count
        return out


class ProductTemplateSale(BaseModel):
    _inherit = "product.template"

    invoice_policy = F.SelectionField(
        [("order", "Ordered quantities"), ("delivery", "Delivered quantities")],
        "Invoicing Policy",
        default="order",
    )
    sale_line_warn = F.SelectionField(
        [("no-message", "No Message"), ("warning", "Warning"), ("block", "Blocking Message")],
        "Sales Order Line",
        default="no-message",
        versions=V17_18,
    )


class StockMoveSale(BaseModel):
    _inherit = "stock.move"

    sale_line_id = F.Many2one("sale.order.line", "Sale Line", index=True)


class StockPickingSale(BaseModel):
    _inherit = "stock.picking"

    sale_id = F.Many2one("sale.order", "Sales Order", index=True)

    def _after_done(self) -> None:
        super()._after_done()  # type: ignore[misc]
        sale = self["sale_id"]
        if sale:
            self.env["sale.order"].sudo().browse(sale)._recompute_stored({"state"})


MODELS: list[type[BaseModel]] = [
    ResPartnerSale,
    ProductTemplateSale,
    StockMoveSale,
    StockPickingSale,
]
