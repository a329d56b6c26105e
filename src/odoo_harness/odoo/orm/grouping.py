"""``read_group`` (17/18/19) and ``formatted_read_group`` (19): SQL GROUP BY in Odoo's shapes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from . import fields as F
from . import messages

if TYPE_CHECKING:
    from .models import BaseModel

AGGREGATES = {
    "sum",
    "avg",
    "min",
    "max",
    "count",
    "count_distinct",
    "bool_and",
    "bool_or",
    "array_agg",
}
GRANULARITIES = ("day", "week", "month", "quarter", "year")
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def read_group(
    model: BaseModel,
    domain: list[Any],
    fields: list[str],
    groupby: str | list[str],
    offset: int = 0,
    limit: int | None = None,
    orderby: str | bool = False,
    lazy: bool = True,
) -> list[dict[str, Any]]:
    groupbys = [groupby] if isinstance(groupby, str) else list(groupby or [])
    used = groupbys[:1] if lazy else groupbys
    specs = [_groupby_spec(model, g) for g in used]
    aggregates = _aggregate_specs(model, fields, used)
    rows = _query(model, domain, specs, aggregates, offset, limit, orderby)
    count_key = f"{used[0].split(':')[0]}_count" if lazy and used else "__count"
    result = []
    for row in rows:
        group_values = row[: len(specs)]
        count = row[len(specs)]
        aggregate_values = row[len(specs) + 1 :]
        entry: dict[str, Any] = {}
        leaves = []
        for spec, value in zip(specs, group_values, strict=True):
            entry[spec["key"]] = _group_value(model, spec, value)
            leaves.extend(_group_leaves(spec, value))
        entry[count_key] = count
        for (name, _func), value in zip(aggregates, aggregate_values, strict=True):
            entry[name] = _aggregate_value(model._fields[name], value)
        entry["__domain"] = _and_domains(domain, leaves)
        if lazy and len(groupbys) > 1:
            entry["__context"] = {"group_by": groupbys[1:]}
        result.append(entry)
    return result


def formatted_read_group(
    model: BaseModel,
    domain: list[Any],
    groupby: list[str],
    aggregates: list[str],
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
) -> list[dict[str, Any]]:
    specs = [_groupby_spec(model, g) for g in groupby]
    aggs = []
    for spec in aggregates:
        if spec == "__count":
            continue
        name, _, func = spec.partition(":")
        if name not in model._fields:
            raise ValueError(messages.invalid_field_read(model.env.profile, name, model._name))
        aggs.append((name, func or "sum"))
    rows = _query(model, domain, specs, aggs, offset, limit, order or False)
    out = []
    for row in rows:
        entry: dict[str, Any] = {}
        leaves = []
        for spec, value in zip(specs, row[: len(specs)], strict=True):
            entry[spec["key"]] = _group_value(model, spec, value)
            leaves.extend(_group_leaves(spec, value))
        if "__count" in aggregates:
            entry["__count"] = row[len(specs)]
        for (name, func), value in zip(aggs, row[len(specs) + 1 :], strict=True):
            entry[f"{name}:{func}"] = _aggregate_value(model._fields[name], value)
        entry["__extra_domain"] = leaves if len(leaves) < 2 else ["&"] * (len(leaves) - 1) + leaves
        out.append(entry)
    return out


def _groupby_spec(model: BaseModel, groupby: str) -> dict[str, Any]:
    name, _, granularity = groupby.partition(":")
    field = model._fields.get(name)
    if field is None:
        raise ValueError(messages.invalid_field_read(model.env.profile, name, model._name))
    if not field.column:
        raise ValueError(
            f"Field {field!r} is not a stored field, only stored fields "
            "(regular or many2many) are valid for the 'groupby' parameter"
        )
    column = f'"{model._table}"."{name}"'
    if field.type in ("date", "datetime"):
        granularity = granularity or "month"
        expr = _date_trunc(column, granularity)
    else:
        expr = column
    return {
        "key": groupby if granularity else name,
        "name": name,
        "field": field,
        "granularity": granularity,
        "expr": expr,
    }


def _date_trunc(column: str, granularity: str) -> str:
    if granularity not in GRANULARITIES:
        raise ValueError(f"Invalid date/time grouping {granularity!r}")
    return {
        "day": f"substr({column}, 1, 10)",
        "week": f"date(substr({column}, 1, 10), '-' || ((strftime('%w', {column}) + 6) % 7) || ' days')",
        "month": f"substr({column}, 1, 7) || '-01'",
        "quarter": f"substr({column}, 1, 5) || printf('%02d', ((cast(substr({column}, 6, 2) as integer) - 1) / 3) * 3 + 1) || '-01'",
        "year": f"substr({column}, 1, 4) || '-01-01'",
    }[granularity]


def _aggregate_specs(
    model: BaseModel, fields: list[str], groupbys: list[str]
) -> list[tuple[str, str]]:
    grouped = {g.split(":")[0] for g in groupbys}
    out = []
    for spec in fields or []:
        name, _, func = spec.partition(":")
        name = name.split("(")[0].strip()
        if name in grouped or name == "__count":
            continue
        field = model._fields.get(name)
        if field is None:
            raise ValueError(messages.invalid_field_read(model.env.profile, name, model._name))
        if not field.column:
            continue
        if not func:
            if field.type not in ("integer", "float", "monetary") or name == "id":
                continue
            func = field.extra.get("aggregator", "sum")
        if func not in AGGREGATES:
            raise ValueError(f"Invalid aggregation function {func!r}.")
        out.append((name, func))
    return out


def _query(
    model: BaseModel,
    domain: list[Any],
    specs: list[dict[str, Any]],
    aggregates: list[tuple[str, str]],
    offset: int,
    limit: int | None,
    orderby: str | bool,
) -> list[tuple[Any, ...]]:
    where, params = model._where(domain)
    table = model._table
    select = [s["expr"] for s in specs] + ["COUNT(*)"]
    for name, func in aggregates:
        column = f'"{table}"."{name}"'
        select.append(
            {
                "count_distinct": f"COUNT(DISTINCT {column})",
                "bool_and": f"MIN({column})",
                "bool_or": f"MAX({column})",
                "array_agg": f"group_concat({column})",
            }.get(func, f"{func.upper()}({column})")
        )
    sql = f'SELECT {", ".join(select)} FROM "{table}" WHERE {where}'
    if specs:
        sql += " GROUP BY " + ", ".join(s["expr"] for s in specs)
        sql += " ORDER BY " + _order(model, specs, orderby)
    if limit:
        sql += f" LIMIT {int(limit)}"
    if offset:
        sql += (" " if limit else " LIMIT -1 ") + f"OFFSET {int(offset)}"
    return model._sql(sql, params)


def _order(model: BaseModel, specs: list[dict[str, Any]], orderby: str | bool) -> str:
    descending: dict[str, bool] = {}
    if isinstance(orderby, str) and orderby:
        for part in orderby.split(","):
            words = part.split()
            if words:
                descending[words[0]] = len(words) > 1 and words[1].lower() == "desc"
    terms = []
    for spec in specs:
        desc = descending.get(spec["key"], descending.get(spec["name"], False))
        expr = spec["expr"]
        field = spec["field"]
        if isinstance(field, F.Many2one):
            comodel = model.env[field.comodel_name]
            first = comodel._order.split(",")[0].split()[0]
            if comodel._fields.get(first) is not None and comodel._fields[first].column:
                expr = f'(SELECT "{first}" FROM "{comodel._table}" WHERE id = {expr})'
        terms.append(f"{expr} {'DESC NULLS FIRST' if desc else 'ASC NULLS LAST'}")
    return ", ".join(terms)


def _aggregate_value(field: F.Field, value: Any) -> Any:
    if value is None:
        return False if field.type not in ("integer", "float", "monetary") else 0
    if field.type == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _group_value(model: BaseModel, spec: dict[str, Any], value: Any) -> Any:
    field = spec["field"]
    if isinstance(field, F.Many2one):
        if not value:
            return False
        names = model.env[field.comodel_name].browse([value])._display_names()
        return [value, names.get(value, False)]
    if spec["granularity"]:
        return _date_label(value, spec["granularity"]) if value else False
    return field.to_read(value)


def _group_leaves(spec: dict[str, Any], value: Any) -> list[Any]:
    name = spec["name"]
    field = spec["field"]
    if spec["granularity"] and value:
        start = date.fromisoformat(value[:10])
        end = _next(start, spec["granularity"])
        fmt = (
            (lambda d: d.strftime("%Y-%m-%d %H:%M:%S"))
            if field.type == "datetime"
            else (lambda d: d.isoformat())
        )
        start_v = (
            datetime(start.year, start.month, start.day) if field.type == "datetime" else start
        )
        end_v = datetime(end.year, end.month, end.day) if field.type == "datetime" else end
        return ["&", [name, ">=", fmt(start_v)], [name, "<", fmt(end_v)]]
    return [
        [name, "=", field.to_read(value) if not isinstance(field, F.Many2one) else (value or False)]
    ]


def _and_domains(domain: list[Any], leaves: list[Any]) -> list[Any]:
    parts: list[list[Any]] = []
    if domain:
        parts.append(list(domain))
    expressions = _split_expressions(leaves)
    parts.extend(expressions)
    if not parts:
        return []
    flat: list[Any] = []
    for part in parts:
        flat.extend(part)
    return ["&"] * (len(parts) - 1) + flat if len(parts) > 1 else flat


def _split_expressions(leaves: list[Any]) -> list[list[Any]]:
    out: list[list[Any]] = []
    i = 0
    while i < len(leaves):
        if leaves[i] == "&":
            out.append(leaves[i : i + 3])
            i += 3
        else:
            out.append([leaves[i]])
            i += 1
    return out


def _next(start: date, granularity: str) -> date:
    if granularity == "day":
        return start + timedelta(days=1)
    if granularity == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[granularity]
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def _date_label(value: str, granularity: str) -> str:
    d = date.fromisoformat(value[:10])
    if granularity == "day":
        return d.strftime("%d %b %Y")
    if granularity == "week":
        return f"W{d.isocalendar()[1]} {d.isocalendar()[0]}"
    if granularity == "month":
        return f"{MONTHS[d.month - 1]} {d.year}"
    if granularity == "quarter":
        return f"Q{(d.month - 1) // 3 + 1} {d.year}"
    return str(d.year)
