"""JSON-RPC 2.0 as Odoo's ``type='json'`` routes speak it: ``/jsonrpc`` and the web routes.

``JsonRpc.route(handler)`` builds an endpoint that checks the content type, authenticates
(``auth``), parses the envelope, calls ``handler(call)`` and answers
``{"jsonrpc": "2.0", "id": .., "result": ..}`` (no ``result`` key for None) or the error object.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..profiles import Profile
from .calls import CORRELATION_ID, ConnectionDropped
from .errors import BadRequest, HTTPException, UnsupportedMediaType, jsonrpc_error
from .quirks import quirks_for
from .services import Services
from .transport import drop_connection, dumps, html_response

JSON_TYPES = ("application/json", "application/json-rpc")


@dataclass
class JsonCall:
    """One JSON-RPC request as a handler sees it."""

    request: Request
    params: dict[str, Any]
    uid: int | None = None
    set_cookies: dict[str, str] = field(default_factory=dict)
    delete_cookies: list[str] = field(default_factory=list)


Handler = Callable[[JsonCall], Awaitable[Any]]
Auth = Callable[[Request], int]


class JsonRpc:
    """Endpoints for the ``type='json'`` routes of one app."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.wrong_type_status = quirks_for(profile).wrong_content_type_status

    def route(
        self, handler: Handler, auth: Auth | None = None
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            return await self._serve(request, handler, auth)

        return endpoint

    async def _serve(self, request: Request, handler: Handler, auth: Auth | None) -> Response:
        CORRELATION_ID.set(request.headers.get("x-correlation-id"))
        if request.headers.get("content-type", "").split(";")[0].strip().lower() not in JSON_TYPES:
            return self._wrong_type(request)
        request_id: Any = None
        try:
            uid = auth(request) if auth else None
            payload = _envelope(await request.body())
            if isinstance(payload, Response):
                return payload
            request_id = payload.get("id")
            call = JsonCall(request, dict(payload.get("params") or {}), uid)
            result = await handler(call)
            body = _ok(request_id, result)
        except ConnectionDropped as exc:
            return await drop_connection(request.scope, exc)
        except Exception as exc:
            body = dumps(
                {"jsonrpc": "2.0", "id": request_id, "error": jsonrpc_error(exc, self.profile)}
            )
            return Response(body, media_type="application/json; charset=utf-8")
        return _with_cookies(Response(body, media_type="application/json; charset=utf-8"), call)

    def _wrong_type(self, request: Request) -> Response:
        text = (
            "Request inferred type is compatible with ['http'] but "
            f"'{request.url.path}' is type='json'."
        )
        exc: HTTPException = (
            UnsupportedMediaType(text) if self.wrong_type_status == 415 else BadRequest(text)
        )
        return html_response(werkzeug_page(exc), exc.code)


def _envelope(body: bytes) -> dict[str, Any] | Response:
    try:
        payload = json.loads(body)
    except ValueError:
        return html_response("Invalid JSON data", 400)
    if not isinstance(payload, dict):
        return html_response("Invalid JSON-RPC data", 400)
    return payload


def _ok(request_id: Any, result: Any) -> bytes:
    envelope: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
    if result is not None:
        envelope["result"] = result
    return dumps(envelope)


def _with_cookies(response: Response, call: JsonCall) -> Response:
    for name, value in call.set_cookies.items():
        response.set_cookie(name, value, max_age=7 * 24 * 3600, httponly=True, samesite="lax")
    for name in call.delete_cookies:
        response.delete_cookie(name)
    return response


def werkzeug_page(exc: HTTPException) -> str:
    """The HTML error page werkzeug renders for an HTTP exception."""
    return (
        "<!doctype html>\n<html lang=en>\n"
        f"<title>{exc.code} {exc.title}</title>\n<h1>{exc.title}</h1>\n"
        f"<p>{escape(exc.description)}</p>\n"
    )


def bind(fn: Callable[..., Any], params: dict[str, Any]) -> Any:
    """Call a route function with the JSON params it declares (Odoo drops the others)."""
    names = fn.__code__.co_varnames[: fn.__code__.co_argcount]
    return fn(**{k: v for k, v in params.items() if k in names})


def rpc_route(services: Services) -> Handler:
    """``/jsonrpc``: ``params = {"service", "method", "args"}`` -> ``dispatch_rpc``."""

    def jsonrpc(service: Any, method: Any, args: Any) -> tuple[Any, Any, Any]:
        return service, method, args

    jsonrpc.__qualname__ = "RPC.jsonrpc"

    async def handler(call: JsonCall) -> Any:
        service, method, args = bind(jsonrpc, call.params)
        return await services.dispatch(service, method, list(args), "jsonrpc")

    return handler


__all__ = ["JsonCall", "JsonRpc", "bind", "rpc_route", "werkzeug_page"]
