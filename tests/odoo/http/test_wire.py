"""Envelopes and odd requests over a real loopback socket, per version."""

from __future__ import annotations

import xmlrpc.client
from datetime import date, datetime

import httpx
import pytest

from odoo_harness.odoo.http import SandboxServer
from odoo_harness.odoo.http.xmlrpc import dumps_result

pytestmark = pytest.mark.wire
DB = "sandbox"


def _jsonrpc(server: SandboxServer, path: str, params: object, **kw: object) -> httpx.Response:
    body = {"jsonrpc": "2.0", "method": "call", "params": params, "id": 9}
    return httpx.post(server.url + path, json=body, **kw)  # type: ignore[arg-type]


def _execute_kw(server: SandboxServer, *call: object) -> httpx.Response:
    args = [DB, 2, "admin", *call]
    return _jsonrpc(server, "/jsonrpc", {"service": "object", "method": "execute_kw", "args": args})


# -- XML-RPC --------------------------------------------------------------------------


def test_marshalling_conversions() -> None:
    xml = dumps_result(
        {
            "at": datetime(2024, 1, 2, 3, 4, 5),
            "on": date(2024, 1, 2),
            "raw": b"aGk=",
            "s": "a\x01b\tc",
        }
    )
    (value,), _ = xmlrpc.client.loads(xml)
    assert value == {"at": "2024-01-02 03:04:05", "on": "2024-01-02", "raw": "aGk=", "s": "ab\tc"}


def test_control_characters_are_stripped(fresh: SandboxServer) -> None:
    pid = _execute_kw(fresh, "res.partner", "create", [{"name": "A\x01B\tC"}]).json()["result"]
    obj = xmlrpc.client.ServerProxy(fresh.url + "/xmlrpc/2/object")
    assert obj.execute_kw(DB, 2, "admin", "res.partner", "read", [[pid], ["name"]]) == [
        {"id": pid, "name": "AB\tC"}
    ]


def test_nil_is_accepted_in_requests(fresh: SandboxServer) -> None:
    obj = xmlrpc.client.ServerProxy(fresh.url + "/xmlrpc/2/object", allow_none=True)
    assert obj.execute_kw(DB, 2, "admin", "res.partner", "search", [[]], {"limit": None}) == []


def test_none_result_is_a_fault_after_the_commit(fresh: SandboxServer) -> None:
    obj = xmlrpc.client.ServerProxy(fresh.url + "/xmlrpc/2/object")
    pid = obj.execute_kw(DB, 2, "admin", "res.partner", "create", [{"name": "N"}])
    with pytest.raises(xmlrpc.client.Fault) as fault:
        obj.execute_kw(DB, 2, "admin", "res.partner", "action_archive", [[pid]])
    assert fault.value.faultCode == 1
    assert fault.value.faultString.rstrip().endswith(
        "TypeError: cannot marshal None unless allow_none is enabled"
    )
    assert fresh.sandbox.records["res.partner"][pid]["active"] is False  # type: ignore[attr-defined]


def test_malformed_xml_is_a_fault_not_a_crash(server: SandboxServer) -> None:
    response = httpx.post(server.url + "/xmlrpc/2/object", content=b"<methodCall><oops")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc.client.loads(response.content)
    assert fault.value.faultCode == 1
    assert "ExpatError" in fault.value.faultString


def test_get_on_xmlrpc_is_405(server: SandboxServer) -> None:
    assert httpx.get(server.url + "/xmlrpc/2/common").status_code == 405


