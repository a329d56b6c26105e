"""The registry (model classes built for one version profile) and the environment.

A model is declared once as a Python class; classes that only set ``_inherit`` extend
it, as Odoo's modules do. ``Registry`` builds, per profile, one final class per model
with its fields copied and filtered for that version, and creates the SQLite schema.
"""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from . import fields as F

if TYPE_CHECKING:
    from ...clock import Clock
    from ..profiles import Profile
    from .models import BaseModel


class Registry:
    """Model classes for one profile, keyed by model name."""

    def __init__(self, profile: Profile, classes: Iterable[type[BaseModel]]) -> None:
        self.profile = profile
        self.models: dict[str, type[BaseModel]] = {}
        # compiled domains: (model, active_test, lang, domain key) -> (sql, params, fields)
        self.where_cache: dict[tuple[Any, ...], tuple[str, tuple[Any, ...], Any]] = {}
        self._build(list(classes))
        # inverse index: (comodel) -> [(model, field)] of many2one fields pointing at it
        self.many2one_to: dict[str, list[tuple[str, F.Many2one]]] = {}
        for name, cls in self.models.items():
            for field in cls._fields.values():
                if isinstance(field, F.Many2one) and field.store:
                    self.many2one_to.setdefault(field.comodel_name, []).append((name, field))

    def __contains__(self, name: str) -> bool:
        return name in self.models

    def _build(self, classes: list[type[BaseModel]]) -> None:
        chains: dict[str, list[type[BaseModel]]] = {}
        for cls in classes:
            name = cls.__dict__.get("_name") or cls.__dict__.get("_inherit")
            if not name:
                raise TypeError(f"{cls.__qualname__} has neither _name nor _inherit")
            if "_name" in cls.__dict__:
                chains.setdefault(name, []).insert(0, cls)
            else:
                chains.setdefault(name, []).append(cls)
        for name, chain in chains.items():
            if "_name" not in chain[0].__dict__:
                raise TypeError(f"model {name!r} is extended but never defined")
            bases = tuple(reversed(chain))
            final = type(chain[0].__name__, bases, {"_name": name})
            final._setup_class(self)
            self.models[name] = final

    def create_schema(self, conn: sqlite3.Connection) -> None:
        relations: set[str] = set()
        for cls in self.models.values():
            conn.execute(cls._create_table_sql())
            order_index = _order_index_columns(cls)
            for field in cls._fields.values():
                if field.column and (isinstance(field, F.Many2one) or field.index):
                    conn.execute(
                        f'CREATE INDEX IF NOT EXISTS "{cls._table}__{field.name}" '
                        f'ON "{cls._table}" ("{field.name}")'
                    )
                    if order_index and order_index[0] == field.name:
                        # the default order as ``orm.ordering`` writes it (NULLs last),
                        # so a page of the default order walks this index and stops
                        conn.execute(
                            f'CREATE INDEX IF NOT EXISTS "{cls._table}__{field.name}__order" '
                            f'ON "{cls._table}" ({", ".join(order_index[1])})'
                        )
                elif isinstance(field, F.Many2many) and field.store:
                    if field.relation in relations:
                        continue
                    relations.add(field.relation or "")
                    conn.execute(
                        f'CREATE TABLE IF NOT EXISTS "{field.relation}" '
                        f'("{field.column1}" INTEGER NOT NULL, "{field.column2}" INTEGER NOT NULL, '
                        f'PRIMARY KEY ("{field.column1}", "{field.column2}")) WITHOUT ROWID'
                    )
                    conn.execute(
                        f'CREATE INDEX IF NOT EXISTS "{field.relation}__rev" '
                        f'ON "{field.relation}" ("{field.column2}", "{field.column1}")'
                    )


