"""Odoo 19's ``api_doc`` JSON documents (auto-installed with ``web``; 19.0 profile only).

``GET /doc/<model>.json`` (web session) and ``GET /doc-bearer/<model>.json`` (API key) give
one model's document; ``/doc/index.json`` and ``/doc-bearer/index.json`` list every
readable model. They are ``type='json2'`` routes: errors are JSON-2 error bodies.

The model document is ``{model, name, doc, fields, methods}``: ``fields`` is
``fields_get()`` with each field's introducing ``module`` (None for magic fields);
``methods`` maps every public method to ``{signature, parameters, [return], [api], model,
module}``, read from the Python signature of the sandbox's ``@rpc`` methods. A parameter is
``{[kind], [default], [annotation]}`` (``kind`` absent for positional-or-keyword ones,
``default`` absent when there is none or it is not JSON); ``api`` holds ``"model"`` for
methods called without ids and ``"readonly"`` for Odoo's ``@api.readonly`` ones. Only
users of ``api_doc.group_allow_doc`` (implied by Settings) may read the documents.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..exceptions import AccessError
from ..orm.access import allowed
from ..orm.api import public_method
from ..orm.models import BaseModel
from ..sandbox import SUPERUSER_ID, Sandbox
from .errors import NotFound
from .json2 import NO_DATABASE, bearer_uid, error_response
from .jsonrpc import werkzeug_page
from .transport import JSON_TYPE, dumps, html_response
from .web import Sessions

DOC_GROUP = "api_doc.group_allow_doc"
DOC_GROUP_NAME = "Technical Documentation"
NOT_ALLOWED = f"This page is only accessible to {DOC_GROUP_NAME} users."
# Fields every model gets from the ORM itself (no introducing module).
MAGIC_FIELDS = frozenset(
    {"id", "display_name", "create_uid", "create_date", "write_uid", "write_date"}
)
# Methods Odoo decorates with ``@api.readonly``.
READONLY_METHODS = frozenset(
    {
        "fields_get",
        "formatted_read_group",
        "name_search",
        "read",
        "read_group",
        "search",
        "search_count",
        "search_read",
    }
)
# What Odoo writes for a method returning a recordset (JSON-2 answers with ids).
RECORDSET_ANNOTATIONS = frozenset({"Self", "BaseModel", "models.BaseModel", "models.Model"})
_VERSIONED = re.compile(r"^(?P<name>.+)__v\d+$")
_METHODS = ["GET", "POST"]


class ApiDoc:
    """The ``/doc`` JSON routes of one sandbox."""

    def __init__(self, sandbox: Sandbox, sessions: Sessions) -> None:
        self.sandbox = sandbox
        self.sessions = sessions

    def routes(self) -> list[Route]:
        return [
            Route("/doc/index.json", self.user_index, methods=_METHODS),
            Route("/doc-bearer/index.json", self.bearer_index, methods=_METHODS),
            Route("/doc/{model}.json", self.user_model, methods=_METHODS),
            Route("/doc-bearer/{model}.json", self.bearer_model, methods=_METHODS),
        ]

    async def user_index(self, request: Request) -> Response:
        return self._serve(request, self.sessions.uid, None)

    async def bearer_index(self, request: Request) -> Response:
        return self._serve(request, self._bearer, None)

    async def user_model(self, request: Request) -> Response:
        return self._serve(request, self.sessions.uid, request.path_params["model"])

    async def bearer_model(self, request: Request) -> Response:
        return self._serve(request, self._bearer, request.path_params["model"])

    def _bearer(self, request: Request) -> int:
        return bearer_uid(self.sandbox, request)

    def _serve(self, request: Request, auth: Any, model: str | None) -> Response:
        database = request.headers.get("x-odoo-database")
        if database is not None and database != self.sandbox.db_name:
            return html_response(werkzeug_page(NotFound(NO_DATABASE)), 404)
        try:
            uid = auth(request)
            if model is None:
                body, etag = self._build(uid, "ir.model", _index_document)
            else:
                body, etag = self._build(uid, model, _model_document)
        except Exception as exc:
            return error_response(exc)
        no_cache = "no-cache" in request.headers.get("cache-control", "").lower()
        if not no_cache and etag in _etags(request.headers.get("if-none-match", "")):
            return Response(status_code=304, headers={"ETag": f'"{etag}"'})
        headers = {"Content-Language": "en-US"}
        if model is not None:
            headers.update({"ETag": etag, "Cache-Control": "no-cache, private"})
        elif no_cache:
            headers.update(
                {
                    "Cache-Control": "no-store",
                    "Content-Disposition": "attachment; filename*=UTF-8''odoo-doc-index.json",
                }
            )
        else:
            name = f"odoo-doc-index-{_sequence(self.sandbox)}-{etag}.json"
            headers.update(
                {
                    "ETag": f'"{etag}"',
                    "Cache-Control": "no-cache, private",
                    "Content-Disposition": f"inline; filename*=UTF-8''{name}",
                }
            )
        return Response(dumps(body), headers=headers, media_type=JSON_TYPE)

    def _build(self, uid: int, model: str, document: Any) -> tuple[dict[str, Any], str]:
        """The document and its cache key, in one read-only transaction as ``uid``."""

        def run(records: BaseModel) -> tuple[dict[str, Any], str]:
            groups = _group_ids(records.env, uid)
            if not _may_read_doc(records.env, uid, groups):
                raise AccessError(NOT_ALLOWED)
            if model not in records.env:
                raise NotFound()
            body = document(records)
            lang = records.env.context.get("lang")
            return body, _cache_key(document.__name__, self.sandbox, lang, groups)

        anchor = model if model in self.sandbox.registry else "ir.model"
        return self.sandbox._transaction(uid, anchor, run)


# -- documents --------------------------------------------------------------------------


def _model_document(model: BaseModel) -> dict[str, Any]:
    model._check_access("read")
    fields = model.fields_get()
    return {
        "model": model._name,
        "name": _description(model),
        "doc": None,
        "fields": {
            name: {**desc, "module": _field_module(model, name)} for name, desc in fields.items()
        },
        "methods": {name: _method_document(model, name) for name in public_methods(model)},
    }


def _index_document(ir_model: BaseModel) -> dict[str, Any]:
    env = ir_model.env
    models = []
    for name in sorted(env.registry.models):
        model = env[name]
        if not (env.su or env.uid == SUPERUSER_ID or allowed(model, env.uid, "read")):
            continue
        models.append(
            {
                "model": name,
                "name": _description(model),
                "fields": {
                    fname: {"string": desc["string"]}
                    for fname, desc in model.fields_get(attributes=["string"]).items()
                },
                "methods": public_methods(model),
            }
        )
    return {"modules": installed_modules(env), "models": models}


def public_methods(model: BaseModel) -> list[str]:
    """The names of the methods a client may call on ``model``, sorted (Odoo's ``dir``)."""
    names = set()
    for attr in dir(type(model)):
        match = _VERSIONED.match(attr)
        names.add(match.group("name") if match else attr)
    found = []
    for name in sorted(names):
        try:
            public_method(model, name)
        except (AccessError, AttributeError):
            continue
        found.append(name)
    return found


def _method_document(model: BaseModel, name: str) -> dict[str, Any]:
    func = public_method(model, name)
    signature = inspect.signature(func)
    params = list(signature.parameters.values())
    if params and params[0].name in ("self", "cls"):
        params = params[1:]
    parameters = {param.name: _parameter(param) for param in params}
    returns = _annotation(signature.return_annotation)
    if returns in RECORDSET_ANNOTATIONS:
        returns = "list[int]"
    doc: dict[str, Any] = {"signature": _stringify(params, returns), "parameters": parameters}
    if returns is not None:
        doc["return"] = {"annotation": returns}
    api = []
    if func._rpc in ("model", "create"):
        api.append("model")
    if name in READONLY_METHODS:
        api.append("readonly")
    if api:
        doc["api"] = api
    owner = _introducing_class(type(model), func.__name__)
    doc["model"] = _class_model(owner) or "core"
    doc["module"] = _class_module(model.env, owner) or "core"
    return doc


def _parameter(param: inspect.Parameter) -> dict[str, Any]:
    desc: dict[str, Any] = {}
    if param.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD:
        desc["kind"] = param.kind.name
    if param.default is not inspect.Parameter.empty:
        try:
            json.dumps(param.default)
        except (TypeError, ValueError):
            pass
        else:
            desc["default"] = param.default
    annotation = _annotation(param.annotation)
    if annotation is not None:
        desc["annotation"] = annotation
    return desc


def _annotation(annotation: Any) -> str | None:
    if annotation is inspect.Signature.empty:
        return None
    if isinstance(annotation, str):
        return annotation
    if isinstance(annotation, type) and not hasattr(annotation, "__origin__"):
        return annotation.__name__
    return str(annotation)


def _stringify(params: list[inspect.Parameter], returns: str | None) -> str:
    """``(domain, offset=0, limit=None) -> list[int]``: names and defaults, as Odoo
    writes it (no ``*``/``**`` markers, no parameter annotations)."""
    parts = [
        param.name
        if param.default is inspect.Parameter.empty
        else f"{param.name}={param.default!r}"
        for param in params
    ]
    text = f"({', '.join(parts)})"
    return f"{text} -> {returns}" if returns else text


# -- metadata ---------------------------------------------------------------------------


def _description(model: BaseModel) -> str:
    rows = model._sql('SELECT name FROM "ir_model" WHERE model = ?', (model._name,))
    return str(rows[0][0]) if rows and rows[0][0] else (model._description or model._name)


def _introducing_class(cls: type, attr: str) -> type:
    return next(klass for klass in reversed(cls.__mro__) if hasattr(klass, attr))


def _class_model(klass: type) -> str | None:
    return klass.__dict__.get("_name") or klass.__dict__.get("_inherit") or None


def _class_module(env: Any, klass: type) -> str | None:
    """The Odoo module a sandbox class stands for: its file's module when that names one
    (``account``, ``stock_picking`` -> ``stock``), else the module of its model."""
    model_name = _class_model(klass)
    if model_name is None:
        return None
    prefixes = {name.split(".")[0] for name in env.registry.models}
    stem = klass.__module__.rpartition(".")[2].split("_")[0]
    if stem in prefixes and stem not in ("res", "ir"):
        return stem
    prefix = model_name.split(".")[0]
    return "base" if prefix in ("res", "ir") else prefix


def _field_module(model: BaseModel, name: str) -> str | None:
    if name in MAGIC_FIELDS:
        return None
    for klass in reversed(type(model).__mro__):
        if name in vars(klass):
            return _class_module(model.env, klass)
    return None


def installed_modules(env: Any) -> list[str]:
    """``base``, ``web``, ``api_doc``, then every module owning external ids."""
    rows = env.cr.execute('SELECT DISTINCT module FROM "ir_model_data"').fetchall()
    found = {str(module) for (module,) in rows if module and not str(module).startswith("__")}
    head = ["base", "web", "api_doc"]
    return head + sorted(found - set(head))


# -- access and caching -----------------------------------------------------------------


def _group_ids(env: Any, uid: int) -> list[int]:
    rows = env.cr.execute('SELECT gid FROM "res_groups_users_rel" WHERE uid = ?', (uid,))
    return sorted(int(gid) for (gid,) in rows.fetchall())


def _may_read_doc(env: Any, uid: int, groups: list[int]) -> bool:
    """Members of ``api_doc.group_allow_doc``: the superuser and Settings users."""
    if uid == SUPERUSER_ID:
        return True
    wanted = {env.xmlid_id(DOC_GROUP), env.xmlid_id("base.group_system")} - {None}
    return bool(wanted & set(groups))


def _sequence(sandbox: Sandbox) -> int:
    return len(sandbox.registry.models)


def _cache_key(scope: str, sandbox: Sandbox, lang: Any, groups: list[int]) -> str:
    message = json.dumps(
        [scope, sandbox.profile.serie, _sequence(sandbox), lang or "en_US", groups]
    )
    return hashlib.sha256(message.encode()).hexdigest()


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",") if tag.strip()}


__all__ = ["ApiDoc", "installed_modules", "public_methods"]
