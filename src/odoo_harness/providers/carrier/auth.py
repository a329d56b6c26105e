"""Credentials: API keys and OAuth client-credentials access tokens, and their 401s.

``Authorization: Bearer <key or token>`` or ``Basic base64(<key>:)``. The token endpoint
reads a form (``grant_type=client_credentials``, the client in the form or in Basic) and
answers errors the way OAuth servers do (RFC 6749 section 5.2), not in the API envelope.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qs

from ..base import Call, ProviderError

OAUTH_PATH = "/oauth/token"
FORM_FIELDS = {"grant_type": 64, "client_id": 128, "client_secret": 256, "scope": 64}
CHALLENGE = 'Bearer realm="parcelhub"'
EXPIRED_CHALLENGE = (
    'Bearer realm="parcelhub", error="invalid_token", error_description="The access token expired"'
)


class OAuthError(ProviderError):
    """An error of the token endpoint: rendered as ``{error, error_description}``."""

    def __init__(self, status: int, error: str, description: str) -> None:
        headers = {"WWW-Authenticate": 'Basic realm="parcelhub"'} if status == 401 else {}
        super().__init__(status, error, description, headers=headers)


def presented(call: Call) -> str:
    """The credential of ``Authorization`` (401 ``UNAUTHORIZED`` when there is none)."""
    scheme, _, value = call.headers.get("authorization", "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return value
    if scheme.lower() == "basic" and value:
        user, _, _ = _basic(value)
        if user:
            return user
    raise unauthorized("missing or malformed Authorization header; send 'Bearer <API key>'")


def unauthorized(message: str, *, expired: bool = False) -> ProviderError:
    return ProviderError(
        401,
        "TOKEN_EXPIRED" if expired else "UNAUTHORIZED",
        message,
        headers={"WWW-Authenticate": EXPIRED_CHALLENGE if expired else CHALLENGE},
    )


def token_request(call: Call) -> tuple[str, str, str | None]:
    """(client_id, client_secret, scope) of a token request; OAuthError when it is bad."""
    form = _form(call)
    grant = form.get("grant_type")
    if grant is None:
        raise OAuthError(400, "invalid_request", "grant_type is required")
    if grant != "client_credentials":
        raise OAuthError(400, "unsupported_grant_type", "only client_credentials is supported")
    scope = form.get("scope")
    if scope is not None and scope != "shipping":
        raise OAuthError(400, "invalid_scope", "the only scope is 'shipping'")
    client_id, client_secret = _client(call, form)
    return client_id, client_secret, scope


def _form(call: Call) -> dict[str, str]:
    if "application/x-www-form-urlencoded" not in call.headers.get("content-type", ""):
        raise OAuthError(
            400, "invalid_request", "send the request as application/x-www-form-urlencoded"
        )
    try:
        parsed = parse_qs(
            call.body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=bool(call.body),
            errors="strict",
        )
    except (UnicodeError, ValueError):
        raise OAuthError(400, "invalid_request", "the form is not valid") from None
    unknown = set(parsed) - set(FORM_FIELDS)
    if unknown:
        raise OAuthError(400, "invalid_request", f"unknown parameter(s): {sorted(unknown)}")
    for name, values in parsed.items():
        if len(values) != 1 or not 1 <= len(values[0]) <= FORM_FIELDS[name]:
            raise OAuthError(
                400,
                "invalid_request",
                f"{name} must be given once, 1 to {FORM_FIELDS[name]} characters",
            )
    return {name: values[0] for name, values in parsed.items()}


def _client(call: Call, form: dict[str, str]) -> tuple[str, str]:
    header = call.headers.get("authorization", "")
    if header[:6].lower() == "basic ":
        client_id, ok, secret = _basic(header[6:].strip())
        if ok:
            return client_id, secret
    if "client_id" in form and "client_secret" in form:
        return form["client_id"], form["client_secret"]
    raise OAuthError(401, "invalid_client", "client authentication failed")


def _basic(value: str) -> tuple[str, bool, str]:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return "", False, ""
    user, sep, password = decoded.partition(":")
    return user, bool(sep), password


__all__ = ["OAUTH_PATH", "OAuthError", "presented", "token_request", "unauthorized"]
