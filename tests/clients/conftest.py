"""One embedded Odoo sandbox per version, started on first use and shared by the session."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from odoo_harness.odoo.http.server import SandboxServer


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[Callable[[str], SandboxServer]]:
    """``sandbox_server("18.0")``: the running sandbox of that version (started once)."""
    running: dict[str, SandboxServer] = {}

    def get(version: str) -> SandboxServer:
        if version not in running:
            running[version] = SandboxServer(version=version).start()
        return running[version]

    yield get
    for server in running.values():
        server.stop()
