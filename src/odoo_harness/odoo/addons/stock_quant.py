"""Odoo's ``stock.quant``: quantities per product and location, inventory mode
(``inventory_quantity`` + ``action_apply_inventory``), and the bookkeeping moves use to
add, reserve and free quantities.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import UserError, ValidationError
from ..orm import fields as F
from ..orm.models import BaseModel, rpc
from .base import _default_company
from .stock_quantity import bump_stock, storable_ids


class StockQuant(BaseModel):
    _name = "stock.quant"
    _description = "Quants"
    _rec_name = "product_id"
    _order = "location_id, id"
    _has_record_rules = True

    product_id = F.Many2one(
        "product.product", "Product", required=True, ondelete="restrict", index=True
    )
    product_tmpl_id = F.Many2one(
        "product.template", "Product Template", related="product_id.product_tmpl_id"
    )
    product_uom_id = F.Many2one("uom.uom", "Unit", related="product_id.uom_id")
    location_id = F.Many2one(
        "stock.location", "Location", required=True, ondelete="restrict", index=True
    )
    warehouse_id = F.Many2one("stock.warehouse", related="location_id.warehouse_id")
    company_id = F.Many2one("res.company", "Company", default=_default_company)
    quantity = F.Float("Quantity", readonly=True, digits=(16, 2))
    reserved_quantity = F.Float("Reserved Quantity", default=0.0, required=True, digits=(16, 2))
    available_quantity = F.Float("Available Quantity", compute="_compute_available_quantity")
    inventory_quantity = F.Float("Counted Quantity", digits=(16, 2))
    inventory_diff_quantity = F.Float("Difference", compute="_compute_inventory_diff_quantity")
    inventory_quantity_set = F.Boolean("Inventory Quantity Set", default=False)
    inventory_date = F.Date("Scheduled Date")
    in_date = F.Datetime("Incoming Date", readonly=True)

    _inventory_fields = frozenset(
        {
            "product_id",
            "location_id",
            "lot_id",
            "package_id",
            "owner_id",
            "inventory_quantity",
            "inventory_quantity_auto_apply",
            "inventory_date",
            "user_id",
        }
    )

    def _compute_available_quantity(self) -> dict[int, Any]:
        rows = self._read_rows(["quantity", "reserved_quantity"], "_classic_write")
        return {r["id"]: r["quantity"] - r["reserved_quantity"] for r in rows}

    def _compute_inventory_diff_quantity(self) -> dict[int, Any]:
        rows = self._read_rows(
            ["quantity", "inventory_quantity", "inventory_quantity_set"], "_classic_write"
        )
        return {
            r["id"]: (r["inventory_quantity"] - r["quantity"])
            if r["inventory_quantity_set"]
            else 0.0
            for r in rows
        }

    def _is_inventory_mode(self) -> bool:
        return bool(self.env.context.get("inventory_mode"))

    @rpc(create=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        self._check_storable([v.get("product_id") for v in vals_list])
        if not self._is_inventory_mode():
            return super().create(vals_list)
        ids = []
        for vals in vals_list:
            if set(vals) - self._inventory_fields:
                raise UserError("Quant's creation is restricted, you can't do this operation.")
            vals = dict(vals)
            auto_apply = vals.pop("inventory_quantity_auto_apply", None)
            counted = vals.pop("inventory_quantity", None)
            if auto_apply is not None:
                counted = auto_apply
            quant = self._gather(vals["product_id"], vals["location_id"])
            if not quant:
                quant = BaseModel.create(self.sudo(), {**vals, "quantity": 0.0})
            quant = quant.with_env(self.env)
            if counted is not None:
                quant.sudo()._update(
                    {"inventory_quantity": float(counted), "inventory_quantity_set": 1}
                )
            if auto_apply is not None:
                quant._apply_inventory()
            ids.append(quant.id)
        return self.browse(ids)

    def _check_storable(self, product_ids: list[Any]) -> None:
        wanted = [p for p in product_ids if p]
        if set(wanted) - storable_ids(self.env, wanted):
            raise ValidationError("Quants cannot be created for consumables or services.")

    @rpc
    def write(self, vals: dict[str, Any]) -> bool:
        if self._is_inventory_mode() and {
            "product_id",
            "location_id",
            "lot_id",
            "package_id",
            "owner_id",
        } & set(vals):
            raise UserError("Quant's editing is restricted, you can't do this operation.")
        if "inventory_quantity" in vals and "inventory_quantity_set" not in vals:
            vals = {**vals, "inventory_quantity_set": True}
        return super().write(vals)

    def _gather(self, product_id: int, location_id: int) -> BaseModel:
        rows = self._sql(
            'SELECT id FROM "stock_quant" WHERE product_id = ? AND +location_id = ? ORDER BY id '
            "LIMIT 1",
            (product_id, location_id),
        )
        return self.browse(rows[0][0] if rows else ())

    @rpc
    def action_apply_inventory(self) -> None:
        self._apply_inventory()

    @rpc
    def action_set_inventory_quantity_to_zero(self) -> None:
        self.sudo()._update({"inventory_quantity": 0.0, "inventory_quantity_set": 0})

    def _apply_inventory(self) -> None:
        if self.env.profile.major < 18 and not self._user_is_stock_manager():
            raise UserError("Only a stock manager can validate an inventory adjustment.")
        inventory = _inventory_location(self.env)
        moves = self.env["stock.move"].sudo()
        for row in self.sudo()._read_rows(
            [
                "product_id",
                "location_id",
                "quantity",
                "inventory_quantity",
                "inventory_quantity_set",
            ],
            "_classic_write",
        ):
            if not row["inventory_quantity_set"]:
                continue
            diff = row["inventory_quantity"] - row["quantity"]
            if diff:
                src, dest = (
                    (inventory, row["location_id"]) if diff > 0 else (row["location_id"], inventory)
                )
                move = moves.create(
                    {
                        "name": "Product Quantity Updated",
                        "product_id": row["product_id"],
                        "product_uom_qty": abs(diff),
                        "location_id": src,
                        "location_dest_id": dest,
                        "is_inventory": True,
                    }
                )
                move._update({"quantity": abs(diff), "picked": 1})
                move._action_done()
            self.sudo().browse(row["id"])._update(
                {"inventory_quantity": 0.0, "inventory_quantity_set": 0, "inventory_date": None}
            )

    def _user_is_stock_manager(self) -> bool:
        if self.env.su or self.env.uid == 1:
            return True
        group = self.env.xmlid_id("stock.group_stock_manager")
        return bool(
            self._sql(
                'SELECT 1 FROM "res_groups_users_rel" WHERE uid = ? AND gid = ?',
                (self.env.uid, group),
            )
        )

    # -- quantity bookkeeping (used by moves) ----------------------------------------------
    def _update_available_quantity(self, product_id: int, location_id: int, qty: float) -> None:
        bump_stock(self.env)
        quant = self._gather(product_id, location_id)
        if quant:
            self._sql(
                'UPDATE "stock_quant" SET quantity = quantity + ?, write_date = ?, write_uid = ? '
                "WHERE id = ?",
                (qty, self.env.now_string(), self.env.uid, quant.id),
            )
        else:
            BaseModel.create(
                self.sudo(),
                {
                    "product_id": product_id,
                    "location_id": location_id,
                    "quantity": qty,
                    "in_date": self.env.now_string(),
                },
            )

    def _update_reserved_quantity(self, product_id: int, location_id: int, need: float) -> float:
        """Reserve up to ``need`` in the location's internal descendants; the amount taken."""
        bump_stock(self.env)
        locations = self.env["stock.location"].browse(location_id)._descendants()
        marks = ",".join("?" * len(locations))
        taken = 0.0
        for qid, qty, reserved in self._sql(
            f'SELECT id, quantity, reserved_quantity FROM "stock_quant" WHERE product_id = ? '
            f"AND +location_id IN ({marks}) ORDER BY in_date, id",
            [product_id, *locations],
        ):
            free = qty - reserved
            if free <= 0 or taken >= need:
                continue
            part = min(free, need - taken)
            self._sql(
                'UPDATE "stock_quant" SET reserved_quantity = reserved_quantity + ?, '
                "write_date = ?, write_uid = ? WHERE id = ?",
                (part, self.env.now_string(), self.env.uid, qid),
            )
            taken += part
        return taken

    def _free_reserved(self, product_id: int, location_id: int, qty: float) -> None:
        bump_stock(self.env)
        locations = self.env["stock.location"].browse(location_id)._descendants()
        marks = ",".join("?" * len(locations))
        left = qty
        for qid, reserved in self._sql(
            f'SELECT id, reserved_quantity FROM "stock_quant" WHERE product_id = ? '
            f"AND +location_id IN ({marks}) AND reserved_quantity > 0 ORDER BY in_date DESC, id",
            [product_id, *locations],
        ):
            if left <= 0:
                break
            part = min(reserved, left)
            self._sql(
                'UPDATE "stock_quant" SET reserved_quantity = reserved_quantity - ?, '
                "write_date = ?, write_uid = ? WHERE id = ?",
                (part, self.env.now_string(), self.env.uid, qid),
            )
            left -= part


def _inventory_location(env: Any) -> int:
    found = env.xmlid_id("stock.stock_location_inventory")
    if found:
        return found
    rows = env.cr.execute(
        "SELECT id FROM \"stock_location\" WHERE usage = 'inventory' ORDER BY id LIMIT 1"
    ).fetchall()
    return rows[0][0]


MODELS: list[type[BaseModel]] = [StockQuant]
