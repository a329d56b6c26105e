"""The stock snapshot at several catalogue sizes: how long a full refresh and an incremental
refresh take, and what one request costs inside the app (no network: the Locust side by side
is ``benchmarks/stock_load.py``). Prints figures; asserts nothing.

    .venv/bin/python benchmarks/stock_snapshot.py                  # 1,000 and 20,000 x 4
    .venv/bin/python benchmarks/stock_snapshot.py --sizes 1000 200000
    .venv/bin/python benchmarks/stock_snapshot.py --quick          # 200 x 4, a few seconds

The sandbox runs in this process (its server thread shares the GIL with the snapshot), so
the refresh figures include Odoo's own work. Request costs call the Starlette endpoint's
handler in-process, ``--requests`` times per query, and report the median and p99.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from starlette.requests import Request

from odoo_harness.clock import Clock
from odoo_harness.engine import OdooAdapter, OdooConnection
from odoo_harness.engine.stock_availability import StockSnapshot, build_stock_app
from odoo_harness.odoo.catalogue import CatalogueSpec, seed_catalogue
from odoo_harness.odoo.http.server import SandboxServer

KEY = "bench-key"


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...] = (1000, 20000)
    warehouses: int = 4
    requests: int = 2000
    changes: int = 10


@dataclass
class Row:
    size: int
    seed_s: float
    full_s: float
    full_calls: int
    incremental_s: float
    incremental_calls: int
    request_us: dict[str, tuple[float, float]]


def parse_args(argv: list[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--warehouses", type=int, default=4)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="200 x 4, 50 requests")
    args = parser.parse_args(argv)
    if args.quick:
        return Settings(sizes=(200,), warehouses=4, requests=50, changes=3)
    return Settings(tuple(args.sizes), args.warehouses, args.requests)


def measure(size: int, settings: Settings, folder: Path) -> Row:
    started = time.perf_counter()
    with SandboxServer(version="18.0") as server:
        seed_catalogue(server.sandbox, CatalogueSpec(variants=size, warehouses=settings.warehouses))
        seed_s = time.perf_counter() - started
        login, password = server.credentials["admin"]
        connection = OdooConnection(
            server.url, server.db, login, password=password, protocol="jsonrpc"
        )
        # the snapshot's clock runs 10 s ahead: the seed's second counts as settled
        clock = Clock(Clock().now() + timedelta(seconds=10))
        with (
            OdooAdapter(connection) as odoo,
            StockSnapshot(odoo, folder / f"stock-{size}.sqlite", clock=clock) as snapshot,
        ):
            full = snapshot.full_refresh()
            _change(odoo, settings.changes)
            clock.advance(timedelta(seconds=10))
            incremental = snapshot.refresh()
            costs = _request_costs(snapshot, settings.requests)
    return Row(
        size,
        seed_s,
        full.seconds,
        full.calls,
        incremental.seconds,
        incremental.calls,
        costs,
    )


def _change(odoo: OdooAdapter, count: int) -> None:
    """``count`` inventory adjustments, as a warehouse would count stock."""
    quants = odoo.search_read("stock.quant", [("quantity", ">", 0)], ["id"], limit=count)
    for quant in quants:
        odoo.write("stock.quant", [quant["id"]], {"inventory_quantity": 1000})
        odoo.call("stock.quant", "action_apply_inventory", [quant["id"]])


def _request_costs(snapshot: StockSnapshot, requests: int) -> dict[str, tuple[float, float]]:
    app = build_stock_app(snapshot, api_key=KEY)
    endpoint = app.state.endpoint
    skus = sorted(snapshot.items)
    rng = random.Random(0)
    first = snapshot.state.seq
    queries = {
        "1 SKU": lambda: f"sku={rng.choice(skus)}",
        "50 SKUs": lambda: "sku=" + ",".join(rng.sample(skus, min(50, len(skus)))),
        "page of 1,000": lambda: f"limit=1000&page_token=p1.{_token(rng.choice(skus))}",
        "delta": lambda: f"changed_since=w1.{snapshot.state.epoch}.{first - 1}",
    }

    async def run() -> dict[str, tuple[float, float]]:
        out = {}
        for name, make in queries.items():
            timings = []
            for _ in range(requests):
                scope = {
                    "type": "http",
                    "method": "GET",
                    "path": "/v1/stock/availability",
                    "query_string": make().encode(),
                    "headers": [(b"x-api-key", KEY.encode())],
                }
                began = time.perf_counter()
                answer = await endpoint.availability(Request(scope))
                timings.append((time.perf_counter() - began) * 1e6)
                assert answer.status_code == 200, answer.body
            timings.sort()
            out[name] = (statistics.median(timings), timings[int(len(timings) * 0.99) - 1])
        return out

    return asyncio.run(run())


def _token(sku: str) -> str:
    import base64

    return base64.urlsafe_b64encode(sku.encode()).decode().rstrip("=")


def render(rows: list[Row], settings: Settings) -> str:
    lines = [
        f"stock snapshot, {settings.warehouses} warehouses, {settings.requests} requests per query",
        f"{'variants':>9}  {'seed s':>7}  {'full refresh s':>14}  {'calls':>5}  "
        f"{'incremental s':>13}  {'calls':>5}  request cost us (median / p99)",
    ]
    for row in rows:
        costs = "  ".join(f"{k}: {m:.0f}/{p:.0f}" for k, (m, p) in row.request_us.items())
        lines.append(
            f"{row.size:>9,}  {row.seed_s:>7.1f}  {row.full_s:>14.2f}  {row.full_calls:>5}  "
            f"{row.incremental_s:>13.3f}  {row.incremental_calls:>5}  {costs}"
        )
    lines.append(
        f"(incremental: after {settings.changes} inventory adjustments; 'delta' lists the "
        "items changed since before the full refresh, i.e. all of them)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    settings = parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="stock-bench-") as folder:
        for size in settings.sizes:
            rows.append(measure(size, settings, Path(folder)))
    print(render(rows, settings))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
