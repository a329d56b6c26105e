"""In-process cost of each phase of one XML-RPC call to the sandbox (no sockets).

Where ``benchmarks/xmlrpc_sandbox.py`` times whole calls over loopback, this splits the
server's share of them: reading the request (``loads_request``), the credentials check,
the model call (``Sandbox.execute_kw``), writing the answer (``dumps_result`` + encode),
and the whole ASGI app as the server calls it, through the XML-RPC fast route and through
Starlette's router. Operations: ``search_read`` of 80 partners x 6 fields, ``read_group``
by city over 1,000 partners, ``search_count``, and ``common.version``.

Usage::

    .venv/bin/python benchmarks/xmlrpc_phases.py [--rounds 15] [--calls 40] [--quick]

Each figure is the median, over ``rounds`` rounds, of the mean time of ``calls``
consecutive calls; rounds interleave the phases, so a busy machine slows them alike.
Prints figures only; bounded by its counts.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import xmlrpc.client
from collections.abc import Callable
from typing import Any

from odoo_harness.odoo.http import xmlrpc as rpc
from odoo_harness.odoo.http.app import SandboxApp, create_app
from odoo_harness.odoo.sandbox import Sandbox

CITIES = [f"City {i:02d}" for i in range(25)]
FIELDS = ["name", "email", "phone", "city", "country_id", "parent_id"]
DOMAIN = [("ref", "=", "phases")]
OPERATIONS: dict[str, tuple[str, list[Any], dict[str, Any]]] = {
    "search_read": ("search_read", [DOMAIN], {"fields": FIELDS, "limit": 80}),
    "read_group": ("read_group", [DOMAIN, ["city"], ["city"]], {}),
    "search_count": ("search_count", [DOMAIN], {}),
}


def seeded_sandbox(partners: int) -> Sandbox:
    """A sandbox with ``partners`` partners as the loopback benchmark seeds them."""
    sandbox = Sandbox("18.0")
    uid = sandbox.admin_uid
    (country,) = sandbox.execute_kw(uid, "res.country", "search", [[("code", "=", "BE")]], {})
    companies = sandbox.execute_kw(
        uid,
        "res.partner",
        "create",
        [[{"name": f"Co {i}", "is_company": True} for i in range(5)]],
        {},
    )
    rows = [
        {
            "name": f"Phase Partner {i:05d}",
            "email": f"phase.{i}@example.com",
            "phone": f"+1 555 {i:07d}",
            "city": CITIES[i % len(CITIES)],
            "ref": "phases",
            "country_id": country,
            **({"parent_id": companies[i % 5]} if i % 10 == 0 else {}),
        }
        for i in range(partners)
    ]
    sandbox.execute_kw(uid, "res.partner", "create", [rows], {})
    return sandbox


class InProcess:
    """Calls the app as uvicorn would, on one event loop, without a socket."""

    def __init__(self, app: SandboxApp) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()

    def post(self, path: str, body: bytes) -> bytes:
        scope = {
            "type": "http",
            "method": "POST",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "scheme": "http",
            "query_string": b"",
            "headers": [(b"content-type", b"text/xml")],
            "http_version": "1.1",
            "server": ("127.0.0.1", 8069),
            "client": ("127.0.0.1", 50000),
        }
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        self.loop.run_until_complete(self.app(scope, receive, send))
        return bytes(sent[-1]["body"])

    def routed(self, path: str, body: bytes) -> bytes:
        """The same request through Starlette's router (the fast route switched off)."""
        fast, self.app.xmlrpc = self.app.xmlrpc, None
        try:
            return self.post(path, body)
        finally:
            self.app.xmlrpc = fast


def phases(sandbox: Sandbox, client: InProcess) -> dict[str, Callable[[], Any]]:
    uid, password = sandbox.admin_uid, sandbox.ADMIN_PASSWORD
    out: dict[str, Callable[[], Any]] = {}
    for name, (method, args, kwargs) in OPERATIONS.items():
        params = (sandbox.db_name, uid, password, "res.partner", method, args, kwargs)
        body = xmlrpc.client.dumps(params, "execute_kw").encode()
        result = sandbox.execute_kw(uid, "res.partner", method, args, kwargs)

        def model_call(m: str = method, a: list[Any] = args, k: dict[str, Any] = kwargs) -> Any:
            return sandbox.execute_kw(uid, "res.partner", m, a, k)

        out[f"{name}: loads_request"] = lambda b=body: rpc.loads_request(b)
        out[f"{name}: check_credentials"] = lambda: sandbox.check_credentials(uid, password)
        out[f"{name}: execute_kw"] = model_call
        out[f"{name}: dumps_result+encode"] = lambda r=result: rpc.dumps_result(r).encode()
        out[f"{name}: app (fast route)"] = lambda b=body: client.post("/xmlrpc/2/object", b)
        out[f"{name}: app (router)"] = lambda b=body: client.routed("/xmlrpc/2/object", b)
    version = xmlrpc.client.dumps((), "version").encode()
    out["version: app (fast route)"] = lambda: client.post("/xmlrpc/2/common", version)
    out["version: app (router)"] = lambda: client.routed("/xmlrpc/2/common", version)
    return out


def measure(funcs: dict[str, Callable[[], Any]], rounds: int, calls: int) -> dict[str, float]:
    """Median over ``rounds`` of the mean microseconds of ``calls`` calls, interleaved."""
    samples: dict[str, list[float]] = {name: [] for name in funcs}
    for func in funcs.values():
        func()  # warm-up
    for _ in range(rounds):
        for name, func in funcs.items():
            start = time.perf_counter()
            for _ in range(calls):
                func()
            samples[name].append((time.perf_counter() - start) / calls * 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="rounds (default 15)")
    parser.add_argument("--calls", type=int, default=40, help="calls per round (default 40)")
    parser.add_argument("--quick", action="store_true", help="100 partners, 2 rounds of 3 calls")
    args = parser.parse_args(argv)
    partners, rounds, calls = (100, 2, 3) if args.quick else (1000, args.rounds, args.calls)
    sandbox = seeded_sandbox(partners)
    client = InProcess(create_app(sandbox))
    figures = measure(phases(sandbox, client), max(1, rounds), max(1, calls))
    print(f"sandbox 18.0 in-process, {partners} partners; median of {rounds} x {calls} calls")
    width = max(len(name) for name in figures)
    for name, micros in figures.items():
        print(f"{name.ljust(width)}  {micros:9.1f} us")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
