"""The catalogue_stock flow creating an Odoo catalogue in an empty shop: calls and time.

A sandbox with ``--variants`` SKUs (one variant a template) and an empty shop mock (no rate limit); the poller and the worker run until nothing is due, then once
more with no change. Prints the shop calls by kind, the Odoo calls and the wall time of
each run. The create-or-find look-up costs one walk of the shop's catalogue per job that
creates (``GET /products.json`` pages of 250).

    .venv/bin/python benchmarks/catalogue_create.py --variants 1000
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_orders import PLANS, SHOP_LOCATION, Bench  # noqa: E402

from odoo_harness.engine import Worker  # noqa: E402
from odoo_harness.engine.catalogue_stock import CatalogueStockFlow, StockPoller  # noqa: E402


class EmptyShopBench(Bench):
    """``Bench`` whose shop starts with no products."""

    def _seed_shop_products(self) -> None:
        pass


def run(variants: int, batch: int) -> None:
    bench = EmptyShopBench(variants)
    try:
        location = bench.odoo.external_id("stock.stock_location_stock")
        assert location is not None
        locations = {location[1]: SHOP_LOCATION}
        worker = Worker(bench.store, PLANS, journal=bench.journal)
        flow = CatalogueStockFlow(bench.odoo, bench.api, bench.store, locations)
        worker.register("catalogue_stock", flow)
        kinds: Counter[str] = Counter()
        request = bench.api.request

        def counted(method: str, path: str, **kwargs: Any) -> Any:
            kinds[f"{method} {re.sub(r'[0-9]+', '{id}', path.split('?')[0])}"] += 1
            return request(method, path, **kwargs)

        bench.api.request = counted  # type: ignore[method-assign]
        poller = StockPoller(bench.odoo, bench.store, locations, batch_size=batch)
        print(f"== {variants} variants into an empty shop, batches of {batch}")
        print(f"{'run':<24} {'jobs':>5} {'shop calls':>10} {'odoo calls':>10} {'wall s':>8}")
        for label in ("first run (creates)", "second run (no change)"):
            kinds.clear()
            bench.odoo.reset_counts()
            started = time.perf_counter()
            jobs = poller.poll().enqueued
            failed = 0
            while (report := worker.run_due(limit=100)).ran:
                failed += report.failed
            wall = time.perf_counter() - started
            print(
                f"{label:<24} {jobs:>5} {sum(kinds.values()):>10} {bench.odoo.calls:>10} "
                f"{wall:>8.2f}" + (f"  FAILED {failed}" if failed else "")
            )
            print(f"    shop calls by kind: {dict(sorted(kinds.items()))}")
        products = sum(1 for _ in bench.api.products())
        print(f"shop products: {products}")
    finally:
        bench.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=250)
    args = parser.parse_args(argv)
    run(args.variants, args.batch)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
