"""An independent evaluator of Odoo domains over plain Python rows.

It shares no code with ``orm.domains``: it reads the rules as Odoo states them (17
``expression.py``; 18/19 ``Field._condition_to_sql`` and domain optimizations) and applies
them row by row. ``None`` is SQL NULL. Only what the property tests generate is covered.
"""

from __future__ import annotations

import re
from typing import Any

from domain_world import World

INVERT = {
    "=": "!=",
    "!=": "=",
    "in": "not in",
    "not in": "in",
    "like": "not like",
    "not like": "like",
    "ilike": "not ilike",
    "not ilike": "ilike",
    "<": ">=",
    ">=": "<",
    ">": "<=",
    "<=": ">",
    "any": "not any",
    "not any": "any",
}
INVERT_19 = {
    **INVERT,
    "=like": "not =like",
    "not =like": "=like",
    "=ilike": "not =ilike",
    "not =ilike": "=ilike",
}

TYPES = {
    "id": "integer",
    "name": "char",
    "email": "char",
    "ref": "char",
    "code": "char",
    "color": "integer",
    "lat": "float",
    "is_company": "boolean",
    "active": "boolean",
    "kind": "selection",
    "day": "date",
    "stamp": "datetime",
}
MANY2ONE = {("x.partner", "parent_id"): "x.partner", ("x.partner", "country_id"): "x.country"}
REC_NAMES = {"x.partner": ["name", "email"], "x.country": ["name"], "x.tag": ["name"]}


