"""Who may call the CRM mock: private-app tokens (static), OAuth access tokens (refreshed
at ``POST /oauth/v1/token``, expiring on the mock's clock) and the developer API key of
the webhooks API. Each token belongs to a portal, production or sandbox."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

from ...clock import Clock
from ..base import ProviderError, TokenIssuer

INVALID_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and "
    "you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)
OAUTH_FIELDS = ("grant_type", "client_id", "client_secret", "refresh_token")


@dataclass(frozen=True)
class Credentials:
    """The mock's fixed, public test credentials (printed by ``sandbox up``)."""

    app_id: int = 4001
    client_id: str = "crmock-client-0001"
    client_secret: str = "crmock-client-secret-0001"
    developer_api_key: str = "crmock-developer-key-0001"
    private_app_tokens: Mapping[str, str] = field(
        default_factory=lambda: {
            "pat-na1-crmock-production-0001": "production",
            "pat-na1-crmock-sandbox-0001": "sandbox",
        }
    )
    refresh_tokens: Mapping[str, str] = field(
        default_factory=lambda: {
            "na1-refresh-crmock-production-0001": "production",
            "na1-refresh-crmock-sandbox-0001": "sandbox",
        }
    )

    def secrets(self) -> list[str]:
        return [
            self.client_secret,
            self.developer_api_key,
            *self.private_app_tokens,
            *self.refresh_tokens,
        ]

    def public(self) -> dict[str, Any]:
        return {
            "app_id": self.app_id,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "developer_api_key": self.developer_api_key,
            "private_app_tokens": dict(self.private_app_tokens),
            "refresh_tokens": dict(self.refresh_tokens),
        }


class Authenticator:
    """Checks bearer tokens and refreshes OAuth access tokens."""

    def __init__(
        self, clock: Clock, credentials: Credentials, ttl: timedelta, rng: random.Random
    ) -> None:
        self.credentials = credentials
        self.issuer = TokenIssuer(clock, ttl, prefix="oauth-na1-", rng=rng)
        self.clock = clock

    def portal_of(self, authorization: str | None) -> str:
        """The portal a bearer token belongs to; 401 when missing, unknown or expired."""
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ProviderError(401, "INVALID_AUTHENTICATION", INVALID_MESSAGE)
        portal = self.credentials.private_app_tokens.get(token)
        if portal is not None:
            return portal
        state, issued = self.issuer.check(token)
        if state == TokenIssuer.VALID and issued is not None:
            return issued.subject
        if state == TokenIssuer.EXPIRED and issued is not None:
            minutes = int((self.clock.now() - issued.expires_at).total_seconds() // 60)
            raise ProviderError(
                401,
                "EXPIRED_AUTHENTICATION",
                f"The OAuth token used to make this call expired {minutes} minute(s) ago.",
            )
        raise ProviderError(401, "INVALID_AUTHENTICATION", INVALID_MESSAGE)

    def check_developer_key(self, key: str | None) -> None:
        if key != self.credentials.developer_api_key:
            raise ProviderError(
                401,
                "INVALID_AUTHENTICATION",
                "The API key provided is invalid. View or manage your API key "
                "here: https://app.hubspot.com/l/api-key/",
            )

    def refresh(self, body: bytes) -> dict[str, Any]:
        """``POST /oauth/v1/token`` (grant_type=refresh_token): a new access token."""
        form = _form(body)
        if form.get("grant_type") != "refresh_token":
            raise oauth_error("BAD_GRANT_TYPE", "grant_type must be refresh_token")
        if form.get("client_id") != self.credentials.client_id:
            raise oauth_error("BAD_CLIENT_ID", "missing or unknown client id")
        if form.get("client_secret") != self.credentials.client_secret:
            raise oauth_error("BAD_CLIENT_SECRET", "missing or invalid client secret")
        refresh_token = form.get("refresh_token", "")
        portal = self.credentials.refresh_tokens.get(refresh_token)
        if portal is None:
            raise oauth_error("BAD_REFRESH_TOKEN", "missing or unknown refresh token")
        token = self.issuer.issue(portal)
        ttl = int((token.expires_at - self.clock.now()).total_seconds())
        return {
            "token_type": "bearer",
            "refresh_token": refresh_token,
            "access_token": token.value,
            "expires_in": ttl,
        }


def oauth_error(status: str, message: str) -> ProviderError:
    return ProviderError(400, status, message, extra={"envelope": "oauth"})


def _form(body: bytes) -> dict[str, str]:
    try:
        text = body.decode("utf-8")
        parsed = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text))
    except (UnicodeDecodeError, ValueError):
        raise oauth_error(
            "BAD_REQUEST", "the body must be application/x-www-form-urlencoded"
        ) from None
    unknown = sorted(set(parsed) - set(OAUTH_FIELDS) - {"redirect_uri"})
    if unknown:
        raise oauth_error("BAD_REQUEST", f"unknown field(s): {', '.join(unknown)}")
    missing = [name for name in OAUTH_FIELDS if name not in parsed]
    if missing:
        raise oauth_error("BAD_REQUEST", f"missing field(s): {', '.join(missing)}")
    return {key: values[0] for key, values in parsed.items()}


__all__ = ["Authenticator", "Credentials", "oauth_error"]
