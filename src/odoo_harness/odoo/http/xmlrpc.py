"""XML-RPC: ``POST /xmlrpc/2/<service>`` (integer fault codes) and legacy ``/xmlrpc/<service>``.

Requests are parsed as ``xmlrpc.client.loads`` parses them (``<nil/>`` accepted; plain
calls through ElementTree, anything unusual by ``loads`` itself); results are marshalled
as Odoo does (``allow_none=False``, dates as text, bytes decoded, control characters
stripped). Every error, including a result that cannot be marshalled, becomes a fault.
"""

from __future__ import annotations

import re
import xmlrpc.client
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import IntEnum
from typing import Any
from xml.etree import ElementTree

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ..profiles import Profile
from .calls import CORRELATION_ID, ConnectionDropped
from .errors import xmlrpc2_fault, xmlrpc_legacy_fault
from .services import Services
from .transport import drop_connection

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_HEAD = "<?xml version='1.0'?>\n<methodResponse>\n"
_TAIL = "</methodResponse>\n"


class OdooMarshaller(xmlrpc.client.Marshaller):
    """``allow_none=False`` with Odoo's conversions for dates, bytes and str subclasses."""

    dispatch = dict(xmlrpc.client.Marshaller.dispatch)

    def __init__(self) -> None:
        super().__init__(encoding="utf-8", allow_none=False)

    def dump_unicode(self, value: str, write: Callable[[str], Any], escape: Any = None) -> None:
        if _CONTROL.search(value):
            value = _CONTROL.sub("", value)
        xmlrpc.client.Marshaller.dump_unicode(self, value, write)

    def dump_bytes(self, value: bytes, write: Callable[[str], Any]) -> None:
        self.dump_unicode(value.decode(), write)

    def dump_datetime(self, value: datetime, write: Callable[[str], Any]) -> None:
        self.dump_unicode(value.strftime("%Y-%m-%d %H:%M:%S"), write)

    def dump_date(self, value: date, write: Callable[[str], Any]) -> None:
        self.dump_unicode(value.strftime("%Y-%m-%d"), write)

    dispatch[str] = dump_unicode
    dispatch[bytes] = dump_bytes
    dispatch[bytearray] = dump_bytes
    dispatch[datetime] = dump_datetime
    dispatch[date] = dump_date

    def _Marshaller__dump(self, value: Any, write: Callable[[str], Any]) -> None:  # noqa: N802
        _dump_fast(value, write, self)

    def _dump_slow(self, value: Any, write: Callable[[str], Any]) -> None:
        handler = self.dispatch.get(type(value))
        if handler is None:
            value, handler = self._coerce(value)
        handler(self, value, write)

    def _coerce(self, value: Any) -> tuple[Any, Any]:
        """Subclasses (Markup, frozendict, defaultdict, Command) as their base type."""
        for base, convert in _BASES:
            if isinstance(value, base):
                value = convert(value)
                return value, self.dispatch[type(value)]
        raise TypeError(f"cannot marshal {type(value)} objects")


_BASES: tuple[tuple[type, Callable[[Any], Any]], ...] = (
    (bool, bool),
    (IntEnum, int),
    (int, int),
    (float, float),
    (str, str),
    (Mapping, dict),
    (list | tuple, list),
    (datetime, lambda v: v),
    (date, lambda v: v),
)


def dumps_result(result: Any) -> str:
    """The ``methodResponse`` of ``result``: the same text ``OdooMarshaller().dumps`` gives,
    built by ``_dump_fast`` (plain str/int/bool/float/list/tuple/dict inline, every other
    type through ``OdooMarshaller``'s own handlers, errors raised identically)."""
    out: list[str] = [_HEAD, "<params>\n<param>\n"]
    _dump_fast(result, out.append, OdooMarshaller())
    out.append("</param>\n</params>\n")
    out.append(_TAIL)
    return "".join(out)


