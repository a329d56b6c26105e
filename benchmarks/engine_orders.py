"""The reference engine's bulk figures: shop orders -> Odoo, and stock Odoo -> shop.

1. Orders: the shop mock is seeded (``POST /_control/seed``) with N orders of 1-5 lines
   over a catalogue whose SKUs exist in the sandbox (generated with the catalogue
   generator); the engine polls them (``ShopOrderPoller``, pages of 250) and imports them
   with ``ShopOrdersFlow.run_batch`` (batches of ``--batch`` orders: one search per model,
   one create of partners, one create of orders with their lines, one ``action_confirm``).
   Printed: wall time, Odoo RPC calls per order (HTTP requests, logins included), orders/s,
   and the growth of the wall time from the first size to the last (10x orders: linear is
   about 10x). Target: <= 3 calls per order.
2. Stock: N variants in the sandbox (catalogue generator, one warehouse) and the same SKUs
   in the shop; ``StockPoller`` + ``CatalogueStockFlow`` push every level with the absolute
   ``inventory_levels/set`` (one call per level, as Shopify's REST API has no batch set),
   then a second run with nothing changed. Printed: calls to the shop by kind, wall time.

Everything runs on loopback in this process (sandbox and mock in threads: they share the
GIL with the engine, so the figures are pessimistic). The mock's rate limits are lifted:
a real Shopify Plus store leaks 20 calls/s, so N sets take at least N/20 s there.

Usage::

    .venv/bin/python benchmarks/engine_orders.py [--orders 500 5000] [--variants 50000]
        [--batch 500] [--quick]

3. Live orders (``--live N``): the webhook path of ``engine run``. N orders arrive as
   the receiver queues them (``jobs_for(order, "orders/create")``), ``--per-tick`` of them
   between two passes of the engine loop; a pass is what ``engine run`` does each tick:
   ``ShopOrdersFlow.run_batch`` over the due first attempts, then the worker (which runs
   the rest one by one). Also printed: the worker alone (every order its own job run).
   Odoo RPC calls per order for each, against the same <= 3 target.

A benchmark, not a test: it prints figures and exits 0.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from odoo_harness.clock import Clock  # noqa: E402
from odoo_harness.contracts.flows import load_flows  # noqa: E402
from odoo_harness.engine import JobStore, OdooAdapter, OdooConnection, Worker  # noqa: E402
from odoo_harness.engine.catalogue_stock import CatalogueStockFlow, StockPoller  # noqa: E402
from odoo_harness.engine.shop_adapter import ShopAdapter  # noqa: E402
from odoo_harness.engine.shop_orders import (  # noqa: E402
    ShopOrderPoller,
    ShopOrdersFlow,
    jobs_for,
)
from odoo_harness.journal import Journal  # noqa: E402
from odoo_harness.odoo.catalogue import CatalogueSpec, seed_catalogue  # noqa: E402
from odoo_harness.odoo.http.server import SandboxServer  # noqa: E402
from odoo_harness.odoo.sandbox import Sandbox  # noqa: E402
from odoo_harness.providers.shop import LIVE_TOKEN, Plan, ShopMock  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PLANS = load_flows(ROOT / "contracts" / "flows")
UNLIMITED = {"test": Plan(10**9, 1e9), "live": Plan(10**9, 1e9)}
SHOP_LOCATION = 70001
TARGET_CALLS = 3.0


class Bench:
    """One sandbox with a catalogue of ``variants`` SKUs and one shop with the same SKUs."""

    def __init__(self, variants: int, *, stocked: bool = True) -> None:
        self.sandbox = Sandbox("18.0")
        spec = CatalogueSpec(
            variants=variants,
            warehouses=1,
            variants_per_template=1,
            partners=0,
            open_orders=0,
            out_of_stock=0.1 if stocked else 1.0,
        )
        seed_catalogue(self.sandbox, spec)
        self.server = SandboxServer(sandbox=self.sandbox).start()
        self.shop = ShopMock(plans=UNLIMITED, seed=1)
        self.shop_server = self.shop.server(port=0).start()
        self.skus = [f"SKU-{i:06d}" for i in range(1, variants + 1)]
        self._seed_shop_products()
        self.journal = Journal(max_entries=5000)
        login, password = self.server.credentials["admin"]
        self.odoo = OdooAdapter(
            OdooConnection(self.server.url, self.server.db, login, password=password, timeout=600),
            journal=self.journal,
        )
        self.api = ShopAdapter(
            self.shop_server.url, token=LIVE_TOKEN, journal=self.journal, timeout=60
        )
        self.tmp = tempfile.TemporaryDirectory()
        self.store = JobStore(Path(self.tmp.name) / "engine.sqlite", clock=Clock())

    def _seed_shop_products(self) -> None:
        for start in range(0, len(self.skus), 5000):
            products = [
                {
                    "title": f"Product {sku}",
                    "variants": [{"sku": sku, "price": "10.00", "stock": {str(SHOP_LOCATION): 0}}],
                }
                for sku in self.skus[start : start + 5000]
            ]
            self.control("/_control/seed", {"products": products})

    def control(self, path: str, body: dict[str, Any]) -> None:
        httpx.post(self.shop_server.url + path, json=body, timeout=600).raise_for_status()

    def close(self) -> None:
        self.odoo.close()
        self.api.close()
        self.store.close()
        self.shop_server.stop()
        self.server.stop()
        self.tmp.cleanup()


def bench_orders(count: int, batch: int, products: int) -> dict[str, Any]:
    bench = Bench(products)
    try:
        rng = random.Random(count)
        orders = [
            {
                "email": f"customer{rng.randrange(count // 2 + 1)}@example.com",
                "line_items": [
                    {"sku": rng.choice(bench.skus), "quantity": rng.randint(1, 3)}
                    for _ in range(rng.randint(1, 5))
                ],
            }
            for _ in range(count)
        ]
        for start in range(0, count, 1000):
            bench.control("/_control/seed", {"orders": orders[start : start + 1000]})
        flow = ShopOrdersFlow(bench.odoo, bench.store, journal=bench.journal)
        bench.odoo.reset_counts()
        started = time.perf_counter()
        polled = ShopOrderPoller(bench.api, bench.store).poll()
        done = 0
        while True:
            imported, left = flow.run_batch(limit=batch)
            done += imported
            if imported == 0:
                break
        wall = time.perf_counter() - started
        calls, by_method = bench.odoo.calls, dict(bench.odoo.calls_by_method)
        confirmed = bench.odoo.search_count(
            "sale.order", [("state", "=", "sale"), ("client_order_ref", "!=", False)]
        )
        return {
            "orders": count,
            "polled": polled,
            "imported": done,
            "confirmed": confirmed,
            "left": left,
            "wall_s": wall,
            "odoo_calls": calls,
            "calls_per_order": calls / max(done, 1),
            "shop_calls": bench.api.calls,
            "by_method": by_method,
        }
    finally:
        bench.close()


def _orders(count: int, skus: list[str], seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [
        {
            "email": f"customer{rng.randrange(count // 2 + 1)}@example.com",
            "line_items": [
                {"sku": rng.choice(skus), "quantity": rng.randint(1, 3)}
                for _ in range(rng.randint(1, 5))
            ],
        }
        for _ in range(count)
    ]


def bench_live(count: int, per_tick: int, products: int, *, batched: bool) -> dict[str, Any]:
    """``count`` webhook orders, ``per_tick`` arriving between two passes of the loop."""
    bench = Bench(products)
    try:
        orders = _orders(count, bench.skus, count + per_tick)
        for start in range(0, count, 1000):
            bench.control("/_control/seed", {"orders": orders[start : start + 1000]})
        bodies = list(bench.api.orders(status="any"))
        flow = ShopOrdersFlow(bench.odoo, bench.store, journal=bench.journal)
        worker = Worker(bench.store, PLANS, journal=bench.journal)
        worker.register("shop_orders", flow)
        bench.odoo.reset_counts()
        started = time.perf_counter()
        done = 0
        for start in range(0, len(bodies), per_tick):
            with bench.store.transaction():  # what the receiver does per delivery
                for body in bodies[start : start + per_tick]:
                    for spec in jobs_for(body, "orders/create"):
                        bench.store.enqueue(*spec)
            if batched:
                imported, _ = flow.run_batch(skip=lambda job: job.attempts > 0)
                done += imported
            done += worker.run_due().done
        wall = time.perf_counter() - started
        return {
            "orders": count,
            "per_tick": per_tick,
            "imported": done,
            "wall_s": wall,
            "odoo_calls": bench.odoo.calls,
            "calls_per_order": bench.odoo.calls / max(done, 1),
            "by_method": dict(bench.odoo.calls_by_method),
        }
    finally:
        bench.close()


def report_live(count: int, ticks: list[int], products: int) -> None:
    print(f"== live (webhook) shop orders -> Odoo: {count} orders")
    print(
        f"{'path':<26} {'per tick':>8} {'imported':>8} {'wall s':>8} {'odoo calls':>10} "
        f"{'calls/order':>11}"
    )
    runs = [("worker alone (one by one)", 1, False)] + [
        ("engine run (batch + worker)", k, True) for k in ticks
    ]
    for label, per_tick, batched in runs:
        r = bench_live(count, per_tick, products, batched=batched)
        print(
            f"{label:<26} {per_tick:>8} {r['imported']:>8} {r['wall_s']:>8.2f} "
            f"{r['odoo_calls']:>10} {r['calls_per_order']:>11.3f}"
        )
    print(f"target <= {TARGET_CALLS} calls per order (amortised)")


def bench_stock(variants: int, batch: int, *, prices: bool = False) -> dict[str, Any]:
    bench = Bench(variants)
    try:
        location = bench.odoo.external_id("stock.stock_location_stock")
        assert location is not None
        locations = {location[1]: SHOP_LOCATION}
        worker = Worker(bench.store, PLANS, journal=bench.journal)
        flow = CatalogueStockFlow(
            bench.odoo, bench.api, bench.store, locations, journal=bench.journal, sync_prices=prices
        )
        worker.register("catalogue_stock", flow)
        kinds: Counter[str] = Counter()
        request = bench.api.request

        def counted(method: str, path: str, **kwargs: Any) -> Any:
            kinds[f"{method} {re.sub(r'[0-9]+', '{id}', path.split('?')[0])}"] += 1
            return request(method, path, **kwargs)

        bench.api.request = counted  # type: ignore[method-assign]
        poller = StockPoller(bench.odoo, bench.store, locations, batch_size=batch)
        runs = []
        for label in ("first run (everything)", "second run (no change)"):
            bench.api.calls = 0
            kinds.clear()
            bench.odoo.reset_counts()
            started = time.perf_counter()
            polled = poller.poll()
            failed = 0
            while True:
                report = worker.run_due(limit=100)
                failed += report.failed
                if report.ran == 0:
                    break
            wall = time.perf_counter() - started
            runs.append(
                {
                    "run": label,
                    "jobs": polled.enqueued,
                    "failed": failed,
                    "shop_calls": bench.api.calls,
                    "odoo_calls": bench.odoo.calls,
                    "wall_s": wall,
                    "kinds": dict(kinds),
                }
            )
        sent = bench.store.execute("SELECT COUNT(*) FROM shop_stock_sent")[0][0]
        return {"variants": variants, "runs": runs, "levels_sent": sent}
    finally:
        bench.close()


def report_orders(counts: list[int], batch: int, products: int) -> None:
    print(f"== shop orders -> Odoo (batches of {batch})")
    print(f"{'orders':>7} {'wall s':>8} {'orders/s':>9} {'odoo calls':>10} {'calls/order':>11}")
    results = []
    for count in counts:
        r = bench_orders(count, batch, products)
        results.append(r)
        print(
            f"{r['orders']:>7} {r['wall_s']:>8.2f} {r['imported'] / r['wall_s']:>9.1f} "
            f"{r['odoo_calls']:>10} {r['calls_per_order']:>11.3f}"
            + ("" if r["confirmed"] == count else f"  (confirmed {r['confirmed']})")
        )
    if len(results) >= 2:
        first, last = results[0], results[-1]
        growth = last["wall_s"] / first["wall_s"]
        size = last["orders"] / first["orders"]
        print(
            f"growth {first['orders']} -> {last['orders']}: x{growth:.2f} wall time for "
            f"x{size:.0f} orders (linear: x{size:.0f})"
        )
    worst = max(r["calls_per_order"] for r in results)
    print(
        f"calls per order: target <= {TARGET_CALLS}: {'met' if worst <= TARGET_CALLS else 'MISSED'}"
    )
    print(f"Odoo calls by method ({results[-1]['orders']} orders): {results[-1]['by_method']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--variants", type=int, default=50000)
    parser.add_argument("--products", type=int, default=200, help="SKUs the orders use")
    parser.add_argument("--batch", type=int, default=500, help="orders (or products) a batch")
    parser.add_argument(
        "--prices", action="store_true", help="also sync prices (PUT /variants where they differ)"
    )
    parser.add_argument("--skip-orders", action="store_true", help="the stock push only")
    parser.add_argument("--quick", action="store_true", help="tiny counts (a smoke run)")
    parser.add_argument(
        "--live", type=int, default=0, metavar="N", help="only the live path, with N orders"
    )
    parser.add_argument(
        "--per-tick",
        type=int,
        nargs="+",
        default=[1, 5, 20],
        metavar="K",
        help="orders arriving between two passes of the engine loop (--live)",
    )
    args = parser.parse_args(argv)
    if args.live:
        report_live(args.live, args.per_tick, args.products)
        return 0
    if args.quick:
        args.orders, args.variants, args.products = [20, 60], 300, 20
    if not args.skip_orders:
        report_orders(args.orders, args.batch, args.products)
        print()
    print(f"== stock Odoo -> shop: {args.variants} variants, one location, batches of 250")
    stock = bench_stock(args.variants, 250, prices=args.prices)
    print(f"{'run':<24} {'jobs':>5} {'shop calls':>10} {'odoo calls':>10} {'wall s':>8}")
    for run in stock["runs"]:
        print(
            f"{run['run']:<24} {run['jobs']:>5} {run['shop_calls']:>10} "
            f"{run['odoo_calls']:>10} {run['wall_s']:>8.2f}"
            + (f"  ({run['failed']} failed)" if run["failed"] else "")
        )
        if run["kinds"]:
            print(f"    shop calls by kind: {run['kinds']}")
    print(f"levels set: {stock['levels_sent']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