@pytest.mark.parametrize(
    ("params", "last_line"),
    [
        (
            [DB, 2, "admin", "res.partner"],
            "TypeError: execute_kw() missing 2 required positional arguments: 'method' and 'args'",
        ),
        ([DB, 2], "IndexError: list index out of range"),
        (
            [DB, "x", "admin", "res.partner", "search", [[]]],
            "ValueError: invalid literal for int() with base 10: 'x'",
        ),
        (["other", 2, "admin", "res.partner", "search", [[]]], 'database "other" does not exist'),
    ],
)
def test_object_argument_errors(
    server: SandboxServer, params: list[object], last_line: str
) -> None:
    obj = xmlrpc.client.ServerProxy(server.url + "/xmlrpc/2/object")
    with pytest.raises(xmlrpc.client.Fault) as fault:
        obj.execute_kw(*params)
    assert fault.value.faultCode == 1
    assert last_line in fault.value.faultString.rstrip().splitlines()[-1]


def test_legacy_route_user_error(fresh: SandboxServer) -> None:
    obj = xmlrpc.client.ServerProxy(fresh.url + "/xmlrpc/object")
    a = obj.execute_kw(DB, 2, "admin", "res.partner", "create", [{"name": "A"}])
    with pytest.raises(xmlrpc.client.Fault) as fault:
        obj.execute_kw(DB, 2, "admin", "res.partner", "write", [[a], {"parent_id": a}])
    assert (
        fault.value.faultCode
        == "warning -- UserError\n\nYou cannot create recursive Partner hierarchies."
    )
    assert fault.value.faultString == ""


# -- JSON-RPC ---------------------------------------------------------------------------


def test_jsonrpc_bad_bodies(server: SandboxServer) -> None:
    url, json_type = server.url + "/jsonrpc", {"content-type": "application/json"}
    bad = httpx.post(url, content=b"{not json", headers=json_type)
    assert (bad.status_code, bad.text) == (400, "Invalid JSON data")
    not_object = httpx.post(url, content=b"[1, 2]", headers=json_type)
    assert (not_object.status_code, not_object.text) == (400, "Invalid JSON-RPC data")
    bad_params = httpx.post(url, json={"jsonrpc": "2.0", "id": 4, "params": "x"})
    assert bad_params.status_code == 200
    assert bad_params.json()["id"] == 4
    assert bad_params.json()["error"]["data"]["name"] == "builtins.ValueError"


def test_jsonrpc_missing_params_is_a_type_error(server: SandboxServer) -> None:
    response = _jsonrpc(server, "/jsonrpc", {"service": "common", "method": "version"})
    data = response.json()["error"]["data"]
    assert data["name"] == "builtins.TypeError"
    assert data["message"] == "RPC.jsonrpc() missing 1 required positional argument: 'args'"


def test_jsonrpc_wrong_content_type(server: SandboxServer, version: str) -> None:
    response = httpx.post(
        server.url + "/jsonrpc", content=b"{}", headers={"content-type": "text/plain"}
    )
    assert response.status_code == (415 if version == "19.0" else 400)
    assert response.headers["content-type"].startswith("text/html")


def test_jsonrpc_none_result_has_no_result_key(fresh: SandboxServer) -> None:
    pid = _execute_kw(fresh, "res.partner", "create", [{"name": "N"}]).json()["result"]
    assert _execute_kw(fresh, "res.partner", "action_archive", [[pid]]).json() == {
        "jsonrpc": "2.0",
        "id": 9,
    }


# -- web sessions -----------------------------------------------------------------------


def test_web_session_lifecycle(fresh: SandboxServer) -> None:
    with httpx.Client(base_url=fresh.url) as client:
        login = {"jsonrpc": "2.0", "params": {"db": DB, "login": "admin", "password": "admin"}}
        response = client.post("/web/session/authenticate", json=login)
        assert response.json()["result"]["uid"] == 2
        assert "session_id" in client.cookies
        call = {"params": {"model": "res.users", "method": "context_get", "args": [], "kwargs": {}}}
        ok = client.post("/web/dataset/call_kw/res.users/context_get", json={"id": 1, **call})
        assert ok.json()["result"] == {"lang": "en_US", "tz": False, "uid": 2}
        assert client.post("/web/session/destroy", json={"id": 2, "params": {}}).json() == {
            "jsonrpc": "2.0",
            "id": 2,
        }
        expired = client.post("/web/dataset/call_kw", json={"id": 3, **call}).json()
    assert expired["id"] is None
    assert expired["error"]["code"] == 100


