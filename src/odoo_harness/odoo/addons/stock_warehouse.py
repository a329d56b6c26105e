"""Odoo's ``stock.warehouse`` with what creating one makes (its view, stock, input, output
and packing locations and five operation types), ``stock.picking.type`` (numbering
``WH/OUT/00001``) and ``stock.route``.
"""

from __future__ import annotations

from typing import Any

from ..orm import fields as F
from ..orm.models import BaseModel, rpc
from .base import _default_company


class StockWarehouse(BaseModel):
    _name = "stock.warehouse"
    _description = "Warehouse"
    _order = "sequence,id"
    _has_record_rules = True

    name = F.Char("Warehouse", required=True)
    code = F.Char("Short Name", required=True, size=5)
    active = F.Boolean("Active", default=True)
    sequence = F.Integer("Sequence", default=10)
    company_id = F.Many2one("res.company", "Company", required=True, default=_default_company)
    partner_id = F.Many2one("res.partner", "Address")
    view_location_id = F.Many2one("stock.location", "View Location")
    lot_stock_id = F.Many2one("stock.location", "Location Stock")
    wh_input_stock_loc_id = F.Many2one("stock.location", "Input Location")
    wh_output_stock_loc_id = F.Many2one("stock.location", "Output Location")
    wh_pack_stock_loc_id = F.Many2one("stock.location", "Packing Location")
    reception_steps = F.SelectionField(
        [
            ("one_step", "Receive and Store (1 step)"),
            ("two_steps", "Receive then store (2 steps)"),
            ("three_steps", "Receive, quality control, then store (3 steps)"),
        ],
        "Incoming Shipments",
        default="one_step",
        required=True,
    )
    delivery_steps = F.SelectionField(
        [
            ("ship_only", "Deliver (1 step)"),
            ("pick_ship", "Pick then Deliver (2 steps)"),
            ("pick_pack_ship", "Pick, Pack, then Deliver (3 steps)"),
        ],
        "Outgoing Shipments",
        default="ship_only",
        required=True,
    )
    in_type_id = F.Many2one("stock.picking.type", "In Type")
    out_type_id = F.Many2one("stock.picking.type", "Out Type")
    pack_type_id = F.Many2one("stock.picking.type", "Pack Type")
    pick_type_id = F.Many2one("stock.picking.type", "Pick Type")
    int_type_id = F.Many2one("stock.picking.type", "Internal Type")
    _sql_constraints = [
        (
            "warehouse_name_uniq",
            "UNIQUE(name, company_id)",
            "The name of the warehouse must be unique per company!",
        ),
        (
            "warehouse_code_uniq",
            "UNIQUE(code, company_id)",
            "The short name of the warehouse must be unique per company!",
        ),
    ]

    @rpc(create=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        warehouses = super().create(vals_list)
        for warehouse in warehouses:
            warehouse.sudo()._create_locations_and_types()
        return warehouses

    def _create_locations_and_types(self) -> None:
        """What Odoo's ``stock.warehouse.create`` makes: a view location named after the
        code, its Stock/Input/Output/Packing Zone children and five operation types."""
        row = self._read_rows(["code", "company_id", "name"], "_classic_write")[0]
        code, company = row["code"], row["company_id"]
        locations = self.env["stock.location"]
        parent = self.env.xmlid_id("stock.stock_location_locations") or False
        view = locations.create(
            {"name": code, "usage": "view", "location_id": parent, "company_id": company}
        )
        children = {}
        for key, name, active in (
            ("lot_stock_id", "Stock", True),
            ("wh_input_stock_loc_id", "Input", False),
            ("wh_output_stock_loc_id", "Output", False),
            ("wh_pack_stock_loc_id", "Packing Zone", False),
        ):
            children[key] = locations.create(
                {
                    "name": name,
                    "usage": "internal",
                    "location_id": view.id,
                    "company_id": company,
                    "active": active,
                }
            ).id
        stock = children["lot_stock_id"]
        customers = self.env.xmlid_id("stock.stock_location_customers")
        suppliers = self.env.xmlid_id("stock.stock_location_suppliers")
        types = self.env["stock.picking.type"]
        made = {}
        for key, name, type_code, seq_code, src, dest, seq, active in (
            ("in_type_id", "Receipts", "incoming", "IN", suppliers, stock, 1, True),
            ("out_type_id", "Delivery Orders", "outgoing", "OUT", stock, customers, 5, True),
            (
                "pick_type_id",
                "Pick",
                "internal",
                "PICK",
                stock,
                children["wh_output_stock_loc_id"],
                2,
                False,
            ),
            (
                "pack_type_id",
                "Pack",
                "internal",
                "PACK",
                children["wh_pack_stock_loc_id"],
                children["wh_output_stock_loc_id"],
                3,
                False,
            ),
            ("int_type_id", "Internal Transfers", "internal", "INT", stock, stock, 4, False),
        ):
            made[key] = types.create(
                {
                    "name": name,
                    "code": type_code,
                    "sequence_code": seq_code,
                    "default_location_src_id": src,
                    "default_location_dest_id": dest,
                    "warehouse_id": self.id,
                    "sequence": seq,
                    "active": active,
                    "company_id": company,
                }
            ).id
        self._update({"view_location_id": view.id, **children, **made})


class StockPickingType(BaseModel):
    _name = "stock.picking.type"
    _description = "Picking Type"
    _order = "sequence, id"
    _has_record_rules = True

    name = F.Char("Operation Type", required=True, translate=True)
    code = F.SelectionField(
        [("incoming", "Receipt"), ("outgoing", "Delivery"), ("internal", "Internal Transfer")],
        "Type of Operation",
        required=True,
        default="incoming",
    )
    sequence = F.Integer("Sequence", default=10)
    sequence_id = F.Many2one("ir.sequence", "Reference Sequence", copy=False)
    sequence_code = F.Char("Sequence Prefix", required=True, default="")
    default_location_src_id = F.Many2one("stock.location", "Default Source Location")
    default_location_dest_id = F.Many2one("stock.location", "Default Destination Location")
    warehouse_id = F.Many2one("stock.warehouse", "Warehouse", ondelete="cascade")
    reservation_method = F.SelectionField(
        [
            ("at_confirm", "At Confirmation"),
            ("manual", "Manually"),
            ("by_date", "Before scheduled date"),
        ],
        "Reservation Method",
        required=True,
        default="at_confirm",
    )
    create_backorder = F.SelectionField(
        [("ask", "Ask"), ("always", "Always"), ("never", "Never")],
        "Create Backorder",
        default="ask",
        required=True,
    )
    print_label = F.Boolean("Print Label")
    active = F.Boolean("Active", default=True)
    company_id = F.Many2one("res.company", "Company", default=_default_company)

    def _compute_display_name(self) -> dict[int, Any]:
        ids = list(self._ids)
        marks = ",".join("?" * len(ids))
        rows = self._sql(
            f'SELECT t.id, t.name, w.name FROM "stock_picking_type" t LEFT JOIN "stock_warehouse" w '
            f"ON w.id = t.warehouse_id WHERE t.id IN ({marks})",
            ids,
        )
        return {i: f"{w}: {n}" if w else n for i, n, w in rows}

    def _next_name(self) -> str:
        """The next picking name of this type: ``WH/OUT/00001``."""
        self.ensure_one()
        row = self._read_rows(["sequence_id", "sequence_code", "warehouse_id"], "_classic_write")[0]
        sequences = self.env["ir.sequence"].sudo()
        if not row["sequence_id"]:
            code = ""
            if row["warehouse_id"]:
                code = self.env["stock.warehouse"].browse(row["warehouse_id"])["code"] or ""
            prefix = f"{code}/{row['sequence_code']}/" if code else f"{row['sequence_code']}/"
            seq = sequences.create(
                {"name": prefix, "prefix": prefix, "padding": 5, "code": "stock.picking"}
            )
            self._update({"sequence_id": seq.id})
            row["sequence_id"] = seq.id
        return sequences.browse(row["sequence_id"])._next()


class StockRoute(BaseModel):
    _name = "stock.route"
    _description = "Inventory Routes"
    _order = "sequence"

    name = F.Char("Route", required=True, translate=True)
    active = F.Boolean("Active", default=True)
    sequence = F.Integer("Sequence", default=0)


def seed_data(env: Any, masterdata: dict[str, Any]) -> None:
    """Records a fresh database has that the master data only points at: the warehouse's
    view location and operation types, the inventory adjustment location, and the
    sequences of the operation types (numbering continues from there)."""
    locations = env["stock.location"].sudo()
    warehouse = env.ref("stock.warehouse0", raise_if_not_found=False)
    if warehouse is None:
        return
    wh = warehouse._read_rows(["view_location_id", "code", "company_id"], "_classic_write")[0]
    view_id = wh["view_location_id"]
    if view_id and not locations._existing_ids([view_id]):
        parent = env.xmlid_id("stock.stock_location_locations")
        env.cr.execute(
            'INSERT INTO "stock_location" (id, name, complete_name, usage, location_id, active, '
            "company_id, create_uid, write_uid, create_date, write_date) "
            "VALUES (?, ?, ?, 'view', ?, 1, ?, 1, 1, ?, ?)",
            (
                view_id,
                wh["code"],
                wh["code"],
                parent,
                wh["company_id"],
                env.now_string(),
                env.now_string(),
            ),
        )
        locations.browse(view_id)._recompute_stored(None)
    if not env.xmlid_id("stock.stock_location_inventory"):
        parent = env.xmlid_id("stock.stock_location_locations_virtual")
        inv = locations.create(
            {
                "name": "Inventory adjustment",
                "usage": "inventory",
                "location_id": parent or False,
                "company_id": False,
            }
        )
        env["ir.model.data"].sudo().create(
            {
                "module": "stock",
                "name": "stock_location_inventory",
                "model": "stock.location",
                "res_id": inv.id,
            }
        )
    raw = json_masterdata_types(env)
    types = env["stock.picking.type"].sudo()
    for type_id, (name, code, seq_code) in raw.items():
        if not types._existing_ids([type_id]):
            env.cr.execute(
                'INSERT INTO "stock_picking_type" (id, name, code, sequence_code, warehouse_id, '
                "active, sequence, create_backorder, reservation_method, company_id, create_uid, "
                "write_uid, create_date, write_date) VALUES (?, ?, ?, ?, ?, 0, 10, 'ask', "
                "'at_confirm', ?, 1, 1, ?, ?)",
                (
                    type_id,
                    name,
                    code,
                    seq_code,
                    warehouse.id,
                    wh["company_id"],
                    env.now_string(),
                    env.now_string(),
                ),
            )


def json_masterdata_types(env: Any) -> dict[int, tuple[str, str, str]]:
    """Operation types the default warehouse points at (pick, pack, internal)."""
    row = (
        env["stock.warehouse"]
        .sudo()
        .browse(env.xmlid_id("stock.warehouse0"))
        ._read_rows(["pick_type_id", "pack_type_id", "int_type_id"], "_classic_write")[0]
    )
    out = {}
    for key, name, seq in (
        ("pick_type_id", "Pick", "PICK"),
        ("pack_type_id", "Pack", "PACK"),
        ("int_type_id", "Internal Transfers", "INT"),
    ):
        if row[key]:
            out[row[key]] = (name, "internal", seq)
    return out


MODELS: list[type[BaseModel]] = [StockWarehouse, StockPickingType, StockRoute]
