"""``read``: rows from SQLite, relational values and computed fields, in Odoo's formats.

Many2one values are ``[id, display_name]`` (or a bare id with ``load='_classic_write'``),
x2many values are id lists in the comodel's order without archived records, empty values
are ``False`` (0 / 0.0 for numbers).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import repeat
from typing import TYPE_CHECKING, Any

from . import fields as F
from .models import chunks

if TYPE_CHECKING:
    from .models import BaseModel


def read_records(model: BaseModel, names: list[str], load: str) -> list[dict[str, Any]]:
    ids = list(model._ids)
    if not ids:
        return []
    fields = model._fields
    wanted = [n for n in dict.fromkeys(names) if n != "id"]
    columns = [n for n in wanted if fields[n].column]
    unique = list(dict.fromkeys(ids))
    rows = _fetch_rows(model, unique, columns)
    existing = [i for i in unique if i in rows]
    if not existing:
        return []
    # one list of values per field, in the order of ``existing``; then one dict per record
    position = {name: k for k, name in enumerate(columns, 1)}  # row[0] is the id
    stored = list(zip(*[rows[i] for i in existing], strict=True))  # one tuple per column
    pairs = load == "_classic_read"
    value_lists: list[list[Any]] = []
    for name in wanted:
        field = fields[name]
        if name in position:
            k = position[name]
            values = read_values(field, stored[k])
            if pairs and isinstance(field, F.Many2one):
                values = _many2one_list(model, field, values)
        else:
            found = _field_values(model, field, existing)
            if pairs and isinstance(field, F.Many2one):
                found = _many2one_pairs(model, field, found)
            values = [found.get(i, False) for i in existing]
        value_lists.append(values)
    keys = ["id", *wanted]
    records = list(map(dict, map(zip, repeat(keys), zip(existing, *value_lists, strict=True))))
    if len(existing) == len(ids):  # no duplicate, none missing: in the asked order
        return records
    by_id = dict(zip(existing, records, strict=True))
    return [by_id[i] for i in ids if i in by_id]


def _fetch_rows(model: BaseModel, ids: list[int], columns: list[str]) -> dict[int, tuple[Any, ...]]:
    """The rows of ``ids`` (no duplicates) that exist: id -> (id, *columns)."""
    select = ", ".join(["id"] + [f'"{c}"' for c in columns])
    rows: dict[int, tuple[Any, ...]] = {}
    for chunk in chunks(ids):
        marks = ",".join("?" * len(chunk))
        found = model._sql(f'SELECT {select} FROM "{model._table}" WHERE id IN ({marks})', chunk)
        rows.update(zip([row[0] for row in found], found, strict=True))
    return rows


def read_values(field: F.Field, raw: Sequence[Any]) -> list[Any]:
    """``field.to_read`` of each stored value, inlined for the common field classes."""
    to_read = type(field).to_read
    if to_read is F.Field.to_read:
        return [False if v is None else v for v in raw]
    if to_read is F.Many2one.to_read:
        return [v or False for v in raw]
    if to_read is F.Integer.to_read:
        return [v or 0 for v in raw]
    if to_read is F.Boolean.to_read:
        return [bool(v) for v in raw]
    return [field.to_read(v) for v in raw]


def _field_values(model: BaseModel, field: F.Field, ids: list[int]) -> dict[int, Any]:
    """The values of a field without a column of its own (computed, related, x2many)."""
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


def _many2one_list(model: BaseModel, field: F.Field, values: list[Any]) -> list[Any]:
    """Many2one ids (or False) -> ``[id, display_name]`` (or False), in one name query."""
    targets = sorted({v for v in values if v})
    if not targets:
        return values
    comodel = model.env[field.comodel_name]  # type: ignore[attr-defined]
    names = comodel.browse(targets)._display_names()
    return [[v, names.get(v, False)] if v else False for v in values]


def _many2one_pairs(model: BaseModel, field: F.Field, values: dict[int, Any]) -> dict[int, Any]:
    targets = sorted({v for v in values.values() if v})
    if not targets:
        return values
    comodel = model.env[field.comodel_name]  # type: ignore[attr-defined]
    names = comodel.browse(targets)._display_names()
    return {i: [v, names.get(v, False)] if v else False for i, v in values.items()}
