"""``ir.ui.view`` (Odoo's base module), only as far as actions name views by id: a wizard
action's ``view_id`` is the id of the view behind its external id.
"""

from __future__ import annotations

from ..orm import fields as F
from ..orm.models import BaseModel


class IrUiView(BaseModel):
    _name = "ir.ui.view"
    _description = "View"
    _order = "priority,name,id"

    name = F.Char("View Name", required=True)
    model = F.Char("Model", index=True)
    type = F.SelectionField(
        [
            ("list", "List"),
            ("form", "Form"),
            ("graph", "Graph"),
            ("pivot", "Pivot"),
            ("calendar", "Calendar"),
            ("kanban", "Kanban"),
            ("search", "Search"),
            ("qweb", "QWeb"),
        ],
        "View Type",
    )
    priority = F.Integer("Sequence", default=16, required=True)
    active = F.Boolean("Active", default=True)


MODELS: list[type[BaseModel]] = [IrUiView]
