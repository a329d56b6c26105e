"""Stock availability under load: the reference endpoint, the naive baseline and the trivial
route, side by side, at several catalogue sizes (issue 7). Prints figures; asserts nothing.

For each size it starts the sandbox (catalogue SIZE x 4 warehouses) and the reference stock
endpoint as child processes on 127.0.0.1, then runs the same Locust mix (docs/load-testing.md)
with the same users, spawn rate and duration against each route, each run in Locust's own
process. See benchmarks/README.md for the columns and targets.

    .venv/bin/python benchmarks/stock_load.py                      # 1k/20k/200k, 50 users, 30 s
    .venv/bin/python benchmarks/stock_load.py --quick              # 1,000 only, 10 users, 10 s
    .venv/bin/python benchmarks/stock_load.py --sizes 1000 20000 --users 20 --duration 15
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from odoo_harness.load.contract import DEFAULT_CONTRACT, load_contract
from odoo_harness.load.run import API_KEY_ENV, LoadSettings, run_load, serve_endpoint
from odoo_harness.load.stats import AGGREGATED, RequestStats
from odoo_harness.load.workload import FIFTY_SKUS, ONE_SKU, PAGE

# Real Odoo 18 (community, no demo, --workers=0, 2 cores, 20,000 products), JSON-RPC
# qty_available/free_qty/virtual_available in a warehouse context: p50 in ms.
ODOO_P50_MS = {FIFTY_SKUS: 39.0, ONE_SKU: 22.0, PAGE: 317.0}
SPEEDUP_TARGET = 20.0
WARM_UP = ("warm-up", "reference", (), False)
WARM_UP_S = 5.0
ONE_USER = "reference 1 user"
RUNS = (  # (label, route, Locust tags, one user): the mix on each route, 50 SKUs alone, and
    # the mix from a single user (one request at a time, as Odoo's figures were measured)
    ("reference", "reference", (), False),
    ("naive", "naive", (), False),
    ("trivial", "trivial", (), False),
    ("reference 50-sku only", "reference", ("fifty",), False),
    (ONE_USER, "reference", (), True),
)


@dataclass(frozen=True)
class Row:
    size: int
    label: str
    stats: dict[str, RequestStats]

    @property
    def total(self) -> RequestStats:
        return self.stats.get(AGGREGATED) or RequestStats(AGGREGATED, 0, 0, None, None, None, 0)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000, 200000])
    parser.add_argument("--warehouses", type=int, default=4)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=50.0)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per run")
    parser.add_argument(
        "--quick", action="store_true", help="--sizes 1000 --users 10 --duration 10"
    )
    parser.add_argument("--report", type=Path, default=Path("reports/load/benchmark"))
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.users, args.spawn_rate, args.duration = [1000], 10, 10.0, 10.0
    return args


def run(args: argparse.Namespace) -> list[Row]:
    contract = load_contract(DEFAULT_CONTRACT)
    rows = []
    for size in args.sizes:
        catalogue = f"{size}x{args.warehouses}"
        bound = 600 + len(RUNS) * (args.duration + 60)
        with serve_endpoint(catalogue, bound, say=lambda text: print(text, flush=True)) as (
            url,
            env,
        ):
            os.environ[API_KEY_ENV] = env[API_KEY_ENV]
            # An untimed warm-up run first: the endpoint's first requests and refreshes
            # right after it is ready are not what the table is about.
            for label, route, tags, alone in (WARM_UP, *RUNS):
                settings = LoadSettings(
                    contract=contract, slo={}, slo_source="none (benchmark)",
                    report=args.report / f"{size}-{label.replace(' ', '-')}", target=url,
                    catalogue=catalogue, variants=size, warehouses=args.warehouses,
                    users=1 if alone else args.users, spawn_rate=args.spawn_rate,
                    duration=min(args.duration, WARM_UP_S) if label == WARM_UP[0] else args.duration,
                    route=route, tags=tags,
                )  # fmt: skip
                stats = run_load(settings).stats
                if label != WARM_UP[0]:
                    rows.append(Row(size, label, stats))
    return rows


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def report(args: argparse.Namespace, rows: list[Row]) -> str:
    lines = [
        f"command: {shlex.join([sys.executable, *sys.argv])}",
        f"every run (but '{ONE_USER}'): {args.users} users, spawn rate {args.spawn_rate:g}/s, "
        f"{args.duration:g} s, "
        f"no wait between requests, Locust in its own process; catalogue SIZE x {args.warehouses}",
        "",
        f"{'variants':>9} {'route':<22} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        f" {'requests':>9} {'failures':>8}",
    ]
    for row in rows:
        t = row.total
        lines.append(
            f"{row.size:>9} {row.label:<22} {t.rps:>8.0f} {_ms(t.p50_ms):>7} {_ms(t.p95_ms):>7}"
            f" {_ms(t.p99_ms):>7} {t.requests:>9} {t.failures:>8}"
        )
    by = {(r.size, r.label): r for r in rows}
    small, large = min(args.sizes), max(args.sizes)
    lines += ["", "ratios (targets in brackets):"]
    for label, kind in (("mix", AGGREGATED), ("50 SKUs", FIFTY_SKUS)):
        a = by.get((large, "reference"))
        b = by.get((small, "reference"))
        if a and b and kind in a.stats and kind in b.stats:
            r = _ratio(a.stats[kind].p50_ms, b.stats[kind].p50_ms)
            lines.append(
                f"  reference p50 ({label}) at {large:,} / at {small:,}: {_fmt(r)} [<= 1.2]"
            )
    ref, naive = by.get((large, "reference")), by.get((large, "naive"))
    if ref and naive:
        r = _ratio(ref.total.rps, naive.total.rps)
        lines.append(f"  reference / naive throughput at {large:,}: {_fmt(r, 1)} [>= 20]")
    for size in args.sizes:
        trivial = by.get((size, "trivial"))
        for label in ("reference", "reference 50-sku only"):
            ref = by.get((size, label))
            if ref and trivial:
                r = _ratio(ref.total.rps, trivial.total.rps)
                lines.append(f"  {label} / trivial throughput at {size:,}: {_fmt(r)} [>= 0.5]")
    lines += [
        "",
        f"reference p50 per question from one user vs real Odoo 18 (one call at a time; "
        f"target {SPEEDUP_TARGET:g}x faster):",
    ]
    for size in args.sizes:
        ref = by.get((size, ONE_USER))
        for kind, odoo in ODOO_P50_MS.items():
            stats = ref.stats.get(kind) if ref else None
            p50 = stats.p50_ms if stats else None
            speedup = _ratio(odoo, p50) if p50 else None
            met = "-" if p50 is None else ("met" if p50 <= odoo / SPEEDUP_TARGET else "missed")
            lines.append(
                f"  {size:>7,} {kind:<16} p50 {_ms(p50):>5} ms  Odoo {odoo:g} ms  "
                f"target <= {odoo / SPEEDUP_TARGET:.2g} ms  x{_fmt(speedup, 1)}  {met}"
            )
    lines.append(
        "Locust rounds response times under 100 ms to whole milliseconds: a p50 of 1 ms means "
        "0.5-1.5 ms."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rows = run(args)
    print(report(args, rows), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
