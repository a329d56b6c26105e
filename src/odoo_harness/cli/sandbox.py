"""``odoo-harness sandbox up``: start the embedded Odoo, and the provider mocks beside it
(carrier, shop, CRM; see docs/provider-mocks.md), for manual exploration."""

from __future__ import annotations

import argparse
import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..odoo.catalogue import parse_spec, seed_catalogue
from ..odoo.http.server import SandboxServer
from ..odoo.profiles import DEFAULT_VERSION, PROFILES
from ..odoo.sandbox import Sandbox
from ..serving import LoopbackServer, tune_gc_for_serving
from . import _types

MOCKS = ("carrier", "shop", "crm")  # in port order: --mock-port-base N gives N, N+1, N+2


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
    up.add_argument(
        "--port", type=_types.port, default=8069, help="port on 127.0.0.1 (0: any free port)"
    )
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
        "--mock-port-base",
        type=int,
        default=0,
        metavar="N",
        help="serve the carrier, shop and CRM mocks on ports N, N+1, N+2 of 127.0.0.1 "
        "(default 0: any free ports)",
    )
    up.add_argument(
        "--mock-state-dir",
        default=None,
        metavar="DIR",
        help="keep the mocks' state in DIR/carrier.sqlite, shop.sqlite, crm.sqlite so that "
        "it survives a restart (default: in memory)",
    )
    up.add_argument(
        "--no-mocks",
        dest="mocks",
        action="store_false",
        help="serve Odoo only, without the provider mocks",
    )
    up.add_argument(
        "--for",
        dest="seconds",
        type=_types.seconds,
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


@dataclass(frozen=True)
class RunningMock:
    """One provider mock served beside the sandbox: what ``describe_mock`` prints."""

    title: str
    server: LoopbackServer
    api_path: str  # appended to the server's URL: where the contract's paths start
    credentials: tuple[str, ...]  # lines, throwaway sandbox credentials

    @property
    def api_url(self) -> str:
        return self.server.url + self.api_path


def describe_mock(mock: RunningMock) -> str:
    lines = [f"{mock.title} at {mock.api_url}"]
    lines += [f"  {line}" for line in mock.credentials]
    lines.append(
        f"  control API  {mock.server.url}/_control/ (faults, clock, journal, reset, seed)"
    )
    return "\n".join(lines)


def _mock_ports(base: int) -> list[int]:
    if base == 0:
        return [0] * len(MOCKS)
    if not 1 <= base <= 65535 - len(MOCKS) + 1:
        raise ConfigError(f"--mock-port-base must be 0 or 1..{65535 - len(MOCKS) + 1} (got {base})")
    return [base + i for i in range(len(MOCKS))]


@contextlib.contextmanager
def serve_mocks(port_base: int, state_dir: Path | None = None) -> Iterator[list[RunningMock]]:
    """The carrier, shop and CRM mocks on 127.0.0.1, each from its documented constructor,
    delivering webhooks on a background thread; stopped on exit. With ``state_dir``, each
    keeps its state in ``<state_dir>/<mock>.sqlite``."""
    from ..providers.carrier import DEFAULT_ACCOUNTS, CarrierMock
    from ..providers.crm import CrmMock
    from ..providers.shop import CLIENT_SECRET, TEST_TOKEN, ShopMock

    carrier_port, shop_port, crm_port = _mock_ports(port_base)
    paths = {name: state_dir / f"{name}.sqlite" if state_dir else None for name in MOCKS}
    with contextlib.ExitStack() as stack:
        carrier = CarrierMock(seed=7, state_path=paths["carrier"])
        stack.callback(carrier.close_state)
        account = next(a for a in DEFAULT_ACCOUNTS if a.mode == "test")
        carrier_server = stack.enter_context(carrier.serve(carrier_port))
        shop = ShopMock(seed=7, state_path=paths["shop"])
        stack.callback(shop.close_state)
        shop_server = stack.enter_context(shop.server(shop_port))
        shop.webhooks.start()
        stack.callback(shop.webhooks.stop)
        crm = CrmMock(seed=0, state_path=paths["crm"])
        stack.callback(crm.close_state)
        crm_server = stack.enter_context(crm.server(crm_port))
        crm.webhooks.start()
        stack.callback(crm.webhooks.stop)
        creds = crm.credentials_summary()
        sandbox_token = next(t for t, p in creds["private_app_tokens"].items() if p == "sandbox")
        yield [
            RunningMock(
                "Shipping carrier mock (ParcelHub)",
                carrier_server,
                "",
                (
                    f"API key      {account.api_key} (Authorization: Bearer <key>; sandbox)",
                    f"OAuth client {account.client_id} / {account.client_secret} "
                    "(POST /oauth/token)",
                ),
            ),
            RunningMock(
                "eCommerce shop mock (Shopify Admin REST 2024-07)",
                shop_server,
                "/admin/api/2024-07",
                (
                    f"token        {TEST_TOKEN} (X-Shopify-Access-Token; development store)",
                    f"app secret   {CLIENT_SECRET} (signs webhooks: X-Shopify-Hmac-Sha256)",
                ),
            ),
            RunningMock(
                "CRM mock (HubSpot v3)",
                crm_server,
                "",
                (
                    f"token        {sandbox_token} (Authorization: Bearer <token>; sandbox "
                    f"portal {creds['portals'].get('sandbox', '')})",
                    f"OAuth app    {creds['app_id']}: client {creds['client_id']} / "
                    f"{creds['client_secret']}; developer API key {creds['developer_api_key']}",
                ),
            ),
        ]


def _mock_state_dir(name: str | None) -> Path | None:
    return None if name is None else _folder("--mock-state-dir", name)


def _folder(flag: str, name: str) -> Path:
    """The folder ``flag`` names, made when missing; a usage error when it cannot be."""
    directory = Path(name)
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"{flag} {name}: is a file; name a folder")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{flag} {name}: cannot use it ({exc.strerror})") from None
    return directory


def make_sandbox(args: argparse.Namespace) -> Sandbox:
    path = None
    if args.data_dir:
        directory = _folder("--data-dir", args.data_dir)
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
    _mock_ports(args.mock_port_base)  # a bad --mock-port-base is refused before anything starts
    server = SandboxServer(sandbox=make_sandbox(args), port=args.port)
    tune_gc_for_serving()
    with server, contextlib.ExitStack() as stack:
        state_dir = _mock_state_dir(args.mock_state_dir) if args.mocks else None
        mocks = (
            stack.enter_context(serve_mocks(args.mock_port_base, state_dir)) if args.mocks else []
        )
        print(describe(server), flush=True)
        for mock in mocks:
            print(describe_mock(mock), flush=True)
        if mocks:
            print(
                "The mocks' credentials are throwaway sandbox ones (docs/provider-mocks.md).",
                flush=True,
            )
        print("Press Ctrl-C to stop.", flush=True)
        print(f"sandbox ready: {server.url}", flush=True)  # what scripts wait for
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
