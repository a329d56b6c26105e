"""The control API: faults on every transport, the clock, the journal, reset."""

from __future__ import annotations

import http.client
import json
import time
import xmlrpc.client
from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest
from fake_sandbox import FakeSandbox

from odoo_harness.odoo.http import SandboxServer

pytestmark = pytest.mark.wire
DB = "sandbox"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(sandbox=FakeSandbox("19.0")) as running:
        yield running


def _fault(server: SandboxServer, **spec: object) -> dict[str, object]:
    response = httpx.post(server.url + "/_control/faults", json=spec)
    assert response.status_code == 201, response.text
    return response.json()["fault"]  # type: ignore[no-any-return]


def _object(server: SandboxServer) -> xmlrpc.client.ServerProxy:
    return xmlrpc.client.ServerProxy(server.url + "/xmlrpc/2/object")


def _partners(server: SandboxServer) -> dict[int, dict[str, object]]:
    return server.sandbox.records["res.partner"]  # type: ignore[attr-defined,no-any-return]


# -- faults -----------------------------------------------------------------------------


def test_error_fault_hits_the_next_n_matching_calls(fresh: SandboxServer) -> None:
    _fault(
        fresh,
        kind="error",
        model="res.partner",
        method="create",
        times=2,
        exception="ValidationError",
        message="boom",
    )
    obj = _object(fresh)
    assert obj.execute_kw(DB, 2, "admin", "res.partner", "search", [[]]) == []
    for _ in range(2):
        with pytest.raises(xmlrpc.client.Fault) as fault:
            obj.execute_kw(DB, 2, "admin", "res.partner", "create", [{"name": "x"}])
        assert (fault.value.faultCode, fault.value.faultString) == (2, "boom")
    assert isinstance(obj.execute_kw(DB, 2, "admin", "res.partner", "create", [{"name": "x"}]), int)
    assert httpx.get(fresh.url + "/_control/faults").json() == {"faults": []}


def test_faults_apply_on_every_transport(fresh: SandboxServer) -> None:
    _fault(fresh, kind="error", exception="AccessError", message="nope", times=3)
    rpc = {
        "service": "object",
        "method": "execute_kw",
        "args": [DB, 2, "admin", "res.partner", "search", [[]]],
    }
    error = httpx.post(fresh.url + "/jsonrpc", json={"params": rpc}).json()["error"]
    assert (error["code"], error["data"]["name"]) == (0, "odoo.exceptions.AccessError")
    json2 = httpx.post(
        fresh.url + "/json/2/res.partner/search",
        json={"domain": []},
        headers={"Authorization": f"bearer {fresh.api_key}"},
    )
    assert (json2.status_code, json2.json()["message"]) == (403, "nope")
    with httpx.Client(base_url=fresh.url) as client:
        client.post(
            "/web/session/authenticate",
            json={"params": {"db": DB, "login": "admin", "password": "admin"}},
        )
        call = {"model": "res.partner", "method": "search", "args": [[]], "kwargs": {}}
        web = client.post("/web/dataset/call_kw", json={"params": call}).json()
    assert web["error"]["data"]["message"] == "nope"


def test_concurrency_fault_looks_like_a_serialization_failure(fresh: SandboxServer) -> None:
    _fault(fresh, kind="concurrency", model="res.partner")
    with pytest.raises(xmlrpc.client.Fault) as fault:
        _object(fresh).execute_kw(DB, 2, "admin", "res.partner", "search", [[]])
    assert fault.value.faultCode == 1
    assert fault.value.faultString.rstrip().endswith(
        "psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update"
    )


def test_latency_fault(fresh: SandboxServer) -> None:
    _fault(fresh, kind="latency", seconds=0.3, method="search")
    started = time.monotonic()
    _object(fresh).execute_kw(DB, 2, "admin", "res.partner", "search", [[]])
    assert time.monotonic() - started >= 0.3


def _raw_create(server: SandboxServer, name: str) -> http.client.HTTPResponse:
    body = xmlrpc.client.dumps(
        (DB, 2, "admin", "res.partner", "create", [{"name": name}]), "execute_kw"
    )
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.request("POST", "/xmlrpc/2/object", body, {"Content-Type": "text/xml"})
    return connection.getresponse()


def test_drop_closes_the_connection_before_the_call(fresh: SandboxServer) -> None:
    _fault(fresh, kind="drop", model="res.partner", method="create")
    with pytest.raises(http.client.RemoteDisconnected):
        _raw_create(fresh, "dropped")
    assert _partners(fresh) == {}
    assert _raw_create(fresh, "after").status == 200  # the server lives on


def test_commit_then_drop_applies_the_call_and_sends_nothing(fresh: SandboxServer) -> None:
    _fault(fresh, kind="commit_then_drop", model="res.partner", method="create")
    with pytest.raises(http.client.RemoteDisconnected):
        _raw_create(fresh, "committed")
    assert [r["name"] for r in _partners(fresh).values()] == ["committed"]
    entry = httpx.get(fresh.url + "/_control/journal?kind=odoo.call").json()["entries"][-1]
    assert entry["data"]["outcome"] == "committed_then_dropped"
    assert entry["data"]["fault"]["kind"] == "commit_then_drop"


