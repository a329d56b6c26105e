"""The five ways a conformance case reaches Odoo, each over a real socket.

``xmlrpc2`` and ``xmlrpc`` use :mod:`xmlrpc.client` as integrations do; ``jsonrpc``, ``web``
and ``json2`` use httpx. Every transport turns an answer into an :class:`Outcome` whose error is
normalised to the keys the recordings hold for that transport (see the README, "Expected
outcome"), so one comparison serves them all.
"""

from __future__ import annotations

import http.client
import itertools
import json
import xml.parsers.expat
import xmlrpc.client
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar, Protocol
from urllib.parse import urlsplit

import httpx

from .matching import show_json

TIMEOUT = 60.0
TRACEBACK_HEADER = "Traceback (most recent call last):"


class TransportError(Exception):
    """A request failed below the protocol: no connection, an HTTP error, a body that is not
    the protocol's (an XML-RPC fault or a JSON-RPC error object is an :class:`Outcome`)."""


class Accounts(Protocol):
    """Who a transport logs in as: the case runner's directory of users."""

    db: str

    def credentials(self, user: str) -> tuple[str, str]: ...

    def uid(self, user: str) -> int: ...

    def api_key(self, user: str) -> str: ...


@dataclass(frozen=True)
class Outcome:
    """What a model or service call gave: its result, or its normalised error."""

    sent: str
    result: Any = None
    error: dict[str, Any] | None = None
    #: The server's full error text (faultString, JSON error body) for failure messages.
    detail: str | None = None


@dataclass(frozen=True)
class HttpOutcome:
    """The answer to a raw HTTP step."""

    sent: str
    status: int
    headers: httpx.Headers
    body: Any


def final_exception_text(fault_string: str) -> str:
    """The exception that ends a Python traceback; other text is returned unchanged.

    A traceback (``traceback.format_exception``) is: a header line, indented frame lines
    (``  File ...``, source, ``^^^`` markers), then the exception, which runs to the end and may
    span lines (``ValueError: first line\\nsecond line``). Chained exceptions print several
    tracebacks; the one raised last comes last.
    """
    lines = fault_string.split("\n")
    headers = [index for index, line in enumerate(lines) if line == TRACEBACK_HEADER]
    if not headers:
        return fault_string
    index = headers[-1] + 1
    while index < len(lines) and (lines[index].startswith((" ", "\t")) or not lines[index]):
        index += 1
    text = "\n".join(lines[index:])
    return text[:-1] if text.endswith("\n") else text


class Transport:
    """Base: raw HTTP steps and service calls over ``/jsonrpc``; subclasses add model calls."""

    name: ClassVar[str]

    def __init__(self, url: str, accounts: Accounts) -> None:
        self.url = url.rstrip("/")
        self.accounts = accounts
        self._client = httpx.Client(base_url=self.url, timeout=TIMEOUT)
        self._request_ids = itertools.count(1)

    def __enter__(self) -> Transport:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def call(
        self, user: str, model: str, method: str, args: list[Any], kwargs: dict[str, Any]
    ) -> Outcome:
        """``execute_kw(model, method, args, kwargs)`` as ``user``, or its equivalent."""
        raise NotImplementedError

    def service(self, service: str, method: str, args: list[Any]) -> Outcome:
        """A service call (``common.version``); over ``/jsonrpc`` unless the transport is XML-RPC."""
        params = {"service": service, "method": method, "args": args}
        return self._jsonrpc(self._client, "/jsonrpc", params)

    def http(self, user: str, request: dict[str, Any]) -> HttpOutcome:
        """Send a raw HTTP step as recorded: ``method``, ``path``, ``headers``, ``body``."""
        method = request.get("method", "GET")
        headers = dict(request.get("headers") or {})
        content = _encode_body(request, headers)
        sent = f"{method} {request['path']} headers={show_json(headers)} body={_short(content)}"
        response = self._send(
            self._client_for(user), method, request["path"], sent, headers=headers, content=content
        )
        return HttpOutcome(sent, response.status_code, response.headers, _body_value(response))

    def _client_for(self, user: str) -> httpx.Client:
        return self._client

    def _jsonrpc(self, client: httpx.Client, path: str, params: dict[str, Any]) -> Outcome:
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": params,
            "id": next(self._request_ids),
        }
        sent = f"POST {path} {show_json(payload)}"
        response = self._send(client, "POST", path, sent, json=payload)
        body = _json_object(response, sent)
        if "error" in body:
            return _jsonrpc_error(sent, body["error"])
        return Outcome(sent, result=body.get("result"))

    def _send(
        self, client: httpx.Client, method: str, path: str, sent: str, **kwargs: Any
    ) -> httpx.Response:
        try:
            return client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise TransportError(f"{sent}: {type(exc).__name__}: {exc}") from exc


