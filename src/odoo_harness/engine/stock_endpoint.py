"""The stock availability endpoint: one Starlette app over a ``StockSnapshot``.

``GET /v1/stock/availability`` answers from the snapshot only (look-ups and joining
pre-encoded JSON); ``GET /v1/stock/availability-naive`` asks Odoo on every request (the
baseline); ``GET /v1/trivial`` is a constant body of a 50-SKU answer's size (the stack's
ceiling); ``GET /healthz``. Contract: ``contracts/engine/stock_availability.openapi.yaml``.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import logging
import math
import re
import threading
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..serving import LoopbackServer
from .errors import SyncError
from .odoo_adapter import OdooAdapter
from .stock_query import (
    MAX_LIMIT,
    MAX_SKUS,
    ParameterError,
    Query,
    envelope,
    page_token,
    parse_query,
    render,
    rfc3339,
    select,
)
from .stock_snapshot import (
    QTY_FIELDS,
    Levels,
    StockSnapshot,
    Warehouse,
    compact_json,
    levels_of,
    make_item,
    warehouse_context,
)

log = logging.getLogger(__name__)

TRIVIAL_SKUS = 50
NAIVE_WATERMARK = "w0.naive"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_REFERENCE_PARAMS = ("sku", "warehouse", "changed_since", "limit", "page_token")
_NAIVE_PARAMS = ("sku", "warehouse", "limit", "page_token")


def _etag(*parts: object) -> str:
    return '"' + hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest() + '"'


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


class StockEndpoint:
    """The routes' handlers, over one snapshot (and Odoo, for the naive baseline)."""

    def __init__(
        self, snapshot: StockSnapshot, *, api_key: str, odoo: OdooAdapter | None = None
    ) -> None:
        if not api_key:
            raise ValueError("the stock endpoint needs an API key")
        self.snapshot = snapshot
        self.odoo = odoo
        self._key = api_key.encode()
        self.trivial_body = self._trivial_body()
        self.trivial_etag = _etag("trivial", self.trivial_body)

    # -- plumbing ---------------------------------------------------------------------------
    @staticmethod
    def request_id(request: Request) -> str:
        given = request.headers.get("x-request-id")
        return given if given and _REQUEST_ID.match(given) else uuid.uuid4().hex

    def error(
        self, request: Request, status: int, code: str, message: str, **headers: str
    ) -> Response:
        rid = self.request_id(request)
        body = {"error": {"code": code, "message": message, "request_id": rid}}
        return Response(
            compact_json(body),
            status_code=status,
            media_type="application/json",
            headers={"X-Request-Id": rid, **headers},
        )

    def refused(self, request: Request) -> Response | None:
        given = request.headers.get("x-api-key")
        if given is None:
            return self.error(request, 401, "unauthorized", "missing X-API-Key header")
        if not hmac.compare_digest(given.encode(), self._key):
            return self.error(request, 401, "unauthorized", "X-API-Key is not valid")
        return None

    def answer(self, request: Request, body: bytes, etag: str) -> Response:
        headers = {"X-Request-Id": self.request_id(request), "ETag": etag}
        if _matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)

    # -- routes -----------------------------------------------------------------------------
    async def availability(self, request: Request) -> Response:
        refused = self.refused(request)
        if refused is not None:
            return refused
        state = self.snapshot.state
        try:
            query = parse_query(
                request, state.warehouses, _REFERENCE_PARAMS, state.epoch, state.seq
            )
        except ParameterError as exc:
            return self.error(request, 400, "bad_parameter", str(exc))
        etag = _etag(state.epoch, state.version, query.key())
        if _matches(request.headers.get("if-none-match"), etag):
            return self.answer(request, b"", etag)
        page, unknown, token = select(state, query)
        return self.answer(request, render(state, query, page, unknown, token), etag)

    def naive(self, request: Request) -> Response:
        refused = self.refused(request)
        if refused is not None:
            return refused
        if self.odoo is None:
            return self.error(request, 503, "unavailable", "the naive baseline has no Odoo")
        try:
            warehouses = _odoo_warehouses(self.odoo)
            query = parse_query(request, warehouses, _NAIVE_PARAMS, "", 0)
            body = naive_answer(self.odoo, warehouses, query)
        except ParameterError as exc:
            return self.error(request, 400, "bad_parameter", str(exc))
        except SyncError as exc:
            return self.error(request, 503, "odoo_unavailable", f"Odoo did not answer: {exc.kind}")
        return self.answer(request, body, _etag("naive", body))

    async def trivial(self, request: Request) -> Response:
        refused = self.refused(request)
        if refused is not None:
            return refused
        return self.answer(request, self.trivial_body, self.trivial_etag)

    async def healthz(self, request: Request) -> Response:
        body = {"status": "ok", "as_of": rfc3339(self.snapshot.as_of)}
        return Response(
            compact_json(body),
            media_type="application/json",
            headers={"X-Request-Id": self.request_id(request)},
        )

    async def http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 405:
            allow = (exc.headers or {}).get("Allow", "GET, HEAD")
            message = f"{request.method} is not allowed here; allowed: {allow}"
            return self.error(request, 405, "method_not_allowed", message, Allow=allow)
        if exc.status_code == 404:
            return self.error(request, 404, "not_found", f"no route {request.url.path}")
        return self.error(request, exc.status_code, "http_error", str(exc.detail))

    async def crashed(self, request: Request, exc: Exception) -> Response:
        log.error("stock endpoint: %s on %s", type(exc).__name__, request.url.path)
        return self.error(request, 500, "internal", "internal error; see the server's log")

    def _trivial_body(self) -> bytes:
        """A constant answer the size of a 50-SKU answer of this snapshot."""
        state = self.snapshot.state
        warehouses = state.warehouses or (Warehouse(0, "WH", "WH"),)
        fake = [
            make_item(f"SKU-{n:06d}", n, ((12.0, 15.0, 0.0),) * len(warehouses), 1, warehouses)
            for n in range(1, TRIVIAL_SKUS + 1)
        ]
        encoded = [state.items[s].encoded for s in state.skus[:TRIVIAL_SKUS]]
        if len(encoded) < TRIVIAL_SKUS:
            encoded = [item.encoded for item in fake]
        return envelope(rfc3339(state.as_of), state.watermark, encoded, [], None)


