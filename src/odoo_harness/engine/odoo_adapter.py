"""``OdooAdapter``: the engine's one door to Odoo, by URL and credentials only.

``call(model, method, *args, **kwargs)`` runs one model method over the connection's
protocol (XML-RPC by default, JSON-RPC, or JSON-2 on 19.0), journals the request and the
answer (correlation id, job id, secrets masked), counts calls, and raises only engine
errors: retryable, permanent or credentials. An AccessDenied logs in again once before it
becomes a CredentialsError. Helpers cover the ORM methods a flow needs.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

from ..journal import Journal
from .errors import CredentialsError, SyncError
from .exchange import ExchangeLog
from .odoo_rpc import OdooConnection, Transport, make_transport

Domain = Sequence[Any]
_MAX_LOGGED_RESULT = 2000


class OdooAdapter:
    """Talks to one Odoo database as one user; thread-safe."""

    def __init__(
        self,
        connection: OdooConnection,
        *,
        journal: Journal | None = None,
        client: httpx.Client | None = None,
        correlation_prefix: str | Callable[[], str] = "engine",
    ) -> None:
        self.connection = connection
        self.journal = journal if journal is not None else Journal()
        self.log = ExchangeLog(
            self.journal,
            "odoo",
            secrets=(connection.password, connection.api_key),
            prefix=correlation_prefix,
        )
        self._client = client or httpx.Client(timeout=connection.timeout)
        self._owns_client = client is None
        self._transport: Transport = make_transport(connection, self._client)
        self._uid: int | None = None
        self._lock = threading.Lock()
        self.calls_by_method: Counter[str] = Counter()

    # -- lifecycle and counts -------------------------------------------------------------
    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> OdooAdapter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def calls(self) -> int:
        """HTTP requests sent to Odoo (logins included): the benchmark's "RPC calls"."""
        return sum(self.calls_by_method.values())

    def reset_counts(self) -> None:
        with self._lock:
            self.calls_by_method.clear()

    def _count(self, key: str) -> None:
        with self._lock:
            self.calls_by_method[key] += 1

    # -- login --------------------------------------------------------------------------
    @property
    def uid(self) -> int:
        """The user id, logging in on first use (0 on JSON-2, where no login exists)."""
        if self._uid is None:
            self._uid = self.authenticate()
        return self._uid

    def authenticate(self) -> int:
        cid = self.log.new_correlation_id()
        self.log.request(
            cid,
            {
                "transport": self._transport.name,
                "method": "authenticate",
                "login": self.connection.login,
            },
        )
        self._count("common.authenticate")
        started = time.perf_counter()
        try:
            uid = self._transport.authenticate({"X-Correlation-Id": cid})
        except SyncError as exc:
            self._log_failure(cid, exc, started)
            raise
        self.log.response(cid, {"outcome": "ok", "uid": uid, "duration_ms": _ms(started)})
        return uid

    # -- calls ----------------------------------------------------------------------------
    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """Run ``model.method(*args, **kwargs)`` in Odoo; engine errors on failure."""
        try:
            return self._call_once(model, method, args, kwargs)
        except CredentialsError:
            if self._uid is None:
                raise
            self._uid = None  # a password change or a new session: log in again, once
            return self._call_once(model, method, args, kwargs)

    def _call_once(
        self, model: str, method: str, args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> Any:
        uid = self.uid
        cid = self.log.new_correlation_id()
        self.log.request(
            cid,
            {
                "transport": self._transport.name,
                "model": model,
                "method": method,
                "args": list(args),
                "kwargs": dict(kwargs),
            },
        )
        self._count(f"{model}.{method}")
        started = time.perf_counter()
        try:
            result = self._transport.execute(
                uid, model, method, args, kwargs, {"X-Correlation-Id": cid}
            )
        except SyncError as exc:
            self._log_failure(cid, exc, started)
            raise
        except ValueError as exc:  # a call the protocol cannot express (JSON-2 names)
            self.log.response(cid, {"outcome": "refused", "error": str(exc)})
            raise
        self.log.response(
            cid, {"outcome": "ok", "result": _loggable(result), "duration_ms": _ms(started)}
        )
        return result

    def _log_failure(self, cid: str, exc: SyncError, started: float) -> None:
        self.log.response(
            cid,
            {
                "outcome": "error",
                "error_class": exc.kind,
                "error": str(exc),
                "user_message": exc.user_message,
                "category": getattr(exc, "category", None),
                "duration_ms": _ms(started),
            },
        )

    # -- ORM helpers ----------------------------------------------------------------------
    def search(self, model: str, domain: Domain, **kwargs: Any) -> list[int]:
        return list(self.call(model, "search", list(domain), **kwargs))

    def search_read(
        self, model: str, domain: Domain, fields: Sequence[str] | None = None, **kwargs: Any
    ) -> list[dict[str, Any]]:
        if fields is not None:
            kwargs["fields"] = list(fields)
        return list(self.call(model, "search_read", list(domain), **kwargs))

    def search_count(self, model: str, domain: Domain) -> int:
        return int(self.call(model, "search_count", list(domain)))

    def read(
        self, model: str, ids: Sequence[int], fields: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        kwargs = {"fields": list(fields)} if fields is not None else {}
        return list(self.call(model, "read", list(ids), **kwargs))

    def find(self, model: str, domain: Domain) -> int | None:
        """The first id matching ``domain``, or None (one call)."""
        ids = self.search(model, domain, limit=1)
        return ids[0] if ids else None

    def create(self, model: str, values: Mapping[str, Any]) -> int:
        result = self.call(model, "create", dict(values))
        return int(result[0] if isinstance(result, list) else result)

    def create_many(self, model: str, vals_list: Sequence[Mapping[str, Any]]) -> list[int]:
        """One call for many records (Odoo's ``create`` takes a list)."""
        if not vals_list:
            return []
        return [int(i) for i in self.call(model, "create", [dict(v) for v in vals_list])]

    def write(self, model: str, ids: Sequence[int] | int, values: Mapping[str, Any]) -> bool:
        return bool(self.call(model, "write", _ids(ids), dict(values)))

    def unlink(self, model: str, ids: Sequence[int] | int) -> bool:
        return bool(self.call(model, "unlink", _ids(ids)))

    def external_id(self, xmlid: str) -> tuple[str, int] | None:
        """``module.name`` -> (model, id) via ``ir.model.data``, or None."""
        module, _, name = xmlid.partition(".")
        rows = self.search_read(
            "ir.model.data", [("module", "=", module), ("name", "=", name)], ["model", "res_id"]
        )
        return (rows[0]["model"], int(rows[0]["res_id"])) if rows else None

    def model_id(self, model: str) -> int:
        """The ``ir.model`` id of ``model`` (activities need it)."""
        ids = self.search("ir.model", [("model", "=", model)], limit=1)
        if not ids:
            raise ValueError(f"Odoo has no model {model!r}")
        return ids[0]


def _ids(ids: Sequence[int] | int) -> list[int]:
    return [ids] if isinstance(ids, int) else list(ids)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


def _loggable(result: Any) -> Any:
    """Small results as they are; a summary of big ones (the journal stays small)."""
    if len(repr(result)) <= _MAX_LOGGED_RESULT:
        return result
    if isinstance(result, list):
        return {"count": len(result), "first": result[:3]}
    return {"summary": repr(result)[:_MAX_LOGGED_RESULT]}


__all__ = ["Domain", "OdooAdapter", "OdooConnection"]
