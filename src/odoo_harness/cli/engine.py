"""``odoo-harness engine run|stock-endpoint|status|failed|retry``: the reference engine.

``status`` counts jobs per flow and state and lists paused flows; ``failed`` lists what
needs a person (reason, detail, since when, attempts); ``retry ID`` / ``retry --flow NAME``
put failed or paused jobs back in line (the running engine picks them up). Exit codes:
0 ok (nothing failed), 1 failed or paused jobs exist, 4 usage error (no store, no job).

``run`` serves the webhook receiver (127.0.0.1, ``--port``, default 9069), polls and runs
due jobs; each flow whose provider URL is given is wired by URL, with credentials from the
environment only (``ENV``). ``stock-endpoint`` serves stock availability from a snapshot
of Odoo (``cli/stock_endpoint.py``).
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.failed_queue import FailedQueue, FailedRecord
from ..engine.jobs import STATES, JobStore
from ..errors import ConfigError
from . import _types

if TYPE_CHECKING:
    from ..engine import OdooAdapter, Worker
    from ..journal import Journal

Every = Callable[..., float]

EXIT_OK, EXIT_FAILED = 0, 1
DEFAULT_STORE = Path(".odoo-harness/engine.sqlite")


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "engine", help="the sync engine: run, stock-endpoint, status, failed, retry"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    status = actions.add_parser("status", help="jobs per flow and state; paused flows")
    failed = actions.add_parser("failed", help="the failed-record queue")
    failed.add_argument("--flow", default=None, metavar="NAME", help="only this flow")
    retry = actions.add_parser("retry", help="run a failed job, or all of a flow, again")
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument("job_id", nargs="?", type=int, metavar="ID", help="the job to retry")
    which.add_argument("--flow", default=None, metavar="NAME", help="every job of this flow")
    run = actions.add_parser("run", help="serve webhooks and run due jobs and schedules")
    run.add_argument(
        "--for",
        dest="seconds",
        type=_types.seconds,
        default=None,
        metavar="SECONDS",
        help="stop after this long (default: until interrupted)",
    )
    run.add_argument(
        "--port",
        type=_types.port,
        default=8069 + 1000,
        help="the webhook receiver's port (default 9069)",
    )
    run.add_argument(
        "--tick", type=_types.positive_seconds, default=0.5, help="seconds between passes"
    )
    run.add_argument("--odoo-url", default=None, metavar="URL", help="Odoo's base URL")
    run.add_argument("--odoo-db", default=None, metavar="DB", help="the Odoo database")
    run.add_argument("--odoo-login", default=None, metavar="LOGIN", help="the integration user")
    run.add_argument(
        "--odoo-protocol",
        default="xmlrpc",
        choices=("xmlrpc", "jsonrpc", "json2"),
        help="how to reach Odoo (default xmlrpc)",
    )
    run.add_argument("--crm-url", default=None, metavar="URL", help="run crm_contacts against it")
    run.add_argument(
        "--shop-url", default=None, metavar="URL", help="run shop_orders and catalogue_stock"
    )
    run.add_argument("--carrier-url", default=None, metavar="URL", help="run shipping against it")
    run.add_argument(
        "--shop-location",
        type=int,
        default=None,
        metavar="ID",
        help="the shop location stock is pushed to (default: the shop's first location)",
    )
    run.add_argument(
        "--odoo-location",
        type=int,
        default=None,
        metavar="ID",
        help="the Odoo stock.location counted (default: the first warehouse's stock location)",
    )
    run.add_argument(
        "--poll-every",
        type=_types.positive_seconds,
        default=60.0,
        metavar="SECONDS",
        help="how often Odoo is polled for changes (default 60)",
    )
    run.add_argument(
        "--contracts",
        type=Path,
        default=None,
        metavar="DIR",
        help="the contracts folder: flows, ownership, provider contracts (default ./contracts)",
    )
    run.add_argument(
        "--initial-sync",
        choices=("all", "none"),
        default="all",
        help="what the first poll of a new store queues: every existing record (all, the "
        "default) or only changes made from now on (none)",
    )
    run.add_argument(
        "--webhook-url",
        default=None,
        metavar="URL",
        help="the receiver's base URL as providers reach it, subscribed at start "
        "(default: its own loopback URL)",
    )
    run.add_argument(
        "--crm-app-id",
        default=None,
        metavar="ID",
        help="the CRM app whose webhooks to set (with $ODOO_HARNESS_CRM_DEVELOPER_KEY)",
    )
    for sub, handler in (
        (status, run_status),
        (failed, run_failed),
        (retry, run_retry),
        (run, run_engine),
    ):
        sub.add_argument(
            "--store",
            type=Path,
            default=DEFAULT_STORE,
            metavar="PATH",
            help=f"the engine's job store (default {DEFAULT_STORE})",
        )
        sub.set_defaults(handler=handler)
    from . import stock_endpoint

    stock_endpoint.add_parser(actions)


def open_store(path: Path, *, create: bool = False) -> JobStore:
    """The job store of ``--store``; only ``engine run`` creates it (``create``)."""
    if not create and not path.exists():
        raise ConfigError(f"no job store at {path}: run the engine first, or pass --store PATH")
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"--store {path}: cannot make the folder {path.parent} ({exc.strerror})"
            ) from None
    try:
        return JobStore(path, create=create)
    except ConfigError as exc:
        raise ConfigError(f"--store {exc}") from None


def run_status(args: argparse.Namespace) -> int:
    store = open_store(args.store)
    try:
        counts = Counter((job.flow, job.state) for job in store.jobs())
        paused = FailedQueue(store).paused_flows()
    finally:
        store.close()
    print(f"job store {args.store}")
    if not counts:
        print("no jobs yet")
        return EXIT_OK
    flows = sorted({flow for flow, _ in counts})
    width = max(len("flow"), *(len(f) for f in flows))
    print(f"{'flow':<{width}}  " + "  ".join(f"{s:>7}" for s in STATES))
    for flow in flows:
        print(f"{flow:<{width}}  " + "  ".join(f"{counts[(flow, s)]:>7}" for s in STATES))
    for flow, reason in paused.items():
        print(f"paused: {flow}: {reason}; fix it, then: odoo-harness engine retry --flow {flow}")
    stuck = sum(n for (_, state), n in counts.items() if state in ("failed", "paused"))
    return EXIT_FAILED if stuck or paused else EXIT_OK


def run_failed(args: argparse.Namespace) -> int:
    store = open_store(args.store)
    try:
        records = FailedQueue(store).records(args.flow)
    finally:
        store.close()
    if not records:
        print("no failed records" + (f" in flow {args.flow}" if args.flow else ""))
        return EXIT_OK
    for record in records:
        print(describe(record))
    print(f"{len(records)} record(s) need attention; retry with: odoo-harness engine retry ID")
    return EXIT_FAILED


def describe(record: FailedRecord) -> str:
    since = record.since.strftime("%Y-%m-%d %H:%M UTC")
    attempts = f"{record.attempts} attempt{'s' if record.attempts != 1 else ''}"
    detail = record.detail.strip().splitlines()[0] if record.detail.strip() else ""
    lines = [
        f"#{record.job_id}  {record.flow}  {record.identity_key}  "
        f"{record.state} since {since} after {attempts}",
        f"    {record.reason}",
    ]
    if detail and detail != record.reason:
        lines.append(f"    detail: {detail}")
    return "\n".join(lines)


def run_retry(args: argparse.Namespace) -> int:
    store = open_store(args.store)
    try:
        queue = FailedQueue(store)
        if args.flow:
            _require_retryable_flow(store, queue, args.flow)
            jobs = queue.retry_flow(args.flow)
            print(f"requeued {len(jobs)} job(s) of flow {args.flow}; the engine runs them next")
            return EXIT_OK
        job = queue.retry(args.job_id)
    finally:
        store.close()
    print(f"requeued job {job.id} ({job.flow} {job.identity_key}); the engine runs it next")
    return EXIT_OK


def _require_retryable_flow(store: JobStore, queue: FailedQueue, flow: str) -> None:
    """``retry --flow`` with nothing to retry is a usage error, as ``retry ID`` of a job
    that is not failed or paused is: a mistyped flow name must not pass for success."""
    if queue.records(flow) or flow in queue.paused_flows():
        return
    known = [row[0] for row in store.execute("SELECT DISTINCT flow FROM jobs ORDER BY flow")]
    if flow not in known:
        raise ConfigError(
            f"--flow {flow}: no job of that flow in {store.path} "
            f"(flows there: {', '.join(known) or 'none'})"
        )
    raise ConfigError(f"--flow {flow}: no failed or paused job and not paused: nothing to retry")


# Credentials come from the environment only (never the command line, never printed).
ENV = {
    "odoo_password": "ODOO_HARNESS_ODOO_PASSWORD",
    "odoo_api_key": "ODOO_HARNESS_ODOO_API_KEY",
    "crm_token": "ODOO_HARNESS_CRM_TOKEN",
    "crm_secret": "ODOO_HARNESS_CRM_CLIENT_SECRET",
    "crm_developer_key": "ODOO_HARNESS_CRM_DEVELOPER_KEY",
    "shop_token": "ODOO_HARNESS_SHOP_TOKEN",
    "shop_secret": "ODOO_HARNESS_SHOP_CLIENT_SECRET",
    "carrier_client_id": "ODOO_HARNESS_CARRIER_CLIENT_ID",
    "carrier_client_secret": "ODOO_HARNESS_CARRIER_CLIENT_SECRET",
    "carrier_api_key": "ODOO_HARNESS_CARRIER_API_KEY",
    "carrier_secret": "ODOO_HARNESS_CARRIER_WEBHOOK_SECRET",
}


def _env(name: str) -> str | None:
    import os

    return os.environ.get(ENV[name]) or None


@dataclass
class Schedule:
    """A poller run every ``every`` seconds (the first pass at start); ``--initial-sync
    none`` baselines the same poller (engine/initial_sync.py)."""

    name: str
    every: float
    poller: Any  # .poll() -> a report with .enqueued, or the count itself
    due: float = 0.0

    def poll(self) -> int:
        done = self.poller.poll()
        return done if isinstance(done, int) else done.enqueued


@dataclass
class Wiring:
    """What ``engine run`` runs: the worker, the receiver's routers and the pollers."""

    worker: Worker
    routers: dict[str, Callable[..., Any]] = field(default_factory=dict)
    schedules: list[Schedule] = field(default_factory=list)
    flows: list[str] = field(default_factory=list)
    closers: list[Callable[[], None]] = field(default_factory=list)
    # provider -> subscribe(receiver URL, webhook secret): the receiver at the provider
    subscribers: dict[str, Callable[[str, str], list[Any]]] = field(default_factory=dict)
    adapters: dict[str, Any] = field(default_factory=dict)
    # run before each pass of the worker: (name, run() -> jobs done)
    batches: list[tuple[str, Callable[[], int]]] = field(default_factory=list)

    def close(self) -> None:
        for close in reversed(self.closers):
            close()


