"""The web client's JSON routes: sessions (``session_id`` cookie) and ``call_kw``.

``/web/session/authenticate|get_session_info|destroy``, ``/web/dataset/call_kw[/<path>]``,
``/web/webclient/version_info`` and ``/web/database/list``. Sessions live in memory and are
forgotten on reset.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from ..exceptions import AccessDenied, AccessError, SessionExpired, UserError
from ..sandbox import Sandbox
from .calls import ModelCaller
from .errors import NotFound
from .jsonrpc import JsonCall, JsonRpc, bind
from .quirks import quirks_for

COOKIE = "session_id"


class Sessions:
    """Session ids to uids."""

    def __init__(self) -> None:
        self._uids: dict[str, int] = {}

    def open(self, uid: int) -> str:
        sid = secrets.token_urlsafe(42)
        self._uids[sid] = uid
        return sid

    def uid(self, request: Request) -> int:
        """The session's uid, or SessionExpired (``auth="user"`` routes)."""
        uid = self._uids.get(request.cookies.get(COOKIE, ""))
        if uid is None:
            raise SessionExpired()
        return uid

    def close(self, request: Request) -> None:
        self._uids.pop(request.cookies.get(COOKIE, ""), None)

    def clear(self) -> None:
        self._uids.clear()


class Web:
    """Handlers of the web routes for one sandbox."""

    def __init__(self, sandbox: Sandbox, caller: ModelCaller, sessions: Sessions) -> None:
        self.sandbox = sandbox
        self.caller = caller
        self.sessions = sessions
        self.unknown_model_not_found = quirks_for(sandbox.profile).web_unknown_model_not_found

    def routes(self, jsonrpc: JsonRpc) -> list[Route]:
        user = self.sessions.uid
        table = [
            ("/web/session/authenticate", self.authenticate, None),
            ("/web/session/get_session_info", self.get_session_info, user),
            ("/web/session/destroy", self.destroy, user),
            ("/web/dataset/call_kw", self.call_kw, user),
            ("/web/dataset/call_kw/{path:path}", self.call_kw, user),
            ("/web/webclient/version_info", self.version_info, None),
            ("/web/database/list", self.database_list, None),
        ]
        return [
            Route(path, jsonrpc.route(handler, auth), methods=["POST"])
            for path, handler, auth in table
        ]

    async def authenticate(self, call: JsonCall) -> Any:
        def authenticate(db: Any, login: Any, password: Any, base_location: Any = None) -> Any:
            if db != self.sandbox.db_name:
                raise AccessError("Database not found.")
            uid = self.sandbox.authenticate(login, password, interactive=True)
            if not uid:
                raise AccessDenied()
            call.set_cookies[COOKIE] = self.sessions.open(uid)
            return self.sandbox.session_info(uid)

        authenticate.__qualname__ = "Session.authenticate"
        return bind(authenticate, call.params)

    async def get_session_info(self, call: JsonCall) -> Any:
        assert call.uid is not None
        return self.sandbox.session_info(call.uid)

    async def destroy(self, call: JsonCall) -> None:
        self.sessions.close(call.request)
        call.delete_cookies.append(COOKIE)

    async def call_kw(self, call: JsonCall) -> Any:
        def call_kw(model: Any, method: Any, args: Any, kwargs: Any, path: Any = None) -> Any:
            return model, method, args, kwargs

        call_kw.__qualname__ = "DataSet.call_kw"
        model, method, args, kwargs = bind(call_kw, call.params)
        assert call.uid is not None
        try:
            return await self.caller.call("web", call.uid, model, method, list(args), dict(kwargs))
        except UserError as exc:
            if str(exc) == f"Object {model} doesn't exist":
                raise (NotFound() if self.unknown_model_not_found else KeyError(model)) from exc
            raise

    async def version_info(self, call: JsonCall) -> Any:
        return self.sandbox.profile.version_dict()

    async def database_list(self, call: JsonCall) -> Any:
        return [self.sandbox.db_name]


__all__ = ["COOKIE", "Sessions", "Web"]
