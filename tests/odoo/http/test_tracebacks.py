"""The tracebacks the sandbox sends read as Odoo's: Odoo's files, no local path, and the
same last line as before."""

from __future__ import annotations

import re
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from odoo_harness.odoo.http.errors import format_traceback
from odoo_harness.odoo.http.server import SandboxServer

ODOO_FRAME = re.compile(
    r'^  File "/usr/lib/python3/dist-packages/odoo/[\w/]+\.py", line \d+, in \S+$'
)
BAD_FIELD = "ValueError: Invalid field 'nope' on 'res.partner'"  # 19.0


@pytest.fixture(scope="module", params=["17.0", "18.0", "19.0"])
def real(request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    with SandboxServer(version=request.param) as running:
        yield running


def _check(text: str, last: str) -> list[str]:
    """The frame lines of an Odoo-looking traceback ending with ``last``."""
    assert "odoo_harness" not in text and "/work/" not in text and "site-packages" not in text
    lines = text.rstrip("\n").splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[-1] == last
    frames = [line for line in lines[1:-1] if line.startswith("  File ")]
    assert frames and all(ODOO_FRAME.match(line) for line in frames), frames
    return frames


def _files(frames: list[str]) -> list[str]:
    return [re.search(r"/odoo/([\w/]+\.py)", line).group(1) for line in frames]  # type: ignore[union-attr]


def _major(server: SandboxServer) -> int:
    return server.sandbox.profile.major


def _bad_field(server: SandboxServer) -> str:
    """The last line of a read of an unknown field (17 and 18 say "on model")."""
    return BAD_FIELD if _major(server) >= 19 else BAD_FIELD.replace(" on ", " on model ")


def test_xmlrpc_fault_traceback(real: SandboxServer) -> None:
    proxy = xmlrpc.client.ServerProxy(f"{real.url}/xmlrpc/2/object")
    with pytest.raises(xmlrpc.client.Fault) as caught:
        proxy.execute_kw(
            real.db, 2, real.api_key or "admin", "res.partner", "read", [[1]], {"fields": ["nope"]}
        )
    assert caught.value.faultCode == 1
    frames = _check(caught.value.faultString, _bad_field(real))
    files = _files(frames)
    assert files[:3] == [
        "addons/base/controllers/rpc.py",
        "addons/base/controllers/rpc.py",
        "http.py",
    ]
    assert "xmlrpc_2" in frames[0]
    assert "service/model.py" in files
    models = "orm/models.py" if _major(real) >= 19 else "models.py"
    assert files[-1] == models and frames[-1].endswith("in _check_read_fields")
    assert any(line.endswith("in read") for line in frames)
    if _major(real) < 19:
        assert "api.py" in files


def test_legacy_xmlrpc_fault_traceback(real: SandboxServer) -> None:
    proxy = xmlrpc.client.ServerProxy(f"{real.url}/xmlrpc/object")
    with pytest.raises(xmlrpc.client.Fault) as caught:
        proxy.execute_kw(
            real.db, 2, real.api_key or "admin", "res.partner", "read", [[1]], {"fields": ["nope"]}
        )
    frames = _check(caught.value.faultString, _bad_field(real))
    assert "xmlrpc_1" in frames[0]


def _jsonrpc(real: SandboxServer, path: str, params: dict[str, Any], **kw: Any) -> Any:
    body = {"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}
    return httpx.post(f"{real.url}{path}", json=body, **kw).json()


def test_jsonrpc_debug(real: SandboxServer) -> None:
    args = [real.db, 2, real.api_key or "admin", "res.partner", "read", [[1]], {"fields": ["nope"]}]
    error = _jsonrpc(real, "/jsonrpc", {"service": "object", "method": "execute_kw", "args": args})
    frames = _check(error["error"]["data"]["debug"], _bad_field(real))
    assert "in _serve_db" in frames[0]
    assert any(line.endswith("in jsonrpc") for line in frames)


def test_web_call_kw_debug_and_session_expired(real: SandboxServer) -> None:
    login = _jsonrpc(
        real, "/web/session/authenticate", {"db": real.db, "login": "admin", "password": "admin"}
    )
    assert "result" in login
    cookies = httpx.post(
        f"{real.url}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": real.db, "login": "admin", "password": "admin"}},
    ).cookies
    call = {"model": "res.partner", "method": "read", "args": [[1]], "kwargs": {"fields": ["nope"]}}
    error = _jsonrpc(real, "/web/dataset/call_kw", call, cookies=cookies)
    frames = _check(error["error"]["data"]["debug"], _bad_field(real))
    assert "addons/web/controllers/dataset.py" in _files(frames)

    expired = _jsonrpc(real, "/web/dataset/call_kw", call)
    frames = _check(
        expired["error"]["data"]["debug"], "odoo.http.SessionExpiredException: Session expired"
    )
    assert frames[-1].endswith("in _auth_method_user")


def test_json2_debug() -> None:
    with SandboxServer(version="19.0") as server:
        headers = {"Authorization": f"Bearer {server.api_key}"}
        body = httpx.post(
            f"{server.url}/json/2/res.partner/read",
            json={"ids": [1], "fields": ["nope"]},
            headers=headers,
        ).json()
        frames = _check(body["debug"], BAD_FIELD)
        assert "addons/web/controllers/json2.py" in _files(frames)
        unknown = httpx.post(f"{server.url}/json/2/no.model/read", json={}, headers=headers).json()
        _check(
            unknown["debug"],
            "werkzeug.exceptions.NotFound: 404 Not Found: the model 'no.model' does not exist",
        )
        bad_key = httpx.post(
            f"{server.url}/json/2/res.partner/read", json={}, headers={"Authorization": "Bearer x"}
        ).json()
        frames = _check(
            bad_key["debug"], "werkzeug.exceptions.Unauthorized: 401 Unauthorized: Invalid apikey"
        )
        assert frames[-1].endswith("in _auth_method_bearer")


def test_unraised_exception_still_gets_odoo_frames() -> None:
    text = format_traceback(KeyError("x"), "jsonrpc")
    _check(text, "KeyError: 'x'")


def test_injected_fault_traceback(real: SandboxServer) -> None:
    real.app.faults.add({"kind": "concurrency", "model": "res.partner", "method": "write"})
    proxy = xmlrpc.client.ServerProxy(f"{real.url}/xmlrpc/2/object")
    with pytest.raises(xmlrpc.client.Fault) as caught:
        proxy.execute_kw(real.db, 2, "admin", "res.partner", "write", [[1], {"name": "x"}])
    frames = _check(
        caught.value.faultString,
        "psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update",
    )
    assert _files(frames)[-1] == "sql_db.py"
    assert any(line.endswith("in write") for line in frames)
