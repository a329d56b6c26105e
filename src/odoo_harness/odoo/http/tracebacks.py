"""The frames of the tracebacks the sandbox sends, as Odoo's own would read.

``odoo_frames(exc, entry, profile)`` turns the real traceback of ``exc`` (the sandbox's
frames) into the stack Odoo shows for the same call: its HTTP/RPC plumbing for the route
(``odoo/http.py``, ``odoo/addons/base/controllers/rpc.py``...), its service and ``call_kw``
layers (``odoo/service/model.py``, ``odoo/api.py``), then the model frames the call went
through, renamed to Odoo's files (``odoo/models.py``; ``odoo/orm/...`` on 19). Frames are
``(path under the odoo package, line, function, code or None)``; only ``errors`` uses them.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..profiles import Profile

#: Where the odoo package lives in Odoo's Debian package and official Docker image.
ODOO_ROOT = "/usr/lib/python3/dist-packages/odoo"
_PACKAGE = Path(__file__).resolve().parents[1]  # odoo_harness/odoo

Frame = tuple[str, int, str, str | None]


@dataclass(frozen=True)
class _Real:
    """One frame of the sandbox's own traceback."""

    rel: str  # path under odoo_harness/odoo, e.g. "orm/models.py"
    name: str
    lineno: int
    line: str
    locals: dict[str, Any]

    @property
    def key(self) -> tuple[str, str]:
        return self.rel, self.name


def odoo_frames(exc: BaseException, entry: str, profile: Profile | None = None) -> list[Frame]:
    real = _real_frames(exc)
    major = profile.major if profile is not None else _major_in(real)
    stack = _Stack(real, major, exc)
    frames = stack.build(entry)
    deepest = real[-1] if real else None
    if frames and frames[-1][3] is None:
        if deepest is not None and deepest.line.startswith("raise"):
            code: str | None = deepest.line
        elif deepest is None:  # built, never raised: the route raised it
            code = f"raise {type(exc).__name__}(e) from exc"
        else:
            code = None
        frames[-1] = (*frames[-1][:3], code)
    return frames


def _real_frames(exc: BaseException) -> list[_Real]:
    found = []
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        try:
            rel = Path(frame.f_code.co_filename).resolve().relative_to(_PACKAGE).as_posix()
        except ValueError:
            continue
        summary = traceback.FrameSummary(
            frame.f_code.co_filename, lineno, frame.f_code.co_name, lookup_line=True
        )
        found.append(_Real(rel, frame.f_code.co_name, lineno, summary.line or "", frame.f_locals))
    return found


def _major_in(real: list[_Real]) -> int:
    """The profile's major version, from the objects the sandbox frames hold."""
    for frame in real:
        for key in ("self", "records", "model", "sandbox"):
            value = frame.locals.get(key)
            for holder in (value, getattr(value, "sandbox", None), getattr(value, "env", None)):
                profile = getattr(holder, "profile", None)
                if isinstance(profile, Profile):
                    return profile.major
    return 17


