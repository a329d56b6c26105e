"""How every exception looks on each transport: one table, four renderings.

``shape_of(exc)`` finds the row of the table for an exception; ``xmlrpc2_fault``,
``xmlrpc_legacy_fault``, ``jsonrpc_error`` and ``json2_error`` render it as Odoo does on
``/xmlrpc/2``, legacy ``/xmlrpc``, JSON-RPC (``/jsonrpc``, ``/web``) and JSON-2.
The werkzeug-like ``HTTPException`` family (``odoo.exceptions``) passes through as is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..exceptions import (  # noqa: F401  (HTTP errors re-exported for the transports)
    AccessDenied,
    AccessError,
    BadRequest,
    Forbidden,
    HTTPException,
    MissingError,
    NotFound,
    RedirectWarning,
    SessionExpired,
    Unauthorized,
    UnprocessableEntity,
    UnsupportedMediaType,
    UserError,
)
from ..profiles import Profile
from .quirks import quirks_for
from .tracebacks import ODOO_ROOT, odoo_frames


class DatabaseNotFound(Exception):
    """A call naming another database than the sandbox's (PostgreSQL refuses to connect)."""

    odoo_name = "psycopg2.OperationalError"

    def __init__(self, db: object) -> None:
        super().__init__(
            'connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: '
            f'FATAL:  database "{db}" does not exist\n'
        )


# -- the table --------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorShape:
    """A row: the fault code on /xmlrpc/2, the legacy /xmlrpc label, the JSON-2 status."""

    xmlrpc_code: int
    legacy_label: str | None  # "warning -- <label>"; None: AccessDenied or application error
    json2_status: int
    application: bool = False  # faults carry a traceback; the legacy code is the message


APPLICATION_ERROR = ErrorShape(1, None, 500, application=True)

# First matching class wins (Odoo checks RedirectWarning, AccessError, AccessDenied, then
# the UserError family; here AccessError/AccessDenied are not UserError subclasses).
ERROR_TABLE: tuple[tuple[type[BaseException], ErrorShape], ...] = (
    (RedirectWarning, ErrorShape(2, "Warning", 422)),
    (AccessError, ErrorShape(4, "AccessError", 403)),
    (AccessDenied, ErrorShape(3, None, 403)),
    (MissingError, ErrorShape(2, "MissingError", 404)),
    (UserError, ErrorShape(2, "UserError", 422)),
    (SessionExpired, ErrorShape(1, None, 403, application=True)),
)


def shape_of(exc: BaseException) -> ErrorShape:
    for cls, shape in ERROR_TABLE:
        if isinstance(exc, cls):
            return shape
    if isinstance(exc, HTTPException):
        return ErrorShape(1, None, exc.code, application=True)
    return APPLICATION_ERROR


# -- texts ------------------------------------------------------------------------------


def qualified_name(exc: BaseException) -> str:
    """``odoo.exceptions.UserError``, ``builtins.ValueError``, ``psycopg2.errors.X``..."""
    name = getattr(exc, "odoo_name", None)
    if isinstance(name, str):
        return name
    cls = type(exc)
    return f"{cls.__module__}.{cls.__qualname__}"


def traceback_name(exc: BaseException) -> str:
    """The name Python prints on a traceback's last line (no ``builtins.`` prefix)."""
    name = qualified_name(exc)
    return name.removeprefix("builtins.")


def exception_text(exc: BaseException) -> str:
    """Odoo's ``exception_to_unicode``: the args joined by newlines, else ``str(exc)``."""
    if isinstance(exc, HTTPException) or not exc.args:
        return str(exc)
    return "\n".join(str(a) for a in exc.args)


