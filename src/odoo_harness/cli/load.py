"""``odoo-harness load stock``: load-test a stock availability endpoint with Locust and judge
the contract's ``x-slo``. Exit codes: 0 objectives met, 1 an objective breached (or a worker
made no request), 3 the sandbox, endpoint or Locust failed, 4 usage error.

``odoo_harness.load`` is imported only when the command runs (docs/load-testing.md).
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

from ..errors import ConfigError, SandboxError

EXIT_OK, EXIT_FAILED, EXIT_INTERNAL = 0, 1, 3
DEFAULT_REPORT = Path("reports/load")


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("load", help="load-test endpoints with Locust")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    stock = actions.add_parser(
        "stock",
        help="load-test a stock availability endpoint (by default a fresh sandbox's)",
        description="Run the stock query mix with Locust, write reports, judge x-slo.",
    )
    stock.add_argument(
        "--target",
        default=None,
        metavar="URL",
        help="the endpoint to load (default: start the sandbox and the reference endpoint "
        "on loopback)",
    )
    stock.add_argument(
        "--api-key-env",
        default="ODOO_HARNESS_STOCK_API_KEY",
        metavar="NAME",
        help="with --target: the environment variable holding its API key "
        "(default ODOO_HARNESS_STOCK_API_KEY)",
    )
    stock.add_argument(
        "--catalogue",
        default="1000x4",
        metavar="SIZE",
        help="variants x warehouses, or a catalogue spec file (docs/catalogue.md; default 1000x4)",
    )
    stock.add_argument("--users", type=int, default=10, metavar="N", help="default 10")
    stock.add_argument(
        "--spawn-rate", type=float, default=10.0, metavar="R", help="users started per second"
    )
    stock.add_argument(
        "--duration", default="15s", metavar="D", help="run time: 15, 15s, 2m, 1m30s (default 15s)"
    )
    stock.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="K",
        help="Locust's distributed mode: a master and K worker processes on this machine",
    )
    stock.add_argument(
        "--route",
        default="reference",
        choices=("reference", "naive", "trivial"),
        help="the route variant to load (default reference)",
    )
    source = stock.add_mutually_exclusive_group()
    source.add_argument(
        "--slo-file", default=None, metavar="FILE", help="objectives from this YAML file"
    )
    source.add_argument(
        "--contract",
        default=None,
        metavar="FILE",
        help="the contract (paths, fields, x-slo; default "
        "contracts/engine/stock_availability.openapi.yaml)",
    )
    stock.add_argument(
        "--slo",
        action="append",
        default=[],
        metavar="OBJECTIVE=VALUE",
        help="override one objective, e.g. --slo p95_ms=0.01 (repeatable)",
    )
    stock.add_argument(
        "--report",
        type=Path,
        default=DEFAULT_REPORT,
        metavar="DIR",
        help=f"where the reports go (default {DEFAULT_REPORT})",
    )
    stock.set_defaults(handler=load_stock)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def load_stock(args: argparse.Namespace) -> int:
    from ..load.contract import DEFAULT_CONTRACT, load_contract
    from ..load.run import LoadSettings, parse_duration, run_load
    from ..load.slo import load_slo_file, parse_overrides
    from ..odoo.catalogue import parse_spec

    spec = parse_spec(args.catalogue)
    duration = parse_duration(args.duration)
    overrides = parse_overrides(args.slo)
    contract = load_contract(args.contract or DEFAULT_CONTRACT)
    if args.slo_file:
        slo, source = load_slo_file(args.slo_file), args.slo_file
    else:
        slo, source = dict(contract.slo), f"{contract.source} (x-slo)"
    if overrides:
        slo.update(overrides)
        source += " with --slo " + " ".join(args.slo)
    if not slo:
        raise ConfigError(f"{source}: no objective to judge; give x-slo, --slo-file or --slo")
    settings = LoadSettings(
        contract=contract,
        slo=slo,
        slo_source=source,
        report=args.report,
        target=args.target,
        api_key_env=args.api_key_env,
        catalogue=args.catalogue,
        variants=spec.variants,
        warehouses=spec.warehouses,
        users=args.users,
        spawn_rate=args.spawn_rate,
        duration=duration,
        workers=args.workers,
        route=args.route,
    )
    previous = signal.signal(signal.SIGTERM, _interrupt)  # children are stopped on the way out
    try:
        result = run_load(settings, say=lambda text: print(text, flush=True))
    except SandboxError as exc:
        print(f"odoo-harness: error: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        signal.signal(signal.SIGTERM, previous)
    aggregated = result.stats.get("Aggregated")
    if aggregated:
        print(
            f"{aggregated.requests} requests, {aggregated.failures} failures, "
            f"{aggregated.rps:.0f} req/s; reports in {args.report}/ (summary.html)",
            flush=True,
        )
    if result.worker_requests:
        counts = ", ".join(f"{n}" for n in result.worker_requests.values())
        print(f"requests per worker: {counts}", flush=True)
    for verdict in result.verdicts:
        print(verdict.describe(), flush=True)
    for problem in result.problems:
        print(f"FAILED: {problem}", flush=True)
    breached = [v.objective for v in result.verdicts if not v.met]
    if result.passed:
        print(f"PASSED: every objective met ({settings.slo_source})", flush=True)
    else:
        print(f"FAILED: {', '.join(breached + result.problems)}", flush=True)
    return EXIT_OK if result.passed else EXIT_FAILED
