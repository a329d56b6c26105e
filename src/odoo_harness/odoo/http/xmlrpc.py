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

from starlette.requests import Request
from starlette.responses import Response

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


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _scalar(value: Any) -> str | None:
    """The ``<value>`` text of a plain str/int/bool/float, or None for anything else."""
    kind = type(value)
    if kind is str:
        if not (value.isascii() and value.isprintable()) and _CONTROL.search(value):
            value = _CONTROL.sub("", value)
        if "&" in value or "<" in value or ">" in value:
            value = _escape(value)
        return f"<value><string>{value}</string></value>\n"
    if kind is int:
        if value > _MAXINT or value < _MININT:
            raise OverflowError("int exceeds XML-RPC limits")
        return f"<value><int>{value}</int></value>\n"
    if kind is bool:
        return _TRUE if value else _FALSE
    if kind is float:
        return f"<value><double>{value!r}</double></value>\n"
    return None


_TRUE = "<value><boolean>1</boolean></value>\n"
_FALSE = "<value><boolean>0</boolean></value>\n"


def _dump_fast(value: Any, write: Callable[[str], Any], marshaller: OdooMarshaller) -> None:
    """``OdooMarshaller``'s ``__dump`` without a method call and a dispatch per value.

    Recursion checks share ``marshaller.memo`` (so do the stdlib handlers it falls back to),
    with the stdlib's messages; int limits and control-character stripping are the same.
    """
    kind = type(value)
    if kind is dict:
        memo = marshaller.memo
        key = id(value)
        if key in memo:
            raise TypeError("cannot marshal recursive dictionaries")
        memo[key] = None
        write("<value><struct>\n")
        for name, item in value.items():
            if not isinstance(name, str):
                raise TypeError("dictionary key must be string")
            if "&" in name or "<" in name or ">" in name:
                name = _escape(name)
            text = _scalar(item)
            if text is not None:
                write(f"<member>\n<name>{name}</name>\n{text}</member>\n")
            else:
                write(f"<member>\n<name>{name}</name>\n")
                _dump_fast(item, write, marshaller)
                write("</member>\n")
        write("</struct></value>\n")
        del memo[key]
    elif kind is list or kind is tuple:
        memo = marshaller.memo
        key = id(value)
        if key in memo:
            raise TypeError("cannot marshal recursive sequences")
        memo[key] = None
        write("<value><array><data>\n")
        for item in value:
            text = _scalar(item)
            if text is not None:
                write(text)
            else:
                _dump_fast(item, write, marshaller)
        write("</data></array></value>\n")
        del memo[key]
    else:
        text = _scalar(value)
        if text is not None:
            write(text)
        else:
            marshaller._dump_slow(value, write)


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


class XmlRpc:
    """The two XML-RPC routes of one app."""

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
            params, method = loads_request(body, self.use_datetime)
            service = request.path_params["service"]
            result = await self.services.dispatch(service, method, list(params), transport)
            payload = dumps_result(result)
        except ConnectionDropped as exc:
            return await drop_connection(request.scope, exc)
        except Exception as exc:
            code, text = xmlrpc_legacy_fault(exc) if legacy else xmlrpc2_fault(exc)
            payload = dumps_fault(code, text)
        return Response(payload.encode(), media_type="text/xml")


__all__ = ["OdooMarshaller", "XmlRpc", "dumps_fault", "dumps_result", "loads_request"]