def wire_flows(args: argparse.Namespace, store: JobStore, journal: Journal) -> Wiring:
    """Register each flow whose provider is configured, by URL and credentials."""
    from ..contracts.flows import load_flows, parse_duration
    from ..engine import Notices, OdooAdapter, OdooConnection, Worker
    from ..engine.receiver import crm_router

    providers = [p for p in ("crm", "shop", "carrier") if getattr(args, f"{p}_url")]
    if not args.odoo_url:
        if providers:
            raise ConfigError(
                f"--{providers[0]}-url needs Odoo: pass --odoo-url, --odoo-db and --odoo-login"
            )
        return Wiring(Worker(store, journal=journal), routers={"crm": crm_router})
    if not (args.odoo_db and args.odoo_login):
        raise ConfigError("--odoo-url needs --odoo-db and --odoo-login")
    password, api_key = _env("odoo_password"), _env("odoo_api_key")
    if not (password or api_key):
        raise ConfigError(
            f"no Odoo credential: set {ENV['odoo_password']} or {ENV['odoo_api_key']}"
        )
    contracts = args.contracts or _contracts_dir()
    plans = load_flows(contracts / "flows")
    if not plans:  # every flow needs its plan (retries, what users see): say so now
        raise ConfigError(f"--contracts {contracts}: no flow plans in {contracts / 'flows'}")

    def every(flow: str, *triggers: str) -> float:
        """The plan's schedule for ``flow``; Odoo changes are polled every --poll-every."""
        found = [args.poll_every] if "odoo_change" in triggers else []
        for trigger in triggers:
            value = plans[flow].trigger.get(trigger) if flow in plans else None
            duration = parse_duration(value) if value else None
            if duration is not None:
                found.append(duration.total_seconds())
        return min(found) if found else args.poll_every

    def contract(name: str) -> Path | None:
        path = contracts / "providers" / f"{name}.openapi.yaml"
        return path if path.is_file() else None

    connection = OdooConnection(
        args.odoo_url,
        args.odoo_db,
        args.odoo_login,
        password=password,
        api_key=api_key,
        protocol=args.odoo_protocol,
    )
    odoo = OdooAdapter(connection, journal=journal)
    if args.shop_url:  # shop orders and fulfilments mirror their bindings in Odoo
        _check_binding_rights(odoo, args.odoo_login)
    worker = Worker(store, plans, journal=journal, notices=Notices(odoo, store))
    wiring = Wiring(worker, closers=[odoo.close])
    try:
        if args.crm_url:
            _wire_crm(args, wiring, odoo, store, journal, contracts, contract("crm"), every)
        if args.shop_url:
            _wire_shop(args, wiring, odoo, store, journal, contract("shop"), every)
        if args.carrier_url:
            _wire_carrier(args, wiring, odoo, store, journal, contract("carrier"), every)
    except BaseException:
        wiring.close()
        raise
    return wiring


