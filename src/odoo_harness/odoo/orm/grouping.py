"""``read_group`` (17/18/19) and ``formatted_read_group`` (19): SQL GROUP BY in Odoo's shapes."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from . import fields as F
from . import messages
from .reading import read_values

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
GRANULARITIES = ("hour", "day", "week", "month", "quarter", "year")
#: res.lang.week_start of the languages a sandbox may run in (1 = Monday ... 7 = Sunday)
WEEK_START = {"en_US": 7}
#: read_group field specs: 'field', 'field:func', 'name:func(field)' (Odoo's regex_field_agg)
FIELD_AGG_RE = re.compile(r"(\w+)(?::(\w+)(?:\((\w+)\))?)?$")
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
    count_key = f"{used[0].split(':')[0]}_count" if lazy and len(used) == 1 else "__count"
    aggregates = _aggregate_specs(model, fields, used)
    rows = _query(model, domain, specs, aggregates, offset, limit, orderby, count_key)
    nspecs = len(specs)
    values = _group_values(model, specs, rows)
    aggregators = [(key, model._fields[name], func) for key, name, func in aggregates]
    # Odoo: __domain = AND([domain, group condition]) once per groupby, in order; the
    # caller's part is normalized once (a group condition is normalized already)
    base = _normalize(list(domain)) if domain else []
    head = ["&", *base] if base else []
    first = specs[0] if specs else None
    keys = [spec["key"] for spec in specs]
    rest = list(zip(specs[1:], range(1, nspecs), strict=True))
    context = {"group_by": groupbys[len(used) :]} if len(used) < len(groupbys) else None
    if first is not None and not (rest or aggregators or first["granularity"] or context):
        return _simple_groups(first, count_key, head, rows, values)
    result = []
    for row, shown in zip(rows, values, strict=True):
        entry: dict[str, Any] = dict(zip(keys, shown, strict=True))
        entry[count_key] = row[nspecs]
        for (key, field, func), value in zip(aggregators, row[nspecs + 1 :], strict=True):
            entry[key] = _aggregate_value(field, func, value)
        if first is None:
            group_domain = list(domain or [])
        else:
            group_domain = head + _group_leaves(first, row[0])
            if first["granularity"]:
                entry.setdefault("__range", {})[first["key"]] = _group_range(first, row[0])
        for spec, k in rest:
            group_domain = _and_domains(group_domain, _group_leaves(spec, row[k]))
            if spec["granularity"]:
                entry.setdefault("__range", {})[spec["key"]] = _group_range(spec, row[k])
        entry["__domain"] = group_domain
        if context is not None:
            entry["__context"] = {"group_by": list(context["group_by"])}
        result.append(entry)
    return result


def _simple_groups(
    spec: dict[str, Any],
    count_key: str,
    head: list[Any],
    rows: list[tuple[Any, ...]],
    values: list[tuple[Any, ...]],
) -> list[dict[str, Any]]:
    """``read_group``'s entries for one groupby without granularity, counts only (the
    common case): ``{key: value, count_key: count, "__domain": head + [leaf]}``."""
    key, name = spec["key"], spec["name"]
    if isinstance(spec["field"], F.Many2one):  # the leaf holds the id, the value [id, name]
        return [
            {key: shown, count_key: row[1], "__domain": [*head, [name, "=", row[0] or False]]}
            for row, (shown,) in zip(rows, values, strict=True)
        ]
    # the leaf holds the read value, as the group does
    return [
        {key: shown, count_key: row[1], "__domain": [*head, [name, "=", shown]]}
        for row, (shown,) in zip(rows, values, strict=True)
    ]


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
        aggs.append((spec, name, func or "sum"))
    rows = _query(model, domain, specs, aggs, offset, limit, order or False, "__count")
    out = []
    for row in rows:
        entry: dict[str, Any] = {}
        extra: list[Any] = []
        for spec, value in zip(specs, row[: len(specs)], strict=True):
            entry[spec["key"]] = _group_value(model, spec, value, with_start=True)
            extra = _and_domains(extra, _group_leaves(spec, value))
        if "__count" in aggregates:
            entry["__count"] = row[len(specs)]
        for (key, name, func), value in zip(aggs, row[len(specs) + 1 :], strict=True):
            entry[key] = _aggregate_value(model._fields[name], func, value)
        entry["__extra_domain"] = extra
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
        expr = _date_trunc(model, column, granularity)
    else:
        expr = column
    return {
        "key": groupby,
        "name": name,
        "field": field,
        "granularity": granularity if field.type in ("date", "datetime") else "",
        "expr": expr,
    }


def _week_start(model: BaseModel) -> int:
    """The first day of the week of the user's language, as ``res.lang.week_start``
    (1 = Monday ... 7 = Sunday); en_US, the only language of a fresh database, has 7."""
    return WEEK_START.get(str(model.env.context.get("lang") or "en_US"), 7)


def _date_trunc(model: BaseModel, column: str, granularity: str) -> str:
    if granularity not in GRANULARITIES:
        raise ValueError(f"{granularity!r} isn't a valid granularity")
    # weeks start on the language's first day (Odoo shifts date_trunc('week') by it)
    sunday_based = _week_start(model) % 7  # strftime('%w'): 0 = Sunday
    back = f"((cast(strftime('%w', {column}) as integer) - {sunday_based} + 7) % 7)"
    return {
        "hour": f"substr({column}, 1, 13) || ':00:00'",
        "day": f"substr({column}, 1, 10)",
        "week": f"date(substr({column}, 1, 10), '-' || {back} || ' days')",
        "month": f"substr({column}, 1, 7) || '-01'",
        "quarter": f"substr({column}, 1, 5) || printf('%02d', ((cast(substr({column}, 6, 2) as integer) - 1) / 3) * 3 + 1) || '-01'",
        "year": f"substr({column}, 1, 4) || '-01-01'",
    }[granularity]


def _aggregate_specs(
    model: BaseModel, fields: list[str], groupbys: list[str]
) -> list[tuple[str, str, str]]:
    """(result key, field name, function) of each aggregate, as 17/18's read_group reads
    ``fields``: 'f' (the field's own aggregator, numbers only), 'f:func', 'key:func(f)'."""
    grouped = set(groupbys)
    out = []
    for spec in fields or []:
        if spec == "__count":
            continue
        match = FIELD_AGG_RE.match(spec)
        if not match:
            raise ValueError(f"Invalid field specification {spec!r}.")
        key, func, fname = match.groups()
        name = fname or key
        if not func:
            field = model._fields.get(name)
            if field is None:
                raise ValueError(messages.invalid_field_read(model.env.profile, name, model._name))
            aggregator = None if name == "id" else field.extra.get("aggregator", field.aggregator)
            if not (field.column and aggregator) or spec in grouped:
                continue
            func = aggregator
        field = model._fields.get(name)
        if field is None:
            raise ValueError(messages.invalid_field_read(model.env.profile, name, model._name))
        if func not in AGGREGATES:
            raise ValueError(f"Invalid aggregation function {func!r}.")
        out.append((key, name, func))
    return out


def _aggregate_sql(table: str, name: str, func: str) -> str:
    column = f'"{table}"."{name}"'
    return {
        "count_distinct": f"COUNT(DISTINCT {column})",
        "bool_and": f"MIN({column})",
        "bool_or": f"MAX({column})",
        "array_agg": f"group_concat({column})",
    }.get(func, f"{func.upper()}({column})")


def _query(
    model: BaseModel,
    domain: list[Any],
    specs: list[dict[str, Any]],
    aggregates: list[tuple[str, str, str]],
    offset: int,
    limit: int | None,
    orderby: str | bool,
    count_key: str,
) -> list[tuple[Any, ...]]:
    where, params = model._where(domain)
    table = model._table
    select = [s["expr"] for s in specs] + ["COUNT(*)"]
    select += [_aggregate_sql(table, name, func) for _key, name, func in aggregates]
    sql = f'SELECT {", ".join(select)} FROM "{table}" WHERE {where}'
    if specs:
        sql += " GROUP BY " + ", ".join(s["expr"] for s in specs)
        order = _order(model, specs, aggregates, orderby, count_key)
        if order:
            sql += " ORDER BY " + order
    if limit:
        sql += f" LIMIT {int(limit)}"
    if offset:
        sql += (" " if limit else " LIMIT -1 ") + f"OFFSET {int(offset)}"
    return model._sql(sql, params)


def _order(
    model: BaseModel,
    specs: list[dict[str, Any]],
    aggregates: list[tuple[str, str, str]],
    orderby: str | bool,
    count_key: str,
) -> str:
    """ORDER BY of the groups: ``orderby`` may name groupbys (many2one ones follow the
    comodel's order), aggregates (by key or 'f:func') and the count; without it, the
    groupbys in order. NULLs sort as PostgreSQL sorts them."""
    if not (isinstance(orderby, str) and orderby.strip()):
        orderby = ",".join(spec["key"] for spec in specs)
    by_key = {spec["key"]: spec for spec in specs}
    by_name = {spec["name"]: spec for spec in specs}
    terms = []
    for part in orderby.split(","):
        words = part.split()
        if not words:
            continue
        term = words[0]
        desc = len(words) > 1 and words[1].lower() == "desc"
        direction = "DESC NULLS FIRST" if desc else "ASC NULLS LAST"
        spec = by_key.get(term) or by_name.get(term)
        if spec is not None:
            terms.append(f"{_group_order_expr(model, spec)} {direction}")
            continue
        if term in ("__count", count_key):
            terms.append(f"COUNT(*) {direction}")
            continue
        aggregate = next((a for a in aggregates if term in (a[0], f"{a[1]}:{a[2]}")), None)
        if aggregate is None:
            name, _, func = term.partition(":")
            field = model._fields.get(name)
            if field is None or not field.column or (func and func not in AGGREGATES):
                raise ValueError(
                    f"Order term {part.strip()!r} is not a valid aggregate nor valid groupby"
                )
            func = func or field.extra.get("aggregator", field.aggregator)
            if not func:
                raise ValueError(
                    f"Order term {part.strip()!r} is not a valid aggregate nor valid groupby"
                )
            aggregate = (term, name, func)
        terms.append(f"{_aggregate_sql(model._table, aggregate[1], aggregate[2])} {direction}")
    return ", ".join(terms)


def _group_order_expr(model: BaseModel, spec: dict[str, Any]) -> str:
    field = spec["field"]
    expr = spec["expr"]
    if isinstance(field, F.Many2one):
        comodel = model.env[field.comodel_name]
        first = comodel._order.split(",")[0].split()[0]
        if comodel._fields.get(first) is not None and comodel._fields[first].column:
            # aliased: a many2one to its own model (parent_id) must read the outer row's value
            expr = f'(SELECT "_g"."{first}" FROM "{comodel._table}" AS "_g" WHERE "_g".id = {expr})'
    return expr


def _aggregate_value(field: F.Field, func: str, value: Any) -> Any:
    """NULL aggregates read as Odoo's empty value: 0 for counts, [] for array_agg, else False."""
    if value is None:
        if func in ("count", "count_distinct"):
            return 0
        return [] if func == "array_agg" else False
    if func == "array_agg":
        return [field.to_read(v) for v in str(value).split(",")]
    if func in ("bool_and", "bool_or"):
        return bool(value)
    if field.type == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    if field.type in ("float", "monetary") and func not in ("count", "count_distinct"):
        return float(value)
    return value


def _group_values(
    model: BaseModel, specs: list[dict[str, Any]], rows: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """``_group_value`` of each groupby of each row, a spec's many2one names in one query."""
    columns = []
    for k, spec in enumerate(specs):
        raw = [row[k] for row in rows]
        field = spec["field"]
        if isinstance(field, F.Many2one):
            targets = sorted({v for v in raw if v})
            comodel = model.env[field.comodel_name]
            names = comodel.browse(targets)._display_names() if targets else {}
            columns.append([[v, names.get(v, False)] if v else False for v in raw])
        elif spec["granularity"]:
            columns.append([_group_value(model, spec, v) for v in raw])
        else:
            columns.append(read_values(field, raw))
    return list(zip(*columns, strict=True)) if columns else [() for _row in rows]


def _group_value(
    model: BaseModel, spec: dict[str, Any], value: Any, *, with_start: bool = False
) -> Any:
    """The group's value as read_group returns it: [id, name] for a many2one, the label of
    a date group (19's formatted_read_group: [start, label]), else the read value."""
    field = spec["field"]
    if isinstance(field, F.Many2one):
        if not value:
            return False
        names = model.env[field.comodel_name].browse([value])._display_names()
        return [value, names.get(value, False)]
    if spec["granularity"]:
        if not value:
            return False
        label = _date_label(value, spec["granularity"])
        return [_range_bounds(spec, value)[0], label] if with_start else label
    return field.to_read(value)


def _range_bounds(spec: dict[str, Any], value: str) -> tuple[str, str]:
    """[from, to) of a date group, in the field's server format."""
    granularity = spec["granularity"]
    if granularity == "hour":
        start_dt = datetime.strptime(value[:13], "%Y-%m-%d %H")
        end_dt = start_dt + timedelta(hours=1)
    else:
        start = date.fromisoformat(value[:10])
        end = _next(start, granularity)
        start_dt = datetime(start.year, start.month, start.day)
        end_dt = datetime(end.year, end.month, end.day)
    if spec["field"].type == "datetime":
        return start_dt.strftime(F.DATETIME_FORMAT), end_dt.strftime(F.DATETIME_FORMAT)
    return start_dt.strftime(F.DATE_FORMAT), end_dt.strftime(F.DATE_FORMAT)


def _group_range(spec: dict[str, Any], value: Any) -> Any:
    if not value:
        return False
    start, end = _range_bounds(spec, value)
    return {"from": start, "to": end}


def _group_leaves(spec: dict[str, Any], value: Any) -> list[Any]:
    name = spec["name"]
    field = spec["field"]
    if spec["granularity"] and value:
        start, end = _range_bounds(spec, value)
        return ["&", [name, ">=", start], [name, "<", end]]
    return [
        [name, "=", field.to_read(value) if not isinstance(field, F.Many2one) else (value or False)]
    ]


def _normalize(domain: list[Any]) -> list[Any]:
    """Odoo's normalize_domain: the implicit '&' between top-level terms made explicit."""
    result: list[Any] = []
    expected = 1
    for token in domain:
        if expected == 0:
            result[0:0] = ["&"]
            expected = 1
        if isinstance(token, (list, tuple)):
            expected -= 1
        elif token in ("&", "|"):
            expected += 1
        result.append(token)
    return result


def _and_domains(domain: list[Any], leaves: list[Any]) -> list[Any]:
    """Odoo's expression.AND([domain, leaves]): empty domains drop out, the others are
    normalized and joined by '&'."""
    parts = [_normalize(list(d)) for d in (domain, leaves) if d]
    if not parts:
        return []
    flat: list[Any] = []
    for part in parts:
        flat.extend(part)
    return ["&"] * (len(parts) - 1) + flat


def _next(start: date, granularity: str) -> date:
    if granularity == "day":
        return start + timedelta(days=1)
    if granularity == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[granularity]
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def _weeknumber(d: date, first_week_day: int = 6) -> tuple[int, int]:
    """Odoo's date_utils.weeknumber for a non-ISO locale (babel's en_US: weeks start on
    Sunday, ``first_week_day`` 6 with Monday = 0): the first week is the one holding
    January 1st, and the days of December in the next year's first week belong to it."""
    if first_week_day == 0:
        year, week, _ = d.isocalendar()
        return year, week

    def week_start(day: date) -> date:
        return day - timedelta(days=(day.weekday() - first_week_day) % 7)

    if d >= week_start(date(d.year + 1, 1, 1)):
        return d.year + 1, 1
    return d.year, (d - week_start(date(d.year, 1, 1))).days // 7 + 1


def _date_label(value: str, granularity: str) -> str:
    """The group label of babel's en_US formats ('dd MMM yyyy', 'MMMM yyyy', 'QQQ yyyy'...)."""
    if granularity == "hour":
        moment = datetime.strptime(value[:13], "%Y-%m-%d %H")
        return moment.strftime("%I:00 %d %b")
    d = date.fromisoformat(value[:10])
    if granularity == "day":
        return d.strftime("%d %b %Y")
    if granularity == "week":
        year, week = _weeknumber(d)
        return f"W{week} {year:04}"
    if granularity == "month":
        return f"{MONTHS[d.month - 1]} {d.year}"
    if granularity == "quarter":
        return f"Q{(d.month - 1) // 3 + 1} {d.year}"
    return f"{d.year:04}"
