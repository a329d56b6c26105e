"""What the transports share: the raw server ``send``, dropping a connection, JSON bodies.

``drop_connection`` closes the client's TCP connection without a response (faults
``drop`` and ``commit_then_drop``); it needs the server's own ``send``, which the app
stores in the scope under ``RAW_SEND_KEY``.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from starlette.responses import Response
from starlette.types import Scope

from ...serving import RAW_SEND_KEY
from ...serving import drop_connection as _drop
from .calls import ConnectionDropped

JSON_TYPE = "application/json; charset=utf-8"


async def drop_connection(scope: Scope, exc: ConnectionDropped) -> Response:
    """Close the connection; the returned response is never sent. Re-raises ``exc``
    when the server gives no access to its transport (in-process test clients)."""
    dropped = await _drop(scope)
    if dropped is None:
        raise exc
    return dropped


def json_default(value: Any) -> Any:
    """Odoo's ``json_default``: server-format dates, decoded bytes, else ``str``."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, set | frozenset):
        return list(value)
    return str(value)


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, default=json_default).encode()


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(value), status_code=status, headers=headers, media_type=JSON_TYPE)


def html_response(text: str, status: int) -> Response:
    return Response(text, status_code=status, media_type="text/html")


__all__ = [
    "JSON_TYPE",
    "RAW_SEND_KEY",
    "drop_connection",
    "dumps",
    "html_response",
    "json_default",
    "json_response",
]
