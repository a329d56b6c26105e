"""The RPC services ``common``, ``db`` and ``object``, as ``dispatch_rpc`` runs them.

The ``exp_*`` functions keep Odoo's parameter names and are called with the client's
positional arguments, so a wrong argument count raises the same ``TypeError`` text as
Odoo (``exp_authenticate() missing 1 required positional argument: 'user_agent_env'``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...journal import Journal
from ..exceptions import AccessDenied
from ..sandbox import Sandbox
from .calls import ModelCaller
from .errors import DatabaseNotFound
from .quirks import quirks_for

ABOUT = "See http://openerp.com"
_DB_PUBLIC = ("db_exist", "list", "list_lang", "server_version")
_DB_MASTER = (
    "create_database",
    "duplicate_database",
    "drop",
    "dump",
    "restore",
    "rename",
    "change_admin_password",
    "migrate_databases",
    "list_countries",
)
LANGUAGES = [["en_US", "English (US)"]]


class Services:
    """``dispatch(service, method, params)`` for one sandbox."""

    def __init__(self, sandbox: Sandbox, caller: ModelCaller, journal: Journal) -> None:
        self.sandbox = sandbox
        self.caller = caller
        self.journal = journal
        self._asserts_empty_password = quirks_for(sandbox.profile).login_empty_password_asserts

    async def dispatch(self, service: str, method: str, params: list[Any], transport: str) -> Any:
        if service == "object":
            return await self.object(method, params, transport)
        if service == "common":
            return self.common(method, params)
        if service == "db":
            return self.db(method, params)
        raise KeyError(service)

    # -- common ------------------------------------------------------------------------
    def common(self, method: str, params: list[Any]) -> Any:
        if method == "version":
            return exp_version(*params, sandbox=self.sandbox)
        if method == "about":
            return exp_about(*params, sandbox=self.sandbox)
        if method == "login":
            return exp_login(*params, services=self)
        if method == "authenticate":
            return exp_authenticate(*params, services=self)
        if method == "set_loglevel":
            return exp_set_loglevel(*params)
        raise Exception(f"Method not found: {method}")

    def authenticate(self, db: Any, login: Any, password: Any) -> int | bool:
        """``common.authenticate``'s core: the uid, or False on AccessDenied."""
        self.check_db(db)
        if self._asserts_empty_password and password == "":
            raise AssertionError("scope and key required")
        try:
            uid = self.sandbox.authenticate(login, password, interactive=False)
        except AccessDenied:
            uid = None
        self.journal.record(
            "odoo.auth", "odoo", {"login": login, "uid": uid or False}, at=self.sandbox.clock.now()
        )
        return uid or False

    def check_db(self, db: Any) -> None:
        if db != self.sandbox.db_name:
            raise DatabaseNotFound(db)

    # -- db ----------------------------------------------------------------------------
    def db(self, method: str, params: list[Any]) -> Any:
        if method in _DB_PUBLIC:
            handler = {
                "db_exist": exp_db_exist,
                "list": exp_list,
                "list_lang": exp_list_lang,
                "server_version": exp_server_version,
            }[method]
            return handler(*params, sandbox=self.sandbox)
        if method in _DB_MASTER:
            params[0]  # noqa: B018 - IndexError on a missing master password, as Odoo
            raise AccessDenied()  # the sandbox has no master password
        raise KeyError(f"Method not found: {method}")

    # -- object ------------------------------------------------------------------------
    async def object(self, method: str, params: list[Any], transport: str) -> Any:
        db, uid, passwd = params[0], int(params[1]), params[2]
        self.check_db(db)
        self.sandbox.check_credentials(uid, passwd)
        if method == "execute":
            model, name, args, kwargs = execute(db, uid, *params[3:])
        elif method == "execute_kw":
            model, name, args, kwargs = execute_kw(db, uid, *params[3:])
        else:
            raise NameError(f"Method not available {method}")
        return await self.caller.call(transport, uid, model, name, args, kwargs)


# -- common -----------------------------------------------------------------------------


def exp_version(*, sandbox: Sandbox) -> dict[str, object]:
    return sandbox.profile.version_dict()


def exp_about(extended: bool = False, *, sandbox: Sandbox) -> Any:
    return [ABOUT, sandbox.profile.server_version] if extended else ABOUT


def exp_login(db: Any, login: Any, password: Any, *, services: Services) -> int | bool:
    return services.authenticate(db, login, password)


def exp_authenticate(
    db: Any, login: Any, password: Any, user_agent_env: Any, *, services: Services
) -> int | bool:
    return services.authenticate(db, login, password)


def exp_set_loglevel(loglevel: Any, logger: Any = None) -> bool:
    return True


# -- db ---------------------------------------------------------------------------------


def exp_db_exist(db_name: Any, *, sandbox: Sandbox) -> bool:
    return db_name == sandbox.db_name


def exp_list(document: Any = False, *, sandbox: Sandbox) -> list[str]:
    return [sandbox.db_name]


def exp_list_lang(*, sandbox: Sandbox) -> list[list[str]]:
    return [list(lang) for lang in LANGUAGES]


def exp_server_version(*, sandbox: Sandbox) -> str:
    return sandbox.profile.server_version


# -- object: argument shapes ------------------------------------------------------------


def execute(
    db: Any, uid: Any, obj: Any, method: Any, *args: Any
) -> tuple[Any, Any, list[Any], dict[str, Any]]:
    """``object.execute``: positional arguments only (no context)."""
    return obj, method, list(args), {}


def execute_kw(
    db: Any, uid: Any, obj: Any, method: Any, args: Any, kw: Any = None
) -> tuple[Any, Any, list[Any], dict[str, Any]]:
    """``object.execute_kw``: 6 or 7 elements; ``kw`` may be missing or None."""
    try:
        positional = list(args)
    except TypeError:
        raise TypeError(
            f"execute() argument after * must be an iterable, not {type(args).__name__}"
        ) from None
    if kw is not None and not isinstance(kw, Mapping):
        raise TypeError(f"execute() argument after ** must be a mapping, not {type(kw).__name__}")
    return obj, method, positional, dict(kw or {})


__all__ = ["Services"]