class _Stack:
    """Builds Odoo's frames for one exception."""

    def __init__(self, real: list[_Real], major: int, exc: BaseException) -> None:
        self.real = real
        self.major = major
        self.exc = exc
        self.deepest = real[-1].key if real else ("", "")

    def first(self, rel: str, *names: str) -> _Real | None:
        return next((f for f in self.real if f.rel == rel and (not names or f.name in names)), None)

    def reached(self, rel: str) -> bool:
        return any(f.rel == rel for f in self.real)

    # -- entry points ----------------------------------------------------------------
    def build(self, entry: str) -> list[Frame]:
        if entry in ("xmlrpc2", "xmlrpc"):
            name = "xmlrpc_2" if entry == "xmlrpc2" else "xmlrpc_1"
            head: list[Frame] = [
                (
                    _RPC,
                    160 if entry == "xmlrpc2" else 149,
                    name,
                    "response = self._xmlrpc(service)",
                ),
                (_RPC, 129, "_xmlrpc", "result = dispatch_rpc(service, method, params)"),
                ("http.py", 409, "dispatch_rpc", "return dispatch(method, params)"),
            ]
            return head + self.service()
        return self.http_route(entry)

    def http_route(self, entry: str) -> list[Frame]:
        serve = (
            "return service_model.retrying(self._serve_ir_http, self.env)"
            if self.major < 18
            else "return service_model.retrying(serve_func, env=self.env)"
        )
        frames: list[Frame] = [
            ("http.py", 2134 if self.major < 19 else 2577, "_serve_db", serve),
            _RETRYING,
        ]
        if self.deepest in (("http/web.py", "uid"), ("http/json2.py", "bearer_uid")):
            auth = "user" if self.deepest[0] == "http/web.py" else "bearer"
            return frames + _auth_frames(auth)
        frames += [
            (
                "http.py",
                2162,
                "_serve_ir_http",
                "response = self.dispatcher.dispatch(rule.endpoint, args)",
            ),
            (
                "http.py",
                1989,
                "dispatch",
                "result = self.request.registry['ir.http']._dispatch(endpoint)",
            ),
            (_IR_HTTP, 333, "_dispatch", "result = endpoint(**request.params)"),
            ("http.py", 754, "route_wrapper", "result = endpoint(self, *args, **params_ok)"),
        ]
        if self.deepest == ("http/jsonrpc.py", "bind"):
            return frames
        if self.reached("http/api_doc.py"):
            return frames + self.api_doc()
        if entry == "json2":
            below = self.model_frames()
            code = "result = func(records, **kwargs)" if below else None
            return frames + [(_WEB + "json2.py", 106, "web_json_2", code), *below]
        web = self.first("http/web.py", *_WEB_ROUTES)
        if web is not None:
            return frames + self.web_route(web.name)
        return frames + [
            (_RPC, 164, "jsonrpc", "return dispatch_rpc(service, method, args)"),
            ("http.py", 409, "dispatch_rpc", "return dispatch(method, params)"),
            *self.service(),
        ]

    def web_route(self, name: str) -> list[Frame]:
        if name == "call_kw":
            if self.major < 18:
                head: list[Frame] = [
                    (
                        _WEB + "dataset.py",
                        46,
                        "call_kw",
                        "return self._call_kw(model, method, args, kwargs)",
                    ),
                    (
                        _WEB + "dataset.py",
                        33,
                        "_call_kw",
                        "return call_kw(request.env[model], method, args, kwargs)",
                    ),
                ]
            else:
                head = [
                    (
                        _WEB + "dataset.py",
                        40,
                        "call_kw",
                        "return call_kw(request.env[model], method, args, kwargs)",
                    )
                ]
            if not self.reached("orm/api.py"):
                return head
            return head + self.call_kw()
        if name == "authenticate":
            code = (
                "pre_uid = request.session.authenticate(db, login, password)"
                if self.major < 18
                else "auth_info = request.session.authenticate(request.env, credential)"
            )
            if self.deepest[0] == "sandbox.py" or self.exc.__class__.__name__ == "AccessDenied":
                return [
                    (_WEB + "session.py", 104, "authenticate", code),
                    (
                        "http.py",
                        1047,
                        "authenticate",
                        "auth_info = registry['res.users'].authenticate(credential, wsgienv)",
                    ),
                    (_USERS, 852, "_login", "raise AccessDenied()"),
                ]
            return [(_WEB + "session.py", 100, "authenticate", None)]
        file = "dataset.py" if name == "call_kw" else "session.py"
        return [(_WEB + file, 90, name, None)]

    def api_doc(self) -> list[Frame]:
        return [
            (_API_DOC, 174, "doc_bearer_model", "return self.doc_model(model_name)"),
            (_API_DOC, 205, "doc_model", None),
            *self.model_frames(anchor="http/api_doc.py"),
        ]

    # -- services --------------------------------------------------------------------
    def service(self) -> list[Frame]:
        svc = self.first("http/services.py", "object", "common", "db")
        if svc is None:
            return []
        if svc.name == "common":
            return [("service/common.py", 26, "dispatch", "return g[fn](*params)"), *self.db_tail()]
        if svc.name == "db":
            return [("service/db.py", 470, "dispatch", "return g[exp_method_name](*params)")]
        method = svc.locals.get("method")
        if method not in ("execute", "execute_kw"):
            return [("service/model.py", 66, "dispatch", None)]
        head: Frame = ("service/model.py", 68, "dispatch", f"res = {method}(db, uid, *params[3:])")
        if self.deepest == ("http/services.py", "check_db"):
            return [
                ("service/model.py", 60, "dispatch", "security.check(db, uid, passwd)"),
                *self.db_tail(),
            ]
        if self.deepest == ("sandbox.py", "check_credentials"):
            return [
                ("service/model.py", 60, "dispatch", "security.check(db, uid, passwd)"),
                ("service/security.py", 22, "check", "return res_users.check(db, uid, passwd)"),
                (_USERS, 1010, "check", "raise AccessDenied()"),
            ]
        if self.deepest[0] == "http/services.py":
            return [head]
        frames = [head]
        if method == "execute_kw":
            frames.append(
                (
                    "service/model.py",
                    91,
                    "execute_kw",
                    "return execute(db, uid, obj, method, *args, **kw or {})",
                )
            )
        frames.append(
            (
                "service/model.py",
                97,
                "execute",
                "res = execute_cr(cr, uid, obj, method, *args, **kw)",
            )
        )
        if self.deepest[0] == "sandbox.py":  # the model does not exist
            return [*frames, ("service/model.py", 78, "execute_cr", None)]
        call_kw = "odoo.api.call_kw" if self.major < 19 else "call_kw"
        frames += [
            (
                "service/model.py",
                82,
                "execute_cr",
                f"result = retrying(partial({call_kw}, recs, method, args, kw), env)",
            ),
            _RETRYING,
        ]
        return frames + self.call_kw()

    def db_tail(self) -> list[Frame]:
        if not getattr(self.exc, "odoo_name", "").startswith("psycopg2."):
            return []
        return [("sql_db.py", 772, "borrow", "result = psycopg2.connect(")]

    # -- the model call ----------------------------------------------------------------
    def call_kw(self) -> list[Frame]:
        api = self.first("orm/api.py", "call_kw")
        kind = api.locals.get("kind") if api is not None else None
        if self.major >= 19:
            frames: list[Frame] = [
                ("service/model.py", 159, "call_kw", "result = method(recs, *args, **kwargs)")
            ]
        else:
            helper = {"model": "_call_kw_model", "create": "_call_kw_model_create"}.get(
                str(kind), "_call_kw_multi"
            )
            frames = [
                ("api.py", 466, "call_kw", f"result = {helper}(method, model, args, kwargs)"),
                ("api.py", 453, helper, "result = method(recs, *args, **kwargs)"),
            ]
        if self.deepest[0] == "orm/api.py":
            path, line, name, _code = frames[-1]
            frames[-1] = (path, line, name, None)
            return frames
        if self.deepest[0] == "http/calls.py":  # an injected fault
            caller = self.first("http/calls.py", "call")
            method = str(caller.locals.get("method")) if caller is not None else "write"
            if getattr(self.exc, "odoo_name", "").startswith("psycopg2."):
                return [
                    *frames,
                    (self.models_py(), 3610, method, "self.env.cr.execute(query, params)"),
                    ("sql_db.py", 354, "execute", "res = self._obj.execute(query, params)"),
                ]
            raise_line = f"raise {type(self.exc).__name__}(message)"
            return [*frames, (self.models_py(), 3610, method, raise_line)]
        return frames + self.model_frames()

    def model_frames(self, anchor: str = "orm/api.py") -> list[Frame]:
        """The sandbox's model frames below ``anchor``, under Odoo's file names."""
        frames: list[Frame] = []
        started = False
        for frame in self.real:
            if frame.rel == anchor:
                started = True
                continue
            if not started or not frame.rel.startswith(("orm/", "addons/")):
                continue
            if frame.name == "<lambda>" or frame.rel == "orm/api.py":
                continue
            frames.append((self.odoo_path(frame), frame.lineno, frame.name, frame.line or None))
        return frames

    def models_py(self) -> str:
        return "models.py" if self.major < 19 else "orm/models.py"

    def odoo_path(self, frame: _Real) -> str:
        stem = Path(frame.rel).stem
        if frame.rel.startswith("orm/"):
            if self.major >= 19:
                table = {
                    "domains": "orm/domains.py",
                    "fields": "orm/fields.py",
                    "sqlite": "sql_db.py",
                }
            else:
                table = {
                    "domains": "osv/expression.py",
                    "fields": "fields.py",
                    "sqlite": "sql_db.py",
                }
            table["registry"] = "api.py" if self.major < 19 else "orm/environments.py"
            return table.get(stem, self.models_py())
        model = getattr(frame.locals.get("self"), "_name", "") or ""
        prefix = model.split(".")[0]
        module = stem.split("_")[0]
        if module in ("business", "ir", "res"):
            module = "base" if prefix in ("res", "ir", "") else prefix
        return f"addons/{module}/models/{(model or stem).replace('.', '_')}.py"


