"""Seeding a fresh sandbox database: the master data a new real database of that version
holds (same ids, names and external ids), its access rights, and the two users.

``data/countries.json`` lists the ISO 3166 countries (generated once from the pycountry
package's data) in the order of Odoo's external ids, which gives Odoo's country ids.

``data/<version>/masterdata.json`` is read off a fresh real database; what it does not say
(other groups' names, the full model list) follows Odoo's own data for that version.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from importlib import resources
from typing import Any

from .orm import fields as F
from .orm.registry import Environment

# Groups the access rows name but the master data does not describe: (name, category).
EXTRA_GROUPS: dict[str, dict[str, tuple[str, str]]] = {
    "base.group_partner_manager": {
        "17": ("Contact Creation", "Extra Rights"),
        "19": ("Contact Creation", ""),
    },
    "base.group_portal": {"17": ("Portal", "User types"), "19": ("Portal", "")},
    "base.group_public": {"17": ("Public", "User types"), "19": ("Public", "")},
    "base.group_no_one": {
        "17": ("Technical Features", "Extra Rights"),
        "19": ("Technical Features", ""),
    },
    "account.group_account_invoice": {"17": ("Billing", "Invoicing")},
    "account.group_account_manager": {
        "17": ("Billing Administrator", "Invoicing"),
        "18": ("Administrator", "Invoicing"),
    },
    "account.group_account_user": {"17": ("Show Full Accounting Features", "Technical")},
    "account.group_account_readonly": {"17": ("Show Accounting Features - Readonly", "Technical")},
    "product.group_product_manager": {
        "18": ("Product Creation", "Extra Rights"),
        "19": ("Create", "Products"),
    },
    "mail.group_mail_template_editor": {"17": ("Mail Template Editor", "Technical")},
}

ADMIN_GROUPS_EXTRA = (
    "base.group_erp_manager",
    "base.group_system",
    "base.group_partner_manager",
    "sales_team.group_sale_manager",
    "stock.group_stock_manager",
    "account.group_account_manager",
    "product.group_product_manager",
)


def load_masterdata(version: str) -> dict[str, Any]:
    path = resources.files("odoo_harness.odoo") / "data" / version / "masterdata.json"
    return json.loads(path.read_text(encoding="utf-8"))


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Seeder:
    """Fills an empty schema (superuser environment) for one profile."""

    def __init__(self, env: Environment, data: dict[str, Any]) -> None:
        self.env = env
        self.data = data
        self.cr = env.cr

    def run(self) -> dict[str, Any]:
        self._countries()
        self._records()
        self._other_xmlids()
        self._models()
        self._addons()
        self._groups()
        self._access()
        users = self._users()
        return users

    # -- countries ------------------------------------------------------------------------
    def _countries(self) -> None:
        """Every ISO country, with the ids Odoo gives them (rank by external id: base.be is
        20, base.us 233); the master data then overwrites the ones it describes."""
        path = resources.files("odoo_harness.odoo") / "data" / "countries.json"
        rows = json.loads(path.read_text(encoding="utf-8"))
        now = self.env.now_string()
        self.cr.executemany(
            'INSERT INTO "res_country" (id, name, code, create_uid, write_uid, create_date, '
            "write_date) VALUES (?, ?, ?, 1, 1, ?, ?)",
            [(rank, name, code, now, now) for rank, (_x, code, name) in enumerate(rows, 1)],
        )
        self.cr.executemany(
            'INSERT INTO "ir_model_data" (module, name, model, res_id, noupdate, create_uid, '
            "write_uid, create_date, write_date) VALUES ('base', ?, 'res.country', ?, 1, 1, 1, ?, ?)",
            [(xmlid, rank, now, now) for rank, (xmlid, _c, _n) in enumerate(rows, 1)],
        )

    # -- master data records -------------------------------------------------------------
    def _records(self) -> None:
        pending_m2m: list[tuple[str, int, F.Many2many, list[int]]] = []
        referenced_currencies: dict[int, str] = {}
        for xmlid, record in self.data["records"].items():
            model_name = record["model"]
            if model_name not in self.env.registry:
                continue
            model = self.env[model_name]
            values = {"id": record["id"]}
            for name, value in record["values"].items():
                field = model._fields.get(name)
                if field is None or name == "id":
                    continue
                if isinstance(field, F.Many2many):
                    pending_m2m.append((model_name, record["id"], field, list(value or [])))
                elif isinstance(field, F.Many2one):
                    values[name] = value[0] if value else None
                    if value and field.comodel_name == "res.currency":
                        referenced_currencies[value[0]] = value[1]
                elif field.column:
                    values[name] = field.to_column(value, model)
            self._upsert(model, values)
            self._xmlid(xmlid, model_name, record["id"])
        self._missing_currencies(referenced_currencies)
        for _model, rid, field, ids in pending_m2m:
            self.cr.executemany(
                f'INSERT OR IGNORE INTO "{field.relation}" ("{field.column1}", "{field.column2}") '
                "VALUES (?, ?)",
                [(rid, i) for i in ids],
            )
        self._recompute_stored()

    def _other_xmlids(self) -> None:
        """External ids the cases name without describing their record (views...)."""
        for xmlid, entry in self.data.get("other_xmlids", {}).items():
            if entry["model"] in self.env.registry:
                model = self.env[entry["model"]]
                if not model._existing_ids([entry["id"]]):
                    name = entry.get("display_name") or xmlid
                    self._upsert(model, {"id": entry["id"], model._rec_name or "name": name})
            self._xmlid(xmlid, entry["model"], entry["id"])

    def _addons(self) -> None:
        from .addons import seed_addons

        seed_addons(self.env, self.data)

    def _recompute_stored(self) -> None:
        """Stored computed fields of the seeded records (complete names, commercial partner)."""
        for name, cls in self.env.registry.models.items():
            if not any(f.store and f.compute for f in cls._fields.values()):
                continue
            model = self.env[name]
            ids = [r[0] for r in self.cr.execute(f'SELECT id FROM "{model._table}" ORDER BY id')]
            if ids:
                model.browse(ids)._recompute_stored(None)

    def _missing_currencies(self, referenced: dict[int, str]) -> None:
        """Currencies the master data points at without describing (GBP of the UK...):
        inactive, as on a fresh database."""
        model = self.env["res.currency"]
        for currency_id, code in referenced.items():
            if not model._existing_ids([currency_id]):
                self._upsert(model, {"id": currency_id, "name": code, "symbol": code, "active": 0})
                self._xmlid(f"base.{code}", "res.currency", currency_id)

    def _upsert(self, model: Any, values: dict[str, Any]) -> None:
        defaults = model._add_missing_defaults({k: v for k, v in values.items()})
        for name, value in defaults.items():
            field = model._fields[name]
            if name not in values and field.column:
                values[name] = (
                    field.to_column(value, model) if not isinstance(field, F.Many2one) else value
                )
        now = self.env.now_string()
        if model._log_access:
            values.setdefault("create_uid", 1)
            values.setdefault("write_uid", 1)
            values.setdefault("create_date", now)
            values.setdefault("write_date", now)
        for name, field in model._fields.items():
            if field.required and field.column and values.get(name) is None:
                values[name] = _placeholder(field)
        columns = [c for c in values if c == "id" or model._fields[c].column]
        self.cr.execute(
            f'INSERT OR REPLACE INTO "{model._table}" ({", ".join(chr(34) + c + chr(34) for c in columns)}) '
            f"VALUES ({', '.join('?' * len(columns))})",
            [values[c] for c in columns],
        )

    def _xmlid(self, xmlid: str, model: str, res_id: int) -> None:
        module, _, name = xmlid.partition(".")
        self.cr.execute(
            'INSERT OR IGNORE INTO "ir_model_data" (module, name, model, res_id, noupdate, '
            "create_uid, write_uid, create_date, write_date) VALUES (?, ?, ?, ?, 0, 1, 1, ?, ?)",
            (module, name, model, res_id, self.env.now_string(), self.env.now_string()),
        )

    # -- ir.model -----------------------------------------------------------------------
    def _models(self) -> None:
        known = {
            r["values"]["model"]: r["id"]
            for r in self.data["records"].values()
            if r["model"] == "ir.model"
        }
        next_id = max(known.values(), default=0) + 1
        for name in sorted(self.env.registry.models):
            cls = self.env.registry.models[name]
            model_id = known.get(name)
            if model_id is None:
                model_id = next_id
                next_id += 1
            self._upsert(
                self.env["ir.model"],
                {
                    "id": model_id,
                    "model": name,
                    "name": cls._description or name,
                    "state": "base",
                    "transient": 0,
                    "order": cls._order,
                },
            )
            self._xmlid(f"{_module_of(name)}.model_{name.replace('.', '_')}", "ir.model", model_id)

    # -- groups and access --------------------------------------------------------------
    def _group_id(self, xmlid: str) -> int:
        existing = self.env.xmlid_id(xmlid)
        if existing:
            return existing
        names = EXTRA_GROUPS.get(xmlid, {})
        major = self.env.profile.major
        entry = None
        for version in sorted(names, key=int, reverse=True):
            if int(version) <= major:
                entry = names[version]
                break
        name, category = entry or (xmlid.split(".")[-1].replace("group_", "").title(), "")
        full_name = f"{category} / {name}" if category else name
        cursor = self.cr.execute(
            'INSERT INTO "res_groups" (name, full_name, share, create_uid, write_uid, '
            "create_date, write_date) VALUES (?, ?, 0, 1, 1, ?, ?)",
            (name, full_name, self.env.now_string(), self.env.now_string()),
        )
        gid = int(cursor.lastrowid or 0)
        self._xmlid(xmlid, "res.groups", gid)
        return gid

    def _groups(self) -> None:
        for entry in self.data["integration_user"]["all_groups"]:
            if not self.env.xmlid_id(entry["xmlid"]):
                name = entry["name"]
                category, _, short = name.rpartition(" / ")
                self._upsert(
                    self.env["res.groups"],
                    {"id": entry["id"], "name": short or name, "full_name": name},
                )
                self._xmlid(entry["xmlid"], "res.groups", entry["id"])

    def _access(self) -> None:
        model_ids = {m: i for i, m in self.cr.execute('SELECT id, model FROM "ir_model"')}
        for row in self.data["access"]:
            model_id = model_ids.get(row["model"])
            if model_id is None:
                continue
            group_id = self._group_id(row["group"]) if row["group"] else None
            self._upsert(
                self.env["ir.model.access"],
                {
                    "name": row["name"],
                    "model_id": model_id,
                    "group_id": group_id,
                    "active": 1,
                    "perm_read": int(row["read"]),
                    "perm_write": int(row["write"]),
                    "perm_create": int(row["create"]),
                    "perm_unlink": int(row["unlink"]),
                },
            )

    # -- users ----------------------------------------------------------------------------
    def _users(self) -> dict[str, Any]:
        admin_id = self.env.xmlid_id("base.user_admin") or 2
        self.cr.execute('UPDATE "res_users" SET password = ? WHERE id = ?', ("admin", admin_id))
        admin_groups = {g for (g,) in self.cr.execute('SELECT id FROM "res_groups"')}
        admin_groups.update(self._group_id(x) for x in ADMIN_GROUPS_EXTRA)
        self._link_groups(admin_id, admin_groups)
        spec = self.data["integration_user"]
        users = self.env["res.users"]
        integration = users.create(
            {"name": spec["name"], "login": spec["login"], "password": spec["password"]}
        )
        groups = {self._group_id(g["xmlid"]) for g in spec["all_groups"]}
        groups.update(self._group_id(g) for g in spec["groups"])
        self._link_groups(integration.id, groups)
        api_key = secrets.token_hex(20)
        self.env["res.users.apikeys"].create(
            {
                "name": "odoo-harness sandbox",
                "user_id": admin_id,
                "scope": "rpc",
                "key": hash_key(api_key),
            }
        )
        return {"admin_id": admin_id, "integration_id": integration.id, "api_key": api_key}

    def _link_groups(self, uid: int, gids: set[int]) -> None:
        self.cr.executemany(
            'INSERT OR IGNORE INTO "res_groups_users_rel" (gid, uid) VALUES (?, ?)',
            [(gid, uid) for gid in sorted(gids)],
        )


def _placeholder(field: F.Field) -> Any:
    return {"integer": 0, "float": 0.0, "monetary": 0.0, "boolean": 0}.get(field.type, "")


def _module_of(model: str) -> str:
    prefix = model.split(".")[0]
    return {"res": "base", "ir": "base"}.get(prefix, prefix)
