"""Throughput and latency of the ParcelHub carrier mock over loopback.

The mock runs in its own process (this script with ``--serve``), so the load never shares
its GIL. The load comes from separate client processes (``--clients``, default 2), each
with one kept-alive ``http.client`` connection sending one request at a time:

1. read: ``GET /v1/shipments/{id}`` of a shipment created beforehand (about 1.5 KB JSON),
2. write: ``POST /v1/shipments`` (validate, rate two carriers, store; about 2 KB JSON).

Each phase runs for ``--seconds`` after a short warm-up, and prints requests per second
(all clients together), the p50/p95 latency seen by the clients, and ``req/s/core``: the
requests served per CPU second of the server process (from ``/proc``), i.e. what the mock
serves on one fully used core. On a small machine the clients compete with the server
for CPUs, so ``req/s`` understates the server; ``req/s/core`` does not. Rate limits are
raised for the run; everything else (auth, journal, redaction) is as in a test.

Usage::

    .venv/bin/python benchmarks/mock_carrier.py [--seconds 5] [--clients 2] [--quick]

A benchmark, not a test: it prints figures and exits 0 (``--strict`` exits 1 when the
2,000 requests/s target is missed). It is bounded: the server process stops by itself
after ``--for`` seconds and is killed at the end, even on error.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
TARGET_RPS = 2000
API_KEY = "test_pk_5f1c8e2a9b7d4c36"  # the sandbox account of the default settings
HEADERS = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}
SHIPMENT = {
    "reference": "BENCH/OUT/00001",
    "from_address": {
        "company": "Chairs Inc",
        "street1": "400 Depot Road",
        "city": "Chicago",
        "state": "IL",
        "zip": "60607",
        "country": "US",
    },
    "to_address": {
        "name": "Ana Lopez",
        "street1": "12 Market Street",
        "city": "Springfield",
        "state": "IL",
        "zip": "62701",
        "country": "US",
    },
    "parcels": [
        {
            "length": 40,
            "width": 30,
            "height": 20,
            "dimension_unit": "cm",
            "weight": 2.5,
            "weight_unit": "kg",
        }
    ],
}


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    seconds: float
    latencies_ms: list[float]
    server_cpu: float | None  # CPU seconds the server process used in the timed window

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def per_core(self) -> float | None:
        """Requests per second the server would serve on one fully used core."""
        return self.requests / self.server_cpu if self.server_cpu else None

    def row(self) -> str:
        cuts = statistics.quantiles(self.latencies_ms, n=100)
        best = max(self.rps, self.per_core or 0)
        met = "yes" if best >= TARGET_RPS else f"no ({best / TARGET_RPS:.0%})"
        core = f"{self.per_core:>10.0f}" if self.per_core else f"{'n/a':>10}"
        return (
            f"{self.name:<30} {self.requests:>8} {self.rps:>8.0f} {core} "
            f"{cuts[49]:>7.2f} {cuts[94]:>7.2f}   {met}"
        )


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux ``/proc``; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- server process ----------------------------------------------------------------------
def serve(port: int, bound: float) -> None:
    """Run the mock on ``port`` until ``bound`` seconds pass or stdin closes."""
    import threading

    from odoo_harness.providers.carrier import CarrierMock
    from odoo_harness.serving import tune_gc_for_serving

    tune_gc_for_serving()  # as `odoo-harness sandbox up`, where users run the mocks
    mock = CarrierMock(seed=1)
    mock.seed(
        {
            "settings": {
                "rate_limits": {
                    "test": {"requests": 10**9, "per_seconds": 1},
                    "production": {"requests": 10**9, "per_seconds": 1},
                }
            }
        }
    )
    with mock.server(port) as server:
        print(server.port, flush=True)
        done = threading.Event()
        threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
        done.wait(bound)


def start_server(bound: float) -> tuple[subprocess.Popen[str], int]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--for", str(bound)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.isdigit():
        process.kill()
        raise SystemExit(f"the mock did not start (got {line!r})")
    return process, int(line)


# -- clients -----------------------------------------------------------------------------
def _request(
    conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None
) -> tuple[int, bytes]:
    conn.request(method, path, body=body, headers=HEADERS)
    response = conn.getresponse()
    return response.status, response.read()


def client(
    port: int,
    method: str,
    path: str,
    body: bytes | None,
    seconds: float,
    warmup: float,
    queue: multiprocessing.Queue,
) -> None:  # type: ignore[type-arg]
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
    deadline = time.perf_counter() + warmup
    while time.perf_counter() < deadline:
        _request(conn, method, path, body)
    latencies, errors = [], 0
    start = time.perf_counter()
    end = start + seconds
    while (now := time.perf_counter()) < end:
        status, _ = _request(conn, method, path, body)
        latencies.append((time.perf_counter() - now) * 1000)
        errors += status >= 400
    queue.put((len(latencies), time.perf_counter() - start, latencies, errors))
    conn.close()


def run_phase(
    name: str,
    port: int,
    method: str,
    path: str,
    body: bytes | None,
    args: argparse.Namespace,
    server_pid: int,
) -> Result:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [
        ctx.Process(
            target=client, args=(port, method, path, body, args.seconds, args.warmup, queue)
        )
        for _ in range(args.clients)
    ]
    for worker in workers:
        worker.start()
    time.sleep(args.warmup)
    cpu_before = cpu_seconds(server_pid)
    parts = [queue.get(timeout=args.seconds + args.warmup + 30) for _ in workers]
    cpu_after = cpu_seconds(server_pid)
    for worker in workers:
        worker.join(timeout=10)
    errors = sum(p[3] for p in parts)
    if errors:
        print(f"warning: {errors} answers of {name} were errors", file=sys.stderr)
    seconds = max(p[1] for p in parts)
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return Result(name, sum(p[0] for p in parts), seconds, [x for p in parts for x in p[2]], cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="timed seconds per phase")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--quick", action="store_true", help="1 s phases (a smoke run)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--for", dest="bound", type=float, default=120.0, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.port, args.bound)
        return 0
    if args.quick:
        args.seconds, args.warmup = 1.0, 0.2
    bound = 2 * (args.seconds + args.warmup) + 60
    process, port = start_server(bound)
    try:
        results = _measure(port, args, process.pid)
    finally:
        process.kill()
        process.wait(timeout=10)
    print(
        f"{'operation':<30} {'requests':>8} {'req/s':>8} {'req/s/core':>10} {'p50 ms':>7} "
        f"{'p95 ms':>7}   >= {TARGET_RPS} req/s"
    )
    for result in results:
        print(result.row())
    print(
        f"({args.clients} client processes, one kept-alive connection each; "
        f"server: 1 process, {os.cpu_count()} CPUs on this machine)"
    )
    print(
        "req/s/core: requests per CPU second of the server process (what one fully used "
        "core serves;\n the clients share this machine's CPUs with the server)."
    )
    missed = any(max(r.rps, r.per_core or 0) < TARGET_RPS for r in results)
    return 1 if args.strict and missed else 0


def _measure(port: int, args: argparse.Namespace, pid: int) -> list[Result]:
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
    status, body = _request(conn, "POST", "/v1/shipments", json.dumps(SHIPMENT).encode())
    if status != 201:
        raise SystemExit(f"could not create the shipment to read: {status} {body[:200]!r}")
    shipment_id = json.loads(body)["id"]
    conn.close()
    return [
        run_phase(
            "read  GET /v1/shipments/{id}",
            port,
            "GET",
            f"/v1/shipments/{shipment_id}",
            None,
            args,
            pid,
        ),
        run_phase(
            "write POST /v1/shipments",
            port,
            "POST",
            "/v1/shipments",
            json.dumps(SHIPMENT).encode(),
            args,
            pid,
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(main())
