"""``CarrierAdapter``: the shipping carrier's API (ParcelHub: EasyPost/ShipStation flavour).

Authentication is OAuth client credentials (``POST /oauth/token``): the token is fetched
on first use and fetched again once on a 401 (an expired token), then a
``CredentialsError``; an API key works too (``api_key=``, no refresh). Calls: address
validation, stateless rates, shipments (created with your reference: the picking's name),
lookup by reference (recovery after a lost answer: create-or-find), buy with an
``Idempotency-Key`` (a retry sends the same key and gets the stored answer back), void,
trackers. Every exchange is journaled and, with ``contract=``, validated against
``contracts/providers/carrier.openapi.yaml``.

The carrier's error envelope is ``{"error": {"code", "message", "errors": [...]}}``;
``CarrierError`` (a ``PermanentError``) keeps the ``code`` so a flow can react to
``ALREADY_PURCHASED``, ``PARCEL_TOO_HEAVY``... ``409 IDEMPOTENCY_KEY_IN_USE`` (the first
request with the key is still running) is retryable.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from ..clock import Clock
from ..contracts import Contract
from ..journal import Journal
from .errors import CredentialsError, PermanentError, RetryableError
from .rest_adapter import RestAdapter

TOKEN_PATH = "/oauth/token"
SAFETY = timedelta(seconds=30)  # refresh a token this long before it expires


class CarrierError(PermanentError):
    """A refusal by the carrier, with its error ``code`` and HTTP ``status``."""

    def __init__(self, message: str, *, code: str, status: int, user_message: str) -> None:
        super().__init__(message, user_message=user_message)
        self.code = code
        self.status = status


class ClientCredentials:
    """Token source for the OAuth client-credentials grant; remembers the expiry on the
    injectable clock so a token is renewed shortly before it runs out."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        clock: Clock | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.url = base_url.rstrip("/") + TOKEN_PATH
        self.client_id = client_id
        self.client_secret = client_secret
        self.clock = clock or Clock()
        self.timeout = timeout
        self.expires_at: datetime | None = None
        self.issued = 0

    def __call__(self) -> str:
        try:
            response = httpx.post(
                self.url,
                data={"grant_type": "client_credentials", "scope": "shipping"},
                auth=(self.client_id, self.client_secret),
                timeout=self.timeout,
            )
        except httpx.TransportError as exc:
            raise RetryableError(
                f"token request: {type(exc).__name__}: {exc}",
                user_message="The carrier did not answer the login; the engine will retry",
                category="timeout" if isinstance(exc, httpx.TimeoutException) else "connection",
            ) from exc
        if response.status_code != 200:
            raise CredentialsError(
                f"token request: HTTP {response.status_code}: {response.text[:200]}",
                user_message="The carrier refused the integration's client credentials",
            )
        body = response.json()
        self.issued += 1
        self.expires_at = self.clock.now() + timedelta(seconds=int(body["expires_in"]))
        return str(body["access_token"])

    def expiring(self) -> bool:
        return self.expires_at is not None and self.clock.now() >= self.expires_at - SAFETY