class Oracle:
    def __init__(self, world: World, version: str) -> None:
        self.world = world
        self.major = int(version.split(".")[0])

    # public
    def search(self, domain: list[Any], model: str = "x.partner") -> list[int]:
        tree = self.parse(domain)
        return sorted(rid for rid in self.world.rows[model] if self.holds(model, rid, tree))

    # parsing: prefix notation, implicit AND
    def parse(self, domain: list[Any]) -> Any:
        stack: list[Any] = []
        for item in reversed(domain):
            if item == "!":
                stack.append(("not", stack.pop()))
            elif item in ("&", "|"):
                stack.append((item, stack.pop(), stack.pop()))
            else:
                stack.append(("leaf", tuple(item)))
        tree = stack.pop()
        while stack:
            tree = ("&", tree, stack.pop())
        return tree

    def holds(self, model: str, rid: int, tree: Any, negate: bool = False) -> bool:
        kind = tree[0]
        if kind == "not":
            return self.holds(model, rid, tree[1], not negate)
        if kind in ("&", "|"):
            a = self.holds(model, rid, tree[1], negate)
            b = self.holds(model, rid, tree[2], negate)
            return (a and b) if (kind == "&") != negate else (a or b)
        return self.leaf(model, rid, tree[1], negate)

    # leaves
    def leaf(self, model: str, rid: int, term: tuple[Any, ...], negate: bool) -> bool:
        path, op, value = term
        if not isinstance(path, str):  # (1, '=', 1) is TRUE, (0, '=', 1) FALSE
            return (path == 1) != negate
        if op == "=?":
            if value is False or value is None:
                return not negate
            op = "="
        if isinstance(value, list) and op in ("=", "!="):
            op = "in" if op == "=" else "not in"
        head, _, rest = path.partition(".")
        inverse = INVERT_19 if self.major >= 19 else INVERT
        if head == "country_code":  # a related field: the negation goes into the operator
            if negate and op in inverse:
                op, negate = inverse[op], False
            return self.leaf(
                model, rid, ("country_id.code" + ("." + rest if rest else ""), op, value), negate
            )
        if rest:  # a path is 'any' on its first field, negated as 'not any'
            return self.leaf(
                model, rid, (head, "not any" if negate else "any", [(rest, op, value)]), False
            )
        if head == "display_name":
            positive = {"!=": "=", "not in": "in", "not like": "like", "not ilike": "ilike"}.get(
                op, op
            )
            found = self.name_matches(model, rid, positive, value)
            found = found if positive == op else not found
            return found != negate
        if negate and op in inverse:
            op, negate = inverse[op], False
        if negate:  # 17/18 NOT(x =like p) is NULL for a NULL x; 19 uses IS NOT TRUE
            result = self.field_leaf(model, rid, head, op, value)
            if self.major < 19 and op in ("=like", "=ilike"):
                return self.world.rows[model][rid][head] is not None and not result
            return not result
        return self.field_leaf(model, rid, head, op, value)

    def field_leaf(self, model: str, rid: int, fname: str, op: str, value: Any) -> bool:
        if fname in ("child_ids", "tag_ids"):
            return self.x2many(model, rid, fname, op, value)
        if (model, fname) in MANY2ONE:
            return self.many2one(model, rid, fname, op, value)
        if fname == "id" and op in ("child_of", "parent_of"):
            return rid in self.hierarchy(op, value)
        row = self.world.rows[model][rid]
        return self.scalar(TYPES[fname], row[fname] if fname != "id" else rid, op, value)

    def scalar(self, kind: str, v: Any, op: str, value: Any) -> bool:
        if op in ("=", "!=", "in", "not in"):
            if self.major >= 18:
                return equality_18(kind, v, op, value)
            return equality_17(kind, v, op, value)
        if op.endswith("like"):
            return self.like(v, op, value)
        if kind == "datetime" and isinstance(value, str) and len(value) == 10:
            value += " 23:59:59" if op in (">", "<=") else " 00:00:00"
        if v is None:
            if self.major >= 18 and kind in ("integer", "float"):
                v = 0
            else:
                return False
        return compare(v, op, value)

    def like(self, v: Any, op: str, value: Any) -> bool:
        negative = op.startswith("not ")
        base = op[4:] if negative else op
        wildcard = not base.startswith("=")
        empty = value is False or value is None or value == ""
        if self.major >= 19 and not wildcard and empty:
            return (v not in (None, "")) if negative else (v in (None, ""))
        if self.major >= 18 and wildcard and empty:
            return not negative
        pattern = f"%{value}%" if wildcard else str(value)
        matched = v is not None and like_match(str(v), pattern, base.endswith("ilike"))
        if negative:
            return v is None or not matched
        if self.major < 18 and wildcard and not value:
            return matched or v is None  # 17: like '' adds OR x IS NULL
        return matched

    # relational
    def many2one(self, model: str, rid: int, fname: str, op: str, value: Any) -> bool:
        comodel = MANY2ONE[(model, fname)]
        v = self.world.rows[model][rid][fname]
        if op in ("child_of", "parent_of"):
            if comodel == model:
                return rid in self.hierarchy(op, value)
            return v in self.hierarchy(op, value)
        if op in ("any", "not any"):
            found = {
                c for c in self.world.rows[comodel] if self.holds(comodel, c, self.parse(value))
            }
            return (v in found) if op == "any" else (v is None or v not in found)
        if isnames(value):
            positive = {"!=": "=", "not in": "in", "not like": "like", "not ilike": "ilike"}.get(
                op, op
            )
            found = {
                c
                for c in self.world.rows[comodel]
                if self.name_matches(comodel, c, positive, value)
            }
            return (v in found) if positive == op else (v is None or v not in found)
        return equality_17("integer", v, op, value)

    def x2many(self, model: str, rid: int, fname: str, op: str, value: Any) -> bool:
        if fname == "child_ids":
            comodel = "x.partner"
            links = [c for c, row in self.world.rows[comodel].items() if row["parent_id"] == rid]
            raw = links
        else:
            comodel = "x.tag"
            raw = [t for p, t in self.world.partner_tags if p == rid]
            links = [t for t in raw if self.world.rows["x.tag"][t]["active"]]

        def linked(ids_ok: Any, use_raw: bool = False) -> bool:
            return any(ids_ok(c) for c in (raw if use_raw else links))

        if op in ("child_of", "parent_of"):
            tree = self.hierarchy(op, value)
            return linked(lambda c: c in tree)
        if op in ("any", "not any"):
            sub = self.parse(value)
            found = linked(lambda c: self.holds(comodel, c, sub))
            return found if op == "any" else not found
        if isnames(value) or op.endswith("like"):
            positive = {"!=": "=", "not in": "in", "not like": "like", "not ilike": "ilike"}.get(
                op, op
            )
            found = linked(lambda c: self.name_matches(comodel, c, positive, value))
            return found if positive == op else not found
        values = value if isinstance(value, list) else [value]
        ids = [v for v in values if v is not False and v is not None]
        has_null = len(ids) < len(values)
        use_raw = fname == "tag_ids"  # many2many ids / False read the relation table
        some = linked(lambda c: c in ids, use_raw)
        anything = linked(lambda c: True, use_raw)
        if op in ("=", "in"):
            return (bool(ids) and some) or (has_null and not anything)
        return (not ids or not some) and (not has_null or anything)

    def name_matches(self, model: str, rid: int, op: str, value: Any) -> bool:
        row = self.world.rows[model][rid]
        return any(self.scalar("char", row[f], op, value) for f in REC_NAMES[model])

    def hierarchy(self, op: str, value: Any) -> set[int]:
        partners = self.world.rows["x.partner"]
        if value is False or value == []:
            return set()
        if isnames(value):
            names = [value] if isinstance(value, str) else value
            start = {
                p
                for p in partners
                if any(self.name_matches("x.partner", p, "ilike", n) for n in names)
            }
        else:
            start = set(value if isinstance(value, list) else [value]) & set(partners)
        result = set(start)
        changed = True
        while changed:
            changed = False
            for pid, row in partners.items():
                parent = row["parent_id"]
                if op == "child_of" and parent in result and pid not in result:
                    result.add(pid)
                    changed = True
                if op == "parent_of" and pid in result and parent and parent not in result:
                    result.add(parent)
                    changed = True
        return result


