"""Odoo's domain language, compiled to a SQLite WHERE clause for one version profile.

A domain is parsed with the version's own checks and error messages, ``!`` is pushed down
to the leaves, dotted paths become ``any`` sub-queries, and each leaf becomes SQL that
follows that version's rules for NULL, ``''``, ``0`` and ``False``. See
``docs/domains.md``-style notes in each function; the recorded cases in
``fixtures/conformance/odoo-*/domains.json`` are the specification.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import count
from typing import TYPE_CHECKING, Any

from . import fields as F

if TYPE_CHECKING:
    from ..profiles import Profile
    from .models import BaseModel

TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)
DOMAIN_OPERATORS = ("!", "&", "|")

TERM_OPERATORS = (
    "=",
    "!=",
    "<=",
    "<",
    ">",
    ">=",
    "=?",
    "=like",
    "=ilike",
    "like",
    "not like",
    "ilike",
    "not ilike",
    "in",
    "not in",
    "child_of",
    "parent_of",
    "any",
    "not any",
)
# 19 accepts a few more (odoo/orm/domains.py CONDITION_OPERATORS).
CONDITION_OPERATORS_19 = (
    *TERM_OPERATORS,
    "not =like",
    "not =ilike",
    "any!",
    "not any!",
    "<>",
    "==",
)
NEGATIVE_OPERATORS = ("!=", "not like", "not ilike", "not in", "not =like", "not =ilike", "not any")
_POSITIVE = {
    "!=": "=",
    "not like": "like",
    "not ilike": "ilike",
    "not in": "in",
    "not =like": "=like",
    "not =ilike": "=ilike",
    "not any": "any",
}
_INVERSE = {
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
_INVERSE_19 = {
    **_INVERSE,
    "=like": "not =like",
    "not =like": "=like",
    "=ilike": "not =ilike",
    "not =ilike": "=ilike",
}
_NUMERIC = ("integer", "float", "monetary")
_TEXTUAL = ("char", "text", "html")

SqlPart = tuple[str, list[Any]]
Node = tuple[Any, ...]  # ("and"|"or", [nodes]) | ("not", node) | ("leaf", term) | ("const", bool)


# -- version rules -------------------------------------------------------------------------
@dataclass(frozen=True)
class Dialect:
    """What the domain compiler does differently per version (derived from the profile)."""

    errors_v19: bool
    # 18+: '' (chars), 0 (numbers) count as NULL in =/in, and NULL as 0 in < > <= >=.
    falsy_as_null: bool
    # 18+: (f, 'like', '') is TRUE and (f, 'not like', '') FALSE; 17 adds "OR f IS NULL".
    empty_like_constant: bool
    # 19: (f, '=like', '') means (f, '=', False); 'not =like' / 'not =ilike' exist.
    v19_like_ops: bool

    @classmethod
    def of(cls, profile: Profile) -> Dialect:
        major = profile.major
        return cls(
            errors_v19=profile.domain_errors_v19,
            falsy_as_null=major >= 18,
            empty_like_constant=major >= 18,
            v19_like_ops=major >= 19,
        )

    @property
    def inverse(self) -> dict[str, str]:
        return _INVERSE_19 if self.v19_like_ops else _INVERSE


# -- public API ------------------------------------------------------------------------------
def compile_domain(model: BaseModel, domain: Any, *, active_test: bool = False) -> SqlPart:
    """``domain`` on ``model`` -> (SQL boolean expression over ``"<model._table>"``, params).

    Raises Odoo's own exceptions (ValueError, TypeError, AssertionError) with the texts of
    ``model.env.profile``'s version. With ``active_test``, archived records are left out
    unless the domain names the active field, as ``search`` does; the check runs after
    parsing so that error messages show the caller's domain.
    """
    dialect = Dialect.of(model.env.profile)
    tree = parse_domain(domain, model, dialect)
    active = model._active_name
    if active_test and active and not _names_active(tree, domain, active, dialect):
        tree = _and([("leaf", (active, "=", True)), tree])
    compiler = _Compiler(dialect)
    sql = compiler.node(model, model._table, tree, False)
    if "odoo_ilike(" in sql[0] and isinstance(model.env.cr, sqlite3.Connection):
        register_sql_functions(model.env.cr)  # idempotent; the ORM should do it at connect
    return sql


def normalize_domain(domain: Any, profile: Profile) -> list[Any]:
    """The prefix form with every '&' explicit and leaves as tuples (``[]`` -> TRUE_LEAF)."""
    dialect = Dialect.of(profile)
    tree = _parse_v19(domain) if dialect.errors_v19 else _parse_v17(domain, None)
    return _to_prefix(tree)


def mentions_field(domain: Any, name: str) -> bool:
    """Whether a top-level leaf of ``domain`` names ``name`` (Odoo's active_test check)."""
    if not isinstance(domain, (list, tuple)):
        return False
    return any(isinstance(t, (list, tuple)) and t and t[0] == name for t in domain)


def _names_active(tree: Node, domain: Any, active: str, dialect: Dialect) -> bool:
    """17/18 look at the top-level terms only; 19 at every condition of the domain."""
    if not dialect.errors_v19:
        return mentions_field(domain, active)
    kind = tree[0]
    if kind == "leaf":
        return bool(tree[1][0] == active)
    if kind == "not":
        return _names_active(tree[1], domain, active, dialect)
    if kind in ("and", "or"):
        return any(_names_active(child, domain, active, dialect) for child in tree[1])
    return False


def register_sql_functions(conn: sqlite3.Connection) -> None:
    """Register ``odoo_ilike(value, pattern)``: PostgreSQL ILIKE for non-ASCII patterns."""
    conn.create_function("odoo_ilike", 2, _ilike, deterministic=True)


# -- compiled-domain cache -------------------------------------------------------------------
#: operators whose SQL on a stored column depends on the leaf alone (no sub-query, no
#: search method, no name search, nothing read from the database)
CACHEABLE_OPERATORS = frozenset(
    {"=", "!=", "<>", "==", "in", "not in", "<", ">", "<=", ">=", "=?"}
    | {"like", "not like", "ilike", "not ilike", "=like", "=ilike", "not =like", "not =ilike"}
)
_ATOMS = (str, int, float, bool, type(None))


def cache_key(model: BaseModel, domain: Any) -> tuple[Any, tuple[tuple[str, F.Field], ...]] | None:
    """A key for the compiled SQL of ``domain`` on ``model``, and the fields its leaves
    name, or None when the domain is not one the cache may keep.

    Kept: top-level operators and leaves ``(stored field, operator of
    CACHEABLE_OPERATORS, value)`` whose value is made of str/int/float/bool/None and
    lists or tuples of them (a many2one's: no strings, which would be a name search).
    Every value is keyed with its type (``True`` and ``1`` compile differently). What
    else the SQL depends on (the model class, the profile, active_test) is the caller's
    part of the key."""
    if type(domain) not in (list, tuple):
        return None
    fields = model._fields
    key: list[Any] = [type(domain)]
    used: list[tuple[str, F.Field]] = []
    for item in domain:
        kind = type(item)
        if kind is str:
            if item not in DOMAIN_OPERATORS:
                return None
            key.append(item)
            continue
        if kind not in (list, tuple) or len(item) != 3:
            return None
        left, operator, value = item
        if type(left) is not str or type(operator) is not str:
            return None
        if operator not in CACHEABLE_OPERATORS:
            return None
        field = fields.get(left)
        if field is None or not field.column:
            return None
        frozen = _freeze(value, strings=not field.relational)
        if frozen is None:
            return None
        key.append((kind, left, operator, frozen))
        used.append((left, field))
    return tuple(key), tuple(used)


def _freeze(value: Any, *, strings: bool) -> Any:
    """``value`` with the type of each part, hashable; None if it holds anything else."""
    kind = type(value)
    if kind in _ATOMS:
        return None if (kind is str and not strings) else (kind, value)
    if kind in (list, tuple):
        parts = []
        for part in value:
            frozen = _freeze(part, strings=strings)
            if frozen is None or type(part) not in _ATOMS:
                return None
            parts.append(frozen)
        return (kind, tuple(parts))
    return None


# -- parsing ---------------------------------------------------------------------------------
def parse_domain(domain: Any, model: BaseModel | None, dialect: Dialect) -> Node:
    """Parse with the version's checks; 17/18 also check field names first, as Odoo does."""
    if dialect.errors_v19:
        return _parse_v19(domain)
    return _parse_v17(domain, model)


def _parse_v17(domain: Any, model: BaseModel | None) -> Node:
    if not isinstance(domain, (list, tuple)):
        raise AssertionError(
            "Domains to normalize must have a 'domain' form: a list or tuple of domain components"
        )
    if model is not None:
        _check_fields_v17(domain, model)
    stack: list[Node] = []
    try:
        for item in reversed(domain):
            if item == "!" and isinstance(item, str):
                stack.append(("not", stack.pop()))
            elif item in ("&", "|") and isinstance(item, str):
                kind = "and" if item == "&" else "or"
                stack.append((kind, [stack.pop(), stack.pop()]))
            else:
                stack.append(("leaf", tuple(item)))
    except IndexError:
        raise ValueError(f"Domain {domain} is syntactically not correct.") from None
    tree = _and(list(reversed(stack)))
    _check_operators_v17(tree)
    return tree


def _check_fields_v17(domain: Any, model: BaseModel) -> None:
    """17/18 ``_anyfy_leaves``: unpack every term and resolve the first field of its path."""
    for item in domain:
        if isinstance(item, str) and item in DOMAIN_OPERATORS:
            continue
        item = tuple(item)
        left, operator, right = item
        if item in (TRUE_LEAF, FALSE_LEAF):
            continue
        path = left.split(".", 1)
        field = model._fields.get(path[0])
        if field is None:
            raise ValueError(f"Invalid field {model._name}.{path[0]} in leaf {item}")
        comodel_name = getattr(field, "comodel_name", None)
        if comodel_name and len(path) > 1:
            _check_fields_v17([(path[1], operator, right)], model.env[comodel_name])
        elif comodel_name and operator in ("any", "not any"):
            _check_fields_v17(right, model.env[comodel_name])


def _check_operators_v17(tree: Node) -> None:
    kind = tree[0]
    if kind in ("and", "or"):
        for child in tree[1]:
            _check_operators_v17(child)
    elif kind == "not":
        _check_operators_v17(tree[1])
    elif kind == "leaf":
        left, operator, right = tree[1]
        operator = operator.lower()
        leaf = (left, operator, right)
        valid_left = (isinstance(left, str) and left) or leaf in (TRUE_LEAF, FALSE_LEAF)
        if operator not in (*TERM_OPERATORS, "<>") or not valid_left:
            raise ValueError(f"Invalid leaf {leaf}")


def _parse_v19(domain: Any) -> Node:
    if domain is True or domain == []:
        return ("const", True)
    if domain is False:
        return ("const", False)
    if not isinstance(domain, (list, tuple)):
        raise TypeError(f"Domain() invalid argument type for domain: {domain!r}")
    stack: list[Node] = []
    try:
        for item in reversed(domain):
            if isinstance(item, (tuple, list)) and len(item) == 3:
                stack.append(_condition_v19(*item))
            elif item == "&":
                stack.append(("and", [stack.pop(), stack.pop()]))
            elif item == "|":
                stack.append(("or", [stack.pop(), stack.pop()]))
            elif item == "!":
                stack.append(("not", stack.pop()))
            else:
                raise ValueError(f"Domain() invalid item in domain: {item!r}")
    except IndexError:
        raise ValueError(f"Domain() malformed domain {domain!r}") from None
    return _and(list(reversed(stack)))


def _condition_v19(left: Any, operator: Any, value: Any) -> Node:
    """19 ``DomainCondition.checked``: the operator is validated when the domain is built."""
    if not isinstance(left, str):
        if (left, operator, value) == TRUE_LEAF:
            return ("const", True)
        if (left, operator, value) == FALSE_LEAF:
            return ("const", False)
        raise TypeError(f"Domain() invalid arguments: {(left, operator, value)!r}")
    if not left:
        raise TypeError(f"Empty field name in condition ({left!r}, {operator!r}, {value!r})")
    operator = operator.lower()
    if operator not in CONDITION_OPERATORS_19:
        raise ValueError(f"Invalid operator in condition ({left!r}, {operator!r}, {value!r})")
    return ("leaf", (left, operator, False if value is None else value))


def _and(children: list[Node]) -> Node:
    if not children:
        return ("const", True)
    return children[0] if len(children) == 1 else ("and", children)


def _to_prefix(tree: Node) -> list[Any]:
    kind = tree[0]
    if kind == "const":
        return [TRUE_LEAF if tree[1] else FALSE_LEAF]
    if kind == "leaf":
        return [tree[1]]
    if kind == "not":
        return ["!", *_to_prefix(tree[1])]
    op = "&" if kind == "and" else "|"
    out: list[Any] = [op] * (len(tree[1]) - 1)
    for child in tree[1]:
        out += _to_prefix(child)
    return out


# -- compiling -------------------------------------------------------------------------------
class _Compiler:
    """Turns a parsed tree into SQL; negation is carried down to the leaves."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._aliases = count(1)

    def alias(self, table: str) -> str:
        return f"{table}__{next(self._aliases)}"

    # nodes
    def node(self, model: BaseModel, alias: str, tree: Node, negate: bool) -> SqlPart:
        kind = tree[0]
        if kind == "const":
            return ("1", []) if tree[1] != negate else ("0", [])
        if kind == "not":
            return self.node(model, alias, tree[1], not negate)
        if kind in ("and", "or"):
            is_and = (kind == "and") != negate
            parts = [self.node(model, alias, child, negate) for child in tree[1]]
            return _join(" AND " if is_and else " OR ", parts)
        return self.leaf(model, alias, tree[1], negate)

    def subdomain(self, model: BaseModel, alias: str, domain: Any) -> SqlPart:
        tree = parse_domain(domain, model, self.dialect)
        return self.node(model, alias, tree, False)

    def leaf(self, model: BaseModel, alias: str, term: tuple[Any, ...], negate: bool) -> SqlPart:
        left, operator, value = term
        if term in (TRUE_LEAF, FALSE_LEAF) and not isinstance(left, str):
            return ("1", []) if (term == TRUE_LEAF) != negate else ("0", [])
        operator = operator.lower()
        fname, _, rest = left.partition(".")
        field = model._fields.get(fname)
        if field is None:
            where = "condition" if self.dialect.errors_v19 else "leaf"
            raise ValueError(
                f"Invalid field {model._name}.{fname} in {where} {(left, operator, value)!r}"
            )
        operator, value = _normalize_operator(operator, value)
        if operator == "=?":
            if value is False or value is None:
                return ("1", []) if not negate else ("0", [])
            operator = "in" if isinstance(value, (list, tuple)) else "="
        if rest:
            return self.path(model, alias, field, rest, operator, value, negate)
        if negate and operator in self.dialect.inverse:
            operator, negate = self.dialect.inverse[operator], False
        sql = self.field_condition(model, alias, field, operator, value)
        return self.negated(sql) if negate else sql

    def negated(self, sql: SqlPart) -> SqlPart:
        # 19 renders '!' as "(...) IS NOT TRUE"; 17/18 as SQL NOT (NULL stays unmatched)
        if self.dialect.v19_like_ops:
            return (f"(({sql[0]}) IS NOT 1)", sql[1])
        return (f"(NOT ({sql[0]}))", sql[1])

    def path(
        self,
        model: BaseModel,
        alias: str,
        field: F.Field,
        rest: str,
        operator: str,
        value: Any,
        negate: bool,
    ) -> SqlPart:
        """``a.b.c op v`` is ``a any [(b.c, op, v)]``; a related field follows its path."""
        if not field.relational:
            if field.related and not field.column:
                term = (f"{field.related}.{rest}", operator, value)
                return self.leaf(model, alias, term, negate)
            where = "condition" if self.dialect.errors_v19 else "leaf"
            raise ValueError(
                f"Invalid field {model._name}.{field.name}.{rest} in {where} "
                f"{(f'{field.name}.{rest}', operator, value)!r}"
            )
        sub = [(rest, operator, value)]
        sql = self.field_condition(model, alias, field, "any", sub)
        return self.negated_any(model, alias, field, sub) if negate else sql

    def negated_any(self, model: BaseModel, alias: str, field: F.Field, sub: Any) -> SqlPart:
        return self.field_condition(model, alias, field, "not any", sub)

    def field_condition(
        self, model: BaseModel, alias: str, field: F.Field, operator: str, value: Any
    ) -> SqlPart:
        if field.related and not field.column:
            return self.leaf(model, alias, (field.related, operator, value), False)
        if not field.column and field.type not in ("one2many", "many2many"):
            return self.computed(model, alias, field, operator, value)
        if field.type == "many2one":
            return self.many2one(model, alias, field, operator, value)
        if field.type in ("one2many", "many2many"):
            return self.x2many(model, alias, field, operator, value)
        if operator in ("child_of", "parent_of") and field.name == "id":
            return self.hierarchy(model, alias, "id", model, model._parent_name, operator, value)
        return self.scalar(model, alias, field, operator, value)

    def computed(
        self, model: BaseModel, alias: str, field: F.Field, operator: str, value: Any
    ) -> SqlPart:
        """A non-stored field: its search method, display_name's name search, or TRUE."""
        if field.search:
            domain = getattr(model, field.search)(operator, value)
            return self.subdomain(model, alias, domain)
        if field.name == "display_name":
            positive = _POSITIVE.get(operator, operator)
            sql = self.subdomain(model, alias, name_search_domain(model, positive, value))
            return (f"(({sql[0]}) IS NOT 1)", sql[1]) if positive != operator else sql
        return ("1", [])  # Odoo logs "Non-stored field ... cannot be searched" and ignores it

    # scalar columns
    def scalar(
        self, model: BaseModel, alias: str, field: F.Field, operator: str, value: Any
    ) -> SqlPart:
        col = f'"{alias}"."{field.column}"'
        if operator in ("=", "!=", "in", "not in"):
            return self.equality(field, col, operator, value)
        if operator.endswith("like"):
            return self.like(field, col, operator, value)
        if operator in ("<", ">", "<=", ">="):
            return self.inequality(field, col, operator, value)
        raise ValueError(f"Invalid operator {operator!r} on field {model._name}.{field.name}")

    def equality(self, field: F.Field, col: str, operator: str, value: Any) -> SqlPart:
        if self.dialect.falsy_as_null:
            return _equality_18(field, col, operator, value)
        return _equality_17(field, col, operator, value)

    def like(self, field: F.Field, col: str, operator: str, value: Any) -> SqlPart:
        negative = operator.startswith("not ")
        base = _POSITIVE.get(operator, operator)
        wildcard = not base.startswith("=")
        empty = value is None or value is False or value == ""
        if self.dialect.v19_like_ops and not wildcard and empty:
            return self.equality(field, col, "!=" if negative else "=", False)
        if self.dialect.empty_like_constant and wildcard and empty:
            return ("0", []) if negative else ("1", [])
        text = value if isinstance(value, str) else str(value)
        pattern = f"%{text}%" if wildcard else text
        match = _glob(col, pattern) if base in ("like", "=like") else _ilike_sql(col, pattern)
        sql = (f"NOT {match[0]}", match[1]) if negative else match
        if self.dialect.empty_like_constant:
            add_null = negative
        else:  # 17: ``(right and negative) or (wildcard and not right)``
            add_null = (bool(value) and negative) or (wildcard and not value)
        return (f"({sql[0]} OR {col} IS NULL)", sql[1]) if add_null else sql

    def inequality(self, field: F.Field, col: str, operator: str, value: Any) -> SqlPart:
        if field.type == "datetime" and isinstance(value, str) and len(value) == 10:
            value += " 23:59:59" if operator in (">", "<=") else " 00:00:00"
        converted = _to_column(field, value)
        sql = (f"{col} {operator} ?", [converted])
        if self.dialect.falsy_as_null and (field.type in _NUMERIC or field.type == "boolean"):
            number = converted or 0
            if _compare(0, operator, number):
                return (f"({sql[0]} OR {col} IS NULL)", sql[1])
        return sql

    # relational fields
    def many2one(
        self, model: BaseModel, alias: str, field: F.Field, operator: str, value: Any
    ) -> SqlPart:
        comodel = model.env[field.comodel_name]  # type: ignore[attr-defined]
        col = f'"{alias}"."{field.column}"'
        if operator in ("child_of", "parent_of"):
            if field.comodel_name == model._name:
                return self.hierarchy(model, alias, "id", model, field.name, operator, value)
            return self.hierarchy(
                model, alias, field.name, comodel, comodel._parent_name, operator, value
            )
        if operator in ("any", "not any", "any!", "not any!"):
            sub = self.subselect(comodel, value)
            return _in_subselect(col, sub, operator.startswith("not"))
        if _is_names(value):
            positive = _POSITIVE.get(operator, operator)
            domain = name_search_domain(comodel, positive, value)
            sub = self.subselect(comodel, domain)
            return _in_subselect(col, sub, positive != operator)
        if operator in ("=", "!=", "in", "not in"):
            return _equality_17(field, col, operator, value)  # ids: no falsy value
        return self.scalar(model, alias, field, operator, value)

    def x2many(
        self, model: BaseModel, alias: str, field: F.Field, operator: str, value: Any
    ) -> SqlPart:
        comodel = model.env[field.comodel_name]  # type: ignore[attr-defined]
        if operator in ("child_of", "parent_of"):
            inner = self.alias("h")
            tree = self.hierarchy(
                comodel, inner, "id", comodel, comodel._parent_name, operator, value
            )
            return self.exists(model, alias, field, comodel, ("ids", tree, inner))
        if operator in ("any", "not any", "any!", "not any!"):
            sql = self.exists(model, alias, field, comodel, ("domain", value))
            return _not(sql) if operator.startswith("not") else sql
        if _is_names(value) or operator.endswith("like"):
            positive = _POSITIVE.get(operator, operator)
            domain = name_search_domain(comodel, positive, value)
            sql = self.exists(model, alias, field, comodel, ("domain", domain))
            return _not(sql) if positive != operator else sql
        if operator in ("=", "!=", "in", "not in"):
            values = list(value) if isinstance(value, (list, tuple)) else [value]
            ids = [int(v) for v in values if v is not False and v is not None]
            has_null = len(ids) < len(values)
            linked = self.exists(model, alias, field, comodel, ("id_list", ids)) if ids else None
            anything = self.exists(model, alias, field, comodel, ("all",))
            if operator in ("=", "in"):
                parts = ([linked] if linked else []) + ([_not(anything)] if has_null else [])
                return _join(" OR ", parts) if parts else ("0", [])
            parts = ([_not(linked)] if linked else []) + ([anything] if has_null else [])
            return _join(" AND ", parts) if parts else ("1", [])
        domain = [("id", operator, value)]
        return self.exists(model, alias, field, comodel, ("domain", domain))

    def exists(
        self,
        model: BaseModel,
        alias: str,
        field: F.Field,
        comodel: BaseModel,
        what: tuple[Any, ...],
    ) -> SqlPart:
        """EXISTS a linked record (one2many: through the inverse; many2many: the relation)."""
        kind = what[0]
        if field.type == "many2many":
            rel = self.alias(field.relation)  # type: ignore[attr-defined]
            head = (
                f'EXISTS (SELECT 1 FROM "{field.relation}" AS "{rel}" '  # type: ignore[attr-defined]
                f'WHERE "{rel}"."{field.column1}" = "{alias}"."id"'
            )  # type: ignore[attr-defined]
            target = f'"{rel}"."{field.column2}"'  # type: ignore[attr-defined]
            if kind == "all":
                return (head + ")", [])
            if kind == "id_list":
                return (f"{head} AND {target} IN ({_marks(what[1])}))", list(what[1]))
            sub = self.linked_subselect(comodel, field, what)
            return (f"{head} AND {target} IN ({sub[0]}))", sub[1])
        co = self.alias(comodel._table)
        inverse = field.inverse_name  # type: ignore[attr-defined]
        head = f'EXISTS (SELECT 1 FROM "{comodel._table}" AS "{co}" WHERE "{co}"."{inverse}" = "{alias}"."id"'
        parts = [self.comodel_filter(comodel, co, field)]
        if kind == "id_list":
            parts.append((f'"{co}"."id" IN ({_marks(what[1])})', list(what[1])))
        elif kind == "domain":
            parts.append(self.subdomain(comodel, co, what[1]))
        elif kind == "ids":
            parts.append(self.rebind(what[1], what[2], co))
        parts = [p for p in parts if p[0] != "1"]
        if not parts:
            return (head + ")", [])
        cond = _join(" AND ", parts)
        return (f"{head} AND {cond[0]})", cond[1])

    def linked_subselect(
        self, comodel: BaseModel, field: F.Field, what: tuple[Any, ...]
    ) -> SqlPart:
        co = self.alias(comodel._table)
        parts = [self.comodel_filter(comodel, co, field)]
        if what[0] == "domain":
            parts.append(self.subdomain(comodel, co, what[1]))
        else:
            parts.append(self.rebind(what[1], what[2], co))
        cond = _join(" AND ", parts)
        return (f'SELECT "{co}"."id" FROM "{comodel._table}" AS "{co}" WHERE {cond[0]}', cond[1])

    @staticmethod
    def rebind(sql: SqlPart, old: str, new: str) -> SqlPart:
        return (sql[0].replace(f'"{old}"."id"', f'"{new}"."id"'), sql[1])

    def comodel_filter(self, comodel: BaseModel, alias: str, field: F.Field) -> SqlPart:
        """What Odoo's ``comodel._search`` adds: active_test and the field's own domain."""
        parts: list[SqlPart] = []
        active = comodel._active_name
        if active and comodel.env.context.get("active_test", True):
            parts.append((f'"{alias}"."{active}" IS TRUE', []))
        field_domain = field.extra.get("domain")
        if isinstance(field_domain, list) and field_domain:
            parts.append(self.subdomain(comodel, alias, field_domain))
        return _join(" AND ", parts) if parts else ("1", [])

    def subselect(self, comodel: BaseModel, domain: Any) -> SqlPart:
        """Ids of ``comodel`` matching ``domain``, without active_test (many2one ``any``)."""
        co = self.alias(comodel._table)
        cond = self.subdomain(comodel, co, domain)
        return (f'SELECT "{co}"."id" FROM "{comodel._table}" AS "{co}" WHERE {cond[0]}', cond[1])

    def hierarchy(
        self,
        model: BaseModel,
        alias: str,
        column: str,
        comodel: BaseModel,
        parent: str,
        operator: str,
        value: Any,
    ) -> SqlPart:
        """``column`` IN the records given by ``value`` and their descendants (ancestors)."""
        if value is False or value is None or value == [] or value == ():
            return ("0", [])
        seed_alias = self.alias(comodel._table)
        if _is_names(value):
            names = [value] if isinstance(value, str) else list(value)
            domain = ["|"] * (len(names) - 1) + [("display_name", "ilike", n) for n in names]
            seed = self.subdomain(comodel, seed_alias, domain)
        else:
            ids = [int(v) for v in (value if isinstance(value, (list, tuple)) else [value])]
            seed = (f'"{seed_alias}"."id" IN ({_marks(ids)})', ids)
        cte = self.alias("tree")
        step = self.alias(comodel._table)
        table = comodel._table
        if operator == "child_of":
            walk = (
                f'SELECT "{step}"."id" FROM "{table}" AS "{step}" '
                f'JOIN "{cte}" ON "{step}"."{parent}" = "{cte}"."id"'
            )
        else:
            walk = (
                f'SELECT "{step}"."{parent}" FROM "{table}" AS "{step}" '
                f'JOIN "{cte}" ON "{step}"."id" = "{cte}"."id" '
                f'WHERE "{step}"."{parent}" IS NOT NULL'
            )
        sql = (
            f'"{alias}"."{column}" IN (WITH RECURSIVE "{cte}"("id") AS ('
            f'SELECT "{seed_alias}"."id" FROM "{table}" AS "{seed_alias}" WHERE {seed[0]} '
            f'UNION {walk}) SELECT "id" FROM "{cte}")'
        )
        return (sql, seed[1])


# -- leaves on scalar columns ----------------------------------------------------------------
def _normalize_operator(operator: str, value: Any) -> tuple[str, Any]:
    if operator == "<>":
        operator = "!="
    elif operator == "==":
        operator = "="
    if isinstance(value, bool) and operator in ("in", "not in"):
        operator = "=" if operator == "in" else "!="
    elif isinstance(value, (list, tuple, set, frozenset)) and operator in ("=", "!="):
        operator = "in" if operator == "=" else "not in"
    if operator in ("in", "not in") and not isinstance(value, (list, tuple, set, frozenset)):
        value = [value]
    if isinstance(value, (set, frozenset)):
        value = list(value)
    if operator == "any!":
        operator = "any"
    elif operator == "not any!":
        operator = "not any"
    return operator, value


def _equality_17(field: F.Field, col: str, operator: str, value: Any) -> SqlPart:
    """17 ``__leaf_to_sql``: False means NULL; negative operators with a value add NULL."""
    if operator in ("in", "not in"):
        if field.type == "boolean":
            # a stored false is a value of its own: ``in [True, False]`` matches both
            params = [_to_column(field, v) for v in value if v is not None]
            check_null = False in value or None in value
        else:
            params = [_to_column(field, v) for v in value if v is not False and v is not None]
            check_null = len(params) < len(value)
        if params:
            sql = f"{col} {operator.upper()} ({_marks(params)})"
        else:
            sql = "0" if operator == "in" else "1"
        if (operator == "in") == check_null:
            return (f"({sql} OR {col} IS NULL)", params)
        if operator == "not in" and check_null:
            return (f"({sql} AND {col} IS NOT NULL)", params)
        return (sql, params)
    is_bool = field.type == "boolean"
    if is_bool and ((operator == "=" and value is False) or (operator == "!=" and value is True)):
        return (f"({col} IS NULL OR {col} = 0)", [])
    if (value is False or value is None) and operator == "=":
        return (f"{col} IS NULL", [])
    if is_bool and operator == "!=" and value is False:
        return (f"({col} IS NOT NULL AND {col} != 0)", [])
    if value is False or value is None:
        return (f"{col} IS NOT NULL", [])
    sql = f"{col} {operator} ?"
    params = [_to_column(field, _date_string(field, value))]
    if value and operator == "!=":
        return (f"({sql} OR {col} IS NULL)", params)
    return (sql, params)


def _equality_18(field: F.Field, col: str, operator: str, value: Any) -> SqlPart:
    """18/19 ``Field._condition_to_sql``: the falsy value ('' or 0) counts as NULL."""
    if operator in ("=", "!="):
        operator, value = ("in" if operator == "=" else "not in"), [value]
    if not value:  # the optimizer's (f, 'in', []) -> FALSE, (f, 'not in', []) -> TRUE
        return ("0", []) if operator == "in" else ("1", [])
    if field.type == "boolean":
        wanted = {bool(v) for v in value}
        if operator == "not in":
            wanted = {True, False} - wanted
        if len(wanted) != 1:
            return ("1", []) if wanted else ("0", [])
        return (f"({col} IS TRUE)" if True in wanted else f"({col} IS NOT TRUE)", [])
    params = [
        _to_column(field, _date_string(field, v)) for v in value if v is not False and v is not None
    ]
    null_in = len(params) < len(value)
    falsy = _falsy_value(field)
    if falsy is not None:
        if falsy in params:
            null_in = True
        elif null_in:
            params.append(falsy)
    sql = f"{col} {operator.upper()} ({_marks(params)})" if params else None
    if (operator == "in") == null_in:
        return (f"({sql} OR {col} IS NULL)" if sql else f"{col} IS NULL", params)
    if operator == "not in" and null_in and not sql:
        return (f"{col} IS NOT NULL", [])
    if sql is None:
        return ("0", []) if operator == "in" else ("1", [])
    return (sql, params)


def _falsy_value(field: F.Field) -> Any:
    if field.type in _TEXTUAL:
        return ""
    if field.type == "integer" and field.name != "id":
        return 0
    if field.type in ("float", "monetary"):
        return 0.0
    return None


def _date_string(field: F.Field, value: Any) -> Any:
    if field.type == "datetime" and isinstance(value, str) and len(value) == 10:
        return value + " 00:00:00"
    return value


def _to_column(field: F.Field, value: Any) -> Any:
    """A domain value -> the SQLite value it is compared with (Odoo's convert_to_column)."""
    kind = field.type
    if value is None or (value is False and kind != "boolean"):
        return None
    if kind in ("integer", "many2one", "one2many", "many2many"):
        return int(value)
    if kind in ("float", "monetary"):
        return float(value)
    if kind == "boolean":
        return 1 if value else 0
    if kind == "date":
        return _try(lambda: F.to_date(value).strftime(F.DATE_FORMAT), value)
    if kind == "datetime":
        return _try(lambda: F.to_datetime(value).strftime(F.DATETIME_FORMAT), value)
    if kind in _TEXTUAL:
        return value if isinstance(value, str) else str(value)
    return value


def _try(func: Callable[[], Any], default: Any) -> Any:
    try:
        return func()
    except (TypeError, ValueError):
        return default


def _compare(left: Any, operator: str, right: Any) -> bool:
    try:
        if operator == "<":
            return bool(left < right)
        if operator == ">":
            return bool(left > right)
        if operator == "<=":
            return bool(left <= right)
        return bool(left >= right)
    except TypeError:
        return False


# -- like patterns ---------------------------------------------------------------------------
def _pattern_tokens(pattern: str) -> list[tuple[str, str]]:
    """A PostgreSQL LIKE pattern -> [("any"|"one"|"lit", char)]; backslash escapes."""
    tokens: list[tuple[str, str]] = []
    chars = iter(pattern)
    for ch in chars:
        if ch == "\\":
            tokens.append(("lit", next(chars, "\\")))
        elif ch == "%":
            tokens.append(("any", ch))
        elif ch == "_":
            tokens.append(("one", ch))
        else:
            tokens.append(("lit", ch))
    return tokens


def _glob(col: str, pattern: str) -> SqlPart:
    """Case-sensitive LIKE as a native GLOB (GLOB's own wildcards are bracketed)."""
    out = []
    for kind, ch in _pattern_tokens(pattern):
        if kind == "any":
            out.append("*")
        elif kind == "one":
            out.append("?")
        elif ch in "*?[":
            out.append(f"[{ch}]")
        else:
            out.append(ch)
    return (f"({col} GLOB ?)", ["".join(out)])


def _ilike_sql(col: str, pattern: str) -> SqlPart:
    """ILIKE: native ``lower() LIKE`` for ASCII patterns (right whatever the connection's
    ``case_sensitive_like``), else the registered ``odoo_ilike()`` (Unicode case folding)."""
    if pattern.isascii():
        return (f"(lower({col}) LIKE ? ESCAPE '\\')", [pattern.lower()])
    return (f"(odoo_ilike({col}, ?))", [pattern])


@lru_cache(maxsize=256)
def _ilike_regex(pattern: str) -> re.Pattern[str]:
    parts = []
    for kind, ch in _pattern_tokens(pattern):
        parts.append(".*" if kind == "any" else "." if kind == "one" else re.escape(ch))
    return re.compile("".join(parts), re.DOTALL | re.IGNORECASE)


def _ilike(value: Any, pattern: Any) -> int | None:
    if value is None or pattern is None:
        return None
    return 1 if _ilike_regex(str(pattern)).fullmatch(str(value)) else 0


# -- helpers ---------------------------------------------------------------------------------
def name_search_domain(model: BaseModel, operator: str, value: Any) -> list[Any]:
    """The domain matching records by name: ``model._search_display_name`` if it exists,
    else an OR over ``_rec_names_search`` (or ``_rec_name``)."""
    custom = getattr(model, "_search_display_name", None)
    if callable(custom):
        return list(custom(operator, value))
    names = model._rec_names_search or ([model._rec_name] if model._rec_name else [])
    if not names:
        return [FALSE_LEAF]
    return ["|"] * (len(names) - 1) + [(name, operator, value) for name in names]


def _is_names(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return (
        isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, str) for v in value)
    )


def _in_subselect(col: str, sub: SqlPart, negative: bool) -> SqlPart:
    if negative:
        return (f"({col} NOT IN ({sub[0]}) OR {col} IS NULL)", sub[1])
    return (f"{col} IN ({sub[0]})", sub[1])


def _marks(values: Any) -> str:
    return ",".join("?" * len(values))


def _not(sql: SqlPart) -> SqlPart:
    return (f"NOT {sql[0]}", sql[1])


def _join(sep: str, parts: list[SqlPart]) -> SqlPart:
    if len(parts) == 1:
        return parts[0]
    params: list[Any] = []
    for part in parts:
        params += part[1]
    return ("(" + sep.join(p[0] for p in parts) + ")", params)


__all__ = [
    "FALSE_LEAF",
    "TRUE_LEAF",
    "Dialect",
    "cache_key",
    "compile_domain",
    "mentions_field",
    "name_search_domain",
    "normalize_domain",
    "parse_domain",
    "register_sql_functions",
]