class CarrierAdapter(RestAdapter):
    system = "carrier"
    label = "The carrier"

    def __init__(
        self,
        base_url: str,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        api_key: str | None = None,
        clock: Clock | None = None,
        journal: Journal | None = None,
        contract: Contract | str | Path | None = None,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.credentials = (
            ClientCredentials(base_url, client_id, client_secret or "", clock=clock)
            if client_id
            else None
        )
        super().__init__(
            base_url,
            token=api_key,
            refresher=self.credentials,
            journal=journal,
            contract=contract,
            timeout=timeout,
            client=client,
            secrets=(client_secret, api_key),
        )
        self._extra_headers: dict[str, str] = {}
        self._client.event_hooks.setdefault("request", []).append(self._inject_headers)

    # -- plumbing ---------------------------------------------------------------------------
    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """As ``RestAdapter.request``, with a token fetched first (and renewed when it is
        about to expire)."""
        if self.credentials is not None and (not self.token or self.credentials.expiring()):
            self._refresh()
        return super().request(method, path, **kwargs)

    def _inject_headers(self, request: httpx.Request) -> None:
        for name, value in self._extra_headers.items():
            request.headers[name] = value

    @contextmanager
    def _headers(self, headers: Mapping[str, str]) -> Iterator[None]:
        previous = self._extra_headers
        self._extra_headers = {**previous, **headers}
        try:
            yield
        finally:
            self._extra_headers = previous

    def classify(
        self, method: str, path: str, response: httpx.Response
    ) -> RetryableError | PermanentError | CredentialsError:
        error = super().classify(method, path, response)
        if not isinstance(error, PermanentError):
            return error
        code = _code(response)
        if response.status_code == 409 and code == "IDEMPOTENCY_KEY_IN_USE":
            return RetryableError(
                str(error),
                user_message="The carrier is still processing the label purchase; "
                "the engine will retry",
                category="5xx",
            )
        return CarrierError(
            str(error),
            code=code or f"HTTP_{response.status_code}",
            status=response.status_code,
            user_message=error.user_message,
        )

    def error_message(self, body: Any) -> str:
        """``error.message``, plus the first field error (``parcels.0.weight: ...``)."""
        if isinstance(body, Mapping) and isinstance(body.get("error"), Mapping):
            error = body["error"]
            message = str(error.get("message") or error.get("code") or "")
            fields = error.get("errors") or []
            if fields and isinstance(fields[0], Mapping) and fields[0].get("message"):
                first = fields[0]
                message = f"{message} ({first.get('field')}: {first['message']})"
            return " ".join(message.split())
        if isinstance(body, Mapping) and "error_description" in body:
            return str(body["error_description"])
        return super().error_message(body)

    # -- calls ------------------------------------------------------------------------------
    def validate_address(
        self, address: Mapping[str, Any], *, strict: bool = False
    ) -> dict[str, Any]:
        result: dict[str, Any] = self.call(
            "POST", "/v1/addresses/validate", json={"address": dict(address), "strict": strict}
        )
        return result

    def rates(
        self,
        from_address: Mapping[str, Any],
        to_address: Mapping[str, Any],
        parcels: list[Mapping[str, Any]],
        *,
        reference: str | None = None,
    ) -> dict[str, Any]:
        """A stateless quote (``rates`` and carrier ``messages``); not buyable."""
        body: dict[str, Any] = {
            "from_address": dict(from_address),
            "to_address": dict(to_address),
            "parcels": [dict(p) for p in parcels],
        }
        if reference:
            body["reference"] = reference
        result: dict[str, Any] = self.call("POST", "/v1/rates", json=body)
        return result

    def create_shipment(
        self,
        reference: str,
        from_address: Mapping[str, Any],
        to_address: Mapping[str, Any],
        parcels: list[Mapping[str, Any]],
        *,
        label_format: str = "PDF",
    ) -> dict[str, Any]:
        body = {
            "reference": reference,
            "from_address": dict(from_address),
            "to_address": dict(to_address),
            "parcels": [dict(p) for p in parcels],
            "options": {"label_format": label_format},
        }
        result: dict[str, Any] = self.call("POST", "/v1/shipments", json=body)
        return result

    def find_shipments(self, reference: str, *, status: str | None = None) -> list[dict[str, Any]]:
        """Shipments created with ``reference``, newest first (recovery after a timeout)."""
        params: dict[str, Any] = {"reference": reference, "limit": 100}
        if status:
            params["status"] = status
        result = self.call("GET", "/v1/shipments", params=params)
        return list(result.get("shipments", []))

    def get_shipment(self, shipment_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self.call("GET", f"/v1/shipments/{shipment_id}")
        return result

    def buy(
        self,
        shipment_id: str,
        rate_id: str,
        *,
        idempotency_key: str | None = None,
        label_format: str | None = None,
    ) -> dict[str, Any]:
        """Buy the label of ``rate_id``; with ``idempotency_key`` a retry replays the first
        answer instead of buying again."""
        body: dict[str, Any] = {"rate_id": rate_id}
        if label_format:
            body["label_format"] = label_format
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        with self._headers(headers):
            result: dict[str, Any] = self.call(
                "POST", f"/v1/shipments/{shipment_id}/buy", json=body
            )
        return result

    def void(self, shipment_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self.call("POST", f"/v1/shipments/{shipment_id}/void")
        return result

    def tracker(self, tracking_number: str) -> dict[str, Any]:
        result: dict[str, Any] = self.call("GET", f"/v1/trackers/{tracking_number}")
        return result

    def download_label(self, url: str) -> tuple[bytes, str]:
        """The label file at its public URL: (content, media type)."""
        try:
            response = self._client.get(url)
        except httpx.TransportError as exc:
            raise RetryableError(
                f"GET {url}: {type(exc).__name__}",
                user_message="The carrier's label could not be downloaded; the engine will retry",
                category="connection",
            ) from exc
        if not response.is_success:
            raise self.classify("GET", url, response)
        return response.content, response.headers.get("content-type", "application/octet-stream")

    def subscribe(self, url: str, secret: str, events: list[str]) -> dict[str, Any]:
        result: dict[str, Any] = self.call(
            "POST", "/v1/webhooks", json={"url": url, "secret": secret, "events": events}
        )
        return result


def _code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, Mapping) and isinstance(body.get("error"), Mapping):
        return str(body["error"].get("code") or "")
    return ""


__all__ = ["CarrierAdapter", "CarrierError", "ClientCredentials"]
