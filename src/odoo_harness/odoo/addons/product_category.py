"""Odoo's ``product.category``: the category tree and its full names (``All / Saleable``)."""

from __future__ import annotations

from typing import Any

from ..orm import fields as F
from ..orm.models import BaseModel


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


MODELS: list[type[BaseModel]] = [ProductCategory]
