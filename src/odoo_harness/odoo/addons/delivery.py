"""Odoo's ``delivery`` and ``stock_delivery`` modules: shipping methods and the carrier and
tracking fields of transfers and orders.
"""

from __future__ import annotations

from typing import Any

from ..orm import fields as F
from ..orm.models import BaseModel, rpc


class DeliveryCarrier(BaseModel):
    _name = "delivery.carrier"
    _description = "Shipping Methods"
    _order = "sequence, id"
    _has_record_rules = True

    name = F.Char("Delivery Method", required=True, translate=True)
    active = F.Boolean("Active", default=True)
    sequence = F.Integer("Sequence", default=10)
    delivery_type = F.SelectionField(
        [("base_on_rule", "Based on Rules"), ("fixed", "Fixed Price")],
        "Provider",
        default="fixed",
        required=True,
    )
    integration_level = F.SelectionField(
        [("rate", "Get Rate"), ("rate_and_ship", "Get Rate and Create Shipment")],
        "Integration Level",
        default="rate_and_ship",
    )
    prod_environment = F.Boolean("Environment", default=False)
    debug_logging = F.Boolean("Debug logging")
    product_id = F.Many2one(
        "product.product", "Delivery Product", required=True, ondelete="restrict"
    )
    invoice_policy = F.SelectionField(
        [("estimated", "Estimated cost"), ("real", "Real cost")],
        "Invoicing Policy",
        default="estimated",
        required=True,
    )
    fixed_price = F.Float(
        "Fixed Price",
        compute="_compute_fixed_price",
        inverse="_noop",
        store=True,
        depends=("product_id",),
    )
    margin = F.Float("Margin", default=0.0)
    free_over = F.Boolean("Free if order amount is above")
    amount = F.Float("Amount", default=1000.0)
    company_id = F.Many2one("res.company", "Company")
    tracking_url = F.Char("Tracking Link")

    def _noop(self) -> None:
        pass

    def _compute_fixed_price(self) -> dict[int, Any]:
        out = {}
        for row in self._read_rows(["product_id", "fixed_price"], "_classic_write"):
            if row["fixed_price"]:
                continue
            price = 0.0
            if row["product_id"]:
                price = self.env["product.product"].sudo().browse(row["product_id"])["list_price"]
            out[row["id"]] = price
        return out

    def _tracking_link(self, ref: str | None) -> Any:
        row = self._read_rows(["tracking_url", "delivery_type"], "_classic_write")
        if not row or not ref or not row[0]["tracking_url"]:
            return False
        return row[0]["tracking_url"].replace("<shipmenttrackingnumber>", ref)

    @rpc
    def rate_shipment(self, order: Any) -> dict[str, Any]:
        row = self._read_rows(["delivery_type", "fixed_price"], "_classic_write")[0]
        if row["delivery_type"] == "fixed":
            return {
                "success": True,
                "price": row["fixed_price"],
                "error_message": False,
                "warning_message": False,
                "carrier_price": row["fixed_price"],
            }
        return {
            "success": False,
            "price": 0.0,
            "error_message": "Error: this delivery method is not available.",
            "warning_message": False,
        }


class StockPickingDelivery(BaseModel):
    _inherit = "stock.picking"

    carrier_id = F.Many2one("delivery.carrier", "Carrier")
    carrier_price = F.Float("Shipping Cost")
    carrier_tracking_ref = F.Char("Tracking Reference", copy=False)
    carrier_tracking_url = F.Char("Tracking URL", compute="_compute_carrier_tracking_url")
    weight = F.Float("Weight", compute="_compute_weight")
    shipping_weight = F.Float("Weight for Shipping")

    def _compute_carrier_tracking_url(self) -> dict[int, Any]:
        out = {}
        for row in self._read_rows(["carrier_id", "carrier_tracking_ref"], "_classic_write"):
            out[row["id"]] = (
                self.env["delivery.carrier"]
                .sudo()
                .browse(row["carrier_id"])
                ._tracking_link(row["carrier_tracking_ref"])
                if row["carrier_id"]
                else False
            )
        return out

    def _compute_weight(self) -> dict[int, Any]:
        out = {}
        for picking in self:
            total = 0.0
            for row in picking._moves()._rows():  # type: ignore[attr-defined]
                if row["state"] == "cancel":
                    continue
                weight = self.env["product.product"].sudo().browse(row["product_id"])["weight"]
                total += (weight or 0.0) * row["product_qty"]
            out[picking.id] = total
        return out


class SaleOrderDelivery(BaseModel):
    _inherit = "sale.order"

    carrier_id = F.Many2one("delivery.carrier", "Delivery Method")

    def _launch_delivery(self) -> None:
        super()._launch_delivery()  # type: ignore[misc]
        carrier = self["carrier_id"]
        if carrier:
            pickings = self.env["stock.picking"].sudo()._search([("sale_id", "=", self.id)])
            self.env["stock.picking"].sudo().browse(pickings).write({"carrier_id": carrier})


MODELS: list[type[BaseModel]] = [DeliveryCarrier, StockPickingDelivery, SaleOrderDelivery]