def _check_binding_rights(odoo: OdooAdapter, login: str) -> None:
    """The engine mirrors its bindings as Odoo external ids: say so before the first job."""
    from ..engine.errors import PermanentError

    try:
        odoo.search_count("ir.model.data", [("id", "=", 0)])
    except PermanentError as exc:
        if "AccessError" not in str(exc):
            raise
        raise ConfigError(
            f"the Odoo user {login!r} may not read ir.model.data, where the engine keeps its "
            "bindings as external ids: give it Administration / Access Rights "
            "(base.group_erp_manager) in Odoo"
        ) from None


def _contracts_dir() -> Path:
    from ..scenarios.sut import repository_root

    return repository_root() / "contracts"


def _wire_crm(
    args: argparse.Namespace,
    wiring: Wiring,
    odoo: OdooAdapter,
    store: JobStore,
    journal: Journal,
    contracts: Path,
    contract: Path | None,
    every: Every,
) -> None:
    from ..contracts.ownership import load_ownership
    from ..engine.crm_adapter import CrmAdapter
    from ..engine.crm_contacts import CrmContactsFlow
    from ..engine.crm_deals import CrmDealsFlow, deal_poller
    from ..engine.poller import WatermarkPoller
    from ..engine.receiver import crm_router
    from ..engine.subscriptions import subscribe_crm

    token = _env("crm_token")
    if not token:
        raise ConfigError(f"--crm-url needs the CRM's access token in {ENV['crm_token']}")
    crm = CrmAdapter(args.crm_url, token=token, journal=journal, contract=contract)
    wiring.closers.append(crm.close)
    ownership = load_ownership(contracts / "ownership" / "partners.yaml")
    flow = CrmContactsFlow(odoo, crm, store, ownership, journal=journal)
    deals = load_ownership(contracts / "ownership" / "deals.yaml")
    flow.deals = CrmDealsFlow(odoo, crm, flow, deals)
    wiring.worker.register("crm_contacts", flow)
    wiring.routers["crm"] = crm_router
    poller = WatermarkPoller(odoo, store, flow="crm_contacts", model="res.partner")
    wiring.schedules.append(
        Schedule("crm_contacts (Odoo partners)", every("crm_contacts", "odoo_change"), poller)
    )
    orders = deal_poller(odoo, store)
    wiring.schedules.append(
        Schedule(
            "crm_contacts (Odoo sale orders as deals)", every("crm_contacts", "odoo_change"), orders
        )
    )
    wiring.flows.append("crm_contacts")
    app_id, developer_key = args.crm_app_id, _env("crm_developer_key")
    if app_id and developer_key:
        wiring.subscribers["crm"] = lambda url, _secret: subscribe_crm(
            crm, app_id, developer_key, f"{url}/webhooks/crm"
        )


