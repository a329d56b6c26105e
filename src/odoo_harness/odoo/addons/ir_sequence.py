"""``ir.sequence`` (Odoo's base module): the numbering behind ``S00001`` and ``WH/OUT/00001``.

Kept apart from ``base.py`` because only the business modules use it. ``next_by_code``
and ``next_by_id`` return the formatted next number and advance the counter.
"""

from __future__ import annotations

from typing import Any

from ..orm import fields as F
from ..orm.models import BaseModel, rpc


class IrSequence(BaseModel):
    _name = "ir.sequence"
    _description = "Sequence"
    _order = "name, id"

    name = F.Char("Name", required=True)
    code = F.Char("Sequence Code")
    implementation = F.SelectionField(
        [("standard", "Standard"), ("no_gap", "No gap")],
        "Implementation",
        required=True,
        default="standard",
    )
    active = F.Boolean("Active", default=True)
    prefix = F.Char("Prefix")
    suffix = F.Char("Suffix")
    number_next = F.Integer("Next Number", required=True, default=1)
    number_increment = F.Integer("Step", required=True, default=1)
    padding = F.Integer("Sequence Size", required=True, default=0)
    company_id = F.Many2one("res.company", "Company")

    def _next(self) -> str:
        self.ensure_one()
        row = self._sql(
            'SELECT prefix, suffix, number_next, number_increment, padding FROM "ir_sequence" '
            "WHERE id = ?",
            (self.id,),
        )[0]
        prefix, suffix, number, step, padding = row
        self._sql(
            'UPDATE "ir_sequence" SET number_next = ? WHERE id = ?', (number + (step or 1), self.id)
        )
        return f"{prefix or ''}{number:0{padding or 0}d}{suffix or ''}"

    @rpc(model=True)
    def next_by_code(self, sequence_code: str, sequence_date: Any = None) -> str | bool:
        rows = self._sql(
            'SELECT id FROM "ir_sequence" WHERE code = ? AND active = 1 ORDER BY id LIMIT 1',
            (sequence_code,),
        )
        return self.browse(rows[0][0])._next() if rows else False

    @rpc
    def next_by_id(self, sequence_date: Any = None) -> str:
        return self._next()


def next_by_code(env: Any, code: str) -> str | bool:
    return env["ir.sequence"].sudo().next_by_code(code)


MODELS: list[type[BaseModel]] = [IrSequence]