def _order_index_columns(cls: type[BaseModel]) -> tuple[str, list[str]] | None:
    """The first field of the model's default order, and the index columns that sort as
    ``orm.ordering`` does: its stored plain-column terms (up to a many2one, which sorts
    by its comodel's order through a subquery), then ``id`` when no many2one came first.
    None when the first term is not a plain column."""
    columns: list[str] = []
    leading: str | None = None
    for part in (cls._order or "").split(","):
        words = part.split()
        if not words:
            continue
        name = words[0].strip('"')
        desc = len(words) > 1 and words[1].lower() == "desc"
        field = cls._fields.get(name)
        if name == "id":
            columns.append('"id" DESC' if desc else '"id"')
            break
        if field is not None and not field.column:
            continue  # ``orm.ordering`` skips a field that is not stored
        if field is None or isinstance(field, F.Many2one):
            break  # sorted by a subquery: the index covers the terms before this one
        leading = leading or name
        quoted = f'"{name}"'
        columns += (
            [f"{quoted} IS NULL DESC", f"{quoted} DESC"]
            if desc
            else [
                f"{quoted} IS NULL",
                quoted,
            ]
        )
    else:
        columns.append('"id"')  # ``orm.ordering`` ends every order with id ascending
    return (leading, columns) if leading else None


class Environment:
    """Who is calling, with which context, on which database cursor."""

    def __init__(
        self,
        registry: Registry,
        cr: sqlite3.Connection,
        uid: int,
        context: dict[str, Any] | None = None,
        *,
        su: bool = False,
        clock: Clock | None = None,
        state: dict[str, Any] | None = None,
    ) -> None:
        self.registry = registry
        self.cr = cr
        self.uid = uid
        self.context: dict[str, Any] = dict(context or {})
        self.su = su
        self.clock = clock
        # per-transaction shared state (caches), shared by derived environments
        self.state: dict[str, Any] = state if state is not None else {}

    @property
    def profile(self) -> Profile:
        return self.registry.profile

    def __getitem__(self, model_name: str) -> BaseModel:
        cls = self.registry.models[model_name]
        return cls(self, ())

    def __contains__(self, model_name: str) -> bool:
        return model_name in self.registry.models

    def __call__(
        self,
        *,
        uid: int | None = None,
        context: dict[str, Any] | None = None,
        su: bool | None = None,
    ) -> Environment:
        return Environment(
            self.registry,
            self.cr,
            self.uid if uid is None else uid,
            self.context if context is None else context,
            su=self.su if su is None else su,
            clock=self.clock,
            state=self.state,
        )

    def sudo(self) -> Environment:
        return self(su=True)

    @property
    def user(self) -> BaseModel:
        return self["res.users"].browse(self.uid)

    def now_string(self) -> str:
        """The sandbox's current time as Odoo stores it (UTC, naive, to the second)."""
        from datetime import UTC, datetime

        now = self.clock.now() if self.clock else datetime.now(UTC)
        return now.astimezone(UTC).strftime(F.DATETIME_FORMAT)

    def ref(self, xmlid: str, raise_if_not_found: bool = True) -> BaseModel | None:
        module, _, name = xmlid.partition(".")
        row = self.cr.execute(
            'SELECT model, res_id FROM "ir_model_data" WHERE module = ? AND name = ?',
            (module, name),
        ).fetchone()
        if row is None:
            if raise_if_not_found:
                raise ValueError(f"External ID not found in the system: {xmlid}")
            return None
        return self[row[0]].browse(row[1])

    def xmlid_id(self, xmlid: str) -> int | None:
        record = self.ref(xmlid, raise_if_not_found=False)
        return record.id if record else None

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        self.cr.execute("SAVEPOINT sp")
        try:
            yield
        except BaseException:
            self.cr.execute("ROLLBACK TO SAVEPOINT sp")
            self.cr.execute("RELEASE SAVEPOINT sp")
            raise
        self.cr.execute("RELEASE SAVEPOINT sp")


def copy_field(field: F.Field) -> F.Field:
    return copy.copy(field)