def _wire_shop(
    args: argparse.Namespace,
    wiring: Wiring,
    odoo: OdooAdapter,
    store: JobStore,
    journal: Journal,
    contract: Path | None,
    every: Every,
) -> None:
    from ..engine.catalogue_stock import CatalogueStockFlow, StockPoller
    from ..engine.shop_adapter import ShopAdapter
    from ..engine.shop_orders import ShopOrderPoller, ShopOrdersFlow, shop_router
    from ..engine.subscriptions import subscribe_shop

    token = _env("shop_token")
    if not token:
        raise ConfigError(f"--shop-url needs the shop's access token in {ENV['shop_token']}")
    shop = ShopAdapter(args.shop_url, token=token, journal=journal, contract=contract)
    wiring.closers.append(shop.close)
    wiring.adapters["shop"] = shop
    wiring.subscribers["shop"] = lambda url, _secret: subscribe_shop(shop, f"{url}/webhooks/shop")
    imports = ShopOrdersFlow(odoo, store, journal=journal)
    wiring.worker.register("shop_orders", imports)
    notices = wiring.worker.notices

    def fresh_imports() -> int:
        """The live path batched: the import jobs due now, first attempts only (a job
        tried before, or with an open notice, runs alone in the worker)."""
        done, _ = imports.run_batch(
            skip=lambda job: (
                job.attempts > 0 or (notices is not None and notices.get(job.id) is not None)
            )
        )
        return done

    wiring.batches.append(("shop_orders", fresh_imports))
    wiring.routers["shop"] = shop_router
    orders = ShopOrderPoller(shop, store)
    wiring.schedules.append(
        Schedule("shop_orders (shop orders)", every("shop_orders", "fallback_schedule"), orders)
    )
    wiring.flows.append("shop_orders")
    odoo_location = args.odoo_location
    if odoo_location is None:
        # The first warehouse's stock location: what stock.stock_location_stock names,
        # read where an Inventory user may read it (ir.model.data needs Access Rights).
        warehouses = odoo.search_read("stock.warehouse", [], ["lot_stock_id"], limit=1)
        if not warehouses or not warehouses[0]["lot_stock_id"]:
            raise ConfigError(
                "Odoo has no warehouse with a stock location: pass --odoo-location ID"
            )
        odoo_location = int(warehouses[0]["lot_stock_id"][0])
    shop_location = args.shop_location
    if shop_location is None:
        locations = shop.locations()
        if not locations:
            raise ConfigError("the shop has no location: pass --shop-location ID")
        shop_location = int(locations[0]["id"])
    mapping = {odoo_location: shop_location}
    flow = CatalogueStockFlow(odoo, shop, store, mapping, journal=journal)
    wiring.worker.register("catalogue_stock", flow)
    stock = StockPoller(odoo, store, mapping)
    wiring.schedules.append(
        Schedule(
            "catalogue_stock (Odoo stock and products)",
            every("catalogue_stock", "schedule", "odoo_change"),
            stock,
        )
    )
    wiring.flows.append("catalogue_stock")