def _auth_frames(auth: str) -> list[Frame]:
    raise_line = {
        "user": 'raise http.SessionExpiredException("Session expired")',
        "bearer": "raise werkzeug.exceptions.Unauthorized(",
    }[auth]
    return [
        (
            "http.py",
            2150,
            "_serve_ir_http",
            "self.registry['ir.http']._authenticate(rule.endpoint)",
        ),
        (_IR_HTTP, 227, "_authenticate", "cls._authenticate_explicit(auth)"),
        (_IR_HTTP, 240, "_authenticate_explicit", "getattr(cls, f'_auth_method_{auth}')()"),
        (_IR_HTTP, 147 if auth == "user" else 171, f"_auth_method_{auth}", raise_line),
    ]


_RPC = "addons/base/controllers/rpc.py"
_IR_HTTP = "addons/base/models/ir_http.py"
_USERS = "addons/base/models/res_users.py"
_WEB = "addons/web/controllers/"
_API_DOC = "addons/api_doc/controllers/api_doc.py"
_RETRYING: Frame = ("service/model.py", 185, "retrying", "result = func()")
_WEB_ROUTES = (
    "authenticate",
    "get_session_info",
    "destroy",
    "call_kw",
    "version_info",
    "database_list",
)

__all__ = ["ODOO_ROOT", "Frame", "odoo_frames"]
