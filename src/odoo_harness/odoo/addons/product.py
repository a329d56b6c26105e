"""Odoo's ``product`` module: categories, templates, variants and attributes.

A ``product.product`` is a variant of a ``product.template`` (Odoo's ``_inherits``): every
template field reads through the variant, and writing one on a variant writes the template.
Variants are the combinations of the template's attribute lines (``_create_variant_ids``),
named as Odoo names them: ``[CODE] Template (Red, S)``.
"""

from __future__ import annotations

import itertools
from typing import Any

from ..exceptions import ValidationError
from ..orm import fields as F
from ..orm.models import BaseModel, rpc
from .account import default_purchase_taxes, default_sale_taxes
from .base import V17, V17_18, V18_19


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
    product_count = F.Integer("# Products", compute="_compute_product_count")

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

    def _compute_product_count(self) -> dict[int, Any]:
        out = {}
        for cid in self._ids:
            ids = self.env["product.category"]._search([("id", "child_of", cid)])
            marks = ",".join("?" * len(ids))
            out[cid] = self._sql(
                f'SELECT COUNT(*) FROM "product_template" WHERE categ_id IN ({marks})', ids
            )[0][0]
        return out


def _product_types(model: BaseModel) -> list[tuple[str, str]]:
    if model.env.profile.major >= 18:
        return [("consu", "Goods"), ("service", "Service"), ("combo", "Combo")]
    return [("consu", "Consumable"), ("service", "Service"), ("product", "Storable Product")]


def _default_category(model: BaseModel) -> int | None:
    return model.env.xmlid_id("product.product_category_all")


def _unit(model: BaseModel) -> int | None:
    return model.env.xmlid_id("uom.product_uom_unit")