def _wire_carrier(
    args: argparse.Namespace,
    wiring: Wiring,
    odoo: OdooAdapter,
    store: JobStore,
    journal: Journal,
    contract: Path | None,
    every: Every,
) -> None:
    from ..engine.carrier_adapter import CarrierAdapter
    from ..engine.shipping import ShippingFlow, carrier_router, shipping_poller
    from ..engine.shop_fulfilment import ShopFulfilment
    from ..engine.subscriptions import subscribe_carrier

    client_id, api_key = _env("carrier_client_id"), _env("carrier_api_key")
    if not (client_id or api_key):
        raise ConfigError(
            f"--carrier-url needs {ENV['carrier_client_id']} and "
            f"{ENV['carrier_client_secret']}, or {ENV['carrier_api_key']}"
        )
    carrier = CarrierAdapter(
        args.carrier_url,
        client_id=client_id,
        client_secret=_env("carrier_client_secret"),
        api_key=api_key,
        clock=store.clock,
        journal=journal,
        contract=contract,
    )
    wiring.closers.append(carrier.close)
    shop = wiring.adapters.get("shop")
    fulfil = ShopFulfilment(odoo, shop, store, journal=journal) if shop is not None else None
    wiring.worker.register(
        "shipping", ShippingFlow(odoo, carrier, store, journal=journal, on_shipped=fulfil)
    )
    wiring.subscribers["carrier"] = lambda url, secret: subscribe_carrier(
        carrier, f"{url}/webhooks/carrier", secret
    )
    wiring.routers["carrier"] = carrier_router
    poller = shipping_poller(odoo, store)
    wiring.schedules.append(
        Schedule("shipping (Odoo deliveries)", every("shipping", "odoo_change"), poller)
    )
    wiring.flows.append("shipping")


