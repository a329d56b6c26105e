"""``order`` strings -> SQL ORDER BY, with each model's default order and Odoo's checks.

Many2one fields order by the comodel's own order, as Odoo does; NULLs sort as PostgreSQL
sorts them (last when ascending, first when descending); text sorts bytewise, as on the
recorded servers (C collation: 'Zed' before 'alice').
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..exceptions import UserError
from . import fields as F
from . import messages

if TYPE_CHECKING:
    from .models import BaseModel

ORDER_RE = re.compile(
    r"^(\s*([a-z0-9:_]+|\"[a-z0-9:_]+\")(\.id)?(\s+(desc|asc))?(\s+(nulls first|nulls last))?"
    r"\s*(,|$))+(?<!,)$",
    re.I,
)


def check_order(order: str) -> None:
    if not ORDER_RE.match(order):
        raise UserError(
            f'Invalid "order" specified ({order}). A valid "order" specification is a '
            "comma-separated list of valid field names (optionally followed by asc/desc for "
            "the direction)"
        )


def order_by_sql(model: BaseModel, order: str | None, alias: str | None = None) -> str:
    alias = alias or model._table
    if order:
        check_order(order)
    terms = _terms(model, order or model._order, alias, depth=0)
    if not any(expr == f'"{alias}"."id"' for expr, _desc in terms):
        terms.append((f'"{alias}"."id"', False))
    return ", ".join(_sql_term(expr, desc) for expr, desc in terms)


def _sql_term(expr: str, desc: bool) -> str:
    # PostgreSQL's defaults: NULLs are the largest values. A plain column says so as
    # ``col IS NULL, col``: the same order, and one SQLite can read off an index on
    # ``(col IS NULL, col)`` (see ``Registry.create_schema``) where ``NULLS LAST`` makes
    # it sort every row; a subquery keeps ``NULLS LAST`` so that it runs once per row.
    if expr.endswith('."id"'):  # never NULL (and the rowid: the end of every index)
        return f"{expr} DESC" if desc else f"{expr} ASC"
    if expr.startswith('"'):
        return f"{expr} IS NULL DESC, {expr} DESC" if desc else f"{expr} IS NULL, {expr} ASC"
    return f"{expr} DESC NULLS FIRST" if desc else f"{expr} ASC NULLS LAST"


def _terms(model: BaseModel, spec: str, alias: str, depth: int) -> list[tuple[str, bool]]:
    """(SQL expression, descending) pairs for an order spec on ``alias``."""
    out: list[tuple[str, bool]] = []
    for part in spec.split(","):
        words = part.split()
        if not words:
            continue
        raw = words[0].strip('"')
        name = raw[:-3] if raw.endswith(".id") else raw
        desc = len(words) > 1 and words[1].lower() == "desc"
        field = model._fields.get(name)
        if field is None:
            raise ValueError(messages.invalid_field_read(model.env.profile, name, model._name))
        if not field.column:
            continue  # Odoo ignores non-stored fields in an order
        if isinstance(field, F.Many2one) and depth < 2 and not raw.endswith(".id"):
            comodel = model.env[field.comodel_name]
            sub_alias = f"_o{depth}"
            for expr, sub_desc in _terms(comodel, comodel._order, sub_alias, depth + 1):
                sub = (
                    f'(SELECT {expr} FROM "{comodel._table}" AS "{sub_alias}" '
                    f'WHERE "{sub_alias}".id = "{alias}"."{name}")'
                )
                out.append((sub, desc != sub_desc))
            continue
        # the recorded servers sort text bytewise (a database created with the C locale)
        out.append((f'"{alias}"."{name}"', desc))
    return out