_MAXINT, _MININT = xmlrpc.client.MAXINT, xmlrpc.client.MININT
_TRUE = "<value><boolean>1</boolean></value>\n"
_FALSE = "<value><boolean>0</boolean></value>\n"
# ``<member>\n<name>key</name>\n`` of the struct keys seen so far that need no escaping
# (so a str subclass equal to one of them marshals the same); emptied when it grows large.
_MEMBER_HEADS: dict[str, str] = {}
_MEMBER_HEADS_MAX = 4096


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _string(value: str) -> str:
    """The ``<value>`` of a plain str: control characters stripped, then escaped."""
    if not value.isprintable() and _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    if "&" in value or "<" in value or ">" in value:
        value = _escape(value)
    return f"<value><string>{value}</string></value>\n"


def _pair(ident: int, label: str) -> str:
    """The ``<value>`` of ``[ident, label]`` (no recursion possible: two scalars)."""
    if ident > _MAXINT or ident < _MININT:
        raise OverflowError("int exceeds XML-RPC limits")
    if label.isprintable() and "&" not in label and "<" not in label and ">" not in label:
        text = f"<value><string>{label}</string></value>\n"
    else:
        text = _string(label)
    return (
        f"<value><array><data>\n<value><int>{ident}</int></value>\n{text}</data></array></value>\n"
    )


def _member_head(name: Any) -> str:
    if not isinstance(name, str):
        raise TypeError("dictionary key must be string")
    if "&" in name or "<" in name or ">" in name:
        return f"<member>\n<name>{_escape(name)}</name>\n"
    head = f"<member>\n<name>{name}</name>\n"
    if type(name) is str:
        if len(_MEMBER_HEADS) >= _MEMBER_HEADS_MAX:
            _MEMBER_HEADS.clear()
        _MEMBER_HEADS[name] = head
    return head


def _dump_fast(value: Any, write: Callable[[str], Any], marshaller: OdooMarshaller) -> None:
    """``OdooMarshaller``'s ``__dump`` without a method call and a dispatch per value.

    Plain str/int/bool/float items of arrays and structs are written inline (one ``write``
    per member), struct keys' ``<member><name>`` text is cached, and any other type goes
    to the marshaller's own handlers. Recursion checks share ``marshaller.memo`` (so do
    the stdlib handlers it falls back to), with the stdlib's messages; int limits and
    control-character stripping are the same.
    """
    kind = type(value)
    if kind is dict:
        _dump_struct(value, write, marshaller)
    elif kind is list or kind is tuple:
        _dump_array(value, write, marshaller)
    elif kind is str:
        write(_string(value))
    elif kind is int:
        if value > _MAXINT or value < _MININT:
            raise OverflowError("int exceeds XML-RPC limits")
        write(f"<value><int>{value}</int></value>\n")
    elif kind is bool:
        write(_TRUE if value else _FALSE)
    elif kind is float:
        write(f"<value><double>{value!r}</double></value>\n")
    else:
        marshaller._dump_slow(value, write)


def _dump_struct(value: dict[Any, Any], write: Callable[[str], Any], marshaller: Any) -> None:
    memo = marshaller.memo
    key = id(value)
    if key in memo:
        raise TypeError("cannot marshal recursive dictionaries")
    nested = False  # in ``memo`` only once it holds a container: no cycle runs otherwise
    write("<value><struct>\n")
    heads = _MEMBER_HEADS
    for name, item in value.items():
        head = heads.get(name)  # only plain-str keys are cached
        if head is None:
            head = _member_head(name)
        kind = type(item)
        if kind is str:
            if item.isprintable() and "&" not in item and "<" not in item and ">" not in item:
                write(f"{head}<value><string>{item}</string></value>\n</member>\n")
            else:
                write(f"{head}{_string(item)}</member>\n")
        elif kind is bool:
            write(f"{head}{_TRUE if item else _FALSE}</member>\n")
        elif kind is int:
            if item > _MAXINT or item < _MININT:
                raise OverflowError("int exceeds XML-RPC limits")
            write(f"{head}<value><int>{item}</int></value>\n</member>\n")
        elif kind is float:
            write(f"{head}<value><double>{item!r}</double></value>\n</member>\n")
        elif kind is list and len(item) == 2 and type(item[0]) is int and type(item[1]) is str:
            write(f"{head}{_pair(item[0], item[1])}</member>\n")  # a many2one's [id, name]
        else:
            if not nested:
                memo[key] = None
                nested = True
            write(head)
            _dump_fast(item, write, marshaller)
            write("</member>\n")
    write("</struct></value>\n")
    if nested:
        del memo[key]