# -- the naive baseline ----------------------------------------------------------------------
def _odoo_warehouses(odoo: OdooAdapter) -> tuple[Warehouse, ...]:
    rows = odoo.search_read("stock.warehouse", [], ["code", "name"], order="id")
    return tuple(Warehouse(int(r["id"]), str(r["code"]), str(r["name"])) for r in rows)


def naive_answer(odoo: OdooAdapter, warehouses: Sequence[Warehouse], query: Query) -> bytes:
    """What a naive integration does: ask Odoo for the quantities on every request, one
    call per warehouse (its context), and shape them like the reference answer."""
    chosen = [warehouses[i] for i in query.warehouses] if query.warehouses else list(warehouses)
    if query.skus is not None:
        domain: list[Any] = [("default_code", "in", list(query.skus))]
        limit = None
    else:
        domain = [("default_code", "!=", False)]
        if query.after is not None:
            domain.append(("default_code", ">", query.after))
        limit = query.limit + 1
    found: dict[str, int] = {}
    levels: dict[int, list[Levels]] = {}
    for index, warehouse in enumerate(chosen):
        rows = odoo.search_read(
            "product.product",
            domain,
            ["default_code", *QTY_FIELDS],
            order="default_code, id",
            limit=limit,
            context=warehouse_context(warehouse),
        )
        for row in rows:
            pid = found.setdefault(str(row["default_code"]), int(row["id"]))
            if pid == int(row["id"]):
                levels.setdefault(pid, [(0.0, 0.0, 0.0)] * len(chosen))[index] = levels_of(row)
    known = sorted(found)
    unknown = [s for s in query.skus if s not in found] if query.skus is not None else []
    start = bisect.bisect_right(known, query.after) if query.after is not None else 0
    page = known[start : start + query.limit]
    more = start + query.limit < len(known)
    encoded = [
        make_item(sku, found[sku], tuple(levels[found[sku]]), 0, chosen).encoded for sku in page
    ]
    token = page_token(page[-1]) if more and page else None
    return envelope(rfc3339(datetime.now(UTC)), NAIVE_WATERMARK, encoded, unknown, token)


# -- the app and its server ------------------------------------------------------------------
def build_stock_app(
    snapshot: StockSnapshot, *, api_key: str, odoo: OdooAdapter | None = None
) -> Starlette:
    """The endpoint's Starlette app over ``snapshot`` (``odoo`` enables the naive route)."""
    endpoint = StockEndpoint(snapshot, api_key=api_key, odoo=odoo)
    app = Starlette(
        routes=[
            Route("/v1/stock/availability", endpoint.availability, methods=["GET"]),
            Route("/v1/stock/availability-naive", endpoint.naive, methods=["GET"]),
            Route("/v1/trivial", endpoint.trivial, methods=["GET"]),
            Route("/healthz", endpoint.healthz, methods=["GET"]),
        ],
        exception_handlers={HTTPException: endpoint.http_error, Exception: endpoint.crashed},
    )
    app.state.endpoint = endpoint
    return app


class StockEndpointServer(LoopbackServer):
    """The endpoint on 127.0.0.1, refreshing its snapshot every ``refresh_every`` seconds
    (never, when None) in a daemon thread, and reading everything again every
    ``full_refresh_every`` seconds (never, when None); a context manager."""

    def __init__(
        self,
        snapshot: StockSnapshot,
        *,
        api_key: str,
        odoo: OdooAdapter | None = None,
        port: int = 0,
        refresh_every: float | None = None,
        full_refresh_every: float | None = None,
    ) -> None:
        super().__init__(
            build_stock_app(snapshot, api_key=api_key, odoo=odoo), port=port, name="stock endpoint"
        )
        self.snapshot = snapshot
        self.refresh_every = refresh_every
        self.full_refresh_every = full_refresh_every
        self.refreshes = 0
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._refresher: threading.Thread | None = None

    def start(self) -> StockEndpointServer:
        super().start()
        if self.refresh_every and self._refresher is None:
            self._stop.clear()
            self._refresher = threading.Thread(
                target=self._refresh_loop, name="stock-refresh", daemon=True
            )
            self._refresher.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._refresher is not None:
            self._refresher.join(timeout=30)
            self._refresher = None
        super().stop()

    def _refresh_loop(self) -> None:
        assert self.refresh_every is not None
        full_due = time.monotonic() + (self.full_refresh_every or math.inf)
        while not self._stop.wait(self.refresh_every):
            try:
                if time.monotonic() >= full_due:
                    full_due = time.monotonic() + (self.full_refresh_every or math.inf)
                    self.snapshot.full_refresh()
                else:
                    self.snapshot.refresh()
                self.refreshes += 1
                self.last_error = None
            except Exception as exc:  # serve the old snapshot (its as_of says how old)
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("stock snapshot refresh failed: %s", self.last_error)


__all__ = [
    "MAX_LIMIT",
    "MAX_SKUS",
    "ParameterError",
    "Query",
    "StockEndpoint",
    "StockEndpointServer",
    "build_stock_app",
    "page_token",
    "parse_query",
]
