"""Fixtures for the stock endpoint: a seeded Odoo sandbox on loopback, reached by URL and
credentials only, and Odoo's own figures read over XML-RPC (the tests' source of truth)."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from odoo_harness.clock import Clock
from odoo_harness.engine import OdooAdapter, OdooConnection
from odoo_harness.engine.stock_availability import StockEndpointServer, StockSnapshot
from odoo_harness.odoo.catalogue import CatalogueSpec, seed_catalogue
from odoo_harness.odoo.http.server import SandboxServer
from odoo_harness.odoo.sandbox import Sandbox

KEY = "stock-test-key-0123456789"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SMALL = CatalogueSpec(variants=60, warehouses=3, open_orders=4, seed=5)


class Odoo:
    """A running sandbox seen from outside, over XML-RPC."""

    def __init__(self, server: SandboxServer) -> None:
        self.url, self.db = server.url, server.db
        self.login, self.password = server.credentials["admin"]
        common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common", allow_none=True)
        self.uid = common.authenticate(self.db, self.login, self.password, {})
        self.models = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )

    def adapter(self) -> OdooAdapter:
        connection = OdooConnection(
            self.url, self.db, self.login, password=self.password, protocol="jsonrpc"
        )
        return OdooAdapter(connection)

    def warehouses(self) -> dict[str, int]:
        rows = self.call("stock.warehouse", "search_read", [], fields=["code"])
        return {row["code"]: row["id"] for row in rows}

    def figures(self, codes: list[str] | None = None) -> dict[str, dict[str, tuple[float, ...]]]:
        """SKU -> warehouse code -> (free_qty, qty_available, incoming_qty), as Odoo says."""
        out: dict[str, dict[str, tuple[float, ...]]] = {}
        for code, wid in self.warehouses().items():
            domain = [["default_code", "in", codes]] if codes else [["default_code", "!=", False]]
            rows = self.call(
                "product.product",
                "search_read",
                domain,
                fields=["default_code", "free_qty", "qty_available", "incoming_qty"],
                context={"warehouse_id": wid},
            )
            for row in rows:
                out.setdefault(row["default_code"], {})[code] = (
                    row["free_qty"],
                    row["qty_available"],
                    row["incoming_qty"],
                )
        return out

    def xmlid(self, name: str) -> int:
        module, _, short = name.partition(".")
        rows = self.call(
            "ir.model.data",
            "search_read",
            [["module", "=", module], ["name", "=", short]],
            fields=["res_id"],
        )
        return int(rows[0]["res_id"])


@dataclass
class Served:
    odoo: Odoo
    adapter: OdooAdapter
    snapshot: StockSnapshot
    server: StockEndpointServer
    clock: Clock

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, **headers: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"X-API-Key": KEY, **headers})


def _serve(spec: CatalogueSpec) -> Iterator[Served]:
    # one clock for Odoo's write dates and the snapshot's as_of: time moves when a test says
    clock = Clock(START, frozen=True)
    with SandboxServer(sandbox=Sandbox("18.0", clock=clock)) as sandbox:
        seed_catalogue(sandbox.sandbox, spec)
        odoo = Odoo(sandbox)
        with odoo.adapter() as adapter, StockSnapshot(adapter, clock=clock) as snapshot:
            snapshot.full_refresh()
            with StockEndpointServer(snapshot, api_key=KEY, odoo=adapter) as server:
                yield Served(odoo, adapter, snapshot, server, clock)


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """Read-only tests share one seeded sandbox and endpoint."""
    yield from _serve(SMALL)


@pytest.fixture
def fresh() -> Iterator[Served]:
    """Tests that change stock get their own sandbox and endpoint."""
    yield from _serve(SMALL)
