"""The wire protocols to Odoo's external API: XML-RPC, JSON-RPC and Odoo 19's JSON-2.

Each transport turns one model call into one HTTP request over a shared ``httpx.Client``
and turns every failure into an engine error (``odoo_faults``): a transport never
retries and never journals; ``OdooAdapter`` does both around it.
"""

from __future__ import annotations

import itertools
import xmlrpc.client
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from . import odoo_faults
from .errors import CredentialsError

PROTOCOLS = ("xmlrpc", "jsonrpc", "json2")


@dataclass(frozen=True)
class OdooConnection:
    """Where an Odoo is and how to log in. ``password`` may be an API key (Odoo accepts
    one in place of a password over XML-RPC and JSON-RPC); JSON-2 needs ``api_key``."""

    url: str
    db: str
    login: str
    password: str | None = field(default=None, repr=False)
    api_key: str | None = field(default=None, repr=False)
    protocol: str = "xmlrpc"
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.protocol not in PROTOCOLS:
            raise ValueError(f"protocol is one of {', '.join(PROTOCOLS)}, not {self.protocol!r}")
        if self.protocol == "json2" and not self.api_key:
            raise ValueError("JSON-2 authenticates with an API key: pass api_key")
        if self.protocol != "json2" and not (self.password or self.api_key):
            raise ValueError("XML-RPC and JSON-RPC need a password (or an API key)")

    @property
    def secret(self) -> str:
        """What goes on the wire: the password, else the API key."""
        return self.password or self.api_key or ""


class Transport(Protocol):
    name: str

    def authenticate(self, headers: Mapping[str, str]) -> int: ...

    def execute(
        self,
        uid: int,
        model: str,
        method: str,
        args: Sequence[Any],
        kwargs: Mapping[str, Any],
        headers: Mapping[str, str],
    ) -> Any: ...


class _Http:
    """POST with failures classified: timeouts, dropped connections, HTTP errors."""

    def __init__(self, conn: OdooConnection, client: httpx.Client) -> None:
        self.conn = conn
        self.client = client

    def post(
        self, path: str, where: str, headers: Mapping[str, str], **kwargs: Any
    ) -> httpx.Response:
        url = self.conn.url.rstrip("/") + path
        try:
            response = self.client.post(url, headers=dict(headers), **kwargs)
        except httpx.TimeoutException as exc:
            raise odoo_faults.timeout(f"{where}no answer within {self.conn.timeout}s") from exc
        except httpx.TransportError as exc:
            text = f"{where}{type(exc).__name__}: {exc}"
            raise odoo_faults.connection(text) from exc
        if response.status_code >= 300:
            raise odoo_faults.from_http_status(
                response.status_code, response.headers, _body(response), where=where
            )
        return response


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:500]


class XmlRpcTransport(_Http):
    """``/xmlrpc/2/common`` and ``/xmlrpc/2/object`` (``execute_kw``)."""

    name = "xmlrpc"

    def authenticate(self, headers: Mapping[str, str]) -> int:
        params = (self.conn.db, self.conn.login, self.conn.secret, {})
        return _uid(
            self._rpc("/xmlrpc/2/common", "authenticate", params, "authenticate: ", headers)
        )

    def execute(
        self,
        uid: int,
        model: str,
        method: str,
        args: Sequence[Any],
        kwargs: Mapping[str, Any],
        headers: Mapping[str, str],
    ) -> Any:
        params = (self.conn.db, uid, self.conn.secret, model, method, list(args), dict(kwargs))
        return self._rpc("/xmlrpc/2/object", "execute_kw", params, f"{model}.{method}: ", headers)

    def _rpc(
        self, path: str, name: str, params: tuple[Any, ...], where: str, headers: Mapping[str, str]
    ) -> Any:
        body = xmlrpc.client.dumps(params, name, allow_none=True)
        response = self.post(
            path, where, {**headers, "Content-Type": "text/xml"}, content=body.encode()
        )
        try:
            values, _ = xmlrpc.client.loads(response.content, use_builtin_types=True)
        except xmlrpc.client.Fault as fault:
            raise odoo_faults.from_xmlrpc_fault(
                fault.faultCode, fault.faultString, where=where
            ) from None
        except Exception as exc:  # ExpatError & co: not an XML-RPC answer
            raise odoo_faults.from_http_status(
                502, response.headers, response.text[:200], where=where
            ) from exc
        return values[0] if values else None


