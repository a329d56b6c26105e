"""Odoo 19's JSON-2 API: ``POST /json/2/<model>/<method>`` and ``GET /web|json/version``.

Bearer API key auth, an optional ``X-Odoo-Database`` header, a JSON object of named
arguments (``ids`` plus the method's parameters), plain JSON results and errors as
``{name, message, arguments, context, debug}`` with an HTTP status from the error table.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..exceptions import UserError
from ..sandbox import Sandbox
from .calls import CORRELATION_ID, ConnectionDropped, ModelCaller
from .errors import (
    BadRequest,
    NotFound,
    Unauthorized,
    UnsupportedMediaType,
    json2_error,
)
from .jsonrpc import werkzeug_page
from .transport import drop_connection, html_response, json_response

_BEARER = re.compile(r"^bearer\s+(.+)$", re.IGNORECASE)
# werkzeug sends "Bearer " with a trailing space (the httptools server writes it as is).
_WWW_AUTHENTICATE = {"WWW-Authenticate": "Bearer "}
_ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]
NO_AUTH = "User not authenticated, use an API Key with a Bearer Authorization header."
NO_METHOD = "Did you mean POST /json/2/<model>/<method>?"
NO_DATABASE = (
    "No database is selected and the requested URL was not found in the server-wide controllers."
)


class Json2:
    """The JSON-2 routes of one sandbox (only mounted when ``profile.json2``)."""

    def __init__(self, sandbox: Sandbox, caller: ModelCaller) -> None:
        self.sandbox = sandbox
        self.caller = caller

    def routes(self) -> list[Route]:
        return [
            Route("/web/version", self.version, methods=["GET"]),
            Route("/json/version", self.version, methods=["GET"]),
            Route("/json/2/{model}/{method}", self.call, methods=["POST"]),
            Route("/json/2/{rest:path}", self.no_method, methods=_ANY_METHOD),
            Route("/json/2", self.no_method, methods=_ANY_METHOD),
        ]

    async def version(self, request: Request) -> Response:
        profile = self.sandbox.profile
        return json_response(
            {"version_info": list(profile.version_info), "version": profile.server_version}
        )

    async def no_method(self, request: Request) -> Response:
        return error_response(NotFound(NO_METHOD))

    async def call(self, request: Request) -> Response:
        CORRELATION_ID.set(request.headers.get("x-correlation-id"))
        database = request.headers.get("x-odoo-database")
        if database is not None and database != self.sandbox.db_name:
            return html_response(werkzeug_page(NotFound(NO_DATABASE)), 404)
        model = request.path_params["model"]
        method = request.path_params["method"]
        try:
            _check_content_type(request)
            uid = bearer_uid(self.sandbox, request)
            params = _parse_body(await request.body())
            result = await self._call(uid, model, method, params)
        except ConnectionDropped as exc:
            return await drop_connection(request.scope, exc)
        except Exception as exc:
            return error_response(_translate(exc, model, method))
        return json_response(result)

    async def _call(self, uid: int, model: str, method: str, params: dict[str, Any]) -> Any:
        has_ids = "ids" in params
        ids = params.pop("ids", [])
        native = getattr(self.sandbox, "call_json2", None)
        if native is not None:
            return await self.caller.call(
                "json2",
                uid,
                model,
                method,
                [ids] if has_ids else [],
                params,
                invoke=lambda: native(uid, model, method, ids, params),
            )
        result = await self.caller.call(
            "json2", uid, model, method, [ids] if has_ids else [], params
        )
        if method == "create" and isinstance(result, int) and not isinstance(result, bool):
            return [result]
        return result


def bearer_uid(sandbox: Sandbox, request: Request) -> int:
    """The uid of the request's ``Authorization: bearer <api key>`` (``auth='bearer'``)."""
    match = _BEARER.match(request.headers.get("authorization", ""))
    if match is None:
        raise Unauthorized(NO_AUTH, headers=_WWW_AUTHENTICATE)
    uid = sandbox.uid_from_api_key(match.group(1))
    if not uid:
        raise Unauthorized("Invalid apikey", headers=_WWW_AUTHENTICATE)
    return uid


def _check_content_type(request: Request) -> None:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind and kind != "application/json":
        raise UnsupportedMediaType()


def _parse_body(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        params = json.loads(body)
    except ValueError as exc:
        raise BadRequest(f"could not parse the body as json: {exc}") from exc
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise BadRequest("could not parse the body as json: a JSON object is expected")
    return params


def _translate(exc: Exception, model: str, method: str) -> Exception:
    """Unknown models and methods are 404s on JSON-2."""
    if isinstance(exc, UserError) and str(exc) == f"Object {model} doesn't exist":
        return NotFound(f"the model '{model}' does not exist")
    if isinstance(exc, AttributeError) and str(exc) == (
        f"The method '{model}.{method}' does not exist"
    ):
        return NotFound(str(exc))
    return exc


def error_response(exc: BaseException) -> Response:
    status, body, headers = json2_error(exc)
    return json_response(body, status=status, headers=headers or None)


__all__ = ["NO_AUTH", "NO_DATABASE", "Json2", "bearer_uid", "error_response"]