class ProductTemplate(BaseModel):
    _name = "product.template"
    _description = "Product"
    _order = "priority desc, name"
    _has_record_rules = True

    name = F.Char("Name", required=True, index=True, translate=True)
    sequence = F.Integer("Sequence", default=1)
    description = F.Html("Description", translate=True)
    description_sale = F.Text("Sales Description", translate=True)
    description_purchase = F.Text("Purchase Description", translate=True)
    type = F.SelectionField(
        _product_types,
        {"17.0": "Type", None: "Product Type"},
        default="consu",
        required=True,
    )
    detailed_type = F.SelectionField(
        _product_types, "Product Type", default="consu", required=True, versions=V17
    )
    priority = F.SelectionField([("0", "Normal"), ("1", "Favorite")], "Favorite", default="0")
    categ_id = F.Many2one(
        "product.category",
        "Product Category",
        required=("17.0", "18.0"),
        default=_default_category,
    )
    list_price = F.Float("Sales Price", default=1.0, digits=(16, 2))
    standard_price = F.Float("Cost", digits=(16, 2), default=0.0)
    sale_ok = F.Boolean("Can be Sold", default=True)
    purchase_ok = F.Boolean("Can be Purchased", default=True)
    uom_id = F.Many2one("uom.uom", "Unit of Measure", required=True, default=_unit)
    uom_po_id = F.Many2one(
        "uom.uom", "Purchase Unit", required=True, versions=V17_18, default=_unit
    )
    uom_name = F.Char("Unit of Measure Name", related="uom_id.name")
    company_id = F.Many2one("res.company", "Company", index=True)
    active = F.Boolean("Active", default=True)
    color = F.Integer("Color Index")
    product_variant_ids = F.One2many("product.product", "product_tmpl_id", "Products")
    product_variant_id = F.Many2one(
        "product.product", "Product", compute="_compute_product_variant_id"
    )
    product_variant_count = F.Integer("# Product Variants", compute="_compute_variant_count")
    attribute_line_ids = F.One2many(
        "product.template.attribute.line", "product_tmpl_id", "Product Attributes", copy=True
    )
    default_code = F.Char(
        "Internal Reference",
        compute="_compute_default_code",
        search="_search_default_code",
        inverse="_inverse_default_code",
    )
    barcode = F.Char(
        "Barcode", compute="_compute_barcode", search="_search_barcode", inverse="_inverse_barcode"
    )
    weight = F.Float("Weight")
    volume = F.Float("Volume")
    taxes_id = F.Many2many(
        "account.tax",
        "product_taxes_rel",
        "prod_id",
        "tax_id",
        "Sales Taxes",
        default=default_sale_taxes,
    )
    supplier_taxes_id = F.Many2many(
        "account.tax",
        "product_supplier_taxes_rel",
        "prod_id",
        "tax_id",
        "Purchase Taxes",
        default=default_purchase_taxes,
    )

    _variant_own_fields = ("default_code", "barcode")

    # -- computes ---------------------------------------------------------------------
    def _variants_by_template(self, active_only: bool = True) -> dict[int, list[int]]:
        ids = list(self._ids)
        out: dict[int, list[int]] = {i: [] for i in ids}
        if not ids:
            return out
        marks = ",".join("?" * len(ids))
        where = " AND active = 1" if active_only else ""
        for tmpl, pid in self._sql(
            f'SELECT product_tmpl_id, id FROM "product_product" WHERE product_tmpl_id IN '
            f"({marks}){where} ORDER BY id",
            ids,
        ):
            out[tmpl].append(pid)
        return out

    def _compute_product_variant_id(self) -> dict[int, Any]:
        return {t: (v[0] if v else False) for t, v in self._variants_by_template().items()}

    def _compute_variant_count(self) -> dict[int, Any]:
        return {t: len(v) for t, v in self._variants_by_template().items()}

    def _single_variant_column(self, column: str) -> dict[int, Any]:
        out: dict[int, Any] = {}
        for tmpl, variants in self._variants_by_template().items():
            if len(variants) == 1:
                row = self._sql(
                    f'SELECT "{column}" FROM "product_product" WHERE id = ?', (variants[0],)
                )
                out[tmpl] = row[0][0] if row and row[0][0] else False
            else:
                out[tmpl] = False
        return out

    def _compute_default_code(self) -> dict[int, Any]:
        return self._single_variant_column("default_code")

    def _compute_barcode(self) -> dict[int, Any]:
        return self._single_variant_column("barcode")

    def _search_default_code(self, operator: str, value: Any) -> list[Any]:
        return [("product_variant_ids.default_code", operator, value)]

    def _search_barcode(self, operator: str, value: Any) -> list[Any]:
        return [("product_variant_ids.barcode", operator, value)]

    def _inverse_default_code(self) -> None:  # writes go through write()
        pass

    def _inverse_barcode(self) -> None:
        pass

    def _compute_display_name(self) -> dict[int, Any]:
        names = super()._compute_display_name()
        codes = self._single_variant_column("default_code")
        return {i: f"[{codes[i]}] {n}" if codes.get(i) else n for i, n in names.items()}

    # -- CRUD -------------------------------------------------------------------------
    def _prepare_type_vals(self, vals: dict[str, Any]) -> dict[str, Any]:
        """17: ``type`` and ``detailed_type`` mirror each other."""
        if self.env.profile.major < 18:
            if "detailed_type" in vals and "type" not in vals:
                vals["type"] = vals["detailed_type"]
            elif "type" in vals and "detailed_type" not in vals:
                vals["detailed_type"] = vals["type"]
        return vals

    @rpc(create=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        own = [
            self._prepare_type_vals(
                {k: v for k, v in vals.items() if k not in self._variant_own_fields}
            )
            for vals in vals_list
        ]
        templates = super().create(own)
        if self.env.context.get("create_product_product", True):
            for template, vals in zip(templates, vals_list, strict=True):
                template._create_variant_ids(
                    {k: vals[k] for k in self._variant_own_fields if vals.get(k)}
                )
        return templates

    @rpc
    def write(self, vals: dict[str, Any]) -> bool:
        vals = self._prepare_type_vals(dict(vals))
        variant_vals = {k: vals.pop(k) for k in self._variant_own_fields if k in vals}
        result = super().write(vals)
        if variant_vals:
            for variants in self._variants_by_template().values():
                if len(variants) == 1:
                    self.env["product.product"].browse(variants).write(variant_vals)
        if "active" in vals:
            variants = [
                v for vs in self._variants_by_template(active_only=False).values() for v in vs
            ]
            if variants:
                self.env["product.product"].browse(variants).write({"active": vals["active"]})
        if "attribute_line_ids" in vals:
            for template in self:
                template._create_variant_ids({})
        return result

    def _unlink_cascade(self) -> None:
        super()._unlink_cascade()

    # -- variants ---------------------------------------------------------------------
    def _combinations(self) -> list[tuple[int, ...]]:
        """The ptav ids of each variant the attribute lines ask for, first line outermost."""
        lines = self._sql(
            'SELECT l.id FROM "product_template_attribute_line" l JOIN "product_attribute" a '
            "ON a.id = l.attribute_id WHERE l.product_tmpl_id = ? AND a.create_variant = 'always' "
            "ORDER BY l.sequence, l.id",
            (self.id,),
        )
        per_line = []
        for (line_id,) in lines:
            ptavs = [
                r[0]
                for r in self._sql(
                    'SELECT v.id FROM "product_template_attribute_value" v JOIN '
                    '"product_attribute_value" pav ON pav.id = v.product_attribute_value_id '
                    "WHERE v.attribute_line_id = ? AND v.ptav_active = 1 "
                    "ORDER BY pav.sequence, pav.id",
                    (line_id,),
                )
            ]
            if ptavs:
                per_line.append(ptavs)
        return [tuple(c) for c in itertools.product(*per_line)]

    def _create_variant_ids(self, first_vals: dict[str, Any]) -> None:
        self.ensure_one()
        self.env["product.template.attribute.line"].browse(
            [
                r[0]
                for r in self._sql(
                    'SELECT id FROM "product_template_attribute_line" WHERE product_tmpl_id = ?',
                    (self.id,),
                )
            ]
        )._sync_values()
        wanted = self._combinations()
        variants = self.env["product.product"].sudo().with_context(create_product_product=False)
        existing: dict[frozenset[int], int] = {}
        for (pid,) in self._sql(
            'SELECT id FROM "product_product" WHERE product_tmpl_id = ? ORDER BY id', (self.id,)
        ):
            combo = frozenset(
                r[0]
                for r in self._sql(
                    'SELECT product_template_attribute_value_id FROM "product_variant_combination"'
                    " WHERE product_product_id = ?",
                    (pid,),
                )
            )
            existing.setdefault(combo, pid)
        keep: set[int] = set()
        for index, combo in enumerate(wanted):
            key = frozenset(combo)
            if key in existing:
                keep.add(existing[key])
                continue
            vals: dict[str, Any] = {
                "product_tmpl_id": self.id,
                "product_template_attribute_value_ids": [(6, 0, list(combo))],
            }
            if index == 0:
                vals.update(first_vals)
            keep.add(BaseModel.create(variants, vals).id)
        obsolete = [pid for pid in existing.values() if pid not in keep]
        if obsolete:
            self.env["product.product"].sudo().browse(obsolete)._update({"active": 0})


class ProductAttribute(BaseModel):
    _name = "product.attribute"
    _description = "Product Attribute"
    _order = "sequence, id"

    name = F.Char("Attribute", required=True, translate=True)
    value_ids = F.One2many("product.attribute.value", "attribute_id", "Values", copy=True)
    sequence = F.Integer("Sequence", index=True, default=20)
    create_variant = F.SelectionField(
        [("always", "Instantly"), ("dynamic", "Dynamically"), ("no_variant", "Never")],
        "Variant Creation",
        default="always",
        required=True,
    )
    display_type = F.SelectionField(
        [
            ("radio", "Radio"),
            ("pills", "Pills"),
            ("select", "Select"),
            ("color", "Color"),
            ("multi", "Multi-checkbox"),
        ],
        "Display Type",
        default="radio",
        required=True,
    )
    active = F.Boolean("Active", default=True, versions=V18_19)


class ProductAttributeValue(BaseModel):
    _name = "product.attribute.value"
    _description = "Attribute Value"
    _order = "attribute_id, sequence, id"

    name = F.Char("Value", required=True, translate=True)
    sequence = F.Integer("Sequence", index=True, default=10)
    attribute_id = F.Many2one(
        "product.attribute", "Attribute", ondelete="cascade", required=True, index=True
    )
    html_color = F.Char("Color")
    is_custom = F.Boolean("Is custom value")
    default_extra_price = F.Float("Default Extra Price")


class ProductTemplateAttributeLine(BaseModel):
    _name = "product.template.attribute.line"
    _description = "Product Template Attribute Line"
    _order = "sequence, attribute_id, id"
    _rec_name = "attribute_id"

    active = F.Boolean("Active", default=True)
    product_tmpl_id = F.Many2one(
        "product.template", "Product Template", ondelete="cascade", required=True, index=True
    )
    sequence = F.Integer("Sequence", default=10)
    attribute_id = F.Many2one(
        "product.attribute", "Attribute", ondelete="restrict", required=True, index=True
    )
    value_ids = F.Many2many(
        "product.attribute.value",
        "product_attribute_value_product_template_attribute_line_rel",
        string="Values",
    )
    product_template_value_ids = F.One2many(
        "product.template.attribute.value", "attribute_line_id", "Product Attribute Values"
    )
    value_count = F.Integer("Value Count", compute="_compute_value_count")

    def _compute_value_count(self) -> dict[int, Any]:
        field = self._fields["value_ids"]
        return {
            i: self._sql(
                f'SELECT COUNT(*) FROM "{field.relation}" WHERE "{field.column1}" = ?', (i,)
            )[0][0]
            for i in self._ids
        }

    def _sync_values(self) -> None:
        """One product.template.attribute.value per selected value, as Odoo keeps them."""
        field = self._fields["value_ids"]
        ptav = self.env["product.template.attribute.value"].sudo()
        for line in self:
            row = line._read_rows(["product_tmpl_id", "attribute_id"], "_classic_write")[0]
            chosen = [
                r[0]
                for r in self._sql(
                    f'SELECT "{field.column2}" FROM "{field.relation}" WHERE "{field.column1}" = ?',
                    (line.id,),
                )
            ]
            have = dict(
                self._sql(
                    'SELECT product_attribute_value_id, id FROM "product_template_attribute_value"'
                    " WHERE attribute_line_id = ?",
                    (line.id,),
                )
            )
            for value_id in chosen:
                if value_id in have:
                    ptav.browse(have[value_id])._update({"ptav_active": 1})
                else:
                    ptav.create(
                        {
                            "product_attribute_value_id": value_id,
                            "attribute_line_id": line.id,
                            "product_tmpl_id": row["product_tmpl_id"],
                            "attribute_id": row["attribute_id"],
                        }
                    )
            gone = [pid for vid, pid in have.items() if vid not in chosen]
            if gone:
                ptav.browse(gone)._update({"ptav_active": 0})


class ProductTemplateAttributeValue(BaseModel):
    _name = "product.template.attribute.value"
    _description = "Product Template Attribute Value"
    _order = "attribute_line_id, product_attribute_value_id, id"

    ptav_active = F.Boolean("Active", default=True)
    name = F.Char("Value", related="product_attribute_value_id.name")
    product_attribute_value_id = F.Many2one(
        "product.attribute.value",
        "Attribute Value",
        required=True,
        ondelete="cascade",
        index=True,
    )
    attribute_line_id = F.Many2one(
        "product.template.attribute.line",
        "Attribute Line",
        required=True,
        ondelete="cascade",
        index=True,
    )
    price_extra = F.Float("Extra Price", default=0.0)
    product_tmpl_id = F.Many2one("product.template", "Product Template", index=True)
    attribute_id = F.Many2one("product.attribute", "Attribute", index=True)

    def _compute_display_name(self) -> dict[int, Any]:
        ids = list(self._ids)
        marks = ",".join("?" * len(ids))
        rows = self._sql(
            f'SELECT v.id, a.name, pav.name FROM "product_template_attribute_value" v '
            f'JOIN "product_attribute" a ON a.id = v.attribute_id '
            f'JOIN "product_attribute_value" pav ON pav.id = v.product_attribute_value_id '
            f"WHERE v.id IN ({marks})",
            ids,
        )
        return {i: f"{a}: {v}" for i, a, v in rows}


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
    product_template_attribute_value_ids = F.Many2many(
        "product.template.attribute.value",
        "product_variant_combination",
        "product_product_id",
        "product_template_attribute_value_id",
        "Attribute Values",
    )
    combination_indices = F.Char(
        "Combination Indices",
        compute="_compute_combination_indices",
        store=True,
        depends=("product_template_attribute_value_ids",),
    )
    price_extra = F.Float("Variant Price Extra", compute="_compute_price_extra")
    lst_price = F.Float(
        "Sales Price", compute="_compute_lst_price", inverse="_inverse_lst_price", digits=(16, 2)
    )

    @classmethod
    def _setup_class(cls, registry: Any) -> None:
        """Odoo's ``_inherits``: every template field the variant lacks reads through it."""
        super()._setup_class(registry)
        template = registry.models.get("product.template")
        if template is None:
            return
        from ..orm.registry import copy_field

        skip = {"id", "display_name", "create_uid", "create_date", "write_uid", "write_date"}
        for name, tfield in template._fields.items():
            if name in cls._fields or name in skip:
                continue
            field = copy_field(tfield)
            field.related = f"product_tmpl_id.{name}"
            field.model_name = cls._name
            field.store = False
            field.compute = None
            field.search = None
            field.extra = {k: v for k, v in field.extra.items() if k != "inverse"}
            cls._fields[name] = field
        cls._template_fields = frozenset(
            n
            for n, f in cls._fields.items()
            if f.related and f.related.startswith("product_tmpl_id.")
        ) - {"uom_name"}

    _template_fields: frozenset[str] = frozenset()

    def _compute_combination_indices(self) -> dict[int, Any]:
        out = {}
        for pid in self._ids:
            ids = sorted(
                r[0]
                for r in self._sql(
                    'SELECT product_template_attribute_value_id FROM "product_variant_combination"'
                    " WHERE product_product_id = ?",
                    (pid,),
                )
            )
            out[pid] = ",".join(map(str, ids))
        return out

    def _compute_price_extra(self) -> dict[int, Any]:
        out = {i: 0.0 for i in self._ids}
        if not self._ids:
            return out
        marks = ",".join("?" * len(self._ids))
        for pid, extra in self._sql(
            f'SELECT c.product_product_id, SUM(v.price_extra) FROM "product_variant_combination" c '
            f'JOIN "product_template_attribute_value" v ON v.id = '
            f"c.product_template_attribute_value_id WHERE c.product_product_id IN ({marks}) "
            f"GROUP BY c.product_product_id",
            list(self._ids),
        ):
            out[pid] = extra or 0.0
        return out

    def _compute_lst_price(self) -> dict[int, Any]:
        extras = self._compute_price_extra()
        prices = self._template_values(["list_price"])
        return {
            i: round(prices.get(i, {}).get("list_price", 0.0) + extras[i], 2) for i in self._ids
        }

    def _inverse_lst_price(self) -> None:
        pass

    def _template_values(self, columns: list[str]) -> dict[int, dict[str, Any]]:
        ids = list(self._ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        cols = ", ".join(f't."{c}"' for c in columns)
        rows = self._sql(
            f'SELECT p.id, {cols} FROM "product_product" p JOIN "product_template" t '
            f"ON t.id = p.product_tmpl_id WHERE p.id IN ({marks})",
            ids,
        )
        return {r[0]: dict(zip(columns, r[1:], strict=True)) for r in rows}

    def _variant_suffixes(self) -> dict[int, str]:
        ids = list(self._ids)
        out: dict[int, list[str]] = {i: [] for i in ids}
        marks = ",".join("?" * len(ids))
        for pid, name in self._sql(
            f'SELECT c.product_product_id, pav.name FROM "product_variant_combination" c '
            f'JOIN "product_template_attribute_value" v ON v.id = '
            f"c.product_template_attribute_value_id "
            f'JOIN "product_template_attribute_line" l ON l.id = v.attribute_line_id '
            f'JOIN "product_attribute_value" pav ON pav.id = v.product_attribute_value_id '
            f"WHERE c.product_product_id IN ({marks}) ORDER BY l.sequence, l.id",
            ids,
        ):
            out[pid].append(name)
        return {i: f" ({', '.join(v)})" if v else "" for i, v in out.items()}

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
        suffixes = self._variant_suffixes()
        out = {}
        for pid, code, name in rows:
            label = f"{name or ''}{suffixes.get(pid, '')}"
            out[pid] = f"[{code}] {label}" if code else label
        return out

    def _split_vals(self, vals: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        vals = dict(vals)
        if "lst_price" in vals:
            vals.setdefault("list_price", vals.pop("lst_price"))
        tmpl_vals = {k: vals.pop(k) for k in list(vals) if k in self._template_fields}
        return vals, tmpl_vals

    @rpc(create=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        created = []
        for vals in vals_list:
            own, tmpl_vals = self._split_vals(vals)
            if not own.get("product_tmpl_id"):
                template = (
                    self.env["product.template"]
                    .with_context(create_product_product=False)
                    .create(tmpl_vals)
                )
                own["product_tmpl_id"] = template.id
            created.append(BaseModel.create(self, own).id)
        records = self.browse(created)
        records._check_barcode_unique()
        return records

    @rpc
    def write(self, vals: dict[str, Any]) -> bool:
        own, tmpl_vals = self._split_vals(vals)
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


def seed_data(env: Any, masterdata: dict[str, Any]) -> None:
    """Variants of the master data (the delivery product) get their template: the recorded
    values are the template's (name, type, price), kept under the variant's id."""
    templates = env["product.template"].sudo()
    for record in masterdata["records"].values():
        if record["model"] != "product.product":
            continue
        row = env.cr.execute(
            'SELECT product_tmpl_id FROM "product_product" WHERE id = ?', (record["id"],)
        ).fetchone()
        if row is None or row[0]:
            continue
        values = {
            k: v
            for k, v in record["values"].items()
            if k in templates._fields and k not in ("id", "default_code", "barcode")
        }
        if env.profile.major < 18 and values.get("type"):
            values.setdefault("detailed_type", values["type"])
        template = templates.with_context(create_product_product=False).create(values)
        env.cr.execute(
            'UPDATE "product_product" SET product_tmpl_id = ? WHERE id = ?',
            (template.id, record["id"]),
        )


MODELS: list[type[BaseModel]] = [
    ProductCategory,
    ProductTemplate,
    ProductAttribute,
    ProductAttributeValue,
    ProductTemplateAttributeLine,
    ProductTemplateAttributeValue,
    ProductProduct,
]
