"""``RestAdapter``: the engine's base for a provider's REST API, by base URL and credentials.

Every request goes through one path: the bearer token (refreshed once on a 401 when a
``refresher`` is given, then a ``CredentialsError``), the exchange log (correlation id sent
as ``X-Correlation-Id``, job id, secrets masked), optional validation of the exchange
against the provider's OpenAPI contract (each departure journaled as ``ContractViolated``),
and the classification of every failure into an engine error:

| what happened | error | category |
|---|---|---|
| no answer within ``timeout`` | Retryable | ``timeout`` |
| connection refused / reset / dropped without a response | Retryable | ``connection`` |
| HTTP 5xx | Retryable (Retry-After kept) | ``5xx`` |
| HTTP 429 | Retryable, ``retry_after`` from ``Retry-After`` | ``429`` |
| HTTP 401 (after one refresh) | Credentials | |
| other 4xx | Permanent, one line from the provider's error envelope | |

The adapter never retries on its own (the worker decides).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from ..contracts import Contract
from ..journal import Journal
from .bugs import DEFECTS
from .errors import CredentialsError, PermanentError, RetryableError
from .exchange import ExchangeLog

TokenRefresher = Callable[[], str]
"""Returns a fresh access token (e.g. an OAuth refresh-token grant); raises on refusal."""

_MAX_LOGGED_BODY = 2000
log = logging.getLogger(__name__)


class RestAdapter:
    """One provider's REST API; subclasses add the provider's calls and error envelope."""

    system = "rest"
    label = "The provider"

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        refresher: TokenRefresher | None = None,
        headers: Mapping[str, str] | None = None,
        journal: Journal | None = None,
        contract: Contract | str | Path | None = None,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
        secrets: tuple[str | None, ...] = (),
        correlation_prefix: str | Callable[[], str] = "engine",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.refresher = refresher
        self.journal = journal if journal is not None else Journal()
        self.log = ExchangeLog(
            self.journal, self.system, secrets=(token, *secrets), prefix=correlation_prefix
        )
        if contract is not None and not isinstance(contract, Contract):
            contract = Contract.load(contract)
        self.contract = contract
        self._client = client or httpx.Client(timeout=timeout, headers=dict(headers or {}))
        self._owns_client = client is None
        self.calls = 0

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> RestAdapter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests -------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        ok: tuple[int, ...] = (),
    ) -> httpx.Response:
        """Send one request; the response if it is 2xx (or a status in ``ok``), else an
        engine error. A 401 refreshes the token once (when a refresher is set)."""
        response = self._send(method, path, json, params)
        if response.status_code == 401 and self.refresher is not None:
            self._refresh()
            response = self._send(method, path, json, params)
        if response.is_success or response.status_code in ok:
            return response
        raise self.classify(method, path, response)

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """``request`` and the decoded JSON body (None when empty)."""
        response = self.request(method, path, **kwargs)
        return response.json() if response.content else None

    def _refresh(self) -> None:
        assert self.refresher is not None
        try:
            token = self.refresher()
        except (CredentialsError, PermanentError) as exc:
            raise CredentialsError(
                f"{self.system}: refreshing the access token failed: {exc}",
                user_message=f"{self.label} refused the integration's credentials",
            ) from exc
        self.token = token
        self.log.add_secret(token)

    def _send(
        self, method: str, path: str, body: Any, params: Mapping[str, Any] | None
    ) -> httpx.Response:
        cid = self.log.new_correlation_id()
        headers = {"X-Correlation-Id": cid, "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        self.log.request(
            cid, {"method": method, "path": path, "params": dict(params or {}), "body": body}
        )
        if DEFECTS.secret_in_log:  # a deliberate bug (engine/bugs.py): headers unmasked
            log.warning("%s %s%s headers=%s", method, self.base_url, path, headers)
            self.journal.record(
                "exchange.headers", self.system, {"headers": dict(headers)}, correlation_id=cid
            )
        self.calls += 1
        started = time.perf_counter()
        try:
            response = self._client.request(
                method, self.base_url + path, json=body, params=params, headers=headers
            )
        except httpx.TimeoutException as exc:
            error = RetryableError(
                f"{method} {path}: no answer in time ({type(exc).__name__})",
                user_message=f"{self.label} did not answer in time; the engine will retry",
                category="timeout",
            )
            self._log_failure(cid, method, path, body, error, started)
            raise error from exc
        except httpx.TransportError as exc:
            error = RetryableError(
                f"{method} {path}: connection lost ({type(exc).__name__}: {exc})",
                user_message=f"The connection to {self.label.lower()} was lost; "
                "the engine will retry",
                category="connection",
            )
            self._log_failure(cid, method, path, body, error, started)
            raise error from exc
        decoded = _decoded(response)
        self.log.response(
            cid,
            {
                "method": method,
                "path": path,
                "status": response.status_code,
                "outcome": "ok" if response.is_success else "error",
                "body": _loggable(decoded),
                "duration_ms": _ms(started),
            },
        )
        self._validate(cid, method, path, headers, body, response, decoded)
        return response

    def _log_failure(
        self, cid: str, method: str, path: str, body: Any, error: RetryableError, started: float
    ) -> None:
        self.log.response(
            cid,
            {
                "method": method,
                "path": path,
                "outcome": "error",
                "error": str(error),
                "category": error.category,
                "duration_ms": _ms(started),
            },
        )
        self._validate(cid, method, path, {}, body, None, None)

    def _validate(
        self,
        cid: str,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: Any,
        response: httpx.Response | None,
        decoded: Any,
    ) -> None:
        if self.contract is None:
            return
        request_headers = {"Content-Type": "application/json"} if body is not None else {}
        request_headers.update(headers)
        violations = self.contract.validate_exchange(
            method,
            path,
            request_headers,
            body,
            response.status_code if response is not None else None,
            dict(response.headers) if response is not None else None,
            decoded,
        )
        for violation in violations:
            self.journal.record(
                "ContractViolated",
                self.system,
                self.log.scrub(
                    {
                        "operation": violation.operation,
                        "where": violation.where,
                        "what": violation.what,
                        "expected": violation.expected,
                        "got": violation.got,
                        "contract": self.contract.path,
                    }
                ),
                correlation_id=cid,
            )

    # -- classification ---------------------------------------------------------------------
    def classify(
        self, method: str, path: str, response: httpx.Response
    ) -> RetryableError | PermanentError | CredentialsError:
        status = response.status_code
        message = self.error_message(_decoded(response)) or response.reason_phrase
        detail = self.log.scrub(f"{method} {path}: HTTP {status}: {message}")
        retry_after = _retry_after(response.headers.get("Retry-After"))
        if status == 429:
            return RetryableError(
                detail,
                user_message=f"{self.label} asked to slow down; the engine will retry",
                retry_after=retry_after,
                category="429",
            )
        if status >= 500:
            return RetryableError(
                detail,
                user_message=f"{self.label} is unavailable right now; the engine will retry",
                retry_after=retry_after,
                category="5xx",
            )
        if status == 401:
            return CredentialsError(
                detail, user_message=f"{self.label} refused the integration's credentials"
            )
        return PermanentError(detail, user_message=self.user_message(status, message))

    def error_message(self, body: Any) -> str:
        """The one-line message of the provider's error envelope (``message``, else the
        first of ``errors``); subclasses know their envelope better."""
        if isinstance(body, Mapping):
            for key in ("message", "error", "detail"):
                value = body.get(key)
                if isinstance(value, str) and value.strip():
                    return _one_line(value)
            errors = body.get("errors")
            if isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
                return _one_line(str(errors[0].get("message", "")))
        if isinstance(body, str):
            return _one_line(body)
        return ""

    def user_message(self, status: int, message: str) -> str:
        if status == 403:
            return f"{self.label} does not allow the integration to do this: {message}"
        if status == 404:
            return f"{self.label} does not know this record: {message}"
        return f"{self.label} refused the change: {message}"


def _decoded(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def _loggable(value: Any) -> Any:
    text = repr(value)
    if len(text) <= _MAX_LOGGED_BODY:
        return value
    return {"summary": text[:_MAX_LOGGED_BODY] + "...", "chars": len(text)}


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 300 else line[:297] + "..."


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


__all__ = ["RestAdapter", "TokenRefresher"]
