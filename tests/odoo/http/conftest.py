"""Fixtures for the protocol layer: a fake sandbox served over a real loopback socket."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fake_sandbox import FakeSandbox  # noqa: E402

from odoo_harness.odoo.http import SandboxServer  # noqa: E402


@pytest.fixture(scope="module", params=["17.0", "18.0", "19.0"])
def version(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def server(version: str) -> Iterator[SandboxServer]:
    with SandboxServer(sandbox=FakeSandbox(version)) as running:
        yield running


@pytest.fixture
def fresh(server: SandboxServer) -> SandboxServer:
    """The module's server with no faults, sessions or records left by earlier tests."""
    server.app.faults.clear()
    server.app.sessions.clear()
    server.sandbox.reset()
    return server


@pytest.fixture
def make_fake() -> Callable[..., FakeSandbox]:
    return FakeSandbox
