"""Requests per second and latency of the CRM mock, for one read and one write.

The mock runs in its own process (this script with ``--serve``), seeded with contacts and
with its rate limits lifted, so the load client in this process never shares its GIL.
Two measures per operation:

1. latency: one kept-alive connection, one call at a time (p50 / p95);
2. throughput: ``--connections`` kept-alive connections in threads for ``--seconds``.

Operations: ``GET /crm/v3/objects/contacts/{id}`` (read) and ``PATCH`` of the same contact's
``firstname`` (write). Target: >= 2,000 simple requests/s on one core.

Usage::

    .venv/bin/python benchmarks/mock_crm.py [--iterations 2000] [--seconds 5]
        [--connections 4] [--quick]

A benchmark, not a test: it prints figures and exits 0. It is bounded: socket timeouts,
a server that stops by itself (``--for``) and is killed at the end, even on error.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

LOOPBACK = "127.0.0.1"
TOKEN = "pat-na1-crmock-production-0001"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
TARGET_RPS = 2000
Call = Callable[[http.client.HTTPConnection, int], None]


def serve(port: int, bound: float, contacts: int) -> None:
    """The server process: the mock on ``port`` for ``bound`` seconds at most."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from odoo_harness.providers.crm import CrmMock, Limits

    huge = Limits(burst=10**9, daily=10**9, search_per_second=10**9)
    mock = CrmMock(limits={"production": huge, "sandbox": huge})
    mock.seed({"contacts": [{"email": f"bench{i}@example.com"} for i in range(contacts)]})
    from odoo_harness.serving import tune_gc_for_serving

    tune_gc_for_serving()  # as `odoo-harness sandbox up`, where users run the mocks
    with mock.server(port=port):
        print("ready", flush=True)
        time.sleep(bound)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def read(conn: http.client.HTTPConnection, i: int) -> None:
    _request(conn, "GET", f"/crm/v3/objects/contacts/{101 + i % 100}", None)


def write(conn: http.client.HTTPConnection, i: int) -> None:
    body = json.dumps({"properties": {"firstname": f"Name {i}"}}).encode()
    _request(conn, "PATCH", f"/crm/v3/objects/contacts/{101 + i % 100}", body)


def _request(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None) -> None:
    conn.request(method, path, body=body, headers=HEADERS)
    response = conn.getresponse()
    response.read()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path} answered {response.status}")


def latency(port: int, call: Call, iterations: int) -> tuple[float, float]:
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
    for i in range(50):  # warm-up
        call(conn, i)
    timings = []
    for i in range(iterations):
        start = time.perf_counter()
        call(conn, i)
        timings.append((time.perf_counter() - start) * 1000)
    conn.close()
    cuts = statistics.quantiles(timings, n=100)
    return statistics.median(timings), cuts[94]


def throughput(port: int, call: Call, seconds: float, connections: int) -> float:
    counts = [0] * connections
    deadline = time.perf_counter() + seconds

    def worker(slot: int) -> None:
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
        i = 0
        while time.perf_counter() < deadline:
            call(conn, i)
            i += 1
        counts[slot] = i
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    return sum(counts) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--for", dest="bound", type=float, default=120.0)
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.bound, 100)
        return 0
    if args.quick:
        args.iterations, args.seconds = 200, 1.0
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), "--for", str(args.bound)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        if server.stdout.readline().strip() != "ready":
            raise RuntimeError("the mock did not start")
        report(port, args)
    finally:
        server.kill()
        server.wait(10)
    return 0


def report(port: int, args: argparse.Namespace) -> None:
    print(f"CRM mock, loopback, server in its own process; target >= {TARGET_RPS} req/s")
    print(
        f"{'operation':<34}{'p50 ms':>8}{'p95 ms':>8}{'req/s (1 conn)':>16}"
        f"{f'req/s ({args.connections} conns)':>18}"
    )
    for label, call in (("read  GET contacts/{id}", read), ("write PATCH contacts/{id}", write)):
        p50, p95 = latency(port, call, args.iterations)
        single = throughput(port, call, args.seconds / 2, 1)
        many = throughput(port, call, args.seconds, args.connections)
        verdict = (
            "met"
            if max(single, many) >= TARGET_RPS
            else (f"missed by {TARGET_RPS - max(single, many):.0f}")
        )
        print(f"{label:<34}{p50:>8.2f}{p95:>8.2f}{single:>16.0f}{many:>18.0f}  target {verdict}")


if __name__ == "__main__":
    raise SystemExit(main())
