"""The embedded Odoo sandbox's core: one database, its users, and model calls.

``Sandbox`` is what the protocol layer (``odoo.http``) talks to. It knows nothing about
HTTP, XML or JSON: it authenticates, runs one model call in one transaction, and raises
Odoo's exceptions (``odoo.exceptions``) or Python built-ins exactly as Odoo would.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..clock import Clock
from .addons import all_models
from .exceptions import AccessDenied, UserError
from .orm.api import call_json2, call_kw
from .orm.derived import DerivedCache
from .orm.registry import Environment, Registry
from .orm.sqlite import PlannerStatistics, connect
from .profiles import DEFAULT_VERSION, Profile, get_profile
from .seed import Seeder, hash_key, load_masterdata

SUPERUSER_ID = 1
_COMMON_INFO = [
    "uid",
    "is_system",
    "is_admin",
    "is_public",
    "is_internal_user",
    "user_context",
    "db",
    "user_settings",
    "server_version",
    "server_version_info",
    "support_url",
    "name",
    "username",
]
_WEB_INFO = [
    "web.base.url",
    "active_ids_limit",
    "profile_session",
    "profile_collectors",
    "profile_params",
    "max_file_upload_size",
    "home_action_id",
]
# The keys /web/session/authenticate answers with, per major version (as recorded).
SESSION_INFO_KEYS: dict[int, list[str]] = {
    17: [
        *_COMMON_INFO,
        "partner_display_name",
        "partner_id",
        *_WEB_INFO,
        "cache_hashes",
        "currencies",
        "bundle_params",
        "user_companies",
        "show_effect",
        "display_switch_company_menu",
        "user_id",
        "max_time_between_keys_in_ms",
        "websocket_worker_version",
        "web_tours",
        "tour_disable",
        "notification_type",
        "odoobot_initialized",
        "iap_company_enrich",
        "is_quick_edit_mode_enabled",
    ],
    18: [
        *_COMMON_INFO,
        "partner_write_date",
        "partner_display_name",
        "partner_id",
        *_WEB_INFO,
        "cache_hashes",
        "currencies",
        "bundle_params",
        "test_mode",
        "view_info",
        "user_companies",
        "show_effect",
        "display_switch_company_menu",
        "max_time_between_keys_in_ms",
        "websocket_worker_version",
        "tour_enabled",
        "current_tour",
        "storeData",
        "iap_company_enrich",
        "can_insert_in_spreadsheet",
    ],
    19: [
        *_COMMON_INFO,
        "registry_hash",
        "quick_login",
        "partner_write_date",
        "partner_display_name",
        "partner_id",
        *_WEB_INFO,
        "currencies",
        "bundle_params",
        "test_mode",
        "view_info",
        "groups",
        "user_companies",
        "show_effect",
        "max_time_between_keys_in_ms",
        "websocket_worker_version",
        "tour_enabled",
        "current_tour",
        "storeData",
        "iap_company_enrich",
        "can_insert_in_spreadsheet",
    ],
}
_REGISTRIES: dict[str, Registry] = {}
_REGISTRY_LOCK = threading.Lock()


def registry_for(profile: Profile) -> Registry:
    """Model classes are built once per profile and shared by every sandbox of it."""
    with _REGISTRY_LOCK:
        if profile.serie not in _REGISTRIES:
            _REGISTRIES[profile.serie] = Registry(profile, all_models())
        return _REGISTRIES[profile.serie]


# Seeded in-memory databases by (version, frozen instant): a new sandbox on a frozen clock
# copies one (SQLite's backup API, a few milliseconds) instead of seeding again (the
# scenario suite makes one sandbox per scenario, all at the same instant). The instant is
# part of the key because seeding stamps create_date/write_date with the clock.
_TEMPLATES: dict[tuple[str, Any], tuple[sqlite3.Connection, dict[str, Any]]] = {}
_TEMPLATES_LOCK = threading.Lock()
_MAX_TEMPLATES = 4


def _copy_template(key: tuple[str, Any], sandbox: Sandbox) -> bool:
    with _TEMPLATES_LOCK:
        found = _TEMPLATES.get(key)
        if found is None:
            return False
        template, users = found
        assert sandbox._conn is not None
        template.backup(sandbox._conn)
    sandbox._users = dict(users)
    return True


def _keep_template(key: tuple[str, Any], sandbox: Sandbox) -> None:
    assert sandbox._conn is not None
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    sandbox._conn.backup(copy)
    with _TEMPLATES_LOCK:
        while len(_TEMPLATES) >= _MAX_TEMPLATES:
            _TEMPLATES.pop(next(iter(_TEMPLATES)))[0].close()
        _TEMPLATES[key] = (copy, dict(sandbox._users))


class Sandbox:
    """One embedded Odoo database with a version profile.

    Calls are serialised by a lock (Odoo with ``--workers=0`` serves one request at a
    time as well). ``path`` keeps the database in a SQLite file; the default is memory.
    """

    # Credentials of the users every profile starts with (throwaway, sandbox only).
    ADMIN_LOGIN = "admin"
    ADMIN_PASSWORD = "admin"
    INTEGRATION_LOGIN = "integration"
    INTEGRATION_PASSWORD = "integration"

    def __init__(
        self,
        version: str = DEFAULT_VERSION,
        *,
        db_name: str = "sandbox",
        clock: Clock | None = None,
        path: str | Path | None = None,
        keep: bool = False,
    ) -> None:
        self.profile: Profile = get_profile(version)
        self.db_name = db_name
        self.clock = clock or Clock()
        self.registry = registry_for(self.profile)
        self.lock = threading.RLock()
        self._path = str(path) if path else ":memory:"
        self._conn: sqlite3.Connection | None = None
        self._users: dict[str, Any] = {}
        # credentials, contexts, groups and access rows; forgotten on any change of a row
        self._derived = DerivedCache()
        self._statistics = PlannerStatistics()
        if keep and self._path != ":memory:" and Path(self._path).exists():
            self._reopen()
        else:
            self.reset()

    def _reopen(self) -> None:
        """Open an existing database file (``keep=True``), keeping its data."""
        self._conn = connect(self._path)
        try:
            rows = self._conn.execute('SELECT key, value FROM "sandbox_meta"').fetchall()
            version = dict(rows).get("version")
        except sqlite3.DatabaseError:
            rows, version = [], None
        if version != self.profile.serie:
            from ..errors import SandboxError

            self._conn.close()
            raise SandboxError(
                f"{self._path} is not a {self.profile.serie} sandbox database "
                f"(it holds {version or 'something else'}); start with --reset to replace it"
            )
        if not self._statistics.adopt(self._conn):  # a file from before statistics
            self._statistics.refresh(self._conn)
        meta = dict(rows)
        self._users = {
            "admin_id": int(meta["admin_id"]),
            "integration_id": int(meta["integration_id"]),
            "api_key": meta["api_key"],
        }

    # -- lifecycle -------------------------------------------------------------------------
    def reset(self) -> None:
        """Back to the master data of a fresh database of this version."""
        with self.lock:
            if self._conn is not None:
                self._conn.close()
            if self._path != ":memory:":
                Path(self._path).unlink(missing_ok=True)
            self._conn = connect(self._path)
            self._derived.clear()  # the rows may be replaced without counting as changes
            key = (self.profile.serie, self.clock.now()) if self.clock.frozen else None
            if key is not None and self._path == ":memory:" and _copy_template(key, self):
                self._statistics.adopt(self._conn)  # the template's, copied with it
                return
            self.registry.create_schema(self._conn)
            env = self._env(SUPERUSER_ID, su=True)
            self._conn.execute("BEGIN")
            try:
                self._users = Seeder(env, load_masterdata(self.profile.serie)).run()
                self._conn.execute('CREATE TABLE "sandbox_meta" (key TEXT PRIMARY KEY, value TEXT)')
                self._conn.executemany(
                    'INSERT INTO "sandbox_meta" VALUES (?, ?)',
                    [
                        ("version", self.profile.serie),
                        *((k, str(v)) for k, v in self._users.items()),
                    ],
                )
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            self._statistics.refresh(self._conn)
            if key is not None and self._path == ":memory:":
                _keep_template(key, self)

    def load_fixtures(self, paths: list[str | Path]) -> int:
        """Create the records of YAML fixture files, all or nothing; returns how many."""
        from .fixtures import load_fixture_file

        with self.lock:
            env = self._env(SUPERUSER_ID, su=True)
            self._derived.settle(env.cr)
            env.cr.execute("BEGIN")
            try:
                created = sum(len(load_fixture_file(env, path)) for path in paths)
            except BaseException:
                env.cr.execute("ROLLBACK")
                raise
            env.cr.execute("COMMIT")
            self.committed()
            return created

    def committed(self) -> None:
        """Tell the sandbox a transaction of its own connection committed (for writers
        that bypass ``execute_kw``, like ``catalogue.seed_catalogue``)."""
        with self.lock:
            if self._conn is not None:
                self._statistics.after_commit(self._conn)

    def close(self) -> None:
        with self.lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def admin_api_key(self) -> str:
        """An API key of the admin user (JSON-2 on 19.0; also valid as an RPC password)."""
        return str(self._users["api_key"])

    @property
    def admin_uid(self) -> int:
        return int(self._users["admin_id"])

    @property
    def integration_uid(self) -> int:
        return int(self._users["integration_id"])

    def _env(
        self, uid: int, context: dict[str, Any] | None = None, *, su: bool = False
    ) -> Environment:
        assert self._conn is not None, "sandbox is closed"
        state = {"derived": self._derived}
        return Environment(
            self.registry, self._conn, uid, context, su=su, clock=self.clock, state=state
        )

    def _cached(self, name: str) -> dict[Any, Any]:
        """A section of the derived-values cache, valid for the database as it is now."""
        assert self._conn is not None, "sandbox is closed"
        if self._path != ":memory:":
            self._derived.sync(self._conn)  # another process may share the file
        return self._derived.section(self._conn, name)

    # -- credentials -----------------------------------------------------------------------
    def authenticate(self, login: str, password: str, *, interactive: bool = False) -> int | None:
        """The uid for a login and password (an API key is accepted when not interactive),
        or None: ``common.login`` turns None into False, ``/web/session/authenticate``
        into AccessDenied."""
        if not login or not password or not isinstance(login, str):
            return None
        with self.lock:
            row = self._query(
                'SELECT id, password FROM "res_users" WHERE login = ? AND active = 1', (login,)
            )
            if not row:
                return None
            uid, stored = row[0]
            if stored and password == stored:
                return int(uid)
            if not interactive and self._api_key_owner(password) == uid:
                return int(uid)
            return None

    def check_credentials(self, uid: int, password: str) -> None:
        """Raise AccessDenied unless ``password`` (or an API key) is valid for ``uid``."""
        if not isinstance(uid, int) or isinstance(uid, bool) or not password:
            raise AccessDenied()
        with self.lock:
            valid = self._cached("credentials")  # uid -> the last secret that was valid
            if uid in valid and valid[uid] == password:
                return
            row = self._query(
                'SELECT password FROM "res_users" WHERE id = ? AND active = 1', (uid,)
            )
            if (row and row[0][0] and password == row[0][0]) or (
                row and self._api_key_owner(str(password)) == uid
            ):
                if type(password) is str:
                    valid[uid] = password
                return
        raise AccessDenied()

    def uid_from_api_key(self, key: str) -> int | None:
        """The uid owning an API key (JSON-2 bearer auth), or None."""
        with self.lock:
            return self._api_key_owner(key)

    def _api_key_owner(self, key: str) -> int | None:
        if not key:
            return None
        row = self._query('SELECT user_id FROM "res_users_apikeys" WHERE key = ?', (hash_key(key),))
        return int(row[0][0]) if row else None

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        assert self._conn is not None, "sandbox is closed"
        return self._conn.execute(sql, params).fetchall()

    # -- calls -----------------------------------------------------------------------------
    def execute_kw(
        self, uid: int, model: str, method: str, args: list[Any], kwargs: dict[str, Any]
    ) -> Any:
        """Run ``model.method(*args, **kwargs)`` as ``uid`` in one transaction.

        Returns a plain Python value (ids, dicts, lists, bools, None...) ready to marshal.
        Raises Odoo's exceptions or built-ins; the transaction is rolled back on error.
        """
        return self._transaction(
            uid,
            model,
            lambda records: call_kw(records, method, list(args or []), dict(kwargs or {})),
        )

    def call_json2(
        self, uid: int, model: str, method: str, ids: list[int] | None, params: dict[str, Any]
    ) -> Any:
        """A JSON-2 call (Odoo 19): ``params`` bound by name, ``ids`` for record methods."""
        return self._transaction(
            uid, model, lambda records: call_json2(records, method, ids, params)
        )

    def _transaction(self, uid: int, model: str, run: Callable[[Any], Any]) -> Any:
        with self.lock:
            if model not in self.registry:
                raise UserError(f"Object {model} doesn't exist")
            env = self._env(uid, self._user_context(uid))
            conn = env.cr
            self._derived.settle(conn)
            conn.execute("BEGIN")
            try:
                result = run(env[model])
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            self._statistics.after_commit(conn)
            return result

    def _user_context(self, uid: int) -> dict[str, Any]:
        contexts = self._cached("user_context")
        context = contexts.get(uid)
        if context is None:
            row = self._query('SELECT lang, tz FROM "res_users" WHERE id = ?', (uid,))
            lang, tz = row[0] if row else ("en_US", None)
            context = contexts[uid] = {"lang": lang or "en_US", "tz": tz or False, "uid": uid}
        return dict(context)

    def user_context(self, uid: int) -> dict[str, Any]:
        """``res.users.context_get()`` of ``uid``: ``{"lang", "tz", "uid"}``."""
        with self.lock:
            return self._user_context(uid)

    def session_info(self, uid: int) -> dict[str, Any]:
        """``/web/session/authenticate``'s result for ``uid`` (without session id)."""
        with self.lock:
            row = self._query(
                "SELECT u.name, u.login, u.partner_id, u.company_id, p.write_date, p.complete_name "
                'FROM "res_users" u JOIN "res_partner" p ON p.id = u.partner_id WHERE u.id = ?',
                (uid,),
            )
            name, login, partner_id, company_id, partner_write_date, partner_name = row[0]
            groups = {
                g
                for (g,) in self._query(
                    'SELECT r.gid FROM "res_groups_users_rel" r WHERE r.uid = ?', (uid,)
                )
            }
            env = self._env(uid)
            system = env.xmlid_id("base.group_system")
            internal = env.xmlid_id("base.group_user")
            company = self._query('SELECT name FROM "res_company" WHERE id = ?', (company_id,))
        profile = self.profile
        info: dict[str, Any] = {
            "uid": uid,
            "is_system": system in groups,
            "is_admin": system in groups or env.xmlid_id("base.group_erp_manager") in groups,
            "is_public": False,
            "is_internal_user": internal in groups,
            "user_context": self.user_context(uid),
            "db": self.db_name,
            "registry_hash": "0" * 64,
            "user_settings": {"id": uid, "user_id": {"id": uid}},
            "server_version": profile.server_version,
            "server_version_info": list(profile.version_info),
            "support_url": "https://www.odoo.com/help",
            "name": name,
            "username": login,
            "quick_login": False,
            "partner_write_date": partner_write_date,
            "partner_display_name": partner_name,
            "partner_id": partner_id,
            "web.base.url": "http://localhost:8069",
            "active_ids_limit": 20000,
            "profile_session": None,
            "profile_collectors": None,
            "profile_params": None,
            "max_file_upload_size": 134217728,
            "home_action_id": False,
            "cache_hashes": {},
            "currencies": {},
            "bundle_params": {"lang": "en_US"},
            "test_mode": False,
            "view_info": {},
            "groups": {},
            "user_companies": {
                "current_company": company_id,
                "allowed_companies": {
                    str(company_id): {"id": company_id, "name": company[0][0] if company else ""}
                },
                "disallowed_ancestor_companies": {},
            },
            "show_effect": True,
            "display_switch_company_menu": False,
            "user_id": [uid],
            "max_time_between_keys_in_ms": 100,
            "websocket_worker_version": profile.serie,
            "web_tours": [],
            "tour_disable": False,
            "tour_enabled": False,
            "current_tour": None,
            "notification_type": "email",
            "odoobot_initialized": True,
            "storeData": {},
            "iap_company_enrich": False,
            "is_quick_edit_mode_enabled": False,
            "can_insert_in_spreadsheet": False,
        }
        return {key: info[key] for key in SESSION_INFO_KEYS[profile.major]}
