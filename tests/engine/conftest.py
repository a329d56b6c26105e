"""Fixtures for engine tests: the Odoo sandbox over a real loopback socket, reached by
URL and credentials only (as the engine reaches production), plus a frozen clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from odoo_harness.clock import Clock
from odoo_harness.engine import JobStore, OdooAdapter, OdooConnection
from odoo_harness.journal import Journal
from odoo_harness.odoo.http.server import SandboxServer

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Odoo:
    """A running sandbox seen from outside: its URL, credentials and control API."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.url = server.url
        self.db = server.db
        self.login, self.password = server.credentials["admin"]
        self.api_key = server.api_key
        self.since = 0

    def reset(self) -> None:
        """A fresh database; the sandbox keeps its journal, so remember where we start."""
        httpx.post(f"{self.url}/_control/reset").raise_for_status()
        httpx.delete(f"{self.url}/_control/faults").raise_for_status()
        entries = httpx.get(f"{self.url}/_control/journal", params={"since": self.since}).json()
        self.since = max([self.since, *(e["seq"] for e in entries["entries"])])

    def fault(self, **spec: Any) -> None:
        httpx.post(f"{self.url}/_control/faults", json=spec).raise_for_status()

    def calls(self, model: str | None = None, method: str | None = None) -> list[dict[str, Any]]:
        """The sandbox's own journal of model calls (what really reached Odoo)."""
        params = {"kind": "odoo.call", "since": self.since}
        entries = httpx.get(f"{self.url}/_control/journal", params=params).json()
        return [
            e["data"]
            for e in entries["entries"]
            if (model is None or e["data"]["model"] == model)
            and (method is None or e["data"]["method"] == method)
        ]

    def connection(self, **overrides: Any) -> OdooConnection:
        values: dict[str, Any] = {
            "url": self.url,
            "db": self.db,
            "login": self.login,
            "password": self.password,
        }
        values.update(overrides)
        return OdooConnection(**values)


@pytest.fixture(scope="module")
def odoo_server() -> Iterator[SandboxServer]:
    with SandboxServer(version="18.0") as server:
        yield server


@pytest.fixture
def odoo(odoo_server: SandboxServer) -> Odoo:
    remote = Odoo(odoo_server)
    remote.reset()
    return remote


@pytest.fixture
def clock() -> Clock:
    return Clock(START, frozen=True)


@pytest.fixture
def journal(clock: Clock) -> Journal:
    return Journal(clock.now)


@pytest.fixture
def store(clock: Clock) -> Iterator[JobStore]:
    jobs = JobStore(clock=clock)
    yield jobs
    jobs.close()


@pytest.fixture
def make_adapter(odoo: Odoo, journal: Journal) -> Iterator[Callable[..., OdooAdapter]]:
    made: list[OdooAdapter] = []

    def make(**overrides: Any) -> OdooAdapter:
        adapter = OdooAdapter(odoo.connection(**overrides), journal=journal)
        made.append(adapter)
        return adapter

    yield make
    for adapter in made:
        adapter.close()


@pytest.fixture
def adapter(make_adapter: Callable[..., OdooAdapter]) -> OdooAdapter:
    return make_adapter()