def _dump_array(
    value: list[Any] | tuple[Any, ...], write: Callable[[str], Any], marshaller: Any
) -> None:
    memo = marshaller.memo
    key = id(value)
    if key in memo:
        raise TypeError("cannot marshal recursive sequences")
    memo[key] = None
    write("<value><array><data>\n")
    for item in value:
        kind = type(item)
        if kind is str:
            if item.isprintable() and "&" not in item and "<" not in item and ">" not in item:
                write(f"<value><string>{item}</string></value>\n")
            else:
                write(_string(item))
        elif kind is int:
            if item > _MAXINT or item < _MININT:
                raise OverflowError("int exceeds XML-RPC limits")
            write(f"<value><int>{item}</int></value>\n")
        elif kind is dict:
            _dump_struct(item, write, marshaller)
        elif kind is bool:
            write(_TRUE if item else _FALSE)
        elif kind is list or kind is tuple:
            _dump_array(item, write, marshaller)
        else:
            _dump_fast(item, write, marshaller)
    write("</data></array></value>\n")
    del memo[key]


def dumps_fault(code: int | str, message: str) -> str:
    return _HEAD + OdooMarshaller().dumps(xmlrpc.client.Fault(code, message)) + _TAIL


def loads_request(body: bytes, use_datetime: bool = False) -> tuple[tuple[Any, ...], str | None]:
    """``xmlrpc.client.loads(body, use_datetime=...)``, faster for plain method calls.

    A ``methodCall`` of strings, ints, doubles, booleans, nils, arrays and structs in the
    canonical layout is read from an ElementTree (parsed in C). Anything else (dates,
    base64, namespaces, a DTD, odd nesting, bad XML or bad values) goes to ``loads``, so
    results and errors are always the stdlib's.
    """
    if b"<!" not in body:
        try:
            return _loads_fast(body)
        except Exception:  # noqa: BLE001 - whatever it is, the stdlib decides
            pass
    params, method = xmlrpc.client.loads(body, use_datetime=use_datetime)
    return params, method


class _Unsupported(Exception):
    """Not the canonical subset ``_loads_fast`` reads."""


_INT_TAGS = frozenset({"int", "i4", "i8", "i1", "i2", "biginteger"})
_DOUBLE_TAGS = frozenset({"double", "float"})


def _loads_fast(body: bytes) -> tuple[tuple[Any, ...], str | None]:
    root = ElementTree.fromstring(body)
    if root.tag != "methodCall" or not 1 <= len(root) <= 2:
        raise _Unsupported
    name = root[0]
    if name.tag != "methodName" or len(name):
        raise _Unsupported
    method = name.text or ""
    if len(root) == 1:
        return (), method
    params = root[1]
    if params.tag != "params":
        raise _Unsupported
    values = []
    for param in params:
        if param.tag != "param" or len(param) != 1:
            raise _Unsupported
        values.append(_value(param[0]))
    return tuple(values), method


def _value(element: ElementTree.Element) -> Any:
    if element.tag != "value":
        raise _Unsupported
    if not len(element):
        return element.text or ""
    if len(element) != 1:
        raise _Unsupported
    typed = element[0]
    tag = typed.tag
    if tag == "struct":
        struct = {}
        for member in typed:
            if member.tag != "member" or len(member) != 2:
                raise _Unsupported
            key, item = member[0], member[1]
            if key.tag != "name" or len(key):
                raise _Unsupported
            struct[key.text or ""] = _value(item)
        return struct
    if tag == "array":
        if len(typed) != 1 or typed[0].tag != "data":
            raise _Unsupported
        return [_value(item) for item in typed[0]]
    if len(typed):
        raise _Unsupported
    text = typed.text or ""
    if tag == "string":
        return text
    if tag in _INT_TAGS:
        return int(text)
    if tag == "boolean":
        if text == "0":
            return False
        if text == "1":
            return True
        raise _Unsupported
    if tag in _DOUBLE_TAGS:
        return float(text)
    if tag == "nil":
        return None
    raise _Unsupported


