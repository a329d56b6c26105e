"""``odoo-harness sandbox up``: start the embedded Odoo for manual exploration."""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..odoo.catalogue import parse_spec, seed_catalogue
from ..odoo.http.server import SandboxServer
from ..odoo.profiles import DEFAULT_VERSION, PROFILES
from ..odoo.sandbox import Sandbox


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("sandbox", help="start sandboxes for manual exploration")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    up = actions.add_parser("up", help="serve the embedded Odoo on 127.0.0.1 until stopped")
    up.add_argument(
        "--odoo-version",
        default=DEFAULT_VERSION,
        choices=sorted(PROFILES),
        help=f"Odoo version profile (default {DEFAULT_VERSION})",
    )
    up.add_argument("--port", type=int, default=8069, help="port on 127.0.0.1 (0: any free port)")
    up.add_argument(
        "--fixture",
        dest="fixtures",
        action="append",
        default=[],
        metavar="FILE",
        help="YAML records to load on top of the master data (repeatable)",
    )
    up.add_argument(
        "--catalogue",
        default=None,
        metavar="SPEC",
        help="seed a generated catalogue: a size like 20000x4 (variants x warehouses) "
        "or a YAML spec file (see docs/catalogue.md)",
    )
    up.add_argument(
        "--data-dir",
        default=None,
        metavar="DIR",
        help="keep the database in DIR/odoo-<version>.sqlite between runs",
    )
    up.add_argument(
        "--reset", action="store_true", help="with --data-dir: start again from a fresh database"
    )
    up.add_argument(
        "--for",
        dest="seconds",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop by itself after this many seconds",
    )
    up.set_defaults(handler=sandbox_up)


def describe(server: SandboxServer) -> str:
    creds = server.credentials
    lines = [
        f"Odoo {server.sandbox.profile.server_version} sandbox (embedded) at {server.url}",
        f"  database     {server.db}",
        f"  admin        login {creds['admin'][0]!r}, password {creds['admin'][1]!r}",
        f"  integration  login {creds['integration'][0]!r}, "
        f"password {creds['integration'][1]!r} (restricted rights)",
    ]
    if server.api_key:
        lines.append(f"  admin API key {server.api_key} (JSON-2: Authorization: bearer <key>)")
    lines.append(f"  control API  {server.url}/_control/ (faults, clock, journal, reset)")
    lines.append("These throwaway credentials exist only in this sandbox.")
    return "\n".join(lines)


def make_sandbox(args: argparse.Namespace) -> Sandbox:
    path = None
    if args.data_dir:
        directory = Path(args.data_dir)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"odoo-{args.odoo_version}.sqlite"
    sandbox = Sandbox(args.odoo_version, path=path, keep=not args.reset)
    if args.fixtures:
        count = sandbox.load_fixtures(args.fixtures)
        print(f"loaded {count} records from {len(args.fixtures)} fixture file(s)", flush=True)
    if getattr(args, "catalogue", None):
        spec = parse_spec(args.catalogue)
        started = time.monotonic()
        summary = seed_catalogue(sandbox, spec)
        print(
            f"seeded catalogue {args.catalogue}: {summary.templates} templates, "
            f"{summary.variants} variants, {len(summary.warehouses)} warehouse(s), "
            f"{summary.quants} quants, {summary.partners} partners, {summary.orders} open "
            f"orders in {time.monotonic() - started:.1f}s",
            flush=True,
        )
    return sandbox


def sandbox_up(args: argparse.Namespace) -> int:
    if args.reset and not args.data_dir:
        raise ConfigError(
            "--reset only applies with --data-dir (an in-memory sandbox is always fresh)"
        )
    server = SandboxServer(sandbox=make_sandbox(args), port=args.port)
    with server:
        print(describe(server), flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        stop = threading.Event()
        deadline = None if args.seconds is None else time.monotonic() + args.seconds
        try:
            while not stop.wait(0.2):
                if deadline is not None and time.monotonic() >= deadline:
                    break
        except KeyboardInterrupt:
            pass
    print("sandbox stopped", flush=True)
    return 0