def format_traceback(
    exc: BaseException, entry: str = "xmlrpc2", profile: Profile | None = None
) -> str:
    """An Odoo-looking Python traceback: Odoo's frames for the route ``entry`` (``xmlrpc2``,
    ``xmlrpc``, ``jsonrpc`` or ``json2``) and for the path the call really took, then the
    last line ``<Name>: <message>`` under Odoo's names. No sandbox path ever shows."""
    message = str(exc)
    last = f"{traceback_name(exc)}: {message}" if message else traceback_name(exc)
    frames = odoo_frames(exc, entry, profile)
    body = "".join(
        f'  File "{ODOO_ROOT}/{path}", line {line}, in {name}\n' + (f"    {code}\n" if code else "")
        for path, line, name, code in frames
    )
    return f"Traceback (most recent call last):\n{body}{last}\n"


def arguments_of(exc: BaseException) -> list[Any]:
    return [a if isinstance(a, str | int | float | bool) else str(a) for a in exc.args]


# -- renderings -------------------------------------------------------------------------


def xmlrpc2_fault(exc: BaseException) -> tuple[int, str]:
    """(faultCode, faultString) on ``/xmlrpc/2``."""
    shape = shape_of(exc)
    if shape.application:
        return 1, format_traceback(exc, "xmlrpc2")
    return shape.xmlrpc_code, str(exc)


def xmlrpc_legacy_fault(exc: BaseException) -> tuple[str, str]:
    """(faultCode, faultString) on the legacy ``/xmlrpc`` routes (string codes)."""
    shape = shape_of(exc)
    if shape.application:
        return exception_text(exc), format_traceback(exc, "xmlrpc")
    if shape.legacy_label is None:  # AccessDenied
        return "AccessDenied", str(exc)
    return f"warning -- {shape.legacy_label}\n\n{exc}", ""


def serialize_exception(exc: BaseException, profile: Profile) -> dict[str, Any]:
    """JSON-RPC ``error.data``; the key order follows the version."""
    name, debug = qualified_name(exc), format_traceback(exc, "jsonrpc", profile)
    body = {
        "name": name,
        "message": exception_text(exc),
        "arguments": arguments_of(exc),
        "context": dict(getattr(exc, "context", None) or {}),
    }
    if quirks_for(profile).debug_last:
        return {**body, "debug": debug}
    return {"name": name, "debug": debug, **{k: v for k, v in body.items() if k != "name"}}


def jsonrpc_error(exc: BaseException, profile: Profile) -> dict[str, Any]:
    """The JSON-RPC ``error`` object (HTTP status is always 200)."""
    if isinstance(exc, SessionExpired):
        code, message = 100, "Odoo Session Expired"
    elif isinstance(exc, NotFound):
        code, message = 404, "404: Not Found"
    else:
        code, message = profile.jsonrpc_error_code, "Odoo Server Error"
    return {"code": code, "message": message, "data": serialize_exception(exc, profile)}


def json2_error(exc: BaseException) -> tuple[int, dict[str, Any], dict[str, str]]:
    """(HTTP status, body, extra headers) of a JSON-2 error."""
    if isinstance(exc, HTTPException):
        message, arguments = exc.description, [exc.description, exc.code]
        headers = exc.headers
    else:
        message, arguments, headers = exception_text(exc), arguments_of(exc), {}
    body = {
        "name": qualified_name(exc),
        "message": message,
        "arguments": arguments,
        "context": dict(getattr(exc, "context", None) or {}),
        "debug": format_traceback(exc, "json2"),
    }
    return shape_of(exc).json2_status, body, headers


__all__ = [
    "APPLICATION_ERROR",
    "ERROR_TABLE",
    "BadRequest",
    "DatabaseNotFound",
    "ErrorShape",
    "Forbidden",
    "HTTPException",
    "NotFound",
    "Unauthorized",
    "UnprocessableEntity",
    "UnsupportedMediaType",
    "exception_text",
    "format_traceback",
    "json2_error",
    "jsonrpc_error",
    "qualified_name",
    "serialize_exception",
    "shape_of",
    "xmlrpc2_fault",
    "xmlrpc_legacy_fault",
]
