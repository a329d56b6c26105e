"""Business models (product, uom, stock, sale, crm, delivery, mail) at the depth the
foundation needs: their master data seeds, and the fields the protocol/ORM cases touch.

Their business behaviour (confirming orders, reserving stock, chatter...) belongs to the
business-models work; keep field names and labels Odoo's so it can grow here.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import UserError, ValidationError
from ..orm import fields as F
from ..orm.models import BaseModel, rpc
from .base import V17, V18_19, _current_user, _default_company


def _main_company(model: BaseModel) -> int | None:
    return _default_company(model)


class UomCategory(BaseModel):
    _name = "uom.category"
    _description = "Product UoM Categories"
    _order = "name"

    name = F.Char("Unit of Measure Category", required=True, translate=True)


class UomUom(BaseModel):
    _name = "uom.uom"
    _description = "Product Unit of Measure"
    _order = "factor DESC, id"

    name = F.Char("Unit of Measure", required=True, translate=True)
    category_id = F.Many2one("uom.category", "Category", ondelete="restrict")
    factor = F.Float("Ratio", default=1.0, required=True)
    rounding = F.Float("Rounding Precision", default=0.01, required=True)
    active = F.Boolean("Active", default=True)
    uom_type = F.SelectionField(
        [
            ("bigger", "Bigger than the reference Unit of Measure"),
            ("reference", "Reference Unit of Measure for this category"),
            ("smaller", "Smaller than the reference Unit of Measure"),
        ],
        "Type",
        default="reference",
        required=True,
    )


class ProductCategory(BaseModel):
    _name = "product.category"
    _description = "Product Category"
    _order = "complete_name"
    _rec_name = "complete_name"

    name = F.Char("Name", required=True, index=True)
    complete_name = F.Char(
        "Complete Name", compute="_compute_complete_name", store=True, depends=("name", "parent_id")
    )
    parent_id = F.Many2one("product.category", "Parent Category", index=True, ondelete="cascade")
    child_id = F.One2many("product.category", "parent_id", "Child Categories")

    def _compute_complete_name(self) -> dict[int, Any]:
        out = {}
        for record_id in self._ids:
            names, current, seen = [], record_id, set()
            while current and current not in seen:
                seen.add(current)
                row = self._sql(
                    'SELECT name, parent_id FROM "product_category" WHERE id = ?', (current,)
                )
                if not row:
                    break
                names.append(row[0][0] or "")
                current = row[0][1]
            out[record_id] = " / ".join(reversed(names))
        return out


def _product_types(model: BaseModel) -> list[tuple[str, str]]:
    if model.env.profile.major >= 18:
        return [("consu", "Goods"), ("service", "Service"), ("combo", "Combo")]
    return [("consu", "Consumable"), ("service", "Service"), ("product", "Storable Product")]


class ProductTemplate(BaseModel):
    _name = "product.template"
    _description = "Product"
    _order = "priority desc, name"
    _has_record_rules = True

    name = F.Char("Name", required=True, index=True, translate=True)
    sequence = F.Integer("Sequence", default=1)
    description = F.Html("Description", translate=True)
    type = F.SelectionField(_product_types, "Product Type", default="consu", required=True)
    detailed_type = F.SelectionField(
        _product_types, "Product Type", default="consu", required=True, versions=V17
    )
    is_storable = F.Boolean("Track Inventory", default=False, versions=V18_19)
    priority = F.SelectionField([("0", "Normal"), ("1", "Favorite")], "Favorite", default="0")
    categ_id = F.Many2one(
        "product.category",
        "Product Category",
        required=("17.0", "18.0"),
        default=lambda self: self.env.xmlid_id("product.product_category_all"),
    )
    list_price = F.Float("Sales Price", default=1.0, digits=(16, 2))
    standard_price = F.Float("Cost", compute="_compute_standard_price")
    sale_ok = F.Boolean("Can be Sold", default=True)
    purchase_ok = F.Boolean("Can be Purchased", default=True)
    uom_id = F.Many2one(
        "uom.uom",
        "Unit of Measure",
        required=True,
        default=lambda self: self.env.xmlid_id("uom.product_uom_unit"),
    )
    uom_po_id = F.Many2one(
        "uom.uom",
        "Purchase Unit",
        required=True,
        versions=("17.0", "18.0"),
        default=lambda self: self.env.xmlid_id("uom.product_uom_unit"),
    )
    company_id = F.Many2one("res.company", "Company", index=True)
    active = F.Boolean("Active", default=True)
    product_variant_ids = F.One2many("product.product", "product_tmpl_id", "Products")
    product_variant_id = F.Many2one(
        "product.product", "Product", compute="_compute_product_variant_id"
    )
    default_code = F.Char("Internal Reference", compute="_compute_default_code")
    barcode = F.Char("Barcode", compute="_compute_barcode")
    weight = F.Float("Weight")
    volume = F.Float("Volume")

    def _compute_standard_price(self) -> dict[int, Any]:
        return {i: 0.0 for i in self._ids}

    def _first_variants(self) -> dict[int, int]:
        ids = list(self._ids)
        marks = ",".join("?" * len(ids))
        rows = self._sql(
            f'SELECT product_tmpl_id, MIN(id) FROM "product_product" WHERE product_tmpl_id IN '
            f"({marks}) AND active = 1 GROUP BY product_tmpl_id",
            ids,
        )
        return dict(rows)

    def _compute_product_variant_id(self) -> dict[int, Any]:
        return self._first_variants()

    def _variant_column(self, column: str) -> dict[int, Any]:
        variants = self._first_variants()
        out = {}
        for tmpl, pid in variants.items():
            row = self._sql(f'SELECT "{column}" FROM "product_product" WHERE id = ?', (pid,))
            out[tmpl] = row[0][0] if row else False
        return out

    def _compute_default_code(self) -> dict[int, Any]:
        return self._variant_column("default_code")

    def _compute_barcode(self) -> dict[int, Any]:
        return self._variant_column("barcode")

    @rpc(create=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        templates = super().create(
            [
                {k: v for k, v in vals.items() if k not in ("default_code", "barcode")}
                for vals in vals_list
            ]
        )
        if not self.env.context.get("create_product_product", True):
            return templates
        for template, vals in zip(templates, vals_list, strict=True):
            self.env["product.product"].sudo().with_context(
                create_product_product=False
            )._create_variant(template.id, vals)
        return templates


class ProductProduct(BaseModel):
    _name = "product.product"
    _description = "Product Variant"
    _order = "default_code, name, id"
    _rec_names_search = ["default_code", "product_tmpl_id"]

    product_tmpl_id = F.Many2one(
        "product.template", "Product Template", required=True, index=True, ondelete="cascade"
    )
    default_code = F.Char("Internal Reference", index=True)
    barcode = F.Char("Barcode", copy=False, index=True)
    active = F.Boolean("Active", default=True)
    name = F.Char("Name", related="product_tmpl_id.name")
    list_price = F.Float("Sales Price", related="product_tmpl_id.list_price")
    type = F.SelectionField(_product_types, "Product Type", related="product_tmpl_id.type")
    uom_id = F.Many2one("uom.uom", "Unit of Measure", related="product_tmpl_id.uom_id")
    categ_id = F.Many2one(
        "product.category", "Product Category", related="product_tmpl_id.categ_id"
    )

    _template_fields = (
        "name",
        "list_price",
        "type",
        "detailed_type",
        "is_storable",
        "categ_id",
        "uom_id",
        "sale_ok",
        "purchase_ok",
        "company_id",
        "description",
        "weight",
        "volume",
        "standard_price",
        "priority",
        "sequence",
    )

    def _compute_display_name(self) -> dict[int, Any]:
        ids = list(self._ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._sql(
            f'SELECT p.id, p.default_code, t.name FROM "product_product" p '
            f'JOIN "product_template" t ON t.id = p.product_tmpl_id WHERE p.id IN ({marks})',
            ids,
        )
        return {pid: f"[{code}] {name}" if code else (name or "") for pid, code, name in rows}

    def _create_variant(self, template_id: int, vals: dict[str, Any]) -> BaseModel:
        own = {k: v for k, v in vals.items() if k in ("default_code", "barcode", "active")}
        own["product_tmpl_id"] = template_id
        return BaseModel.create(self, own)

    @rpc(create=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        created = []
        for vals in vals_list:
            vals = dict(vals)
            if not vals.get("product_tmpl_id"):
                tmpl_vals = {k: vals.pop(k) for k in list(vals) if k in self._template_fields}
                template = (
                    self.env["product.template"]
                    .with_context(create_product_product=False)
                    .create(tmpl_vals)
                )
                vals["product_tmpl_id"] = template.id
            else:
                for key in self._template_fields:
                    vals.pop(key, None)
            created.append(BaseModel.create(self, vals).id)
        records = self.browse(created)
        records._check_barcode_unique()
        return records

    @rpc
    def write(self, vals: dict[str, Any]) -> bool:
        tmpl_vals = {k: vals[k] for k in vals if k in self._template_fields}
        own = {k: v for k, v in vals.items() if k not in self._template_fields}
        result = super().write(own)
        if tmpl_vals:
            tmpl_ids = {
                r["product_tmpl_id"] for r in self._read_rows(["product_tmpl_id"], "_classic_write")
            }
            self.env["product.template"].browse(sorted(tmpl_ids)).write(tmpl_vals)
        if "barcode" in own:
            self._check_barcode_unique()
        return result

    def _check_barcode_unique(self) -> None:
        rows = self._read_rows(["barcode"], "_classic_write")
        for barcode in {r["barcode"] for r in rows if r["barcode"]}:
            same = [
                r[0]
                for r in self._sql(
                    'SELECT id FROM "product_product" WHERE barcode = ? AND active = 1 ORDER BY id',
                    (barcode,),
                )
            ]
            if len(same) > 1:
                names = self.browse(same)._plain_names()
                listed = _join_names(self, names)
                raise ValidationError(
                    f'Barcode(s) already assigned:\n\n- Barcode "{barcode}" already assigned to '
                    f"product(s): {listed}\n\nNote: products that you don't have access to will "
                    "not be shown above."
                )

    def _plain_names(self) -> list[str]:
        ids = list(self._ids)
        marks = ",".join("?" * len(ids))
        rows = dict(
            self._sql(
                f'SELECT p.id, t.name FROM "product_product" p JOIN "product_template" t '
                f"ON t.id = p.product_tmpl_id WHERE p.id IN ({marks})",
                ids,
            )
        )
        return [rows[i] for i in ids if i in rows]


def _join_names(model: BaseModel, names: list[str]) -> str:
    if model.env.profile.major >= 18 and len(names) > 1:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return ", ".join(names)


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
        depends=("name", "location_id"),
    )
    active = F.Boolean("Active", default=True)
    usage = F.SelectionField(
        [
            ("supplier", "Vendor Location"),
            ("view", "View"),
            ("internal", "Internal Location"),
            ("customer", "Customer Location"),
            ("inventory", "Inventory Loss"),
            ("production", "Production"),
            ("transit", "Transit Location"),
        ],
        "Location Type",
        default="internal",
        required=True,
    )
    location_id = F.Many2one("stock.location", "Parent Location", index=True, ondelete="cascade")
    company_id = F.Many2one("res.company", "Company", index=True)
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

    def _compute_warehouse_id(self) -> dict[int, Any]:
        return {i: False for i in self._ids}


class StockWarehouse(BaseModel):
    _name = "stock.warehouse"
    _description = "Warehouse"
    _order = "sequence,id"
    _has_record_rules = True

    name = F.Char("Warehouse", required=True)
    code = F.Char("Short Name", required=True, size=5)
    active = F.Boolean("Active", default=True)
    sequence = F.Integer("Sequence", default=10)
    company_id = F.Many2one("res.company", "Company", required=True, default=_main_company)
    partner_id = F.Many2one("res.partner", "Address")
    view_location_id = F.Many2one("stock.location", "View Location")
    lot_stock_id = F.Many2one("stock.location", "Location Stock")
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
    sequence_code = F.Char("Sequence Prefix", required=True, default="")
    default_location_src_id = F.Many2one("stock.location", "Default Source Location")
    default_location_dest_id = F.Many2one("stock.location", "Default Destination Location")
    warehouse_id = F.Many2one("stock.warehouse", "Warehouse", ondelete="cascade")
    create_backorder = F.SelectionField(
        [("ask", "Ask"), ("always", "Always"), ("never", "Never")],
        "Create Backorder",
        default="ask",
        required=True,
    )
    active = F.Boolean("Active", default=True)
    company_id = F.Many2one("res.company", "Company", default=_main_company)

    def _compute_display_name(self) -> dict[int, Any]:
        ids = list(self._ids)
        marks = ",".join("?" * len(ids))
        rows = self._sql(
            f'SELECT t.id, t.name, w.name FROM "stock_picking_type" t LEFT JOIN "stock_warehouse" w '
            f"ON w.id = t.warehouse_id WHERE t.id IN ({marks})",
            ids,
        )
        return {i: f"{w}: {n}" if w else n for i, n, w in rows}


class StockRoute(BaseModel):
    _name = "stock.route"
    _description = "Inventory Routes"
    _order = "sequence"

    name = F.Char("Route", required=True, translate=True)
    active = F.Boolean("Active", default=True)
    sequence = F.Integer("Sequence", default=0)


class CrmStage(BaseModel):
    _name = "crm.stage"
    _description = "CRM Stages"
    _order = "sequence, name, id"

    name = F.Char("Stage Name", required=True, translate=True)
    sequence = F.Integer("Sequence", default=1)
    is_won = F.Boolean("Is Won Stage?")
    fold = F.Boolean("Folded in Pipeline")
    team_id = F.Many2one("crm.team", "Sales Team", ondelete="set null")


class CrmTeam(BaseModel):
    _name = "crm.team"
    _description = "Sales Team"
    _order = "sequence ASC, create_date DESC, id DESC"

    name = F.Char("Sales Team", required=True, translate=True)
    sequence = F.Integer("Sequence", default=10)
    active = F.Boolean("Active", default=True)
    company_id = F.Many2one("res.company", "Company", index=True)
    user_id = F.Many2one("res.users", "Team Leader")
    use_leads = F.Boolean("Leads")
    use_opportunities = F.Boolean("Pipeline", default=True)


class CrmLead(BaseModel):
    _name = "crm.lead"
    _description = "Lead/Opportunity"
    _order = "priority desc, id desc"
    _has_record_rules = True

    name = F.Char("Opportunity", required=True, index=True)
    user_id = F.Many2one("res.users", "Salesperson", default=_current_user, index=True)
    team_id = F.Many2one("crm.team", "Sales Team", index=True)
    company_id = F.Many2one("res.company", "Company", index=True, default=_main_company)
    partner_id = F.Many2one("res.partner", "Customer", index=True)
    type = F.SelectionField(
        [("lead", "Lead"), ("opportunity", "Opportunity")],
        "Type",
        required=True,
        index=True,
        default="opportunity",
    )
    priority = F.SelectionField(
        [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")],
        "Priority",
        index=True,
        default="0",
    )
    stage_id = F.Many2one("crm.stage", "Stage", index=True, default=lambda self: _first_stage(self))
    active = F.Boolean("Active", default=True)
    email_from = F.Char("Email", index=True)
    phone = F.Char("Phone")
    expected_revenue = F.Monetary("Expected Revenue")
    probability = F.Float("Probability")
    date_deadline = F.Date("Expected Closing")
    date_closed = F.Datetime("Closed Date", readonly=True, copy=False)
    description = F.Html("Notes")


def _first_stage(model: BaseModel) -> int | None:
    rows = model._sql('SELECT id FROM "crm_stage" ORDER BY sequence, name, id LIMIT 1')
    return rows[0][0] if rows else None


def _sale_states(model: BaseModel) -> list[tuple[str, str]]:
    states = [("draft", "Quotation"), ("sent", "Quotation Sent"), ("sale", "Sales Order")]
    if model.env.profile.major < 18:
        states.append(("done", "Locked"))
    return [*states, ("cancel", "Cancelled")]


class SaleOrder(BaseModel):
    _name = "sale.order"
    _description = "Sales Order"
    _order = "date_order desc, id desc"
    _has_record_rules = True

    name = F.Char("Order Reference", required=True, copy=False, index=True, default="New")
    state = F.SelectionField(
        _sale_states, "Status", readonly=True, copy=False, index=True, default="draft"
    )
    date_order = F.Datetime(
        "Order Date", required=True, copy=False, default=lambda self: self.env.now_string()
    )
    partner_id = F.Many2one("res.partner", "Customer", required=True, index=True)
    partner_invoice_id = F.Many2one("res.partner", "Invoice Address")
    partner_shipping_id = F.Many2one("res.partner", "Delivery Address")
    client_order_ref = F.Char("Customer Reference", copy=False)
    origin = F.Char("Source Document")
    company_id = F.Many2one(
        "res.company", "Company", required=True, index=True, default=_main_company
    )
    user_id = F.Many2one(
        "res.users",
        "Salesperson",
        compute="_compute_user_id",
        store=True,
        depends=("partner_id",),
        readonly=False,
    )
    team_id = F.Many2one("crm.team", "Sales Team")
    order_line = F.One2many("sale.order.line", "order_id", "Order Lines", copy=True)
    amount_total = F.Monetary("Total", compute="_compute_amounts")
    picking_policy = F.SelectionField(
        [("direct", "As soon as possible"), ("one", "When all products are ready")],
        "Shipping Policy",
        required=True,
        default="direct",
    )
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
        depends=("state",),
    )
    note = F.Html("Terms and conditions")

    def _compute_user_id(self) -> dict[int, Any]:
        rows = self._read_rows(["user_id"], "_classic_write")
        return {r["id"]: r["user_id"] or self.env.uid for r in rows}

    def _compute_invoice_status(self) -> dict[int, Any]:
        return {i: "no" for i in self._ids}

    def _compute_amounts(self) -> dict[int, Any]:
        out = {i: 0.0 for i in self._ids}
        if not self._ids:
            return out
        marks = ",".join("?" * len(self._ids))
        for order_id, total in self._sql(
            f'SELECT order_id, SUM(product_uom_qty * price_unit) FROM "sale_order_line" '
            f"WHERE order_id IN ({marks}) GROUP BY order_id",
            list(self._ids),
        ):
            out[order_id] = round(total or 0.0, 2)
        return out

    @rpc(create=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        prepared = []
        for vals in vals_list:
            vals = dict(vals)
            if vals.get("name", "New") in ("New", None, False):
                vals["name"] = _next_sequence(self, "sale.order", "S", 5)
            prepared.append(vals)
        return super().create(prepared)

    def _before_unlink(self) -> None:
        rows = self._read_rows(["state"], "_classic_write")
        if any(r["state"] not in ("draft", "cancel") for r in rows):
            raise UserError(
                "You can not delete a sent quotation or a confirmed sales order. "
                "You must first cancel it."
            )


def _next_sequence(model: BaseModel, code: str, prefix: str, padding: int) -> str:
    counters = model.env.state.setdefault("sequences", None)
    del counters
    rows = model._sql(f'SELECT COUNT(*) FROM "{model._table}" WHERE name LIKE ?', (f"{prefix}%",))
    return f"{prefix}{rows[0][0] + 1:0{padding}d}"


class SaleOrderLine(BaseModel):
    _name = "sale.order.line"
    _description = "Sales Order Line"
    _order = "order_id, sequence, id"
    _has_record_rules = True

    order_id = F.Many2one(
        "sale.order", "Order Reference", required=True, ondelete="cascade", index=True
    )
    sequence = F.Integer("Sequence", default=10)
    name = F.Text("Description")
    product_id = F.Many2one("product.product", "Product", ondelete="restrict")
    product_uom_qty = F.Float("Quantity", default=1.0)
    price_unit = F.Float("Unit Price")


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
    product_id = F.Many2one(
        "product.product", "Delivery Product", required=True, ondelete="restrict"
    )
    fixed_price = F.Float("Fixed Price")
    company_id = F.Many2one("res.company", "Company")


class MailActivityType(BaseModel):
    _name = "mail.activity.type"
    _description = "Activity Type"
    _order = "sequence, id"

    name = F.Char("Name", required=True, translate=True)
    summary = F.Char("Default Summary", translate=True)
    sequence = F.Integer("Sequence", default=10)
    active = F.Boolean("Active", default=True)
    delay_count = F.Integer("Schedule")
    category = F.SelectionField(
        [
            ("default", "None"),
            ("upload_file", "Upload Document"),
            ("phonecall", "Phonecall"),
            ("meeting", "Meeting"),
        ],
        "Action",
        default="default",
    )
    res_model = F.Char("Model")


class MailMessageSubtype(BaseModel):
    _name = "mail.message.subtype"
    _description = "Message subtypes"
    _order = "sequence, id"

    name = F.Char("Message Type", required=True, translate=True)
    sequence = F.Integer("Sequence", default=1)
    internal = F.Boolean("Internal Only")
    default = F.Boolean("Default", default=True)
    res_model = F.Char("Model")


MODELS: list[type[BaseModel]] = [
    UomCategory,
    UomUom,
    ProductCategory,
    ProductTemplate,
    ProductProduct,
    StockLocation,
    StockWarehouse,
    StockPickingType,
    StockRoute,
    CrmStage,
    CrmTeam,
    CrmLead,
    SaleOrder,
    SaleOrderLine,
    DeliveryCarrier,
    MailActivityType,
    MailMessageSubtype,
]
