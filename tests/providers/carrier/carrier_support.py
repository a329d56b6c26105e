"""Shared data and helpers of the carrier mock's tests (imported by name: the test
folders are not packages)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from odoo_harness.providers.carrier import DEFAULT_ACCOUNTS
from odoo_harness.serving import LoopbackServer

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
SANDBOX, LIVE = DEFAULT_ACCOUNTS
ADDRESS = {
    "name": "Ana Lopez",
    "street1": "12 Market Street",
    "city": "Springfield",
    "state": "IL",
    "zip": "62701",
    "country": "US",
}
WAREHOUSE = {
    "company": "Chairs Inc",
    "street1": "400 Depot Road",
    "city": "Chicago",
    "state": "IL",
    "zip": "60607",
    "country": "US",
}


def shipment_request(reference: str = "WH/OUT/00007", **changes: Any) -> dict[str, Any]:
    return copy.deepcopy(
        {
            "reference": reference,
            "from_address": WAREHOUSE,
            "to_address": ADDRESS,
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
            **changes,
        }
    )


def create_shipment(
    http: httpx.Client, reference: str = "WH/OUT/00007", **changes: Any
) -> dict[str, Any]:
    response = http.post("/v1/shipments", json=shipment_request(reference, **changes))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def advance(url: str, seconds: float) -> None:
    response = httpx.post(f"{url}/_control/clock", json={"advance": seconds})
    assert response.status_code == 200, response.text


class Receiver:
    """A webhook endpoint on loopback that keeps every raw delivery and answers ``status``."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[bytes, dict[str, str]]] = []
        self.status = 200
        app = Starlette(routes=[Route("/hook", self._receive, methods=["POST"])])
        self.server = LoopbackServer(app, name="webhook receiver")

    async def _receive(self, request: Request) -> Response:
        self.deliveries.append((await request.body(), dict(request.headers)))
        return Response(status_code=self.status)

    @property
    def url(self) -> str:
        return f"{self.server.url}/hook"

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for body, _ in self.deliveries]
