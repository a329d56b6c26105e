"""A small in-memory stand-in for ``Sandbox``: enough ORM to exercise the protocol layer.

It keeps Odoo's call semantics the protocol layer relies on (``@api.model`` methods take no
ids, ``create`` with a dict returns an int, errors raised with Odoo's classes and texts) for
a handful of models; it is not a model of the ORM.
"""

from __future__ import annotations

import inspect
import threading
from datetime import datetime
from typing import Any

from odoo_harness.clock import Clock
from odoo_harness.odoo.exceptions import (
    AccessDenied,
    AccessError,
    MissingError,
    UserError,
    ValidationError,
)
from odoo_harness.odoo.http.errors import UnprocessableEntity
from odoo_harness.odoo.profiles import get_profile
from odoo_harness.odoo.sandbox import Sandbox

ADMIN, INTEGRATION = 2, 6
API_KEY = "fake-admin-api-key"
FIELDS = {
    "res.partner": {"name", "email", "phone", "active", "parent_id", "is_company", "type"},
    "res.partner.category": {"name", "color", "active"},
    "ir.cron": {"name", "active"},
}
MODEL_METHODS = {
    "create",
    "search",
    "search_read",
    "search_count",
    "name_search",
    "context_get",
    "check_object_reference",
}
SESSION_KEYS = (
    "uid",
    "is_system",
    "is_admin",
    "user_context",
    "db",
    "name",
    "username",
    "partner_id",
)


class FakeSandbox(Sandbox):
    """``Sandbox`` with an in-memory store of partners, tags and crons."""

    def __init__(  # noqa: PLR0913
        self, version: str = "18.0", session_keys: tuple[str, ...] = SESSION_KEYS
    ) -> None:
        # Not Sandbox.__init__: that builds the real ORM; the protocol layer needs only these.
        self.profile = get_profile(version)
        self.db_name = "sandbox"
        self.clock = Clock(datetime(2024, 1, 15, 9, 0, 0), frozen=True)
        self._lock = threading.RLock()
        self.session_keys = session_keys
        self.resets = 0
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.records: dict[str, dict[int, dict[str, Any]]] = {m: {} for m in FIELDS}
            self.next_id = 100
            self.resets += 1

    # -- credentials -----------------------------------------------------------------
    def admin_api_key(self) -> str:
        return API_KEY

    def authenticate(self, login: str, password: str, *, interactive: bool = False) -> int | None:
        users = {
            self.ADMIN_LOGIN: (ADMIN, self.ADMIN_PASSWORD),
            self.INTEGRATION_LOGIN: (INTEGRATION, self.INTEGRATION_PASSWORD),
        }
        uid, secret = users.get(login, (None, None))
        if (
            uid
            and password
            and (password == secret or (not interactive and password == API_KEY and uid == ADMIN))
        ):
            return uid
        return None

    def check_credentials(self, uid: int, password: str) -> None:
        secrets = {ADMIN: {self.ADMIN_PASSWORD, API_KEY}, INTEGRATION: {self.INTEGRATION_PASSWORD}}
        if not password or password not in secrets.get(uid, set()):
            raise AccessDenied()

    def uid_from_api_key(self, key: str) -> int | None:
        return ADMIN if key == API_KEY else None

    def session_info(self, uid: int) -> dict[str, Any]:
        known = {
            "uid": uid,
            "is_system": uid == ADMIN,
            "is_admin": uid == ADMIN,
            "is_public": False,
            "is_internal_user": True,
            "user_context": self.user_context(uid),
            "db": self.db_name,
            "server_version": self.profile.server_version,
            "name": "Administrator" if uid == ADMIN else "Integration",
            "username": "admin" if uid == ADMIN else "integration",
            "partner_display_name": "Administrator",
            "partner_id": 3,
        }
        return {key: known.get(key, False) for key in self.session_keys}

    def user_context(self, uid: int) -> dict[str, Any]:
        return {"lang": "en_US", "tz": False, "uid": uid}

    # -- calls -----------------------------------------------------------------------
    def execute_kw(
        self, uid: int, model: str, method: str, args: list[Any], kwargs: dict[str, Any]
    ) -> Any:
        with self._lock:
            kwargs = dict(kwargs)
            context = kwargs.pop("context", None) or {}
            func = self._method(uid, model, method, context)
            return func(*args, **kwargs)

    def call_json2(
        self, uid: int, model: str, method: str, ids: list[int], params: dict[str, Any]
    ) -> Any:
        with self._lock:
            params = dict(params)
            context = params.pop("context", None) or {}
            func = self._method(uid, model, method, context)
            if method in MODEL_METHODS:
                if ids:
                    raise UnprocessableEntity(f"cannot call {model}.{method} with ids")
                call_args: list[Any] = []
            else:
                call_args = [ids]
            try:
                inspect.signature(func).bind(*call_args, **params)
            except TypeError as exc:
                raise UnprocessableEntity(exc.args[0]) from None
            result = func(*call_args, **params)
            if method == "create" and isinstance(result, int):
                return [result]
            return result

    def _method(self, uid: int, model: str, method: str, context: dict[str, Any]) -> Any:
        if model not in (*FIELDS, "res.users", "ir.model.data"):
            raise UserError(f"Object {model} doesn't exist")
        if method.startswith("_") or method == "init":
            raise AccessError(
                f"Private methods (such as '{model}.{method}') cannot be called remotely."
            )
        methods = _Model(self, uid, model, context)
        func = getattr(methods, method, None)
        if func is None or method.startswith("_"):
            raise AttributeError(f"The method '{model}.{method}' does not exist")
        return func