def test_web_unknown_model(fresh: SandboxServer, version: str) -> None:
    with httpx.Client(base_url=fresh.url) as client:
        login = {"params": {"db": DB, "login": "admin", "password": "admin"}}
        client.post("/web/session/authenticate", json=login)
        call = {"params": {"model": "no.model", "method": "search", "args": [[]], "kwargs": {}}}
        error = client.post("/web/dataset/call_kw", json=call).json()["error"]
    if version == "17.0":
        assert (error["code"], error["data"]["name"]) == (200, "builtins.KeyError")
    else:
        assert (error["code"], error["data"]["name"]) == (404, "werkzeug.exceptions.NotFound")


def test_web_authenticate_wrong_db(server: SandboxServer) -> None:
    params = {"db": "other", "login": "admin", "password": "admin"}
    error = _jsonrpc(server, "/web/session/authenticate", params).json()["error"]
    assert (error["data"]["name"], error["data"]["message"]) == (
        "odoo.exceptions.AccessError",
        "Database not found.",
    )


# -- JSON-2 -----------------------------------------------------------------------------


def _json2(server: SandboxServer, path: str, **kw: object) -> httpx.Response:
    headers = {"Authorization": f"bearer {server.api_key}", "X-Odoo-Database": DB}
    headers.update(kw.pop("headers", {}))  # type: ignore[arg-type]
    return httpx.post(server.url + path, headers=headers, **kw)  # type: ignore[arg-type]


def test_json2_only_on_19(server: SandboxServer, version: str) -> None:
    response = httpx.get(server.url + "/json/version")
    if version != "19.0":
        assert response.status_code == 404
        assert server.api_key is None
        return
    assert response.json() == {"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"}


def test_json2_errors(server: SandboxServer, version: str) -> None:
    if version != "19.0":
        pytest.skip("JSON-2 is 19.0 only")
    bad_json = _json2(server, "/json/2/res.partner/search", content=b"{x")
    assert bad_json.status_code == 400
    assert bad_json.json()["message"] == (
        "could not parse the body as json: Expecting property name enclosed in double quotes:"
        " line 1 column 2 (char 1)"
    )
    bad_key = _json2(
        server, "/json/2/res.partner/search", json={}, headers={"Authorization": "bearer nope"}
    )
    assert (bad_key.status_code, bad_key.json()["message"]) == (401, "Invalid apikey")
    other_db = _json2(
        server, "/json/2/res.partner/search", json={}, headers={"X-Odoo-Database": "x"}
    )
    assert other_db.status_code == 404
    text = _json2(
        server, "/json/2/res.partner/search", content=b"{}", headers={"Content-Type": "text/plain"}
    )
    assert text.status_code == 415
    assert _json2(server, "/json/2/res.partner/no_such", json={}).status_code == 404


# -- robustness -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/xmlrpc/2/object",
        "/xmlrpc/common",
        "/jsonrpc",
        "/web/session/authenticate",
        "/web/dataset/call_kw",
        "/json/2/res.partner/search",
        "/_control/faults",
        "/_control/clock",
    ],
)
@pytest.mark.parametrize(
    "body", [b"", b"\xff\xfe", b"null", b"[]", b'{"params": [1]}', b"<x/>" * 3, b'{"id": {}}']
)
def test_garbage_never_gives_500(server: SandboxServer, path: str, body: bytes) -> None:
    with httpx.Client(base_url=server.url) as client:
        for content_type in ("application/json", "text/xml"):
            response = client.post(path, content=body, headers={"content-type": content_type})
            if response.status_code == 500:  # only as Odoo answers an application error
                assert path.startswith("/json/2/"), response.text
                assert response.json()["name"].startswith("builtins."), response.text
        assert client.get("/web/version").status_code in (200, 404)