class XmlRpc2Transport(Transport):
    """``/xmlrpc/2/<service>`` with :mod:`xmlrpc.client`; integer fault codes."""

    name = "xmlrpc2"
    prefix: ClassVar[str] = "/xmlrpc/2/"

    def call(
        self, user: str, model: str, method: str, args: list[Any], kwargs: dict[str, Any]
    ) -> Outcome:
        _login, password = self.accounts.credentials(user)
        uid = self.accounts.uid(user)
        params = [self.accounts.db, uid, password, model, method, args, kwargs]
        return self._xmlrpc("object", "execute_kw", params)

    def service(self, service: str, method: str, args: list[Any]) -> Outcome:
        return self._xmlrpc(service, method, args)

    def _xmlrpc(self, service: str, method: str, args: list[Any]) -> Outcome:
        endpoint = f"{self.url}{self.prefix}{service}"
        sent = f"XML-RPC {endpoint} {method}({', '.join(show_json(arg) for arg in args)})"
        proxy = xmlrpc.client.ServerProxy(
            endpoint, allow_none=True, transport=_xmlrpc_transport(endpoint)
        )
        with proxy:
            try:
                result = getattr(proxy, method)(*args)
            except xmlrpc.client.Fault as fault:
                error = {
                    "fault_code": fault.faultCode,
                    "message": final_exception_text(fault.faultString),
                }
                return Outcome(sent, error=error, detail=fault.faultString)
            except (
                xmlrpc.client.ProtocolError,
                xml.parsers.expat.ExpatError,
                http.client.HTTPException,
                OSError,
            ) as exc:
                raise TransportError(f"{sent}: {type(exc).__name__}: {exc}") from exc
        return Outcome(sent, result=result)


class LegacyXmlRpcTransport(XmlRpc2Transport):
    """Legacy ``/xmlrpc/<service>``: fault codes are strings (``warning -- UserError\\n\\n...``)."""

    name = "xmlrpc"
    prefix = "/xmlrpc/"


class JsonRpcTransport(Transport):
    """``/jsonrpc`` with ``service: object, method: execute_kw``."""

    name = "jsonrpc"

    def call(
        self, user: str, model: str, method: str, args: list[Any], kwargs: dict[str, Any]
    ) -> Outcome:
        _login, password = self.accounts.credentials(user)
        uid = self.accounts.uid(user)
        params = [self.accounts.db, uid, password, model, method, args, kwargs]
        return self.service("object", "execute_kw", params)


class WebTransport(Transport):
    """The web client's way: a session cookie, then ``/web/dataset/call_kw/<model>/<method>``."""

    name = "web"

    def __init__(self, url: str, accounts: Accounts) -> None:
        super().__init__(url, accounts)
        self._sessions: dict[str, httpx.Client] = {}

    def close(self) -> None:
        for client in self._sessions.values():
            client.close()
        super().close()

    def call(
        self, user: str, model: str, method: str, args: list[Any], kwargs: dict[str, Any]
    ) -> Outcome:
        params = {"model": model, "method": method, "args": args, "kwargs": kwargs}
        return self._jsonrpc(self._session(user), f"/web/dataset/call_kw/{model}/{method}", params)

    def _client_for(self, user: str) -> httpx.Client:
        return self._client if user == "none" else self._session(user)

    def _session(self, user: str) -> httpx.Client:
        if user not in self._sessions:
            self._sessions[user] = self._login(user)
        return self._sessions[user]

    def _login(self, user: str) -> httpx.Client:
        login, password = self.accounts.credentials(user)
        client = httpx.Client(base_url=self.url, timeout=TIMEOUT)
        params = {"db": self.accounts.db, "login": login, "password": password}
        outcome = self._jsonrpc(client, "/web/session/authenticate", params)
        if outcome.error is not None or not isinstance(outcome.result, dict):
            client.close()
            raise TransportError(
                f"web login as {user!r} failed: {show_json(outcome.error or outcome.result)}"
            )
        return client


