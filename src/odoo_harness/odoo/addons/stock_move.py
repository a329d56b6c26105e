"""Odoo's ``stock.move``: states per version, confirmation, reservation from quants
(``_action_assign``) and ``_action_done``, which moves quants.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import UserError
from ..orm import fields as F
from ..orm.models import BaseModel, rpc
from .base import V18_19, _default_company
from .stock_quantity import bump_stock, storable_ids


def _move_states(model: BaseModel) -> list[tuple[str, str]]:
    waiting = "Waiting" if model.env.profile.major >= 19 else "Waiting Availability"
    return [
        ("draft", "New"),
        ("waiting", "Waiting Another Move"),
        ("confirmed", waiting),
        ("partially_available", "Partially Available"),
        ("assigned", "Available"),
        ("done", "Done"),
        ("cancel", "Cancelled"),
    ]


def _product_uom(model: BaseModel) -> Any:
    product = model.env.context.get("default_product_id")
    return product and model.env["product.product"].browse(product)["uom_id"] or False


class StockMove(BaseModel):
    _name = "stock.move"
    _description = "Stock Move"
    _order = "sequence, id"
    _has_record_rules = True

    name = F.Char("Description")
    sequence = F.Integer("Sequence", default=10)
    priority = F.SelectionField([("0", "Normal"), ("1", "Urgent")], "Priority", default="0")
    date = F.Datetime("Date Scheduled", default=lambda self: self.env.now_string(), required=True)
    date_deadline = F.Datetime("Deadline", readonly=True)
    company_id = F.Many2one("res.company", "Company", required=True, default=_default_company)
    product_id = F.Many2one("product.product", "Product", required=True, index=True)
    description_picking = F.Text("Description of Picking")
    product_qty = F.Float(
        "Real Quantity",
        compute="_compute_product_qty",
        store=True,
        depends=("product_uom_qty", "product_uom", "product_id"),
    )
    product_uom_qty = F.Float("Demand", digits=(16, 2), default=0.0, required=True)
    product_uom = F.Many2one("uom.uom", "Unit", required=True)
    product_tmpl_id = F.Many2one(
        "product.template", "Product Template", related="product_id.product_tmpl_id"
    )
    location_id = F.Many2one("stock.location", "Source Location", required=True, index=True)
    location_dest_id = F.Many2one(
        "stock.location", "Destination Location", required=True, index=True
    )
    location_final_id = F.Many2one("stock.location", "Final Location", versions=V18_19)
    partner_id = F.Many2one("res.partner", "Destination Address ")
    picking_id = F.Many2one("stock.picking", "Transfer", index=True, ondelete="cascade")
    picking_type_id = F.Many2one("stock.picking.type", "Operation Type")
    picking_code = F.SelectionField(
        [("incoming", "Receipt"), ("outgoing", "Delivery"), ("internal", "Internal Transfer")],
        "Type of Operation",
        related="picking_type_id.code",
    )
    state = F.SelectionField(
        _move_states, "Status", default="draft", copy=False, readonly=True, index=True
    )
    quantity = F.Float("Quantity", digits=(16, 2), default=0.0, copy=False)
    picked = F.Boolean("Picked", default=False, copy=False)
    origin = F.Char("Source Document")
    reference = F.Char(
        "Reference", compute="_compute_reference", store=True, depends=("picking_id", "name")
    )
    procure_method = F.SelectionField(
        [
            ("make_to_stock", "Default: Take From Stock"),
            ("make_to_order", "Advanced: Apply Procurement Rules"),
        ],
        "Supply Method",
        default="make_to_stock",
        required=True,
    )
    is_inventory = F.Boolean("Inventory")
    warehouse_id = F.Many2one("stock.warehouse", "Warehouse")
    scrapped = F.Boolean("Scrapped", versions=("17.0", "18.0"))

    def _compute_product_qty(self) -> dict[int, Any]:
        out = {}
        for row in self._read_rows(
            ["product_uom_qty", "product_uom", "product_id"], "_classic_write"
        ):
            qty = row["product_uom_qty"]
            product_uom = self._product_uom_of(row["product_id"])
            if row["product_uom"] and product_uom and row["product_uom"] != product_uom:
                qty = (
                    self.env["uom.uom"]
                    .browse(row["product_uom"])
                    ._compute_quantity(qty, product_uom, round=False)
                )
            out[row["id"]] = qty
        return out

    def _product_uom_of(self, product_id: int | bool) -> int | None:
        if not product_id:
            return None
        rows = self._sql(
            'SELECT t.uom_id FROM "product_product" p JOIN "product_template" t ON '
            "t.id = p.product_tmpl_id WHERE p.id = ?",
            (product_id,),
        )
        return rows[0][0] if rows else None

    def _compute_reference(self) -> dict[int, Any]:
        out = {}
        for row in self._read_rows(["picking_id", "name"], "_classic_write"):
            name = row["name"]
            if row["picking_id"]:
                name = self.env["stock.picking"].browse(row["picking_id"])["name"]
            out[row["id"]] = name or False
        return out

    @rpc(create=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        prepared = []
        for vals in vals_list:
            vals = dict(vals)
            if vals.get("picking_id"):
                picking = (
                    self.env["stock.picking"]
                    .sudo()
                    .browse(vals["picking_id"])
                    ._read_rows(
                        [
                            "location_id",
                            "location_dest_id",
                            "picking_type_id",
                            "partner_id",
                            "origin",
                            "state",
                        ],
                        "_classic_write",
                    )[0]
                )
                for key in ("location_id", "location_dest_id", "picking_type_id"):
                    vals.setdefault(key, picking[key])
                vals.setdefault("origin", picking["origin"])
                if picking["partner_id"]:
                    vals.setdefault("partner_id", picking["partner_id"])
            if vals.get("product_id"):
                if not vals.get("product_uom"):
                    vals["product_uom"] = self._product_uom_of(vals["product_id"])
                if not vals.get("name"):
                    vals["name"] = (
                        self.env["product.product"]
                        .browse(vals["product_id"])
                        ._display_names()
                        .get(vals["product_id"])
                    )
            prepared.append(vals)
        moves = super().create(prepared)
        bump_stock(self.env)
        return moves

    @rpc
    def write(self, vals: dict[str, Any]) -> bool:
        result = super().write(vals)
        bump_stock(self.env)
        if {"state", "quantity"} & set(vals):
            self._pickings()._recompute_state()
        return result

    def _rows(self) -> list[dict[str, Any]]:
        return self.sudo()._read_rows(
            [
                "state",
                "product_id",
                "product_uom_qty",
                "product_uom",
                "product_qty",
                "quantity",
                "location_id",
                "location_dest_id",
                "picking_id",
                "picking_type_id",
            ],
            "_classic_write",
        )

    def _pickings(self) -> BaseModel:
        ids = sorted({r["picking_id"] for r in self._rows() if r["picking_id"]})
        return self.env["stock.picking"].sudo().browse(ids)

    def _set(self, move_id: int, **values: Any) -> None:
        # Odoo changes a move's state through write(), which stamps write_date: integrations
        # that poll stock.move by write_date depend on it.
        values.update(write_uid=self.env.uid, write_date=self.env.now_string())
        self.sudo().browse(move_id)._update(values)
        bump_stock(self.env)

    # -- workflow -------------------------------------------------------------------------
    def _action_confirm(self) -> BaseModel:
        to_assign = []
        for row in self._rows():
            if row["state"] != "draft":
                continue
            self._set(row["id"], state="confirmed")
            method = "at_confirm"
            if row["picking_type_id"]:
                method = (
                    self.env["stock.picking.type"]
                    .sudo()
                    .browse(row["picking_type_id"])["reservation_method"]
                )
            if method == "at_confirm":
                to_assign.append(row["id"])
        if to_assign:
            self.browse(to_assign)._action_assign()
        self._pickings()._recompute_state()
        return self

    def _bypass_reservation(self, row: dict[str, Any]) -> bool:
        usage = self.env["stock.location"].sudo().browse(row["location_id"])["usage"]
        return usage not in ("internal", "transit") or not storable_ids(
            self.env, [row["product_id"]]
        )

    def _action_assign(self) -> None:
        quants = self.env["stock.quant"].sudo()
        uoms = self.env["uom.uom"].sudo()
        for row in self._rows():
            if row["state"] not in ("confirmed", "waiting", "partially_available"):
                continue
            if self._bypass_reservation(row):
                self._set(row["id"], quantity=row["product_uom_qty"], state="assigned")
                continue
            product_uom = self._product_uom_of(row["product_id"])
            move_uom = uoms.browse(row["product_uom"])
            reserved = move_uom._compute_quantity(row["quantity"], product_uom, round=False)
            need = row["product_qty"] - reserved
            taken = quants._update_reserved_quantity(row["product_id"], row["location_id"], need)
            if taken:
                back = uoms.browse(product_uom)._compute_quantity(
                    taken, row["product_uom"], round=False
                )
                row["quantity"] = round(row["quantity"] + back, 2)
            if row["quantity"] >= row["product_uom_qty"] - 1e-9:
                state = "assigned"
            elif row["quantity"] > 0:
                state = "partially_available"
            else:
                state = "confirmed"
            self._set(row["id"], quantity=row["quantity"], state=state)
        self._pickings()._recompute_state()

    def _do_unreserve(self) -> None:
        quants = self.env["stock.quant"].sudo()
        for row in self._rows():
            if row["state"] in ("done", "cancel") or not row["quantity"]:
                continue
            if not self._bypass_reservation(row):
                qty = self._in_product_uom(row, row["quantity"])
                quants._free_reserved(row["product_id"], row["location_id"], qty)
            self._set(row["id"], quantity=0.0, state="confirmed")

    def _in_product_uom(self, row: dict[str, Any], qty: float) -> float:
        product_uom = self._product_uom_of(row["product_id"])
        return (
            self.env["uom.uom"]
            .sudo()
            .browse(row["product_uom"])
            ._compute_quantity(qty, product_uom, round=False)
        )

    def _action_cancel(self) -> None:
        for row in self._rows():
            if row["state"] == "done":
                raise UserError(
                    "You cannot cancel a stock move that has been set to 'Done'. Create a return "
                    "in order to reverse the moves which took place."
                )
        self._do_unreserve()
        for row in self._rows():
            self._set(row["id"], state="cancel", quantity=0.0)
        self._pickings()._recompute_state()

    def _action_done(self, cancel_backorder: bool = False) -> BaseModel:
        quants = self.env["stock.quant"].sudo()
        backorder_moves: list[int] = []
        for row in self._rows():
            if row["state"] in ("done", "cancel"):
                continue
            done = row["quantity"]
            storable = bool(storable_ids(self.env, [row["product_id"]]))
            if (
                storable
                and not self._bypass_reservation(row)
                and row["state"] in ("assigned", "partially_available")
            ):
                quants._free_reserved(
                    row["product_id"], row["location_id"], self._in_product_uom(row, done)
                )
            if done <= 0:
                if cancel_backorder:
                    self._set(row["id"], state="cancel")
                else:
                    backorder_moves.append(row["id"])
                continue
            if storable:
                qty = self._in_product_uom(row, done)
                quants._update_available_quantity(row["product_id"], row["location_id"], -qty)
                quants._update_available_quantity(row["product_id"], row["location_dest_id"], qty)
            remainder = row["product_uom_qty"] - done
            if remainder > 1e-9:
                rest = (
                    self.sudo()
                    .browse(row["id"])
                    .copy(
                        {
                            "product_uom_qty": remainder,
                            "quantity": 0.0,
                            "picked": False,
                            "state": "confirmed",
                            "picking_id": row["picking_id"],
                        }
                    )
                )
                if cancel_backorder:
                    rest._update(
                        {
                            "state": "cancel",
                            "write_uid": self.env.uid,
                            "write_date": self.env.now_string(),
                        }
                    )
                else:
                    backorder_moves.append(rest.id)
            self._set(
                row["id"], state="done", picked=1, product_uom_qty=done, date=self.env.now_string()
            )
            self.sudo().browse(row["id"])._recompute_stored({"product_uom_qty"})
        return self.browse(backorder_moves)


MODELS: list[type[BaseModel]] = [StockMove]
