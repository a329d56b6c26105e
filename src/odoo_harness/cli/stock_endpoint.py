"""``odoo-harness engine stock-endpoint``: serve stock availability from a snapshot of Odoo.

A full refresh first (progress on stderr), then ``stock endpoint ready: URL`` on stdout and
serving on 127.0.0.1, refreshing every ``--refresh-every`` seconds, until ``--for`` is over
or SIGINT/SIGTERM. Credentials from the environment only (docs/stock-endpoint.md).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..serving import tune_gc_for_serving
from . import _types

STOCK_KEY_ENV = "ODOO_HARNESS_STOCK_API_KEY"
EXIT_OK, EXIT_INTERNAL = 0, 3


def add_parser(actions: Any) -> None:
    parser = actions.add_parser(
        "stock-endpoint",
        help="serve stock availability from a snapshot of Odoo (and the naive baseline)",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("--odoo-url", required=True, metavar="URL", help="Odoo's base URL")
    parser.add_argument("--db", required=True, metavar="DB", help="the Odoo database")
    parser.add_argument("--login", required=True, metavar="LOGIN", help="the integration user")
    parser.add_argument(
        "--protocol",
        default="jsonrpc",
        choices=("xmlrpc", "jsonrpc", "json2"),
        help="how to reach Odoo (default jsonrpc)",
    )
    parser.add_argument(
        "--port", type=_types.port, default=0, help="the port (default: a free one)"
    )
    parser.add_argument(
        "--store",
        type=Path,
        default=None,
        metavar="PATH",
        help="the snapshot's SQLite file (default: in memory)",
    )
    parser.add_argument(
        "--refresh-every",
        type=_types.positive_seconds,
        default=5.0,
        metavar="SECONDS",
        help="seconds between incremental refreshes (default 5): the staleness bound",
    )
    parser.add_argument(
        "--full-refresh-every",
        type=_types.positive_seconds,
        default=None,
        metavar="SECONDS",
        help="also read everything again this often (default never): bounds what write "
        "dates cannot show, e.g. a long transaction committed late",
    )
    parser.add_argument(
        "--for",
        dest="seconds",
        type=_types.seconds,
        default=None,
        metavar="SECONDS",
        help="stop after this long (default: until interrupted)",
    )
    parser.set_defaults(handler=run_stock_endpoint)


def run_stock_endpoint(args: argparse.Namespace) -> int:
    from ..engine import OdooAdapter, OdooConnection, SyncError
    from ..engine.stock_availability import StockEndpointServer
    from ..journal import Journal
    from .engine import ENV

    password = os.environ.get(ENV["odoo_password"]) or None
    api_key = os.environ.get(ENV["odoo_api_key"]) or None
    if not (password or api_key):
        raise ConfigError(
            f"no Odoo credential: set {ENV['odoo_password']} or {ENV['odoo_api_key']}"
        )
    stock_key = os.environ.get(STOCK_KEY_ENV) or None
    if stock_key is None:
        stock_key = secrets.token_urlsafe(24)
        print(
            f"stock endpoint: no ${STOCK_KEY_ENV}; throwaway API key: {stock_key}", file=sys.stderr
        )
    try:
        connection = OdooConnection(
            args.odoo_url,
            args.db,
            args.login,
            password=password,
            api_key=api_key,
            protocol=args.protocol,
        )
    except ValueError as exc:
        raise ConfigError(f"--protocol {args.protocol}: {exc}") from None
    if args.store is not None:
        try:
            args.store.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"--store {args.store}: cannot make the folder {args.store.parent} ({exc.strerror})"
            ) from None
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    # the journal keeps the last entries only: a long run's calls do not pile up in memory
    journal = Journal(max_entries=1000)
    with OdooAdapter(connection, journal=journal) as odoo, _snapshot(odoo, args.store) as snap:
        started = time.monotonic()
        try:
            report = snap.full_refresh(
                lambda line: print(f"stock endpoint: {line}", file=sys.stderr)
            )
        except SyncError as exc:
            print(
                f"stock endpoint: cannot read Odoo at {args.odoo_url} (db {args.db}, user "
                f"{args.login}): {exc}",
                file=sys.stderr,
            )
            return EXIT_INTERNAL
        print(
            f"stock endpoint: snapshot of {len(snap.items)} SKU(s) x {len(snap.warehouses)} "
            f"warehouse(s) in {time.monotonic() - started:.1f} s ({report.calls} Odoo calls)",
            file=sys.stderr,
        )
        tune_gc_for_serving()  # after the full refresh built the snapshot
        server = StockEndpointServer(
            snap,
            api_key=stock_key,
            odoo=odoo,
            port=args.port,
            refresh_every=args.refresh_every,
            full_refresh_every=args.full_refresh_every,
        )
        with server:
            print(f"stock endpoint ready: {server.url}", flush=True)
            stop.wait(args.seconds)
        print(
            f"stock endpoint: stopped after {server.refreshes} refresh(es); as of "
            f"{snap.as_of.isoformat() if snap.as_of else 'never'}",
            file=sys.stderr,
        )
    return EXIT_OK


def _snapshot(odoo: Any, store: Path | None) -> Any:
    from ..engine.stock_availability import StockSnapshot

    try:
        return StockSnapshot(odoo, store)
    except ConfigError as exc:  # names the file; the flag is ours to add
        raise ConfigError(f"--store {exc}") from None


__all__ = ["STOCK_KEY_ENV", "add_parser", "run_stock_endpoint"]
