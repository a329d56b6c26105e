"""``read``: rows from SQLite, relational values and computed fields, in Odoo's formats.

Many2one values are ``[id, display_name]`` (or a bare id with ``load='_classic_write'``),
x2many values are id lists in the comodel's order without archived records, empty values
are ``False`` (0 / 0.0 for numbers).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from . import fields as F
from .models import chunks

if TYPE_CHECKING:
    from .models import BaseModel


def read_records(model: BaseModel, names: list[str], load: str) -> list[dict[str, Any]]:
    ids = list(model._ids)
    if not ids:
        return []
    columns = [n for n in names if model._fields[n].column and n != "id"]
    rows = _fetch_rows(model, ids, columns)
    existing = [i for i in dict.fromkeys(ids) if i in rows]
    if not existing:
        return []
    records = {i: {"id": i} for i in existing}
    for name in names:
        if name == "id":
            continue
        field = model._fields[name]
        values = _field_values(model, field, existing, rows)
        if isinstance(field, F.Many2one) and load == "_classic_read":
            values = _many2one_pairs(model, field, values)
        for i in existing:
            records[i][name] = values.get(i, False)
    return [records[i] for i in ids if i in records]


def _fetch_rows(model: BaseModel, ids: list[int], columns: list[str]) -> dict[int, dict[str, Any]]:
    select = ", ".join(["id"] + [f'"{c}"' for c in columns])
    rows: dict[int, dict[str, Any]] = {}
    for chunk in chunks(list(dict.fromkeys(ids))):
        marks = ",".join("?" * len(chunk))
        for row in model._sql(
            f'SELECT {select} FROM "{model._table}" WHERE id IN ({marks})', chunk
        ):
            rows[row[0]] = dict(zip(columns, row[1:], strict=True))
    return rows


def _field_values(
    model: BaseModel, field: F.Field, ids: list[int], rows: dict[int, dict[str, Any]]
) -> dict[int, Any]:
    if field.column:
        return {i: field.to_read(rows[i][field.name]) for i in ids}
    if field.compute:
        raw = getattr(model.browse(ids), field.compute)()
        if isinstance(field, F.Float):  # the common case of big reads (quantities)
            get = raw.get
            return {i: float(get(i) or 0.0) for i in ids}
        return {i: _normalize(field, raw.get(i)) for i in ids}
    if field.related:
        return _related_values(model, field, ids)
    if isinstance(field, F.One2many):
        return _one2many_values(model, field, ids)
    if isinstance(field, F.Many2many):
        return _many2many_values(model, field, ids)
    return {i: False for i in ids}


def _normalize(field: F.Field, value: Any) -> Any:
    if isinstance(field, (F.One2many, F.Many2many)):
        return list(value or [])
    if isinstance(field, (F.Integer,)):
        return value or 0
    if isinstance(field, (F.Float,)):
        return float(value or 0.0)
    if isinstance(field, F.Boolean):
        return bool(value)
    return False if value is None else value


def _related_values(model: BaseModel, field: F.Field, ids: list[int]) -> dict[int, Any]:
    path = (field.related or "").split(".")
    current: dict[int, Any] = {i: i for i in ids}
    target = model
    for step, name in enumerate(path):
        hop = target._fields[name]
        wanted = sorted({v for v in current.values() if v})
        rows = {
            r["id"]: r[name]
            for r in target.browse(wanted).sudo()._read_rows([name], "_classic_write")
        }
        last = step == len(path) - 1
        current = {i: rows.get(v, False) if v else False for i, v in current.items()}
        if not last:
            target = target.env[hop.comodel_name]  # type: ignore[attr-defined]
    return {i: _normalize(field, v) for i, v in current.items()}


def _one2many_values(model: BaseModel, field: F.One2many, ids: list[int]) -> dict[int, Any]:
    comodel = model.env[field.comodel_name]
    found: dict[int, list[int]] = defaultdict(list)
    domain = [(field.inverse_name, "in", ids)] + list(field.extra.get("domain", []))
    child_ids = comodel._search(domain)
    if child_ids:
        owner: dict[int, int] = {}
        for chunk in chunks(child_ids):
            marks = ",".join("?" * len(chunk))
            for cid, parent in model._sql(
                f'SELECT id, "{field.inverse_name}" FROM "{comodel._table}" WHERE id IN ({marks})',
                chunk,
            ):
                owner[cid] = parent
        for cid in child_ids:
            found[owner[cid]].append(cid)
    return {i: found.get(i, []) for i in ids}


def _many2many_values(model: BaseModel, field: F.Many2many, ids: list[int]) -> dict[int, Any]:
    links: dict[int, list[int]] = defaultdict(list)
    targets: set[int] = set()
    for chunk in chunks(ids):
        marks = ",".join("?" * len(chunk))
        for left, right in model._sql(
            f'SELECT "{field.column1}", "{field.column2}" FROM "{field.relation}" '
            f'WHERE "{field.column1}" IN ({marks})',
            chunk,
        ):
            links[left].append(right)
            targets.add(right)
    if not targets:
        return {i: [] for i in ids}
    comodel = model.env[field.comodel_name]
    ordered = comodel._search([("id", "in", sorted(targets))])
    rank = {tid: pos for pos, tid in enumerate(ordered)}
    return {
        i: sorted((t for t in links.get(i, []) if t in rank), key=rank.__getitem__) for i in ids
    }


def _many2one_pairs(model: BaseModel, field: F.Field, values: dict[int, Any]) -> dict[int, Any]:
    targets = sorted({v for v in values.values() if v})
    if not targets:
        return values
    comodel = model.env[field.comodel_name]  # type: ignore[attr-defined]
    names = comodel.browse(targets)._display_names()
    return {i: [v, names.get(v, False)] if v else False for i, v in values.items()}
