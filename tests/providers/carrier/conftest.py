"""Fixtures of the carrier mock's tests: a ParcelHub mock on a frozen clock served on
loopback, clients holding the sandbox and production API keys, a webhook receiver."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from carrier_support import LIVE, SANDBOX, START, Receiver

from odoo_harness.clock import Clock
from odoo_harness.providers.carrier import CarrierMock


@pytest.fixture
def clock() -> Clock:
    return Clock(START, frozen=True)


@pytest.fixture
def carrier(clock: Clock) -> CarrierMock:
    return CarrierMock(clock=clock, seed=7)


@pytest.fixture
def carrier_url(carrier: CarrierMock) -> Iterator[str]:
    with carrier.server() as server:
        yield server.url


def _client(url: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=10, headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def client(carrier_url: str) -> Iterator[httpx.Client]:
    """The sandbox account (20 requests a minute)."""
    with _client(carrier_url, SANDBOX.api_key) as http:
        yield http


@pytest.fixture
def live(carrier_url: str) -> Iterator[httpx.Client]:
    """The production account (200 requests a minute)."""
    with _client(carrier_url, LIVE.api_key) as http:
        yield http


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    with hook.server:
        yield hook
