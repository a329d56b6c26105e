"""Odoo's ``stock.location``: the location tree, each location's usage, its full name
(``WH/Stock``) and the warehouse it belongs to.
"""

from __future__ import annotations

from typing import Any

from ..orm import fields as F
from ..orm.models import BaseModel
from .base import _default_company

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


MODELS: list[type[BaseModel]] = [StockLocation]