def run_engine(args: argparse.Namespace) -> int:
    """Serve the webhook receiver, poll on schedule and run due jobs until stopped or
    ``--for`` is over. Each flow whose provider URL is given is wired by URL and the
    credentials in the environment (``ENV``); without ``--odoo-url`` no flow runs and
    jobs without a handler are reported as failed."""
    from ..scenarios.logmask import masked_logs

    # httpx logs request URLs at INFO (-v): the CRM's developer key travels in the query.
    with masked_logs(value for name in ENV if (value := _env(name))):
        return _run_engine(args)


def _run_engine(args: argparse.Namespace) -> int:
    import time

    from ..engine.receiver import WebhookReceiver
    from ..journal import Journal
    from ..serving import LoopbackServer, tune_gc_for_serving

    store = open_store(args.store, create=True)
    tune_gc_for_serving()
    store.recover()
    secrets = {
        name: value
        for name, value in (
            ("crm", _env("crm_secret")),
            ("shop", _env("shop_secret")),
            ("carrier", _env("carrier_secret")),
        )
        if value
    }
    journal = Journal(store.clock.now)
    try:
        wiring = wire_flows(args, store, journal)
    except BaseException:
        store.close()
        raise
    receiver = WebhookReceiver(
        store, secrets, clock=store.clock, journal=journal, routers=wiring.routers
    )
    worker = wiring.worker
    deadline = None if args.seconds is None else time.monotonic() + args.seconds
    try:
        with LoopbackServer(receiver.app, port=args.port, name="webhook receiver") as server:
            print(f"engine: receiving webhooks on {server.url}/webhooks/{{crm,shop,carrier}}")
            print(f"engine: job store {args.store}")
            if wiring.flows:
                print(f"engine: Odoo {args.odoo_url} (db {args.odoo_db}, user {args.odoo_login})")
                print(f"engine: flows {', '.join(wiring.flows)}")
                for schedule in wiring.schedules:
                    print(f"engine: polling {schedule.name} every {schedule.every:g}s")
                _initial_sync(args.initial_sync, wiring.schedules)
            else:
                print("engine: no flow configured (pass --odoo-url and a provider URL)")
            _subscribe(wiring, secrets, (args.webhook_url or server.url).rstrip("/"))
            print("engine: running", flush=True)
            while deadline is None or time.monotonic() < deadline:
                _poll_due(wiring.schedules, time.monotonic())
                _run_batches(wiring.batches)
                report = worker.run_due()
                if report.ran or report.skipped:
                    print(
                        f"engine: ran {report.ran} job(s): {report.done} done, "
                        f"{report.retried} retried, {report.failed} failed, "
                        f"{report.paused} paused, {report.skipped} skipped",
                        flush=True,
                    )
                time.sleep(
                    args.tick
                    if deadline is None
                    else max(0.0, min(args.tick, deadline - time.monotonic()))
                )
    finally:
        print(
            f"engine: stopped; webhooks accepted {receiver.accepted}, duplicates "
            f"{receiver.duplicates}, rejected {receiver.rejected}",
            flush=True,
        )
        wiring.close()
        store.close()
    return EXIT_OK


