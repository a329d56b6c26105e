"""Odoo's ``product.template``: the product type field of each version (17: ``type`` and
``detailed_type``; 18+: ``type`` 'consu' with ``is_storable`` from ``stock``), prices,
units, taxes, and the variants it generates from its attribute lines.
"""

from __future__ import annotations

import itertools
from typing import Any

from ..orm import fields as F
from ..orm.models import BaseModel, rpc
from .account import default_purchase_taxes, default_sale_taxes
from .base import V17, V17_18


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


MODELS: list[type[BaseModel]] = [ProductTemplate]
