"""Odoo's ``uom`` module: units of measure and conversions.

``UomUom._compute_quantity`` converts as Odoo does through the reference unit. 17/18 group
units in categories and store ``factor`` as units of this uom per reference unit (a dozen is
1/12); 19 drops categories and stores ``factor`` as reference units per this uom (a dozen is
12), with ``relative_factor`` / ``relative_uom_id``.
"""

from __future__ import annotations

import math
from typing import Any

from ..exceptions import UserError
from ..orm import fields as F
from ..orm.models import BaseModel
from .base import V17_18, V19


class UomCategory(BaseModel):
    _name = "uom.category"
    # 19 has no categories; the model stays so 17/18 master data loads, unused on 19
    _description = "Product UoM Categories"
    _order = "name"

    name = F.Char("Unit of Measure Category", required=True, translate=True)


class UomUom(BaseModel):
    _name = "uom.uom"
    _description = "Product Unit of Measure"
    _order = "factor DESC, id"

    name = F.Char("Unit of Measure", required=True, translate=True)
    category_id = F.Many2one("uom.category", "Category", ondelete="restrict", versions=V17_18)
    factor = F.Float("Ratio", default=1.0, required=True)
    relative_factor = F.Float("Contains", default=1.0, required=True, versions=V19)
    relative_uom_id = F.Many2one("uom.uom", "Reference Unit", ondelete="cascade", versions=V19)
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
        versions=V17_18,
    )

    def _units(self, ids: list[int]) -> dict[int, tuple[Any, float, float, str]]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        category = "category_id" if "category_id" in self._fields else "NULL"
        rows = self._sql(
            f'SELECT id, {category}, factor, rounding, name FROM "uom_uom" WHERE id IN ({marks})',
            ids,
        )
        return {r[0]: (r[1], r[2] or 1.0, r[3] or 0.01, r[4]) for r in rows}

    def _compute_quantity(self, qty: float, to_uom_id: int, round: bool = True) -> float:
        """``qty`` in this unit -> in unit ``to_uom_id`` (Odoo's ``uom.uom._compute_quantity``)."""
        if not self.id or not to_uom_id or self.id == to_uom_id:
            return qty
        units = self._units([int(self.id), to_uom_id])
        from_cat, from_factor, _r, from_name = units[int(self.id)]
        to_cat, to_factor, to_rounding, to_name = units[to_uom_id]
        if from_cat and to_cat and from_cat != to_cat:
            raise UserError(
                f"The unit of measure {from_name} defined on the order line doesn't belong to the "
                f"same category as the unit of measure {to_name} defined on the product. Please "
                "correct the unit of measure defined on the order line or on the product. They "
                "should belong to the same category."
            )
        if self.env.profile.major >= 19:
            amount = qty * from_factor / to_factor
        else:
            amount = qty / from_factor * to_factor
        if round:
            amount = float_round_up(amount, to_rounding)
        return amount


def float_round_up(value: float, rounding: float) -> float:
    """Odoo's ``float_round(..., rounding_method='UP')``: away from zero, to ``rounding``."""
    if not rounding:
        return value
    steps = value / rounding
    rounded = math.ceil(round(steps, 9)) if steps >= 0 else -math.ceil(round(-steps, 9))
    digits = max(0, -math.floor(math.log10(rounding)))
    return round(rounded * rounding, digits)


MODELS: list[type[BaseModel]] = [UomCategory, UomUom]
