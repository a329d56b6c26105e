"""Odoo's product attributes: ``product.attribute``, ``product.attribute.value``, the
template attribute lines and the template attribute values variants combine.
"""

from __future__ import annotations

from typing import Any

from ..orm import fields as F
from ..orm.models import BaseModel
from .base import V18_19


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


MODELS: list[type[BaseModel]] = [
    ProductAttribute,
    ProductAttributeValue,
    ProductTemplateAttributeLine,
    ProductTemplateAttributeValue,
]
