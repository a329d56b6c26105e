"""Odoo's exception classes, as the sandbox raises them.

The names are Odoo's own (``odoo.exceptions.UserError`` ...): the protocol layer reports
``odoo_name`` in JSON-RPC ``data.name`` and picks XML-RPC fault codes from the class, in one
table (``odoo.http.errors``). Python built-ins (ValueError, TypeError, AttributeError, KeyError)
are raised as they are, as Odoo does, and travel as "application errors" (fault code 1).

    OdooError
     +-- UserError            fault 2, "warning -- UserError" on legacy /xmlrpc
     |    +-- ValidationError
     |    +-- MissingError   ("warning -- MissingError")
     |    +-- RedirectWarning
     +-- AccessError          fault 4, "warning -- AccessError"
     +-- AccessDenied         fault 3, "AccessDenied"
     +-- SessionExpired       JSON-RPC code 100 (odoo.http.SessionExpiredException)
     +-- ConcurrencyError     a serialization failure, retryable (injected by the control API)
    HTTPException             werkzeug's HTTP errors (JSON-2 statuses: 400, 401, 404, 422...)
"""

from __future__ import annotations


class OdooError(Exception):
    """Root of the errors Odoo defines itself."""

    odoo_name = "odoo.exceptions.UserError"

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    @property
    def args_list(self) -> list[str]:
        return [self.message]


class UserError(OdooError):
    odoo_name = "odoo.exceptions.UserError"


class ValidationError(UserError):
    odoo_name = "odoo.exceptions.ValidationError"


class MissingError(UserError):
    odoo_name = "odoo.exceptions.MissingError"


class RedirectWarning(UserError):
    odoo_name = "odoo.exceptions.RedirectWarning"


class AccessError(OdooError):
    odoo_name = "odoo.exceptions.AccessError"


class AccessDenied(OdooError):
    odoo_name = "odoo.exceptions.AccessDenied"

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class SessionExpired(OdooError):
    odoo_name = "odoo.http.SessionExpiredException"

    def __init__(self, message: str = "Session expired") -> None:
        super().__init__(message)


class ConcurrencyError(OdooError):
    """PostgreSQL's serialization failure, as Odoo lets it through after its own retries."""

    odoo_name = "psycopg2.errors.SerializationFailure"

    def __init__(
        self,
        message: str = "could not serialize access due to concurrent update",
    ) -> None:
        super().__init__(message)


# -- werkzeug's HTTP errors, which Odoo lets through as they are ---------------------------


class HTTPException(Exception):
    """werkzeug's HTTP errors as Odoo raises them (no ``args``; ``str`` is the page title)."""

    code = 500
    title = "Internal Server Error"
    description = "The server encountered an internal error."

    def __init__(self, description: str | None = None, headers: dict[str, str] | None = None):
        super().__init__()
        if description is not None:
            self.description = description
        self.headers = headers or {}

    @property
    def odoo_name(self) -> str:
        return f"werkzeug.exceptions.{type(self).__name__}"

    def __str__(self) -> str:
        return f"{self.code} {self.title}: {self.description}"


class BadRequest(HTTPException):
    code, title = 400, "Bad Request"
    description = "The browser (or proxy) sent a request that this server could not understand."


class Unauthorized(HTTPException):
    code, title = 401, "Unauthorized"
    description = "The server could not verify that you are authorized to access the URL requested."


class Forbidden(HTTPException):
    code, title = 403, "Forbidden"
    description = "You don't have the permission to access the requested resource."


class NotFound(HTTPException):
    code, title = 404, "Not Found"
    description = (
        "The requested URL was not found on the server. If you entered the URL manually"
        " please check your spelling and try again."
    )


class UnsupportedMediaType(HTTPException):
    code, title = 415, "Unsupported Media Type"
    description = "The server does not support the media type transmitted in the request."


class UnprocessableEntity(HTTPException):
    code, title = 422, "Unprocessable Entity"
    description = (
        "The request was well-formed but was unable to be followed due to semantic errors."
    )


__all__ = [
    "BadRequest",
    "Forbidden",
    "HTTPException",
    "NotFound",
    "Unauthorized",
    "UnprocessableEntity",
    "UnsupportedMediaType",
    "AccessDenied",
    "AccessError",
    "ConcurrencyError",
    "MissingError",
    "OdooError",
    "RedirectWarning",
    "SessionExpired",
    "UserError",
    "ValidationError",
]