class JsonRpcTransport(_Http):
    """``/jsonrpc`` with ``service: common|object``."""

    name = "jsonrpc"
    _ids = itertools.count(1)

    def authenticate(self, headers: Mapping[str, str]) -> int:
        args = [self.conn.db, self.conn.login, self.conn.secret, {}]
        return _uid(self._rpc("common", "authenticate", args, "authenticate: ", headers))

    def execute(
        self,
        uid: int,
        model: str,
        method: str,
        args: Sequence[Any],
        kwargs: Mapping[str, Any],
        headers: Mapping[str, str],
    ) -> Any:
        params = [self.conn.db, uid, self.conn.secret, model, method, list(args), dict(kwargs)]
        return self._rpc("object", "execute_kw", params, f"{model}.{method}: ", headers)

    def _rpc(
        self, service: str, method: str, args: list[Any], where: str, headers: Mapping[str, str]
    ) -> Any:
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
            "id": next(self._ids),
        }
        response = self.post("/jsonrpc", where, headers, json=payload)
        body = _body(response)
        if not isinstance(body, dict):
            raise odoo_faults.from_http_status(502, response.headers, body, where=where)
        if body.get("error"):
            raise odoo_faults.from_jsonrpc_error(body["error"], where=where)
        return body.get("result")


# JSON-2 takes named arguments only: the names of the common methods' positional ones.
# Record methods take ``ids`` first (as the first positional argument here too).
MODEL_METHODS = frozenset(
    {
        "search",
        "search_read",
        "search_count",
        "create",
        "name_search",
        "fields_get",
        "default_get",
        "name_create",
        "check_access_rights",
        "read_group",
    }
)
JSON2_PARAMS: dict[str, tuple[str, ...]] = {
    "search": ("domain", "offset", "limit", "order"),
    "search_read": ("domain", "fields", "offset", "limit", "order"),
    "search_count": ("domain", "limit"),
    "create": ("vals_list",),
    "name_search": ("name", "domain", "operator", "limit"),
    "fields_get": ("allfields", "attributes"),
    "read": ("fields", "load"),
    "write": ("vals",),
}


class Json2Transport(_Http):
    """``POST /json/2/<model>/<method>`` with a bearer API key (Odoo 19)."""

    name = "json2"

    def authenticate(self, headers: Mapping[str, str]) -> int:
        return 0  # the API key is checked on every call; no uid is needed

    def execute(
        self,
        uid: int,
        model: str,
        method: str,
        args: Sequence[Any],
        kwargs: Mapping[str, Any],
        headers: Mapping[str, str],
    ) -> Any:
        where = f"{model}.{method}: "
        auth = {
            **headers,
            "Authorization": f"bearer {self.conn.api_key}",
            "X-Odoo-Database": self.conn.db,
        }
        body = json2_body(method, args, kwargs)
        return self.post(f"/json/2/{model}/{method}", where, auth, json=body).json()


def json2_body(method: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Named arguments for JSON-2 from an ``execute_kw``-style call."""
    body: dict[str, Any] = {}
    rest = list(args)
    if method not in MODEL_METHODS and rest:
        ids = rest.pop(0)
        body["ids"] = [ids] if isinstance(ids, int) else list(ids)
    names = JSON2_PARAMS.get(method, ())
    if len(rest) > len(names):
        raise ValueError(
            f"JSON-2 takes named arguments: call {method} with keywords instead of "
            f"{len(rest)} positional ones"
        )
    body.update(zip(names, rest, strict=False))
    body.update(kwargs)
    return body


def _uid(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise CredentialsError(
            "authenticate: Odoo returned no user for these credentials",
            user_message="Odoo refused the integration's login (password or API key)",
        )
    return value


def make_transport(conn: OdooConnection, client: httpx.Client) -> Transport:
    kinds: dict[str, type[_Http]] = {
        "xmlrpc": XmlRpcTransport,
        "jsonrpc": JsonRpcTransport,
        "json2": Json2Transport,
    }
    return kinds[conn.protocol](conn, client)  # type: ignore[return-value]


__all__ = [
    "PROTOCOLS",
    "Json2Transport",
    "JsonRpcTransport",
    "OdooConnection",
    "Transport",
    "XmlRpcTransport",
    "json2_body",
    "make_transport",
]
