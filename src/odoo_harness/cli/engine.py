"""``odoo-harness engine status|failed|retry``: look at and act on the engine's job store.

``status`` counts jobs per flow and state and lists paused flows; ``failed`` lists what
needs a person (reason, detail, since when, attempts); ``retry ID`` / ``retry --flow NAME``
put failed or paused jobs back in line (the running engine picks them up). Exit codes:
0 ok (nothing failed), 1 failed or paused jobs exist, 4 usage error (no store, no job).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from ..engine.failed_queue import FailedQueue, FailedRecord
from ..engine.jobs import STATES, JobStore
from ..errors import ConfigError

EXIT_OK, EXIT_FAILED = 0, 1
DEFAULT_STORE = Path(".odoo-harness/engine.sqlite")


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("engine", help="the sync engine's jobs: status, failed, retry")
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
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop after this long (default: until interrupted)",
    )
    run.add_argument("--port", type=int, default=8069 + 1000, help="the webhook receiver's port")
    run.add_argument("--crm-secret", default=None, help="the CRM app's client secret")
    run.add_argument("--shop-secret", default=None, help="the shop app's client secret")
    run.add_argument("--carrier-secret", default=None, help="the carrier webhook secret")
    run.add_argument("--tick", type=float, default=0.5, help="seconds between passes")
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


def open_store(path: Path) -> JobStore:
    if not path.is_file():
        raise ConfigError(f"no job store at {path}: run the engine first, or pass --store PATH")
    return JobStore(path)


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
            jobs = queue.retry_flow(args.flow)
            print(f"requeued {len(jobs)} job(s) of flow {args.flow}; the engine runs them next")
            return EXIT_OK
        job = queue.retry(args.job_id)
    finally:
        store.close()
    print(f"requeued job {job.id} ({job.flow} {job.identity_key}); the engine runs it next")
    return EXIT_OK


def run_engine(args: argparse.Namespace) -> int:
    """Serve the webhook receiver and run due jobs until stopped or ``--for`` is over.

    Flow handlers are wired by the scenario runner (by URL and credentials); this command
    runs whatever jobs have a registered handler and reports the others as failed."""
    import time

    from ..engine.receiver import WebhookReceiver
    from ..engine.worker import Worker
    from ..serving import LoopbackServer

    args.store.parent.mkdir(parents=True, exist_ok=True)
    store = JobStore(args.store)
    store.recover()
    secrets = {
        name: value
        for name, value in (
            ("crm", args.crm_secret),
            ("shop", args.shop_secret),
            ("carrier", args.carrier_secret),
        )
        if value
    }
    receiver = WebhookReceiver(store, secrets, clock=store.clock)
    worker = Worker(store)
    deadline = None if args.seconds is None else time.monotonic() + args.seconds
    try:
        with LoopbackServer(receiver.app, port=args.port, name="webhook receiver") as server:
            print(f"engine: receiving webhooks on {server.url}/webhooks/{{crm,shop,carrier}}")
            print(f"engine: job store {args.store}", flush=True)
            while deadline is None or time.monotonic() < deadline:
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
        store.close()
    return EXIT_OK


__all__ = ["DEFAULT_STORE", "add_parser", "describe", "run_engine"]
