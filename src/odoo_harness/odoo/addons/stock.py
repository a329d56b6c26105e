"""Odoo's ``stock`` module, places and quantities: locations, warehouses, operation types,
quants (with inventory mode) and the computed quantities of products.

Moves and pickings live in ``stock_picking.py``. Quantities follow Odoo's
``_compute_quantities_dict``: scoped by the ``location`` context key and the warehouse key of
the version (``warehouse`` in 17, ``warehouse_id`` from 18), all warehouses otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..exceptions import UserError, ValidationError
from ..orm import fields as F
from ..orm.models import BaseModel, chunks, rpc
from .base import V18_19, _default_company

MOVE_OPEN_STATES = ("waiting", "confirmed", "assigned", "partially_available")

_LOCATION_USAGES_17 = [
    ("supplier", "Vendor Location"),
    ("view", "View"),
    ("internal", "Internal Location"),
    ("customer", "Customer Location"),
    ("inventory", "Inventory Loss"),
    ("production", "Production"),
    ("transit", "Transit Location"),
]
_LOCATION_USAGES_19 = [
    ("supplier", "Vendor"),
    ("view", "Virtual"),
    ("internal", "Internal"),
    ("customer", "Customer"),
    ("inventory", "Inventory Loss"),
    ("production", "Production"),
    ("transit", "Transit"),
]


def _location_usages(model: BaseModel) -> list[tuple[str, str]]:
    return _LOCATION_USAGES_19 if model.env.profile.major >= 19 else _LOCATION_USAGES_17


class StockLocation(BaseModel):
    _name = "stock.location"
    _description = "Inventory Locations"
    _order = "complete_name, id"
    _rec_name = "complete_name"
    _has_record_rules = True

    name = F.Char("Location Name", required=True)
    complete_name = F.Char(
        "Full Location Name",
        compute="_compute_complete_name",
        store=True,
        depends=("name", "location_id", "usage"),
    )
    active = F.Boolean("Active", default=True)
    usage = F.SelectionField(_location_usages, "Location Type", default="internal", required=True)
    location_id = F.Many2one("stock.location", "Parent Location", index=True, ondelete="cascade")
    child_ids = F.One2many("stock.location", "location_id", "Contains")
    barcode = F.Char("Barcode", copy=False)
    company_id = F.Many2one("res.company", "Company", index=True, default=_default_company)
    scrap_location = F.Boolean("Is a Scrap Location?", versions=("17.0", "18.0"))
    return_location = F.Boolean("Is a Return Location?", versions=("17.0",))
    warehouse_id = F.Many2one("stock.warehouse", "Warehouse", compute="_compute_warehouse_id")

    def _compute_complete_name(self) -> dict[int, Any]:
        out = {}
        for record_id in self._ids:
            row = self._sql(
                'SELECT name, location_id, usage FROM "stock_location" WHERE id = ?', (record_id,)
            )
            if not row:
                continue
            name, parent, usage = row[0]
            if parent and usage != "view":
                prow = self._sql(
                    'SELECT complete_name FROM "stock_location" WHERE id = ?', (parent,)
                )
                out[record_id] = f"{prow[0][0]}/{name}" if prow and prow[0][0] else name
            else:
                out[record_id] = name
        return out

    def _recompute_related(self, changed: set[str] | None) -> None:
        if changed is not None and not ({"name", "location_id", "usage"} & changed):
            return
        children = (
            self._sql(
                f'SELECT id FROM "stock_location" WHERE location_id IN ({",".join("?" * len(self._ids))})',
                list(self._ids),
            )
            if self._ids
            else []
        )
        if children:
            self.browse([c[0] for c in children])._recompute_stored({"location_id"})

    def _compute_warehouse_id(self) -> dict[int, Any]:
        views = dict(
            self._sql('SELECT view_location_id, id FROM "stock_warehouse" WHERE active = 1')
        )
        out: dict[int, Any] = {}
        for lid in self._ids:
            current, seen, found = lid, set(), False
            while current and current not in seen:
                seen.add(current)
                if current in views:
                    found = views[current]
                    break
                row = self._sql('SELECT location_id FROM "stock_location" WHERE id = ?', (current,))
                current = row[0][0] if row else None
            out[lid] = found
        return out

    def _descendants(self) -> list[int]:
        """These locations and every location below them."""
        if not self._ids:
            return []
        marks = ",".join("?" * len(self._ids))
        rows = self._sql(
            f'WITH RECURSIVE tree(id) AS (SELECT id FROM "stock_location" WHERE id IN ({marks}) '
            'UNION SELECT l.id FROM "stock_location" l JOIN tree ON l.location_id = tree.id) '
            "SELECT id FROM tree",
            list(self._ids),
        )
        return [r[0] for r in rows]

    def _is_internal(self) -> bool:
        rows = self._read_rows(["usage"], "_classic_write")
        return bool(rows) and all(r["usage"] in ("internal", "transit") for r in rows)


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


def storable_ids(env: Any, product_ids: Iterable[int]) -> set[int]:
    """The products among ``product_ids`` whose stock is tracked (17: type 'product';
    18+: ``is_storable``)."""
    ids = sorted(set(product_ids))
    flag = "t.is_storable = 1" if env.profile.major >= 18 else "t.type = 'product'"
    found: set[int] = set()
    for chunk in chunks(ids):
        marks = ",".join("?" * len(chunk))
        found.update(
            r[0]
            for r in env.cr.execute(
                f'SELECT p.id FROM "product_product" p JOIN "product_template" t ON '
                f"t.id = p.product_tmpl_id WHERE p.id IN ({marks}) AND {flag}",
                chunk,
            )
        )
    return found


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
            'SELECT id FROM "stock_quant" WHERE product_id = ? AND location_id = ? ORDER BY id '
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
                'UPDATE "stock_quant" SET quantity = quantity + ? WHERE id = ?', (qty, quant.id)
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
            f"AND location_id IN ({marks}) ORDER BY in_date, id",
            [product_id, *locations],
        ):
            free = qty - reserved
            if free <= 0 or taken >= need:
                continue
            part = min(free, need - taken)
            self._sql(
                'UPDATE "stock_quant" SET reserved_quantity = reserved_quantity + ? WHERE id = ?',
                (part, qid),
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
            f"AND location_id IN ({marks}) AND reserved_quantity > 0 ORDER BY in_date DESC, id",
            [product_id, *locations],
        ):
            if left <= 0:
                break
            part = min(reserved, left)
            self._sql(
                'UPDATE "stock_quant" SET reserved_quantity = reserved_quantity - ? WHERE id = ?',
                (part, qid),
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


# -- product quantities ----------------------------------------------------------------------
def scoped_locations(env: Any) -> list[int]:
    """The locations the context scopes quantities to (Odoo's ``_get_domain_locations``)."""
    context = env.context
    warehouse_key = "warehouse" if env.profile.major < 18 else "warehouse_id"
    location = context.get("location")
    warehouse = context.get(warehouse_key)
    if env.profile.major >= 19:
        location = location or context.get("search_location")
        warehouse = warehouse or context.get("search_warehouse")
    roots: list[int] = []
    if location:
        roots = _resolve(env, "stock.location", location, "complete_name")
    elif warehouse:
        wh_ids = _resolve(env, "stock.warehouse", warehouse, "name")
        roots = _view_locations(env, wh_ids)
    else:
        roots = _view_locations(env, None)
    return env["stock.location"].sudo().browse(roots)._descendants()


def _resolve(env: Any, model: str, value: Any, name_field: str) -> list[int]:
    values = value if isinstance(value, (list, tuple)) else [value]
    ids: list[int] = []
    for item in values:
        if isinstance(item, int) and not isinstance(item, bool):
            ids.append(item)
        elif isinstance(item, str):
            ids.extend(env[model].sudo()._search([(name_field, "ilike", item)]))
    return ids


def _view_locations(env: Any, warehouse_ids: list[int] | None) -> list[int]:
    sql = 'SELECT view_location_id FROM "stock_warehouse" WHERE active = 1'
    params: list[Any] = []
    if warehouse_ids is not None:
        if not warehouse_ids:
            return []
        sql += f" AND id IN ({','.join('?' * len(warehouse_ids))})"
        params = list(warehouse_ids)
    return [r[0] for r in env.cr.execute(sql, params) if r[0]]


def quantities(env: Any, product_ids: list[int]) -> dict[int, dict[str, float]]:
    """qty_available, free_qty, incoming_qty, outgoing_qty, virtual_available per product."""
    out = {
        pid: {
            "qty_available": 0.0,
            "free_qty": 0.0,
            "incoming_qty": 0.0,
            "outgoing_qty": 0.0,
            "virtual_available": 0.0,
        }
        for pid in product_ids
    }
    if not product_ids:
        return out
    locations = scoped_locations(env)
    if not locations:
        return out
    cr = env.cr
    cr.execute("CREATE TEMP TABLE IF NOT EXISTS _scope_loc (id INTEGER PRIMARY KEY)")
    cr.execute("DELETE FROM _scope_loc")
    cr.executemany("INSERT OR IGNORE INTO _scope_loc (id) VALUES (?)", [(i,) for i in locations])
    for chunk in chunks(list(product_ids)):
        marks = ",".join("?" * len(chunk))
        for pid, qty, reserved in cr.execute(
            f'SELECT product_id, SUM(quantity), SUM(reserved_quantity) FROM "stock_quant" '
            f"WHERE product_id IN ({marks}) AND location_id IN (SELECT id FROM _scope_loc) "
            f"GROUP BY product_id",
            chunk,
        ):
            out[pid]["qty_available"] = round(qty or 0.0, 4)
            out[pid]["free_qty"] = round((qty or 0.0) - (reserved or 0.0), 4)
        states = ",".join(f"'{s}'" for s in MOVE_OPEN_STATES)
        for pid, incoming, outgoing in cr.execute(
            f"SELECT product_id, "
            f"SUM(CASE WHEN location_dest_id IN (SELECT id FROM _scope_loc) AND location_id NOT "
            f"IN (SELECT id FROM _scope_loc) THEN product_qty ELSE 0 END), "
            f"SUM(CASE WHEN location_id IN (SELECT id FROM _scope_loc) AND location_dest_id NOT "
            f"IN (SELECT id FROM _scope_loc) THEN product_qty ELSE 0 END) "
            f'FROM "stock_move" WHERE product_id IN ({marks}) AND state IN ({states}) '
            f"GROUP BY product_id",
            chunk,
        ):
            out[pid]["incoming_qty"] = round(incoming or 0.0, 4)
            out[pid]["outgoing_qty"] = round(outgoing or 0.0, 4)
    for values in out.values():
        values["virtual_available"] = round(
            values["qty_available"] + values["incoming_qty"] - values["outgoing_qty"], 4
        )
    return out


_QTY_FIELDS = ("qty_available", "virtual_available", "free_qty", "incoming_qty", "outgoing_qty")
_QTY_LABELS = {
    "qty_available": "Quantity On Hand",
    "virtual_available": "Forecasted Quantity",
    "free_qty": "Free To Use Quantity ",
    "incoming_qty": "Incoming",
    "outgoing_qty": "Outgoing",
}


def _qty_field(name: str) -> F.Float:
    return F.Float(
        _QTY_LABELS[name], compute="_compute_" + name, search="_search_" + name, digits=(16, 2)
    )


def bump_stock(env: Any) -> None:
    """Quantities changed: forget the quantities computed earlier in this transaction."""
    env.state["stock_generation"] = env.state.get("stock_generation", 0) + 1


class _QuantityMixin(BaseModel):
    """Shared by product.product and product.template (sums over variants)."""

    qty_available = _qty_field("qty_available")
    virtual_available = _qty_field("virtual_available")
    free_qty = _qty_field("free_qty")
    incoming_qty = _qty_field("incoming_qty")
    outgoing_qty = _qty_field("outgoing_qty")

    def _variant_map(self) -> dict[int, list[int]]:
        raise NotImplementedError

    def _quantities_by_id(self) -> dict[int, dict[str, float]]:
        """All five quantities of these records, computed once per read."""
        context = repr(sorted(self.env.context.items(), key=lambda kv: kv[0]))
        key = (self._name, tuple(self._ids), context, self.env.state.get("stock_generation", 0))
        cache = self.env.state.setdefault("qty_cache", {})
        if key not in cache:
            variant_map = self._variant_map()
            qtys = quantities(self.env, [v for vs in variant_map.values() for v in vs])
            cache.clear()
            cache[key] = {
                rid: {f: round(sum(qtys[v][f] for v in vs), 4) for f in _QTY_FIELDS}
                for rid, vs in variant_map.items()
            }
        return cache[key]  # type: ignore[no-any-return]

    def _qty(self, name: str) -> dict[int, Any]:
        values = self._quantities_by_id()
        return {i: values.get(i, {}).get(name, 0.0) for i in self._ids}

    def _compute_qty_available(self) -> dict[int, Any]:
        return self._qty("qty_available")

    def _compute_virtual_available(self) -> dict[int, Any]:
        return self._qty("virtual_available")

    def _compute_free_qty(self) -> dict[int, Any]:
        return self._qty("free_qty")

    def _compute_incoming_qty(self) -> dict[int, Any]:
        return self._qty("incoming_qty")

    def _compute_outgoing_qty(self) -> dict[int, Any]:
        return self._qty("outgoing_qty")

    def _search_qty(self, name: str, operator: str, value: Any) -> list[Any]:
        import operator as op

        ops = {"<": op.lt, ">": op.gt, "<=": op.le, ">=": op.ge, "=": op.eq, "!=": op.ne}
        if operator not in ops:
            raise UserError(f"Invalid domain operator {operator}")
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise UserError(f"Invalid domain right operand {value}")
        ids = self._search([])
        values = self.browse(ids)._qty(name)
        return [("id", "in", [i for i in ids if ops[operator](values[i], value)])]

    def _search_qty_available(self, operator: str, value: Any) -> list[Any]:
        return self._search_qty("qty_available", operator, value)

    def _search_virtual_available(self, operator: str, value: Any) -> list[Any]:
        return self._search_qty("virtual_available", operator, value)

    def _search_free_qty(self, operator: str, value: Any) -> list[Any]:
        return self._search_qty("free_qty", operator, value)

    def _search_incoming_qty(self, operator: str, value: Any) -> list[Any]:
        return self._search_qty("incoming_qty", operator, value)

    def _search_outgoing_qty(self, operator: str, value: Any) -> list[Any]:
        return self._search_qty("outgoing_qty", operator, value)


class ProductProductStock(_QuantityMixin):
    _inherit = "product.product"

    def _variant_map(self) -> dict[int, list[int]]:
        return {i: [i] for i in self._ids}


class ProductTemplateStock(_QuantityMixin):
    _inherit = "product.template"

    is_storable = F.Boolean("Track Inventory", default=False, versions=V18_19)
    tracking = F.SelectionField(
        [("serial", "By Unique Serial Number"), ("lot", "By Lots"), ("none", "By Quantity")],
        "Tracking",
        required=True,
        default="none",
    )
    sale_delay = F.Float("Customer Lead Time", default=0.0)

    def _variant_map(self) -> dict[int, list[int]]:
        return self._variants_by_template()  # type: ignore[attr-defined,no-any-return]


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


MODELS: list[type[BaseModel]] = [
    StockLocation,
    StockWarehouse,
    StockPickingType,
    StockRoute,
    StockQuant,
    ProductTemplateStock,
    ProductProductStock,
]
