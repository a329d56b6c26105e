"""Loading a mock's state file: the restricted unpickler against plain ``pickle.loads``.

Builds a carrier mock's state in memory (``--shipments`` shipments created through its
API, in-process), snapshots it as the state file would (``persistence.snapshot``), then
times ``persistence.restore`` (the allow-listed ``find_class``) and plain
``pickle.loads`` of the same bytes, best of ``--repeat``. Prints the snapshot's size and
both times. A benchmark, not a test: it prints figures and exits 0; bounded by its
arguments (a few seconds with the defaults).

Usage::

    .venv/bin/python benchmarks/mock_state_load.py [--shipments 1000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import asyncio
import pickle
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from odoo_harness.clock import Clock
from odoo_harness.providers.base import persistence
from odoo_harness.providers.carrier import DEFAULT_ACCOUNTS, CarrierMock, Limit, Settings

ADDRESS = {"street1": "12 Market Street", "city": "Springfield", "zip": "62701", "country": "US"}


async def _fill(mock: CarrierMock, count: int) -> None:
    transport = httpx.ASGITransport(app=mock.app())
    headers = {"Authorization": f"Bearer {DEFAULT_ACCOUNTS[0].api_key}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://mock", headers=headers
    ) as http:
        for n in range(count):
            body = {
                "reference": f"WH/OUT/{n}",
                "from_address": {**ADDRESS, "company": "Chairs Inc"},
                "to_address": {**ADDRESS, "name": "Ana Lopez"},
                "parcels": [{"weight": 2.5, "weight_unit": "kg"}],
            }
            created = (await http.post("/v1/shipments", json=body)).json()
            if n % 2:
                rate = {"rate_id": created["rates"][0]["id"]}
                await http.post(f"/v1/shipments/{created['id']}/buy", json=rate)


def _best(run: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipments", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    many = Settings(limits={"test": Limit(10**7, 1.0), "production": Limit(10**7, 1.0)})
    mock = CarrierMock(clock=Clock(datetime(2025, 3, 3, tzinfo=UTC), frozen=True), settings=many)
    asyncio.run(_fill(mock, args.shipments))
    state = {
        "attributes": {name: getattr(mock, name) for name in mock._state_names()},
        "webhooks": mock.webhooks.state(),
        "clock": mock.clock.now(),
    }
    live = mock._live()
    data = persistence.snapshot(state, live)
    restricted = _best(lambda: persistence.restore(data, live, Path("bench")), args.repeat)
    token = persistence._LIVE.set(live)
    try:
        plain = _best(lambda: pickle.loads(data), args.repeat)
    finally:
        persistence._LIVE.reset(token)
    print(f"carrier state: {args.shipments} shipments, snapshot {len(data) / 1024:.0f} KiB")
    print(f"restore (allow-listed find_class): {restricted * 1000:.2f} ms (best of {args.repeat})")
    print(f"plain pickle.loads:                {plain * 1000:.2f} ms (best of {args.repeat})")


if __name__ == "__main__":
    main()
