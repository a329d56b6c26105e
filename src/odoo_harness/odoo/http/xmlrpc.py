"""XML-RPC: ``POST /xmlrpc/2/<service>`` (integer fault codes) and legacy ``/xmlrpc/<service>``.

Requests are parsed with ``xmlrpc.client.loads`` (``<nil/>`` accepted); results are marshalled
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
    return _HEAD + OdooMarshaller().dumps((result,)) + _TAIL


def dumps_fault(code: int | str, message: str) -> str:
    return _HEAD + OdooMarshaller().dumps(xmlrpc.client.Fault(code, message)) + _TAIL


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
            params, method = xmlrpc.client.loads(body, use_datetime=self.use_datetime)
            service = request.path_params["service"]
            result = await self.services.dispatch(service, method, list(params), transport)
            payload = dumps_result(result)
        except ConnectionDropped as exc:
            return await drop_connection(request.scope, exc)
        except Exception as exc:
            code, text = xmlrpc_legacy_fault(exc) if legacy else xmlrpc2_fault(exc)
            payload = dumps_fault(code, text)
        return Response(payload.encode(), media_type="text/xml")


__all__ = ["OdooMarshaller", "XmlRpc", "dumps_fault", "dumps_result"]
