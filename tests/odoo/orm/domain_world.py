"""A tiny world for domain tests: three models as plain rows, loaded into real SQLite tables.

The models are stand-ins with the attributes ``orm.domains`` relies on (``_name``, ``_table``,
``_fields``, ``env``...), so the compiler is tested apart from the rest of the ORM. The rows
stay plain dicts for ``domain_oracle``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from odoo_harness.odoo.orm import fields as F
from odoo_harness.odoo.profiles import PROFILES

VERSIONS = ("17.0", "18.0", "19.0")


def _fields(model_name: str, **declared: F.Field) -> dict[str, F.Field]:
    out: dict[str, F.Field] = {"id": F.Integer("ID")}
    out.update(declared)
    out["display_name"] = F.Char("Display Name", compute="_compute_display_name")
    for name, fld in out.items():
        fld.setup(name, model_name)
    return out


def country_fields() -> dict[str, F.Field]:
    return _fields("x.country", name=F.Char(), code=F.Char())


def tag_fields() -> dict[str, F.Field]:
    return _fields("x.tag", name=F.Char(), active=F.Boolean())


def partner_fields() -> dict[str, F.Field]:
    return _fields(
        "x.partner",
        name=F.Char(),
        email=F.Char(),
        ref=F.Char(),
        color=F.Integer(),
        lat=F.Float(),
        is_company=F.Boolean(),
        kind=F.SelectionField([("a", "A"), ("b", "B")]),
        day=F.Date(),
        stamp=F.Datetime(),
        parent_id=F.Many2one("x.partner"),
        country_id=F.Many2one("x.country"),
        child_ids=F.One2many("x.partner", "parent_id"),
        tag_ids=F.Many2many("x.tag", "x_partner_tag_rel", "partner_id", "tag_id"),
        country_code=F.Char(related="country_id.code"),
    )


SCHEMA: dict[str, dict[str, Any]] = {
    "x.country": {"fields": country_fields, "rec_names": ["name"], "active": None},
    "x.tag": {"fields": tag_fields, "rec_names": ["name"], "active": "active"},
    "x.partner": {"fields": partner_fields, "rec_names": ["name", "email"], "active": None},
}


class FakeModel:
    """An empty recordset of one model, as ``env[name]`` gives it."""

    def __init__(self, env: FakeEnv, name: str) -> None:
        spec = SCHEMA[name]
        self.env = env
        self._name = name
        self._table = name.replace(".", "_")
        self._fields = spec["fields"]()
        self._rec_name = "name"
        self._rec_names_search = spec["rec_names"] if len(spec["rec_names"]) > 1 else None
        self._active_name = spec["active"]
        self._parent_name = "parent_id"


@dataclass
class FakeEnv:
    version: str
    cr: sqlite3.Connection
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def profile(self) -> Any:
        return PROFILES[self.version]

    def __getitem__(self, name: str) -> FakeModel:
        return FakeModel(self, name)


@dataclass
class World:
    """Rows per model: ``{model: {id: {field: value}}}``; relation rows for tags."""

    rows: dict[str, dict[int, dict[str, Any]]]
    partner_tags: list[tuple[int, int]]

    def build(self, conn: sqlite3.Connection) -> None:
        for model, spec in SCHEMA.items():
            table = model.replace(".", "_")
            columns = [f for f, fld in spec["fields"]().items() if fld.column and f != "id"]
            conn.execute(
                f'CREATE TABLE "{table}" (id INTEGER PRIMARY KEY, '
                + ", ".join(f'"{c}"' for c in columns)
                + ")"
            )
            for rid, row in self.rows[model].items():
                values = [rid] + [row.get(c) for c in columns]
                marks = ",".join("?" * len(values))
                conn.execute(f'INSERT INTO "{table}" VALUES ({marks})', values)
        conn.execute(
            'CREATE TABLE "x_partner_tag_rel" (partner_id INTEGER, tag_id INTEGER, '
            "PRIMARY KEY (partner_id, tag_id))"
        )
        conn.executemany('INSERT INTO "x_partner_tag_rel" VALUES (?, ?)', self.partner_tags)


def connect(world: World) -> sqlite3.Connection:
    from odoo_harness.odoo.orm.domains import register_sql_functions

    conn = sqlite3.connect(":memory:")
    conn.execute("PRAGMA case_sensitive_like = ON")  # as the sandbox's connection does
    register_sql_functions(conn)
    world.build(conn)
    return conn


def search(
    conn: sqlite3.Connection,
    version: str,
    domain: Any,
    model: str = "x.partner",
    context: dict[str, Any] | None = None,
) -> list[int]:
    from odoo_harness.odoo.orm.domains import compile_domain

    recordset = FakeEnv(version, conn, context or {})[model]
    where, params = compile_domain(recordset, domain)
    sql = f'SELECT id FROM "{recordset._table}" WHERE {where} ORDER BY id'
    return [row[0] for row in conn.execute(sql, params)]
