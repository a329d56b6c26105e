"""SandboxServer start/stop and the in-process app."""

from __future__ import annotations

import asyncio
import socket
import xmlrpc.client

import httpx
import pytest
from fake_sandbox import API_KEY, FakeSandbox

from odoo_harness.errors import ConfigError
from odoo_harness.odoo.http import ConnectionDropped, SandboxServer, create_app


@pytest.mark.wire
def test_server_lifecycle() -> None:
    server = SandboxServer(sandbox=FakeSandbox("19.0"))
    with server:
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert server.db == "sandbox"
        assert server.credentials == {
            "admin": ("admin", "admin"),
            "integration": ("integration", "integration"),
        }
        assert server.api_key == API_KEY
        common = xmlrpc.client.ServerProxy(server.url + "/xmlrpc/2/common")
        assert common.version()["server_serie"] == "19.0"
        port = server.port
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        pass


def test_only_loopback() -> None:
    with pytest.raises(ConfigError, match="127.0.0.1"):
        SandboxServer(sandbox=FakeSandbox(), host="0.0.0.0")


def test_api_key_is_none_before_19() -> None:
    assert SandboxServer(sandbox=FakeSandbox("18.0")).api_key is None


def test_in_process_drop_raises() -> None:
    app = create_app(FakeSandbox("18.0"))
    app.faults.add({"kind": "drop"})
    body = xmlrpc.client.dumps(("sandbox", 2, "admin", "res.partner", "search", [[]]), "execute_kw")

    async def post() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
            await client.post("/xmlrpc/2/object", content=body)

    with pytest.raises(ConnectionDropped):
        asyncio.run(post())