_HEADERS_START = b"content-length"
_CONTENT_TYPE = (b"content-type", b"text/xml; charset=utf-8")
_CORRELATION_HEADER = b"x-correlation-id"


class XmlRpc:
    """The two XML-RPC routes of one app, and their raw ASGI twin (``asgi``).

    ``asgi`` answers ``POST /xmlrpc[/2]/<service>`` without Starlette's routing, request
    and response objects (``SandboxApp`` sends the known paths there); both produce the
    same bytes and headers, through ``answer``.
    """

    def __init__(self, services: Services, profile: Profile) -> None:
        self.services = services
        self.use_datetime = profile.xmlrpc_use_datetime

    async def handle_int(self, request: Request) -> Response:
        return await self._handle(request, "xmlrpc2", legacy=False)

    async def handle_legacy(self, request: Request) -> Response:
        return await self._handle(request, "xmlrpc", legacy=True)

    async def _handle(self, request: Request, transport: str, *, legacy: bool) -> Response:
        CORRELATION_ID.set(request.headers.get("x-correlation-id"))
        try:
            body = await request.body()
        except Exception as exc:  # a client gone before its body arrived
            return _xml_response(self._fault(exc, legacy))
        service = request.path_params["service"]
        payload = await self.answer(body, service, transport, legacy=legacy)
        if isinstance(payload, ConnectionDropped):
            return await drop_connection(request.scope, payload)
        return _xml_response(payload)

    async def answer(
        self, body: bytes, service: str, transport: str, *, legacy: bool
    ) -> bytes | ConnectionDropped:
        """The response body of one request, or the ``ConnectionDropped`` to act on."""
        try:
            params, method = loads_request(body, self.use_datetime)
            result = await self.services.dispatch(service, method, list(params), transport)
            return dumps_result(result).encode()
        except ConnectionDropped as exc:
            return exc
        except Exception as exc:
            return self._fault(exc, legacy)

    @staticmethod
    def _fault(exc: Exception, legacy: bool) -> bytes:
        code, text = xmlrpc_legacy_fault(exc) if legacy else xmlrpc2_fault(exc)
        return dumps_fault(code, text).encode()

    async def asgi(
        self, scope: Scope, receive: Receive, send: Send, service: str, *, legacy: bool
    ) -> None:
        """``handle_int`` / ``handle_legacy`` for ``service`` as a plain ASGI app."""
        correlation_id = None
        for name, value in scope["headers"]:
            if name == _CORRELATION_HEADER:
                correlation_id = value.decode("latin-1")
                break
        CORRELATION_ID.set(correlation_id)
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # http.disconnect: nobody to answer
                await _send_xml(send, self._fault(ClientDisconnect(), legacy))
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        payload = await self.answer(body, service, "xmlrpc" if legacy else "xmlrpc2", legacy=legacy)
        if isinstance(payload, ConnectionDropped):
            response = await drop_connection(scope, payload)
            await response(scope, receive, send)
            return
        await _send_xml(send, payload)


def _xml_response(payload: bytes) -> Response:
    return Response(payload, media_type="text/xml")


async def _send_xml(send: Send, payload: bytes) -> None:
    """What ``Response(payload, media_type="text/xml")`` sends, without building it."""
    headers = [(_HEADERS_START, str(len(payload)).encode("latin-1")), _CONTENT_TYPE]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


__all__ = ["OdooMarshaller", "XmlRpc", "dumps_fault", "dumps_result", "loads_request"]
