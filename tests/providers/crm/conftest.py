"""Fixtures of the CRM mock's tests: a mock on a frozen clock served on loopback, and a
client holding the production portal's private-app token."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from odoo_harness.clock import Clock
from odoo_harness.providers.crm import Credentials, CrmMock

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
CREDENTIALS = Credentials()
PRODUCTION_TOKEN = "pat-na1-crmock-production-0001"
SANDBOX_TOKEN = "pat-na1-crmock-sandbox-0001"


@pytest.fixture
def crm() -> CrmMock:
    return CrmMock(clock=Clock(START, frozen=True))


@pytest.fixture
def crm_url(crm: CrmMock) -> Iterator[str]:
    with crm.server() as server:
        yield server.url


@pytest.fixture
def client(crm_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=crm_url, timeout=10, headers={"Authorization": f"Bearer {PRODUCTION_TOKEN}"}
    ) as http:
        yield http
