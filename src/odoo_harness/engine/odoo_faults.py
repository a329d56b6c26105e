"""Odoo's failures, classified into the engine's errors (one table, every transport).

Each transport tells the exception class differently: XML-RPC by fault code and the last
line of the traceback, JSON-RPC by ``error.data.name``, JSON-2 by status and ``name``.
All of them end in ``classify(name, message)``: concurrency faults are retryable,
AccessDenied and expired sessions are credentials errors, the rest is permanent.
HTTP-level failures (5xx from a proxy, 429, dropped connections) are retryable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import CredentialsError, PermanentError, RetryableError, SyncError

CONCURRENCY = (
    "SerializationFailure",
    "TransactionRollbackError",
    "LockNotAvailable",
    "DeadlockDetected",
    "ConcurrencyError",
)
CREDENTIALS = ("AccessDenied", "SessionExpiredException", "SessionExpired")
# /xmlrpc/2 fault codes: 1 application error (traceback), 2 UserError family,
# 3 AccessDenied, 4 AccessError.
_XMLRPC_CODES = {
    2: "odoo.exceptions.UserError",
    3: "odoo.exceptions.AccessDenied",
    4: "odoo.exceptions.AccessError",
}
_MAX_LINE = 200


def one_line(text: str) -> str:
    """The first non-empty line of ``text``, shortened for people."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= _MAX_LINE else line[: _MAX_LINE - 1] + "…"


def classify(name: str, message: str, *, where: str = "") -> SyncError:
    """The engine error for an Odoo exception named ``name`` (qualified or short)."""
    short = name.rsplit(".", 1)[-1]
    detail = f"{where}{name}: {message}".strip()
    if short in CONCURRENCY:
        return RetryableError(
            detail,
            user_message="Odoo was busy updating the same records; it will be tried again",
            category="odoo_concurrency",
        )
    if short in CREDENTIALS:
        return CredentialsError(
            detail, user_message="Odoo refused the integration's login (password or API key)"
        )
    if short == "OperationalError" and "does not exist" not in message:
        return RetryableError(detail, user_message="Odoo's database did not answer", category="5xx")
    return PermanentError(detail, user_message=_user_message(short, message))


def _user_message(short: str, message: str) -> str:
    text = one_line(message)
    if short == "AccessError":
        return f"The integration user is not allowed to do this in Odoo: {text}"
    if short == "MissingError":
        return f"A record this needs no longer exists in Odoo: {text}"
    if short in ("UserError", "ValidationError", "RedirectWarning", "Warning"):
        return text or "Odoo refused the change"
    return f"Odoo could not process the request: {text}" if text else "Odoo failed"


def from_xmlrpc_fault(code: Any, text: str, *, where: str = "") -> SyncError:
    """A ``/xmlrpc/2`` fault: the code says the family, a traceback's last line the class."""
    if isinstance(code, int) and code in _XMLRPC_CODES:
        return classify(_XMLRPC_CODES[code], text, where=where)
    name, message = _last_traceback_line(text)
    return classify(name, message, where=where)


def _last_traceback_line(text: str) -> tuple[str, str]:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    last = lines[-1].strip() if lines else ""
    name, sep, message = last.partition(": ")
    if not sep or " " in name:
        return "Exception", text.strip()
    return name, message


def from_jsonrpc_error(error: Mapping[str, Any], *, where: str = "") -> SyncError:
    """A JSON-RPC ``error`` object (``/jsonrpc`` or ``/web/dataset/call_kw``)."""
    data = error.get("data") or {}
    name = str(data.get("name") or "")
    if error.get("code") == 100:
        name = name or "odoo.http.SessionExpiredException"
    message = str(data.get("message") or error.get("message") or "")
    return classify(name or "Exception", message, where=where)


def from_http_status(
    status: int,
    headers: Mapping[str, str],
    body: Any,
    *,
    where: str = "",
) -> SyncError:
    """A non-2xx answer: JSON-2 errors carry Odoo's ``name``; others are plain HTTP."""
    if status == 429:
        return RetryableError(
            f"{where}HTTP 429 Too Many Requests",
            user_message="Odoo asked to slow down; it will be tried again",
            retry_after=retry_after(headers),
            category="429",
        )
    if isinstance(body, Mapping) and body.get("name") and status < 502:
        if status == 401:
            return CredentialsError(
                f"{where}HTTP 401 {body.get('message', '')}",
                user_message="Odoo refused the integration's login (password or API key)",
            )
        return classify(str(body["name"]), str(body.get("message", "")), where=where)
    if status >= 500:
        return RetryableError(
            f"{where}HTTP {status}",
            user_message="Odoo is unavailable right now; it will be tried again",
            retry_after=retry_after(headers),
            category="5xx",
        )
    if status == 401:
        return CredentialsError(f"{where}HTTP 401", user_message="Odoo refused the login")
    return PermanentError(
        f"{where}HTTP {status}: {one_line(str(body))}",
        user_message=f"Odoo answered HTTP {status}; check the Odoo URL and database",
    )


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from a ``Retry-After`` header (the HTTP-date form is read as absent)."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def timeout(detail: str) -> RetryableError:
    return RetryableError(
        detail,
        user_message="Odoo did not answer in time; it will be tried again",
        category="timeout",
    )


def connection(detail: str) -> RetryableError:
    return RetryableError(
        detail,
        user_message="The connection to Odoo was lost; it will be tried again",
        category="connection",
    )


__all__ = [
    "CONCURRENCY",
    "CREDENTIALS",
    "classify",
    "connection",
    "from_http_status",
    "from_jsonrpc_error",
    "from_xmlrpc_fault",
    "one_line",
    "retry_after",
    "timeout",
]