def to_value(kind: str, x: Any) -> Any:
    if kind == "boolean":
        return 1 if x else 0
    if kind == "float":
        return float(x)
    if kind == "datetime" and isinstance(x, str) and len(x) == 10:
        return x + " 00:00:00"
    return x


def equality_17(kind: str, v: Any, op: str, value: Any) -> bool:
    """17 ``__leaf_to_sql``."""
    if kind == "boolean" and op in ("in", "not in"):
        # recorded (orm.search.active-leaf): a stored false is matched by False in the list
        values = value if isinstance(value, list) else [value]
        null_in = False in values or None in values
        hit = (v is None and null_in) or (
            v is not None and bool(v) in {bool(x) for x in values if x is not None}
        )
        return hit if op == "in" else not hit
    if op in ("in", "not in"):
        values = value if isinstance(value, list) else [value]
        vals = [to_value(kind, x) for x in values if x is not False and x is not None]
        has_null = len(vals) < len(values)
        inside = v is not None and v in vals
        if op == "in":
            return inside or (has_null and v is None)
        if has_null:
            return v is not None and not inside
        return v is None or not inside
    if kind == "boolean" and ((op == "=" and value is False) or (op == "!=" and value is True)):
        return v is None or v == 0
    if kind == "boolean" and op == "!=" and value is False:
        return v is not None and v != 0
    if value is False or value is None:
        return (v is None) if op == "=" else (v is not None)
    x = to_value(kind, value)
    if op == "=":
        return v is not None and v == x
    if value:
        return v is None or v != x
    return v is not None and v != x


def equality_18(kind: str, v: Any, op: str, value: Any) -> bool:
    """18/19 ``Field._condition_to_sql``: '' and 0 are the falsy values that mean NULL."""
    values = [value] if op in ("=", "!=") else (value if isinstance(value, list) else [value])
    positive = op in ("=", "in")
    if kind == "boolean":
        wanted = {bool(x) for x in values}
        if not positive:
            wanted = {True, False} - wanted
        return bool(v) in wanted  # NULL is not TRUE
    vals = [to_value(kind, x) for x in values if x is not False and x is not None]
    null_in = len(vals) < len(values)
    falsy = {"char": "", "integer": 0, "float": 0.0}.get(kind)
    if falsy is not None:
        if falsy in vals:
            null_in = True
        elif null_in:
            vals.append(falsy)
    inside = v is not None and v in vals
    if positive:
        return inside or (null_in and v is None)
    if null_in:
        return v is not None and not inside
    return v is None or not inside


def compare(v: Any, op: str, x: Any) -> bool:
    if op == "<":
        return v < x
    if op == ">":
        return v > x
    if op == "<=":
        return v <= x
    return v >= x


def like_match(text: str, pattern: str, insensitive: bool) -> bool:
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.S | (re.I if insensitive else 0)) is not None


def isnames(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)
