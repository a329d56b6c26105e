"""``BaseModel``: recordsets over SQLite with Odoo's CRUD semantics and RPC surface.

A recordset is a model class, an environment and a tuple of ids. The methods a client may
call remotely are marked with ``@rpc``; their Python signatures are Odoo's, so argument
errors read as Odoo's do (``BaseModel.read() takes from 1 to 3 positional arguments...``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ..exceptions import AccessError, MissingError, UserError
from . import fields as F
from . import messages
from .commands import apply_x2many_commands

if TYPE_CHECKING:
    from .registry import Environment, Registry

T = TypeVar("T", bound=Callable[..., Any])

NO_DEFAULT = F.NO_DEFAULT
SUPERUSER_ID = 1
#: compiled domains kept per registry (``BaseModel._where``); emptied when full
WHERE_CACHE_SIZE = 1024


def rpc(
    func: T | None = None,
    *,
    model: bool = False,
    create: bool = False,
    versions: tuple[str, ...] | None = None,
    single_before: int | None = None,
) -> Any:
    """Mark a method callable over RPC. ``model=True``: no ids (Odoo's ``@api.model``);
    ``create=True``: a dict argument gives an id back, a list gives ids; ``versions``:
    the profiles where the method exists; ``single_before``: before that major version a
    recordset result reaches the client as one id (``@api.returns('self', lambda v: v.id)``,
    as ``copy`` in 17), from it on as a list of ids."""

    def mark(f: T) -> T:
        f._rpc = "create" if create else ("model" if model else "multi")  # type: ignore[attr-defined]
        f._rpc_versions = versions  # type: ignore[attr-defined]
        f._rpc_single_before = single_before  # type: ignore[attr-defined]
        return f

    return mark(func) if func is not None else mark


class BaseModel:
    """A recordset: ``env``, the model class and a tuple of ``ids``."""

    _name: str = ""
    _inherit: str | None = None
    _description: str | None = None
    _order = "id"
    _rec_name: str | None = None
    _rec_names_search: list[str] | None = None
    _parent_name = "parent_id"
    # what display_name depends on (fields_get 'depends'); None: the _rec_name
    _display_name_depends: tuple[str, ...] | None = None
    _log_access = True
    _has_record_rules = False
    # Python constraints: (method name, fields that trigger it)
    _constraint_methods: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # SQL constraints: (name, "CHECK(...)" or "UNIQUE(...)", message)
    _sql_constraints: list[tuple[str, str, str]] = []
    # Methods that are not callable remotely though public in Python (version -> names)
    _private_names: frozenset[str] = frozenset(
        {
            "init",
            "browse",
            "sudo",
            "with_context",
            "with_user",
            "ensure_one",
            "mapped",
            "filtered",
            "sorted",
            "with_env",
            "exists_ids",
            "flush",
            "invalidate",
        }
    )

    # set by _setup_class
    _table: str = ""
    _fields: dict[str, F.Field] = {}
    _active_name: str | None = None
    _registry: Registry

    __slots__ = ("env", "_ids")

    def __init__(self, env: Environment, ids: tuple[int, ...]) -> None:
        self.env = env
        self._ids = ids

    # -- class set-up ----------------------------------------------------------------
    @classmethod
    def _setup_class(cls, registry: Registry) -> None:
        from .registry import copy_field

        cls._registry = registry
        cls._table = cls._name.replace(".", "_")
        version = registry.profile.serie
        collected: dict[str, F.Field] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in list(vars(klass).items()):
                if isinstance(value, F.Field):
                    if value.versions and version not in value.versions:
                        collected.pop(attr, None)
                    else:
                        collected[attr] = value
        fields: dict[str, F.Field] = {"id": F.Integer("ID", readonly=True)}
        fields.update({name: copy_field(f) for name, f in collected.items() if name != "id"})
        fields["display_name"] = F.Char("Display Name", compute="_compute_display_name")
        if cls._log_access:
            fields["create_uid"] = F.Many2one("res.users", "Created by", readonly=True)
            fields["create_date"] = F.Datetime("Created on", readonly=True)
            fields["write_uid"] = F.Many2one("res.users", "Last Updated by", readonly=True)
            fields["write_date"] = F.Datetime("Last Updated on", readonly=True)
        for name, field in fields.items():
            field.setup(name, cls._name, version)
        cls._fields = fields
        cls._active_name = "active" if "active" in fields else None
        if cls._rec_name is None and "name" in fields:
            cls._rec_name = "name"
        # BaseModel._compute_display_name depends on _rec_name; overrides name their own
        depends = cls._display_name_depends
        if depends is None:
            depends = (cls._rec_name,) if cls._rec_name else ()
        fields["display_name"].extra["depends"] = tuple(depends)

    @classmethod
    def _create_table_sql(cls) -> str:
        cols = ['"id" INTEGER PRIMARY KEY AUTOINCREMENT']
        for field in cls._fields.values():
            if field.name == "id" or not field.column:
                continue
            col = f'"{field.column}" {field.column_type}'
            if field.required:
                col += " NOT NULL"
            cols.append(col)
        for name, definition, _message in cls._sql_constraints:
            cols.append(f'CONSTRAINT "{cls._table}_{name}" {definition}')
        return f'CREATE TABLE IF NOT EXISTS "{cls._table}" ({", ".join(cols)})'

    # -- recordset basics --------------------------------------------------------------
    @property
    def ids(self) -> list[int]:
        return list(self._ids)

    @property
    def id(self) -> int | bool:
        return self._ids[0] if self._ids else False

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self):  # type: ignore[no-untyped-def]
        for id_ in self._ids:
            yield self.__class__(self.env, (id_,))

    def __bool__(self) -> bool:
        return bool(self._ids)

    def __repr__(self) -> str:
        return f"{self._name}{self._ids!r}"

    def browse(self, ids: Any = ()) -> BaseModel:
        if ids is None or ids is False:
            ids = ()
        elif isinstance(ids, int) and not isinstance(ids, bool):
            ids = (ids,)
        else:
            ids = tuple(ids)
        return self.__class__(self.env, ids)

    def with_env(self, env: Environment) -> BaseModel:
        return self.__class__(env, self._ids)

    def sudo(self) -> BaseModel:
        return self.with_env(self.env.sudo())

    def with_context(self, *args: dict[str, Any], **kwargs: Any) -> BaseModel:
        context = dict(args[0] if args else self.env.context)
        context.update(kwargs)
        return self.with_env(self.env(context=context))

    def ensure_one(self) -> BaseModel:
        if len(self._ids) != 1:
            raise ValueError(f"Expected singleton: {self!r}")
        return self

    @property
    def _cr(self) -> sqlite3.Connection:
        return self.env.cr

    def _sql(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.env.cr.execute(query, params).fetchall()

    def __getitem__(self, field_name: str) -> Any:
        """The value of one field of a single record, in ``read`` format."""
        self.ensure_one()
        rows = self._read_rows([field_name], "_classic_write")
        return rows[0][field_name] if rows else False

    # -- access rights -----------------------------------------------------------------
    def _check_access(self, operation: str) -> None:
        if self.env.su or self.env.uid == SUPERUSER_ID:
            return
        from .access import check_model_access

        check_model_access(self, operation)

    def _missing_error(self, ids: Iterable[int]) -> MissingError:
        id_list = tuple(ids)
        return MissingError(messages.missing_record(self._name, id_list, self.env.uid))

    def _existing_ids(self, ids: Iterable[int] | None = None) -> list[int]:
        wanted = list(self._ids if ids is None else ids)
        if not wanted:
            return []
        found: set[int] = set()
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self._sql(f'SELECT id FROM "{self._table}" WHERE id IN ({marks})', chunk)
            )
        return [i for i in wanted if i in found]

    # ================================================================================
    # RPC methods
    # ================================================================================
    @rpc
    def exists(self) -> BaseModel:
        return self.browse(_unique(self._existing_ids()))

    @rpc(model=True)
    def check_access_rights(self, operation: str, raise_exception: bool = True) -> bool | None:
        try:
            self._check_access(operation)
        except AccessError:
            if raise_exception:
                raise
            return False
        # 18+ made this a deprecated wrapper around check_access(), which returns None.
        return True if (not raise_exception or self.env.profile.major < 18) else None

    @rpc(model=True)
    def fields_get(
        self, allfields: list[str] | None = None, attributes: list[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        self._check_access("read")
        result: dict[str, dict[str, Any]] = {}
        for name, field in self._fields.items():
            if allfields and name not in allfields:
                continue
            desc = field.describe(self)
            if attributes:
                desc = {key: value for key, value in desc.items() if key in attributes}
            result[name] = desc
        return result

    @rpc(model=True)
    def default_get(self, fields_list: list[str]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        context = self.env.context
        for name in fields_list:
            field = self._fields.get(name)
            if field is None:
                continue
            key = f"default_{name}"
            if key in context:
                result[name] = context[key]
                continue
            if field.default is NO_DEFAULT:
                continue
            value = field.default_value(self)
            if isinstance(value, BaseModel):
                value = value.id if isinstance(field, F.Many2one) else value.ids
            result[name] = value
        return result

    # -- create --------------------------------------------------------------------------
    @rpc(create=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        self._check_access("create")
        if not vals_list:
            return self.browse(())
        created = [self._create_one(vals) for vals in vals_list]
        records = self.browse([new_id for new_id, _columns in created])
        records._after_create([dict(v) for v in vals_list])
        for _new_id, columns in created:
            self._check_many2one_targets(columns)
        return records

    def _create_one(self, vals: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        vals = self._add_missing_defaults(dict(vals))
        self._check_field_names(vals, for_write=True)
        now = self.env.now_string()
        columns: dict[str, Any] = {}
        x2many: dict[str, Any] = {}
        for name, value in vals.items():
            field = self._fields[name]
            if isinstance(field, (F.One2many, F.Many2many)):
                x2many[name] = value
            elif field.column and name != "id":
                columns[name] = field.to_column(value, self)
        if self._log_access:
            columns.update(
                create_uid=self.env.uid, create_date=now, write_uid=self.env.uid, write_date=now
            )
        new_id = self._insert(columns)
        record = self.browse(new_id)
        for name, commands in x2many.items():
            apply_x2many_commands(record, self._fields[name], commands)
        return new_id, columns

    def _insert(self, columns: dict[str, Any]) -> int:
        names = list(columns)
        sql = (
            f'INSERT INTO "{self._table}" ({", ".join(f"{chr(34)}{n}{chr(34)}" for n in names)}) '
            f"VALUES ({', '.join('?' * len(names))})"
            if names
            else f'INSERT INTO "{self._table}" DEFAULT VALUES'
        )
        try:
            cursor = self.env.cr.execute(sql, [columns[n] for n in names])
        except sqlite3.IntegrityError as exc:
            raise self._integrity_error(exc) from None
        return int(cursor.lastrowid or 0)

    def _add_missing_defaults(self, vals: dict[str, Any]) -> dict[str, Any]:
        missing = [
            name
            for name, field in self._fields.items()
            if name not in vals
            and (field.store or field.extra.get("inverse"))
            and name not in ("id", "create_uid", "create_date", "write_uid", "write_date")
        ]
        defaults = self.default_get(missing)
        for name, value in defaults.items():
            field = self._fields[name]
            if isinstance(field, F.Many2many) and isinstance(value, list):
                if value and not isinstance(value[0], (list, tuple)):
                    value = [(6, 0, value)]
            elif isinstance(field, F.One2many) and isinstance(value, list):
                continue
            vals[name] = value
        return vals

    def _after_create(self, vals_list: list[dict[str, Any]]) -> None:
        """Stored computes, then Python constraints, for freshly created records."""
        self._recompute_stored(None)
        self._run_constraints(None)

    # -- write ---------------------------------------------------------------------------
    @rpc
    def write(self, vals: dict[str, Any]) -> bool:
        self._check_access("write")
        if not self._ids:
            return True
        self._check_field_names(vals, for_write=True)
        self._ensure_writable_ids()
        columns: dict[str, Any] = {}
        x2many: dict[str, Any] = {}
        for name, value in vals.items():
            field = self._fields[name]
            if isinstance(field, (F.One2many, F.Many2many)):
                x2many[name] = value
            elif field.column and name != "id":
                columns[name] = field.to_column(value, self)
        if self._log_access and (columns or x2many or not vals):
            columns.update(write_uid=self.env.uid, write_date=self.env.now_string())
        self._update(columns)
        for name, commands in x2many.items():
            for record in self:
                apply_x2many_commands(record, self._fields[name], commands)
        self._recompute_stored(set(vals))
        self._check_many2one_targets(columns)
        self._run_constraints(set(vals))
        return True

    def _ensure_writable_ids(self) -> None:
        if not self._has_record_rules or self.env.su:
            return
        missing = set(self._ids) - set(self._existing_ids())
        if missing:
            raise self.browse(sorted(missing))._missing_error(sorted(missing))

    def _update(self, columns: dict[str, Any]) -> None:
        if not columns or not self._ids:
            return
        assignments = ", ".join(f'"{name}" = ?' for name in columns)
        values = list(columns.values())
        try:
            for chunk in _chunks(list(self._ids)):
                marks = ",".join("?" * len(chunk))
                self.env.cr.execute(
                    f'UPDATE "{self._table}" SET {assignments} WHERE id IN ({marks})',
                    values + list(chunk),
                )
        except sqlite3.IntegrityError as exc:
            raise self._integrity_error(exc) from None

    # -- unlink --------------------------------------------------------------------------
    @rpc
    def unlink(self) -> bool:
        self._check_access("unlink")
        ids = self._existing_ids()
        if not ids:
            return True
        records = self.browse(ids)
        records._before_unlink()
        records._unlink_cascade()
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            self._sql(f'DELETE FROM "{self._table}" WHERE id IN ({marks})', chunk)
            self._sql(
                f'DELETE FROM "ir_model_data" WHERE model = ? AND res_id IN ({marks})',
                [self._name, *chunk],
            )
        return True

    def _before_unlink(self) -> None:
        """Hook for models that refuse some deletions (a confirmed order...)."""

    def _unlink_cascade(self) -> None:
        registry = self.env.registry
        ids = list(self._ids)
        marks = ",".join("?" * len(ids))
        for model_name, field in registry.many2one_to.get(self._name, []):
            comodel = self.env[model_name].sudo()
            rows = self._sql(
                f'SELECT id FROM "{comodel._table}" WHERE "{field.name}" IN ({marks})', ids
            )
            dependents = [r[0] for r in rows if not (model_name == self._name and r[0] in ids)]
            if not dependents:
                continue
            if field.ondelete == "cascade":
                comodel.browse(dependents).unlink()
            elif field.ondelete == "restrict":
                raise UserError(messages.fk_restrict(self.env, comodel, field))
            else:
                # ON DELETE SET NULL, then what depends on the link is recomputed (Odoo
                # marks it modified before the delete): a contact's names, its commercial entity
                orphans = comodel.browse(dependents)
                orphans._update({field.name: None})
                orphans._recompute_stored({field.name})
        for cls in registry.models.values():
            for field in cls._fields.values():
                if isinstance(field, F.Many2many) and field.store:
                    if field.comodel_name == self._name:
                        self._sql(
                            f'DELETE FROM "{field.relation}" WHERE "{field.column2}" IN ({marks})',
                            ids,
                        )
                    if cls._name == self._name:
                        self._sql(
                            f'DELETE FROM "{field.relation}" WHERE "{field.column1}" IN ({marks})',
                            ids,
                        )

    # -- read ----------------------------------------------------------------------------
    @rpc
    def read(self, fields: list[str] | None = None, load: str = "_classic_read") -> list[dict]:
        self._check_access("read")
        names = self._check_read_fields(fields)
        return self._read_rows(names, load)

    def _check_read_fields(self, fields: list[str] | None) -> list[str]:
        if not fields:
            return [name for name in self._fields if name != "id"]
        if isinstance(fields, str):
            fields = [fields]
        for name in fields:
            if name not in self._fields:
                raise ValueError(messages.invalid_field_read(self.env.profile, name, self._name))
        return [name for name in fields if name != "id"]

    def _read_format(self, fnames: list[str], load: str = "_classic_read") -> list[dict]:
        return self._read_rows(fnames, load)

    def _read_rows(self, names: list[str], load: str = "_classic_read") -> list[dict]:
        from .reading import read_records

        return read_records(self, names, load)

    # -- search --------------------------------------------------------------------------
    @rpc(model=True)
    def search(
        self,
        domain: list[Any],
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
    ) -> BaseModel:
        self._check_access("read")
        return self.browse(self._search(domain, offset, limit, order))

    @rpc(model=True)
    def search_count(self, domain: list[Any], limit: int | None = None) -> int:
        self._check_access("read")
        where, params = self._where(domain)
        sql = f'SELECT COUNT(*) FROM (SELECT 1 FROM "{self._table}" WHERE {where}'
        if limit:
            sql += f" LIMIT {int(limit)}"
        return int(self._sql(sql + ")", params)[0][0])

    @rpc(model=True)
    def search_read(
        self,
        domain: list[Any] | None = None,
        fields: list[str] | None = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        **read_kwargs: Any,
    ) -> list[dict]:
        self._check_access("read")
        names = self._check_read_fields(fields)
        ids = self._search(domain or [], offset, limit, order)
        if not ids:
            return []
        return self.browse(ids)._read_format(names, **read_kwargs)

    def _where(self, domain: Any) -> tuple[str, list[Any]]:
        """``domain`` -> (SQL condition, params), with the implicit active leaf.

        Domains of plain leaves on stored columns (``domains.cache_key``) are compiled once
        per model class, active_test and lang: their SQL depends on nothing else (not on
        the user, whose rights ``_check_access`` checks on every call, nor on any row). A
        hit is served only while each field it names is still the same field object."""
        from .domains import cache_key, compile_domain, normalize_domain

        context = self.env.context
        lang = context.get("lang")
        found = cache_key(self, domain) if lang is None or type(lang) is str else None
        cache = self._registry.where_cache
        if found is not None:
            active_test = bool(context.get("active_test", True))
            key = (self._name, self._active_name, active_test, lang, found[0])
            hit = cache.get(key)
            if hit is not None:
                fields = self._fields
                if all(fields.get(name) is field for name, field in hit[2]):
                    return hit[0], list(hit[1])
        # the caller's domain is checked as given, before the implicit active leaf joins it
        normalized = normalize_domain(domain, self.env.profile)
        sql, params = compile_domain(self, self._apply_active_test(normalized))
        if found is not None and "odoo_ilike(" not in sql:
            if len(cache) >= WHERE_CACHE_SIZE:
                cache.clear()
            cache[key] = (sql, tuple(params), found[1])
        return sql, params

    def _apply_active_test(self, domain: Any) -> Any:
        if not self._active_name or not self.env.context.get("active_test", True):
            return domain
        if not isinstance(domain, (list, tuple)):
            return domain
        for term in domain:
            if isinstance(term, (list, tuple)) and term and term[0] == self._active_name:
                return domain
        return (
            [(self._active_name, "=", True), *domain]
            if domain
            else [(self._active_name, "=", True)]
        )

    def _search(
        self,
        domain: Any,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
    ) -> list[int]:
        where, params = self._where(domain)
        from .ordering import order_by_sql

        order_sql = order_by_sql(self, order)
        sql = f'SELECT "{self._table}".id FROM "{self._table}" WHERE {where} ORDER BY {order_sql}'
        if limit:
            sql += f" LIMIT {int(limit)}"
        if offset:
            sql += (" " if limit else " LIMIT -1 ") + f"OFFSET {int(offset)}"
        return [row[0] for row in self._sql(sql, params)]

    # -- names ---------------------------------------------------------------------------
    def _compute_display_name(self) -> dict[int, Any]:
        rec_name = self._rec_name
        ids = list(self._ids)
        if not ids:
            return {}
        if rec_name and self._fields[rec_name].column:
            names: dict[int, Any] = {}
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                for row_id, value in self._sql(
                    f'SELECT id, "{rec_name}" FROM "{self._table}" WHERE id IN ({marks})', chunk
                ):
                    names[row_id] = value or False
            return names
        return {i: f"{self._name},{i}" for i in ids}

    def _display_names(self) -> dict[int, Any]:
        return self.sudo()._compute_display_name()

    @rpc(model=True)
    def name_search(
        self,
        name: str = "",
        args: list[Any] | None = None,
        operator: str = "ilike",
        limit: int = 100,
    ) -> list[list[Any]]:
        return self._name_search_pairs(name, args, operator, limit)

    def _name_search_pairs(
        self, name: str, domain: list[Any] | None, operator: str, limit: int | None
    ) -> list[list[Any]]:
        self._check_access("read")
        domain = list(domain or []) + self._name_search_domain(name, operator)
        ids = self._search(domain, limit=limit)
        names = self.browse(ids)._display_names()
        return [[i, names.get(i, False)] for i in ids]

    def _name_search_domain(self, name: str, operator: str) -> list[Any]:
        """The name condition of name_search (Odoo's ``_name_search``): nothing for an
        empty 'ilike'/'like', else the operator on each ``_rec_names_search`` field, joined
        by '|', or by '&' for a negative operator (no field may match)."""
        if name == "" and operator in ("ilike", "like"):
            return []
        search_fields = self._rec_names_search or ([self._rec_name] if self._rec_name else [])
        if not search_fields:
            return []
        joiner = "&" if operator in ("!=", "not like", "not ilike", "not in") else "|"
        return [joiner] * (len(search_fields) - 1) + [(f, operator, name) for f in search_fields]

    @rpc(model=True)
    def name_search__v19(
        self,
        name: str = "",
        domain: list[Any] | None = None,
        operator: str = "ilike",
        limit: int = 100,
    ) -> list[list[Any]]:
        return self._name_search_pairs(name, domain, operator, limit)

    @rpc(model=True)
    def name_create(self, name: str) -> list[Any] | bool:
        if not self._rec_name:
            return False
        record = self.create({self._rec_name: name})
        return [record.id, record._display_names().get(record.id, False)]

    # -- copy, archive -------------------------------------------------------------------
    @rpc(single_before=18)
    def copy(self, default: dict[str, Any] | None = None) -> Any:
        self.ensure_one()
        vals = self._copy_data(default or {})
        new = self.create(vals)
        return new

    def _copy_data(self, default: dict[str, Any]) -> dict[str, Any]:
        row = self._read_rows(list(self._fields), "_classic_write")
        if not row:
            raise self._missing_error(self._ids)
        values = row[0]
        vals: dict[str, Any] = {}
        for name, field in self._fields.items():
            if name in default:
                vals[name] = default[name]
                continue
            if (
                name
                in ("id", "display_name", "create_uid", "create_date", "write_uid", "write_date")
                or not field.copy
                or field.compute
                or field.related
            ):
                continue
            if isinstance(field, F.One2many):
                continue
            if isinstance(field, F.Many2many):
                vals[name] = [(6, 0, values[name])]
            elif field.store:
                vals[name] = values[name]
        return vals

    @rpc
    def action_archive(self) -> None:
        if self._active_name:
            self._filtered_active(True).write({self._active_name: False})

    @rpc
    def action_unarchive(self) -> None:
        if self._active_name:
            self._filtered_active(False).write({self._active_name: True})

    def _filtered_active(self, active: bool) -> BaseModel:
        rows = self._read_rows([self._active_name or "active"], "_classic_write")
        return self.browse(
            [r["id"] for r in rows if bool(r[self._active_name or "active"]) is active]
        )

    @rpc
    def get_metadata(self) -> list[dict[str, Any]]:
        rows = self._read_rows(["create_uid", "create_date", "write_uid", "write_date"])
        result = []
        for row in rows:
            xmlid = self._sql(
                'SELECT module, name, noupdate FROM "ir_model_data" WHERE model = ? AND res_id = ?',
                (self._name, row["id"]),
            )
            row["xmlid"] = f"{xmlid[0][0]}.{xmlid[0][1]}" if xmlid else ""
            row["xmlids"] = [{"xmlid": f"{m}.{n}", "noupdate": bool(nu)} for m, n, nu in xmlid]
            row["noupdate"] = bool(xmlid[0][2]) if xmlid else False
            result.append(row)
        return result

    @rpc(model=True, versions=("19.0",))
    def formatted_read_group(
        self,
        domain: list[Any],
        groupby: list[str] | tuple[str, ...] = (),
        aggregates: list[str] | tuple[str, ...] = (),
        having: list[Any] | tuple[Any, ...] = (),
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
    ) -> list[dict[str, Any]]:
        from .grouping import formatted_read_group

        self._check_access("read")
        return formatted_read_group(
            self, domain, list(groupby), list(aggregates), offset, limit, order
        )

    @rpc(model=True)
    def read_group(
        self,
        domain: list[Any],
        fields: list[str],
        groupby: str | list[str],
        offset: int = 0,
        limit: int | None = None,
        orderby: str | bool = False,
        lazy: bool = True,
    ) -> list[dict[str, Any]]:
        from .grouping import read_group

        self._check_access("read")
        return read_group(self, domain, fields, groupby, offset, limit, orderby, lazy)

    # ================================================================================
    # Internals shared by create and write
    # ================================================================================
    def _check_field_names(self, vals: dict[str, Any], *, for_write: bool) -> None:
        for name in vals:
            if name not in self._fields:
                raise ValueError(messages.invalid_field_write(self.env.profile, name, self._name))

    def _check_many2one_targets(self, columns: dict[str, Any]) -> None:
        for name, value in columns.items():
            field = self._fields.get(name)
            if not isinstance(field, F.Many2one) or value is None:
                continue
            if name in ("create_uid", "write_uid"):
                continue
            comodel = self.env[field.comodel_name]
            if not comodel._existing_ids([value]):
                raise UserError(messages.fk_missing_target(self.env, self, field))

    def _integrity_error(self, exc: sqlite3.IntegrityError) -> Exception:
        return messages.integrity_error(self, str(exc))

    def _recompute_stored(self, changed: set[str] | None) -> None:
        """Recompute stored computed fields of these records (all when ``changed`` is None)."""
        for name, field in self._fields.items():
            if not (field.store and field.compute):
                continue
            depends = field.extra.get("depends", ())
            if changed is not None and not (set(depends) & changed):
                continue
            values = getattr(self, field.compute)()
            for record_id, value in values.items():
                self.browse(record_id)._update({name: value})
        self._recompute_related(changed)

    def _recompute_related(self, changed: set[str] | None) -> None:
        """Hook: models whose stored computes depend on other records extend this."""

    def _run_constraints(self, changed: set[str] | None) -> None:
        for method, trigger in self._constraint_methods:
            if changed is None or set(trigger) & changed:
                getattr(self, method)()

    def _check_recursion(self, parent: str | None = None) -> bool:
        parent = parent or self._parent_name
        for start in self._ids:
            seen = {start}
            current = start
            while True:
                row = self._sql(f'SELECT "{parent}" FROM "{self._table}" WHERE id = ?', (current,))
                if not row or not row[0][0]:
                    break
                current = row[0][0]
                if current in seen:
                    return False
                seen.add(current)
        return True


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _unique(ids: Iterable[int]) -> list[int]:
    seen: set[int] = set()
    out = []
    for i in ids:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out


chunks = _chunks
