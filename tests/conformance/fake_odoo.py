"""A throwaway Odoo look-alike for the runner's own tests: just enough of each protocol.

It keeps partners in a dict and answers the way Odoo does on the wire (faults with tracebacks,
legacy string fault codes, JSON-RPC error objects, a session cookie, JSON-2 statuses), so the
transports can be tested over a real socket without the sandbox.
"""

from __future__ import annotations

import itertools
import json
import threading
import xmlrpc.client
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DB = "fake"
USERS = {"admin": ("admin", 2), "integration": ("integration", 6)}
API_KEY = "fake-api-key"
XMLIDS = {"base.user_admin": ["res.users", 2], "base.main_company": ["res.company", 1]}
TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/odoo/service/model.py", line 10, in execute\n'
    "    return method(*args)\n"
    "           ^^^^^^^^^^^^^\n"
    "{exception}\n"
)


class FakeError(Exception):
    """An Odoo exception: ``kind`` is its class name, ``warning`` marks user-facing ones."""

    def __init__(self, kind: str, message: str, warning: bool = False) -> None:
        super().__init__(message)
        self.kind, self.message, self.warning = kind, message, warning


class FakeOdoo:
    """The state and the model methods: ``res.partner`` create/read/search and a few errors."""

    def __init__(self) -> None:
        self.partners: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(10)

    def login(self, login: str, password: str) -> int | bool:
        user = USERS.get(login)
        return user[1] if user and user[0] == password else False

    def execute(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if (model, method) == ("ir.model.data", "check_object_reference"):
            return XMLIDS[".".join(args)]
        if model != "res.partner":
            raise FakeError("MissingError", f"Object {model} doesn't exist", warning=True)
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            raise FakeError("AttributeError", f"The method '{model}.{method}' does not exist")
        return handler(*args, **kwargs)

    def _create(self, values: dict[str, Any]) -> int:
        new_id = next(self._ids)
        self.partners[new_id] = {"name": values["name"], "ref": values.get("ref", False)}
        return new_id

    def _read(self, ids: list[int], fields: list[str]) -> list[dict[str, Any]]:
        records = [(i, self.partners[i]) for i in ids if i in self.partners]
        return [{"id": i} | {f: record[f] for f in fields} for i, record in records]

    def _write(self, ids: list[int], values: dict[str, Any]) -> bool:
        if any(i not in self.partners for i in ids):
            raise FakeError(
                "MissingError", "Record does not exist or has been deleted.", warning=True
            )
        for i in ids:
            self.partners[i].update(values)
        return True

    def _boom(self) -> None:
        raise FakeError("ValueError", "first line\n  indented second line")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.startswith("/xmlrpc/"):
            self._xmlrpc(body)
        elif self.path.startswith("/json/2/"):
            self._json2(body)
        else:
            self._jsonrpc(body)

    def _xmlrpc(self, body: bytes) -> None:
        params, method = xmlrpc.client.loads(body)
        legacy = not self.path.startswith("/xmlrpc/2/")
        try:
            response = xmlrpc.client.dumps(
                (self._service(method, list(params)),), methodresponse=True
            )
        except FakeError as exc:
            response = xmlrpc.client.dumps(_fault(exc, legacy), methodresponse=True)
        except TypeError as exc:  # marshalling None without allow_none, as Odoo does
            response = xmlrpc.client.dumps(
                _fault(FakeError("TypeError", str(exc)), legacy), methodresponse=True
            )
        self._send(200, response.encode(), "text/xml")

    def _service(self, method: str, params: list[Any]) -> Any:
        if method == "login":
            return self.server.odoo.login(params[1], params[2])
        if method == "version":
            return {"server_version": "18.0"}
        db, uid, password, model, name, args, *rest = params
        if self.server.odoo.login(_login_of(uid), password) != uid:
            raise FakeError("AccessDenied", "Access Denied")
        result = self.server.odoo.execute(model, name, args, rest[0] if rest else {})
        xmlrpc.client.dumps((result,))  # no allow_none: a None result is a fault
        return result

    def _jsonrpc(self, body: bytes) -> None:
        request = json.loads(body)
        params = request["params"]
        try:
            if self.path == "/web/session/authenticate":
                return self._authenticate(request, params)
            if self.path.startswith("/web/dataset/call_kw"):
                if self.headers.get("Cookie") != "session_id=s3cr3t":
                    return self._json(200, _envelope(request, error=_session_expired()))
                args = [params["model"], params["method"], params["args"], params["kwargs"]]
                result = self.server.odoo.execute(*args)
            else:
                result = self._service(params["method"], params["args"])
        except FakeError as exc:
            return self._json(200, _envelope(request, error=_json_error(exc)))
        self._json(200, _envelope(request, result=result))

    def _authenticate(self, request: dict[str, Any], params: dict[str, Any]) -> None:
        uid = self.server.odoo.login(params["login"], params["password"])
        if not uid:
            return self._json(
                200,
                _envelope(request, error=_json_error(FakeError("AccessDenied", "Access Denied"))),
            )
        self._json(200, _envelope(request, result={"uid": uid}), cookie="session_id=s3cr3t; Path=/")

    def _json2(self, body: bytes) -> None:
        if self.headers.get("Authorization") != f"bearer {API_KEY}":
            return self._json(
                401, {"name": "werkzeug.exceptions.Unauthorized", "message": "no key"}
            )
        _, _, _, model, method = self.path.split("/")
        kwargs = json.loads(body)
        ids = kwargs.pop("ids", None)
        args = [ids] if ids is not None else []
        if method == "create":
            args, kwargs = [kwargs.pop("vals_list")], kwargs
        try:
            result = self.server.odoo.execute(model, method, args, kwargs)
        except FakeError as exc:
            return self._json(422, {"name": f"odoo.exceptions.{exc.kind}", "message": exc.message})
        self._json(200, result)

    def _json(self, status: int, payload: Any, cookie: str | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json; charset=utf-8", cookie)

    def _send(self, status: int, body: bytes, content_type: str, cookie: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if cookie:
            self.send_header("Set-Cookie", cookie)
        self.end_headers()
        self.wfile.write(body)


def _login_of(uid: int) -> str:
    return next((login for login, (_, user_id) in USERS.items() if user_id == uid), "")


def _fault(exc: FakeError, legacy: bool) -> xmlrpc.client.Fault:
    if exc.kind == "AccessDenied":
        return xmlrpc.client.Fault("AccessDenied" if legacy else 3, "Access Denied")
    if exc.warning:
        if legacy:
            return xmlrpc.client.Fault(f"warning -- {exc.kind}\n\n{exc.message}", "")
        return xmlrpc.client.Fault(2, exc.message)
    traceback = TRACEBACK.format(exception=f"{exc.kind}: {exc.message}")
    return xmlrpc.client.Fault(exc.message if legacy else 1, traceback)


def _envelope(request: dict[str, Any], **member: Any) -> dict[str, Any]:
    envelope = {"jsonrpc": "2.0", "id": request.get("id")}
    if member.get("result") is not None or "error" in member:
        envelope |= member
    return envelope


def _json_error(exc: FakeError) -> dict[str, Any]:
    module = "odoo.exceptions" if exc.warning or exc.kind == "AccessDenied" else "builtins"
    data = {"name": f"{module}.{exc.kind}", "message": exc.message, "debug": "Traceback..."}
    return {"code": 200, "message": "Odoo Server Error", "data": data}


def _session_expired() -> dict[str, Any]:
    data = {"name": "odoo.http.SessionExpiredException", "message": "Session expired"}
    return {"code": 100, "message": "Odoo Session Expired", "data": data}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    odoo: FakeOdoo


class FakeOdooServer:
    """Serve a :class:`FakeOdoo` on a free loopback port in a background thread."""

    def __init__(self) -> None:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.odoo = FakeOdoo()
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self.db = DB
        self.credentials = {user: (login, login) for user, (login, _) in USERS.items()}
        self.api_key = API_KEY
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
