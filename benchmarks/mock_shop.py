"""Requests per second and latency of the shop mock, over loopback, from a separate process.

The mock (``ShopMock``, seeded with a catalogue and orders) is served by this process on
127.0.0.1; the load client is a separate process (``multiprocessing``, spawn) so the two
do not share a GIL. The client speaks raw HTTP/1.1 over asyncio streams with keep-alive,
which costs far less per request than any HTTP library, so the figure is the mock's.

Besides wall-clock requests/s it records the CPU time the mock's process spent on each
run: requests per CPU-second is the mock's throughput on one core of its own, which a
busy shared machine does not blur (wall-clock figures there drop when the client and
the mock share a core). The target (2,000/s on one core) is judged on that figure.

For each operation - a read (``GET /orders/{id}.json``) and a write (``POST
/inventory_levels/adjust.json``) - it runs, after a warm-up:
  1. sequential: one connection, one request at a time (latency);
  2. concurrent: ``--connections`` connections (throughput).

Usage:
    .venv/bin/python benchmarks/mock_shop.py               # about 10-20 s
    .venv/bin/python benchmarks/mock_shop.py --quick       # smoke run
    .venv/bin/python benchmarks/mock_shop.py --requests 20000 --connections 16
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Any

from odoo_harness.providers.shop import LIVE_TOKEN, Plan, ShopMock
from odoo_harness.serving import tune_gc_for_serving

API = "/admin/api/2024-07"
TARGET_RPS = 2000.0
MAX_SECONDS_PER_RUN = 60.0


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    path: str
    body: bytes = b""


@dataclass(frozen=True)
class Result:
    operation: str
    mode: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    errors: int
    server_cpu: float = 0.0  # CPU seconds the mock's process spent on the run

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def per_core(self) -> float:
        """Requests per CPU-second of the mock: its throughput on one free core."""
        return self.requests / self.server_cpu if self.server_cpu else 0.0


def _request_bytes(op: Operation, host: str) -> bytes:
    head = (
        f"{op.method} {op.path} HTTP/1.1\r\nHost: {host}\r\n"
        f"X-Shopify-Access-Token: {LIVE_TOKEN}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(op.body)}\r\n\r\n"
    )
    return head.encode() + op.body


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status


async def _connection(
    port: int, request: bytes, count: int, deadline: float, latencies: list[float]
) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    errors = 0
    try:
        for _ in range(count):
            if time.perf_counter() > deadline:
                break
            start = time.perf_counter()
            status = await _exchange(reader, writer, request)
            latencies.append(time.perf_counter() - start)
            errors += status >= 400
    finally:
        writer.close()
    return errors


async def _load(
    port: int, op: Operation, total: int, connections: int
) -> tuple[list[float], int, float]:
    request = _request_bytes(op, f"127.0.0.1:{port}")
    latencies: list[float] = []
    per = max(1, total // connections)
    deadline = time.perf_counter() + MAX_SECONDS_PER_RUN
    start = time.perf_counter()
    errors = await asyncio.gather(
        *[_connection(port, request, per, deadline, latencies) for _ in range(connections)]
    )
    return latencies, sum(errors), time.perf_counter() - start


def _measure(port: int, op: Operation, mode: str, total: int, connections: int, out: Any) -> Result:
    asyncio.run(_load(port, op, min(200, total), connections))  # warm-up
    out.put(("begin", None))
    latencies, errors, seconds = asyncio.run(_load(port, op, total, connections))
    out.put(("end", None))
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    return Result(
        op.name,
        mode,
        len(latencies),
        seconds,
        statistics.median(latencies) * 1000,
        p95 * 1000,
        errors,
    )


def client_main(
    port: int, operations: list[Operation], total: int, connections: int, out: Any
) -> None:
    """The load client (a separate process): every operation, sequential then concurrent."""
    results = []
    for op in operations:
        results.append(_measure(port, op, "sequential", max(100, total // 4), 1, out))
        results.append(_measure(port, op, "concurrent", total, connections, out))
    out.put(("results", [r.__dict__ for r in results]))


def _mock(orders: int) -> tuple[ShopMock, list[Operation]]:
    # production token with a bucket that never empties: the limiter still runs per call
    mock = ShopMock(seed=1, plans={"test": Plan(40, 2.0), "live": Plan(10**9, 10**9)})
    mock.seed({"generate": {"products": 50, "customers": 20, "orders": orders}})
    order_id = min(mock.state.orders)
    item_id, location_id = next(iter(mock.state.levels))
    adjust = json.dumps(
        {"location_id": location_id, "inventory_item_id": item_id, "available_adjustment": 1}
    ).encode()
    return mock, [
        Operation("read: GET /orders/{id}.json", "GET", f"{API}/orders/{order_id}.json"),
        Operation(
            "write: POST /inventory_levels/adjust.json",
            "POST",
            f"{API}/inventory_levels/adjust.json",
            adjust,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000, help="per concurrent run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--orders", type=int, default=1_000, help="orders in the shop")
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.orders = 400, 50
    mock, operations = _mock(args.orders)
    tune_gc_for_serving()  # as `odoo-harness sandbox up`, where users run the mocks
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    with mock.server() as server:
        client = context.Process(
            target=client_main, args=(server.port, operations, args.requests, args.connections, out)
        )
        client.start()
        results = _serve_runs(out)
        client.join(timeout=10)
    _print(results, args)
    return 0 if all(r.errors == 0 for r in results) else 1


def _serve_runs(out: Any) -> list[Result]:
    """Wait for the client, timing this process's CPU between each run's begin and end."""
    cpu: list[float] = []
    while True:
        kind, payload = out.get(timeout=MAX_SECONDS_PER_RUN * 2)
        if kind == "begin":
            started = time.process_time()
        elif kind == "end":
            cpu.append(time.process_time() - started)
        else:
            return [Result(**{**r, "server_cpu": c}) for r, c in zip(payload, cpu, strict=True)]


def _print(results: list[Result], args: argparse.Namespace) -> None:
    print(
        f"shop mock over loopback: {args.connections} connections for concurrent runs, "
        f"{args.orders} orders in the shop, {os.cpu_count()} CPUs, "
        f"Python {sys.version.split()[0]}"
    )
    print(
        f"{'operation':43} {'mode':10} {'n':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'err':>4} {'srv ms/req':>10} {'req/s/core':>10}  target {TARGET_RPS:.0f}/s/core"
    )
    for r in results:
        met = (
            ""
            if r.mode == "sequential"
            else (
                "met" if r.per_core >= TARGET_RPS else f"MISSED by {TARGET_RPS - r.per_core:.0f}/s"
            )
        )
        cpu_ms = r.server_cpu / r.requests * 1000 if r.requests else 0.0
        print(
            f"{r.operation:43} {r.mode:10} {r.requests:6d} {r.rps:7.0f} {r.p50_ms:7.2f} "
            f"{r.p95_ms:7.2f} {r.errors:4d} {cpu_ms:10.3f} {r.per_core:10.0f}  {met}"
        )


if __name__ == "__main__":
    sys.exit(main())
