"""Fixtures of the shop mock's tests: a seeded ShopMock on a frozen clock, served over a
real loopback socket, a client holding the sandbox token, and a webhook receiver."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from odoo_harness.clock import Clock
from odoo_harness.providers.shop import LIVE_TOKEN, TEST_TOKEN, ShopMock
from odoo_harness.serving import LoopbackServer

API = "/admin/api/2024-07"
MAIN = 70001  # the default location
START = datetime(2024, 7, 1, 12, 0, 0, tzinfo=UTC)
CATALOGUE: dict[str, Any] = {
    "locations": [{"name": "Overflow", "country_code": "DE"}],  # id 70002
    "products": [
        {
            "title": "Chair",
            "variants": [
                {"title": "Red", "sku": "CHAIR-RED", "price": "49.00", "stock": {"70001": 10}},
                {"title": "Blue", "sku": "CHAIR-BLUE", "price": "49.00", "stock": {"70001": 3}},
            ],
        },
        {"title": "Gift card", "variants": [{"sku": "GIFT", "tracked": False}]},
    ],
    "customers": [{"email": "ana@example.com", "first_name": "Ana", "last_name": "Lima"}],
    "orders": [
        {
            "email": "ana@example.com",
            "line_items": [
                {"sku": "CHAIR-RED", "quantity": 2},
                {"sku": "CHAIR-BLUE", "quantity": 1},
            ],
        },
        {
            "email": "ben@example.com",
            "hold": True,
            "line_items": [{"sku": "CHAIR-RED", "quantity": 1}],
        },
    ],
}


@pytest.fixture
def clock() -> Clock:
    return Clock(START, frozen=True)


@pytest.fixture
def shop(clock: Clock) -> ShopMock:
    mock = ShopMock(clock=clock, seed=7)
    mock.seed(CATALOGUE)
    return mock


@pytest.fixture
def server(shop: ShopMock) -> Iterator[LoopbackServer]:
    with shop.server() as running:
        yield running


@pytest.fixture
def client(server: LoopbackServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.url + API, headers={"X-Shopify-Access-Token": TEST_TOKEN}, timeout=10
    ) as http:
        yield http


@pytest.fixture
def live_client(server: LoopbackServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.url + API, headers={"X-Shopify-Access-Token": LIVE_TOKEN}, timeout=10
    ) as http:
        yield http


@pytest.fixture
def control(server: LoopbackServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url + "/_control", timeout=10) as http:
        yield http


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookReceiver:
    """A loopback endpoint that records every delivery; answers ``statuses`` in turn
    (then 200)."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    async def endpoint(self, request: Request) -> Response:
        self.received.append(Received(dict(request.headers), await request.body()))
        return Response(status_code=self.statuses.pop(0) if self.statuses else 200)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    hooks = WebhookReceiver()
    app = Starlette(routes=[Route("/hooks", hooks.endpoint, methods=["POST"])])
    with LoopbackServer(app, name="webhook receiver") as running:
        hooks.url = running.url + "/hooks"
        yield hooks


def subscribe(client: httpx.Client, topic: str, address: str) -> dict[str, Any]:
    response = client.post("/webhooks.json", json={"webhook": {"topic": topic, "address": address}})
    assert response.status_code == 201, response.text
    return response.json()["webhook"]  # type: ignore[no-any-return]


def first_order(client: httpx.Client) -> dict[str, Any]:
    return client.get("/orders.json", params={"limit": 1}).json()["orders"][0]  # type: ignore[no-any-return]