def _initial_sync(mode: str, schedules: list[Schedule]) -> None:
    """``--initial-sync none``: every poller without a watermark starts from the source's
    newest change instead of reading everything (``engine/initial_sync.py``)."""
    from ..engine.initial_sync import baseline

    if mode == "all":
        print("engine: initial sync all: a poller's first run queues every existing record")
        return
    for schedule in schedules:
        poller = schedule.poller
        had = poller.store.watermark(poller.name)
        try:
            mark = baseline(poller)
        except Exception as exc:  # the first poll then reads everything: say so
            print(
                f"engine: initial sync none: {schedule.name}: no baseline "
                f"({type(exc).__name__}: {exc})",
                flush=True,
            )
            continue
        if mark:
            print(f"engine: initial sync none: {schedule.name} starts after {mark}")
        elif had:
            print(f"engine: initial sync none: {schedule.name} continues from its watermark")
        else:
            print(f"engine: initial sync none: {schedule.name} has nothing yet: all is new")


def _subscribe(wiring: Wiring, secrets: dict[str, str], url: str) -> None:
    """Subscribe the receiver at each wired provider whose webhooks it can verify; a
    subscription that exists already is found, not made twice (engine/subscriptions.py)."""
    if "crm_contacts" in wiring.flows and "crm" not in wiring.subscribers:
        print(
            f"engine: crm webhooks not subscribed: needs --crm-app-id and "
            f"{ENV['crm_developer_key']}"
        )
    for provider, subscribe in wiring.subscribers.items():
        if provider not in secrets:
            print(f"engine: {provider} webhooks not subscribed: no webhook secret")
            continue
        try:
            made = subscribe(url, secrets[provider])
        except Exception as exc:  # the pollers still run: report and go on
            print(
                f"engine: {provider} webhooks not subscribed: {type(exc).__name__}: {exc}",
                flush=True,
            )
            continue
        new = [m.what for m in made if m.created]
        found = [m.what for m in made if not m.created]
        print(
            f"engine: subscribed {url}/webhooks/{provider} at the {provider}: "
            f"{len(new)} new ({', '.join(new) or '-'}), {len(found)} found",
            flush=True,
        )


def _run_batches(batches: list[tuple[str, Callable[[], int]]]) -> None:
    for name, run in batches:
        try:
            done = run()
        except Exception as exc:  # the worker runs the jobs one by one instead
            print(f"engine: batch {name} failed: {type(exc).__name__}: {exc}", flush=True)
            continue
        if done:
            print(f"engine: {name}: {done} job(s) done in one batch", flush=True)


def _poll_due(schedules: list[Schedule], now: float) -> None:
    """Run every poller whose time has come; a failed poll is reported and tried again
    at its next time (the jobs already queued are not lost)."""
    for schedule in schedules:
        if now < schedule.due:
            continue
        schedule.due = now + schedule.every
        try:
            queued = schedule.poll()
        except Exception as exc:  # a poll must not stop the engine
            print(f"engine: poll {schedule.name} failed: {type(exc).__name__}: {exc}", flush=True)
            continue
        if queued:
            print(f"engine: poll {schedule.name}: {queued} job(s) queued", flush=True)


__all__ = ["DEFAULT_STORE", "ENV", "add_parser", "describe", "run_engine", "wire_flows"]