def test_commit_then_drop_over_httpx_and_jsonrpc(fresh: SandboxServer) -> None:
    _fault(fresh, kind="commit_then_drop")
    rpc = {
        "service": "object",
        "method": "execute_kw",
        "args": [DB, 2, "admin", "res.partner", "create", [{"name": "j"}]],
    }
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(fresh.url + "/jsonrpc", json={"params": rpc})
    assert len(_partners(fresh)) == 1


def test_list_and_clear_faults(fresh: SandboxServer) -> None:
    rule = _fault(fresh, kind="drop", model="sale.order", times=3)
    assert rule["id"] and rule["remaining"] == 3
    listed = httpx.get(fresh.url + "/_control/faults").json()["faults"]
    assert [(f["kind"], f["model"], f["remaining"]) for f in listed] == [("drop", "sale.order", 3)]
    assert httpx.delete(fresh.url + "/_control/faults").json() == {"cleared": 1}
    assert httpx.get(fresh.url + "/_control/faults").json() == {"faults": []}


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "explode"},
        {"kind": "error", "exception": "NoSuchError"},
        {"kind": "drop", "times": 0},
        {"kind": "latency", "seconds": -1},
        {"kind": "drop", "colour": "red"},
        [1],
    ],
)
def test_bad_fault_specs_are_400(server: SandboxServer, spec: object) -> None:
    response = httpx.post(server.url + "/_control/faults", json=spec)
    assert response.status_code == 400
    assert response.json()["error"]


# -- clock ------------------------------------------------------------------------------


def test_clock(fresh: SandboxServer) -> None:
    url = fresh.url + "/_control/clock"
    fresh.sandbox.clock.set(datetime(2024, 1, 15, 9, 0, 0))
    assert httpx.get(url).json() == {"now": "2024-01-15 09:00:00", "frozen": True}
    assert httpx.post(url, json={"advance": 600}).json()["now"] == "2024-01-15 09:10:00"
    assert (
        httpx.post(url, json={"set": "2025-02-01 00:00:00"}).json()["now"] == "2025-02-01 00:00:00"
    )
    assert fresh.sandbox.clock.now().year == 2025
    for bad in ({"advance": -1}, {"set": "tomorrow"}, {"advance": 1, "set": "x"}, {}):
        assert httpx.post(url, json=bad).status_code == 400


# -- journal ----------------------------------------------------------------------------


def test_journal_records_calls_without_secrets(fresh: SandboxServer) -> None:
    fresh.journal.clear()
    obj = _object(fresh)
    xmlrpc.client.ServerProxy(fresh.url + "/xmlrpc/2/common").login(DB, "admin", "admin")
    obj.execute_kw(DB, 2, "admin", "res.partner", "search", [[]], {"limit": 1})
    with pytest.raises(xmlrpc.client.Fault):
        obj.execute_kw(DB, 2, "admin", "res.users", "change_password", ["admin", "s3cret-new"])
    with pytest.raises(xmlrpc.client.Fault):
        obj.execute_kw(DB, 2, "admin", "res.partner", "create", [{"name": "x", "password": "pw"}])
    httpx.post(
        fresh.url + "/jsonrpc",
        headers={"X-Correlation-Id": "order-1001"},
        json={
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [DB, 2, "admin", "res.partner", "search_count", [[]]],
            }
        },
    )
    response = httpx.get(fresh.url + "/_control/journal")
    assert "s3cret-new" not in response.text
    assert '"pw"' not in response.text
    assert '"admin", "res.partner"' not in response.text  # the RPC password is never journaled
    calls = [e for e in response.json()["entries"] if e["kind"] == "odoo.call"]
    first = calls[0]
    assert first["data"] | {"duration_ms": 0} == {
        "transport": "xmlrpc2",
        "uid": 2,
        "model": "res.partner",
        "method": "search",
        "args": [[]],
        "kwargs": {"limit": 1},
        "outcome": "ok",
        "duration_ms": 0,
    }
    assert first["at"] == fresh.sandbox.clock.now().isoformat()  # scenario time
    assert calls[1]["data"]["args"] == ["***", "***"]
    assert calls[1]["data"]["outcome"] == "error"
    assert calls[2]["data"]["args"] == [{"name": "x", "password": "***"}]
    assert calls[3]["correlation_id"] == "order-1001"
    auth = [e for e in response.json()["entries"] if e["kind"] == "odoo.auth"]
    assert auth[0]["data"] == {"login": "admin", "uid": 2}
    since = calls[2]["seq"]
    later = httpx.get(fresh.url + f"/_control/journal?since={since}").json()["entries"]
    assert [e["seq"] for e in later] == [calls[3]["seq"]]


# -- reset ------------------------------------------------------------------------------


def test_reset(fresh: SandboxServer) -> None:
    sandbox = fresh.sandbox
    resets = sandbox.resets  # type: ignore[attr-defined]
    _fault(fresh, kind="drop")
    response = httpx.post(fresh.url + "/_control/reset")
    assert response.status_code == 200
    assert response.json()["reset"] is True
    assert sandbox.resets == resets + 1  # type: ignore[attr-defined]
    assert httpx.get(fresh.url + "/_control/faults").json() == {"faults": []}


def test_control_answers_json(server: SandboxServer) -> None:
    response = httpx.get(server.url + "/_control/journal?since=x")
    assert response.status_code == 400
    assert json.loads(response.text)["error"].startswith("'since'")