class Json2Transport(Transport):
    """Odoo 19's ``POST /json/2/<model>/<method>`` with an API key; errors are HTTP statuses."""

    name = "json2"

    def call(
        self, user: str, model: str, method: str, args: list[Any], kwargs: dict[str, Any]
    ) -> Outcome:
        if len(args) > 1:
            raise TransportError(f"json2 takes args [] or [ids], not {show_json(args)}")
        body = dict(kwargs) | ({"ids": args[0]} if args else {})
        headers = {"X-Odoo-Database": self.accounts.db}
        if user != "none":
            headers["Authorization"] = f"bearer {self.accounts.api_key(user)}"
        path = f"/json/2/{model}/{method}"
        sent = f"POST {path} {show_json(body)}"
        response = self._send(self._client, "POST", path, sent, json=body, headers=headers)
        if response.status_code == 200:
            return Outcome(sent, result=_json_value(response, sent))
        return _json2_error(sent, response)


TRANSPORTS: dict[str, type[Transport]] = {
    kind.name: kind
    for kind in (
        XmlRpc2Transport,
        LegacyXmlRpcTransport,
        JsonRpcTransport,
        WebTransport,
        Json2Transport,
    )
}


def open_transport(name: str, url: str, accounts: Accounts) -> Transport:
    """A fresh transport (own connections and sessions) for one case."""
    try:
        kind = TRANSPORTS[name]
    except KeyError:
        raise TransportError(
            f"unknown transport {name!r}; known: {', '.join(TRANSPORTS)}"
        ) from None
    return kind(url, accounts)


# --- helpers ----------------------------------------------------------------------------------


class _TimeoutTransport(xmlrpc.client.Transport):
    def make_connection(self, host: Any) -> http.client.HTTPConnection:
        connection = super().make_connection(host)
        connection.timeout = TIMEOUT
        return connection


class _SafeTimeoutTransport(xmlrpc.client.SafeTransport):
    def make_connection(self, host: Any) -> http.client.HTTPConnection:
        connection = super().make_connection(host)
        connection.timeout = TIMEOUT
        return connection


def _xmlrpc_transport(endpoint: str) -> xmlrpc.client.Transport:
    if urlsplit(endpoint).scheme == "https":
        return _SafeTimeoutTransport()
    return _TimeoutTransport()


def _jsonrpc_error(sent: str, error: Any) -> Outcome:
    if not isinstance(error, dict):
        raise TransportError(f"{sent}: the error member is not an object: {show_json(error)}")
    data = error.get("data") if isinstance(error.get("data"), dict) else {}
    normalised = {
        "code": error.get("code"),
        "name": data.get("name"),
        "message": data.get("message"),
    }
    return Outcome(sent, error=normalised, detail=data.get("debug") or show_json(error))


def _json2_error(sent: str, response: httpx.Response) -> Outcome:
    body = _body_value(response)
    if isinstance(body, dict):
        error = {
            "status": response.status_code,
            "name": body.get("name"),
            "message": body.get("message"),
        }
        return Outcome(sent, error=error, detail=body.get("debug") or show_json(body))
    error = {"status": response.status_code, "name": None, "message": body}
    return Outcome(sent, error=error, detail=response.text)


def _json_object(response: httpx.Response, sent: str) -> dict[str, Any]:
    if response.status_code != 200:
        raise TransportError(f"{sent}: HTTP {response.status_code}: {_short(response.text)}")
    body = _json_value(response, sent)
    if not isinstance(body, dict):
        raise TransportError(
            f"{sent}: the answer is not a JSON-RPC object: {_short(response.text)}"
        )
    return body


def _json_value(response: httpx.Response, sent: str) -> Any:
    try:
        return json.loads(response.text)
    except ValueError:
        raise TransportError(
            f"{sent}: HTTP {response.status_code}, body is not JSON: {_short(response.text)}"
        ) from None


def _body_value(response: httpx.Response) -> Any:
    """A raw response body as the recorder kept it: parsed JSON, else the text."""
    try:
        return json.loads(response.text)
    except ValueError:
        return response.text


def _encode_body(request: dict[str, Any], headers: dict[str, str]) -> bytes | None:
    """A string body goes as it is, any other body as JSON."""
    if "body" not in request:
        return None
    body = request["body"]
    if isinstance(body, str):
        return body.encode()
    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = "application/json"
    return json.dumps(body).encode()


def _short(text: str | bytes | None, limit: int = 500) -> str:
    if text is None:
        return "(none)"
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"
