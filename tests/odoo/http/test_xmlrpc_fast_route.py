"""``POST /xmlrpc[/2]/<service>`` skips Starlette's router (``XmlRpc.asgi``): over a real
socket it must answer byte for byte, header for header, what the routed handler answers."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator

import httpx
import pytest

from odoo_harness.odoo.http import SandboxServer

pytestmark = pytest.mark.wire
DB = "sandbox"


def _call(*params: object, method: str = "execute_kw") -> bytes:
    return xmlrpc.client.dumps(params, method, allow_none=True).encode()


REQUESTS = [
    ("/xmlrpc/2/common", _call(method="version")),
    ("/xmlrpc/2/common", _call(DB, "admin", "admin", {}, method="authenticate")),
    ("/xmlrpc/2/common", _call(DB, "admin", "wrong", {}, method="authenticate")),
    ("/xmlrpc/2/object", _call(DB, 2, "admin", "res.partner", "search", [[]])),
    ("/xmlrpc/2/object", _call(DB, 2, "wrong", "res.partner", "search", [[]])),
    ("/xmlrpc/2/object", _call(DB, 2, "admin", "no.such.model", "search", [[]])),
    ("/xmlrpc/2/object", _call(DB, 2, "admin", method="nope")),
    ("/xmlrpc/2/object", b"<methodCall><oops"),
    ("/xmlrpc/2/db", _call(method="list")),
    ("/xmlrpc/2/db", _call("master", method="drop")),
    ("/xmlrpc/object", _call(DB, 2, "admin", "no.such.model", "search", [[]])),
    ("/xmlrpc/common", _call(method="version")),
    ("/xmlrpc/db", b""),
]


def _exchange(server: SandboxServer, path: str, body: bytes, *, routed: bool) -> tuple:
    app = server.app
    fast = app.xmlrpc
    if routed:
        app.xmlrpc = None  # what every request went through before the fast route
    try:
        response = httpx.post(server.url + path, content=body, headers={"X-Correlation-Id": "c1"})
    finally:
        app.xmlrpc = fast
    headers = [(k, v) for k, v in response.headers.multi_items() if k != "date"]
    return response.status_code, headers, response.content


@pytest.mark.parametrize(("path", "body"), REQUESTS)
def test_fast_route_answers_as_the_router(fresh: SandboxServer, path: str, body: bytes) -> None:
    routed = _exchange(fresh, path, body, routed=True)
    fresh.sandbox.reset()
    fast = _exchange(fresh, path, body, routed=False)
    assert fast == routed
    assert fast[0] == 200
    assert ("content-type", "text/xml; charset=utf-8") in fast[1]


def test_chunked_bodies_are_read_whole(fresh: SandboxServer) -> None:
    body = _call(DB, 2, "admin", "res.partner", "search_count", [[]])

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 7):
            yield body[start : start + 7]

    response = httpx.post(fresh.url + "/xmlrpc/2/object", content=chunks())
    (count,), _ = xmlrpc.client.loads(response.content)
    assert isinstance(count, int)


def test_the_correlation_id_reaches_the_journal(fresh: SandboxServer) -> None:
    fresh.journal.clear()
    body = _call(DB, 2, "admin", "res.partner", "search", [[]])
    httpx.post(fresh.url + "/xmlrpc/2/object", content=body, headers={"X-Correlation-Id": "o-7"})
    calls = fresh.journal.entries(kind="odoo.call")
    assert [entry.correlation_id for entry in calls] == ["o-7"]


def test_other_paths_and_methods_still_go_through_the_router(server: SandboxServer) -> None:
    assert httpx.get(server.url + "/xmlrpc/2/object").status_code == 405
    unknown = httpx.post(server.url + "/xmlrpc/2/nothing", content=_call(method="x"))
    with pytest.raises(xmlrpc.client.Fault):
        xmlrpc.client.loads(unknown.content)