class _Model:
    """The methods of one model for one call (Odoo's parameter names)."""

    def __init__(self, sandbox: FakeSandbox, uid: int, model: str, context: dict[str, Any]):
        self.sb, self.uid, self.model, self.context = sandbox, uid, model, context
        self.store = sandbox.records.get(model, {})

    def _check_fields(self, names: Any, v19_word: str = "on") -> None:
        for name in names:
            if name != "id" and name not in FIELDS.get(self.model, ()):
                on = v19_word if self.sb.profile.major >= 19 else "on model"
                raise ValueError(f"Invalid field '{name}' {on} '{self.model}'")

    def create(self, vals_list: Any) -> Any:
        single = isinstance(vals_list, dict)
        if self.model == "ir.cron" and self.uid != ADMIN:
            group = (
                "Role / Administrator"
                if self.sb.profile.major >= 19
                else ("Administration/Settings")
            )
            raise AccessError(
                "You are not allowed to create 'Scheduled Actions' (ir.cron) records.\n\n"
                f"This operation is allowed for the following groups:\n\t- {group}\n\n"
                "Contact your administrator to request access if necessary."
            )
        ids = []
        for vals in [vals_list] if single else vals_list:
            self._check_fields(vals, v19_word="in")
            self.sb.next_id += 1
            self.store[self.sb.next_id] = {"active": True, **vals}
            ids.append(self.sb.next_id)
        return ids[0] if single else ids

    def read(self, ids: Any, fields: Any = None, load: str = "_classic_read") -> Any:
        fields = fields or sorted(FIELDS[self.model])
        self._check_fields(fields)
        return [
            {"id": i, **{f: self.store[i].get(f, False) for f in fields if f != "id"}}
            for i in ids
            if i in self.store
        ]

    def write(self, ids: Any, vals: Any) -> bool:
        self._check_fields(vals)
        for i in ids:
            if i not in self.store:
                if self.model != "res.partner":
                    continue
                raise MissingError(
                    "Record does not exist or has been deleted.\n"
                    f"(Record: {self.model}({i},), User: {self.uid})"
                )
            parent = vals.get("parent_id")
            while parent:
                if parent == i:
                    raise ValidationError("You cannot create recursive Partner hierarchies.")
                parent = self.store.get(parent, {}).get("parent_id")
            self.store[i].update(vals)
        return True

    def unlink(self, ids: Any) -> bool:
        for i in ids:
            self.store.pop(i, None)
        return True

    def action_archive(self, ids: Any) -> None:
        self.write(ids, {"active": False})

    def search(self, domain: Any, offset: int = 0, limit: Any = None, order: Any = None) -> Any:
        if not isinstance(domain, list):
            raise TypeError(f"Domain() invalid argument type for domain: {domain!r}")
        active_test = self.context.get("active_test", True)
        found = [
            i
            for i, rec in sorted(self.store.items())
            if self._match(i, rec, domain) and (rec.get("active") or not active_test)
        ]
        if order == "name":
            found.sort(key=lambda i: self.store[i].get("name") or "")
        return found[offset:][: limit or None]

    def _match(self, rid: int, rec: dict[str, Any], domain: list[Any]) -> bool:
        for field, op, value in domain:
            if field != "id" and field not in FIELDS.get(self.model, ()):
                raise ValueError(
                    f"Invalid field {self.model}.{field} in condition {(field, op, value)!r}"
                )
            actual = rid if field == "id" else rec.get(field, False)
            if op == "=" and actual != value:
                return False
            if op == "in" and actual not in (value if isinstance(value, list) else [value]):
                return False
            if op == "ilike" and str(value).lower() not in str(actual).lower():
                return False
        return True

    def search_read(
        self,
        domain: Any = None,
        fields: Any = None,
        offset: int = 0,
        limit: Any = None,
        order: Any = None,
    ) -> Any:
        return self.read(self.search(domain or [], offset, limit, order), fields)

    def search_count(self, domain: Any, limit: Any = None) -> int:
        return len(self.search(domain, limit=limit))

    def name_search(
        self, name: str = "", domain: Any = None, operator: str = "ilike", limit: int = 100
    ) -> Any:
        ids = self.search([*(domain or []), ["name", operator, name]], limit=limit)
        return [[i, self.store[i]["name"]] for i in ids]

    def context_get(self) -> dict[str, Any]:
        return self.sb.user_context(self.uid)

    def check_object_reference(self, module: str, name: str) -> Any:
        refs = {
            ("base", "user_admin"): ["res.users", ADMIN],
            ("base", "main_company"): ["res.company", 1],
        }
        if (module, name) not in refs:
            raise ValueError(f"External ID not found in the system: {module}.{name}")
        return refs[(module, name)]
