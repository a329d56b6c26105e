"""OdooAdapter over a real socket: results, failure classes per fault, journal, counts."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from odoo_harness.engine import (
    CredentialsError,
    OdooAdapter,
    OdooConnection,
    PermanentError,
    RetryableError,
)
from odoo_harness.journal import Journal
from odoo_harness.odoo.http.server import SandboxServer

from .conftest import Odoo

pytestmark = pytest.mark.wire


@pytest.fixture(params=["xmlrpc", "jsonrpc"])
def protocol(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_crud_helpers_and_call_counts(
    make_adapter: Callable[..., OdooAdapter], protocol: str
) -> None:
    adapter = make_adapter(protocol=protocol)
    partner = adapter.create("res.partner", {"name": "Ana", "email": "ana@example.com"})
    assert adapter.write("res.partner", partner, {"phone": "+32 1"})
    assert adapter.find("res.partner", [("email", "=", "ana@example.com")]) == partner
    [row] = adapter.read("res.partner", [partner], ["name", "phone"])
    assert row["phone"] == "+32 1"
    assert adapter.external_id("base.main_company") == ("res.company", 1)
    assert adapter.calls_by_method["common.authenticate"] == 1
    assert adapter.calls == 6  # login + 5 model calls
    adapter.reset_counts()
    assert adapter.calls == 0


PERMANENT = [
    ("UserError", "Only draft orders can be confirmed", "Only draft orders can be confirmed"),
    ("ValidationError", "The email is invalid", "The email is invalid"),
    ("AccessError", "You are not allowed to modify 'Sales Order'", "not allowed to do this"),
    ("MissingError", "Record does not exist or has been deleted.", "no longer exists"),
    ("ValueError", "Invalid field 'colour'", "could not process"),
]


@pytest.mark.parametrize(("exception", "message", "shown"), PERMANENT)
def test_odoo_exceptions_are_permanent(
    odoo: Odoo,
    make_adapter: Callable[..., OdooAdapter],
    protocol: str,
    exception: str,
    message: str,
    shown: str,
) -> None:
    adapter = make_adapter(protocol=protocol)
    odoo.fault(
        kind="error", model="sale.order", method="create", exception=exception, message=message
    )
    with pytest.raises(PermanentError) as caught:
        adapter.create("sale.order", {"partner_id": 3})
    error = caught.value
    # /xmlrpc/2 gives the whole UserError family one fault code (2): only the text tells
    family_only = protocol == "xmlrpc" and exception in ("ValidationError", "MissingError")
    assert shown in error.user_message or (family_only and message in error.user_message)
    assert "\n" not in error.user_message
    assert (exception in str(error) or family_only) and "sale.order.create" in str(error)


def test_concurrency_fault_is_retryable(
    odoo: Odoo, make_adapter: Callable[..., OdooAdapter], protocol: str
) -> None:
    adapter = make_adapter(protocol=protocol)
    odoo.fault(kind="concurrency", model="sale.order", method="write")
    with pytest.raises(RetryableError) as caught:
        adapter.write("sale.order", [1], {"note": "x"})
    assert caught.value.category == "odoo_concurrency"
    assert "SerializationFailure" in str(caught.value)


def test_dropped_connection_is_retryable(
    odoo: Odoo, make_adapter: Callable[..., OdooAdapter], protocol: str
) -> None:
    adapter = make_adapter(protocol=protocol)
    odoo.fault(kind="drop", model="res.partner", method="search")
    with pytest.raises(RetryableError) as caught:
        adapter.search("res.partner", [])
    assert caught.value.category == "connection"


def test_timeout_is_retryable(odoo: Odoo, make_adapter: Callable[..., OdooAdapter]) -> None:
    adapter = make_adapter(timeout=0.3)
    adapter.uid  # log in before the slow call  # noqa: B018
    odoo.fault(kind="latency", model="res.partner", method="search", seconds=1.5)
    with pytest.raises(RetryableError) as caught:
        adapter.search("res.partner", [])
    assert caught.value.category == "timeout"


def test_connection_refused_is_retryable(journal: Journal) -> None:
    with SandboxServer(version="18.0") as server:
        url = server.url  # the port is free again once the server stopped
    conn = OdooConnection(url=url, db="sandbox", login="admin", password="admin", timeout=2)
    with OdooAdapter(conn, journal=journal) as adapter, pytest.raises(RetryableError) as caught:
        adapter.search("res.partner", [])
    assert caught.value.category == "connection"


def test_wrong_password_is_a_credentials_error(make_adapter: Callable[..., OdooAdapter]) -> None:
    adapter = make_adapter(password="not-the-password")
    with pytest.raises(CredentialsError) as caught:
        adapter.search("res.partner", [])
    assert "login" in caught.value.user_message


def test_access_denied_logs_in_again_once(
    odoo: Odoo, make_adapter: Callable[..., OdooAdapter], protocol: str
) -> None:
    adapter = make_adapter(protocol=protocol)
    adapter.uid  # noqa: B018
    odoo.fault(kind="error", model="res.partner", method="search", exception="AccessDenied")
    assert isinstance(adapter.search("res.partner", []), list)  # refreshed, then fine
    assert adapter.calls_by_method["common.authenticate"] == 2
    odoo.fault(
        kind="error", model="res.partner", method="search", exception="AccessDenied", times=2
    )
    with pytest.raises(CredentialsError):
        adapter.search("res.partner", [])


def test_session_expired_is_a_credentials_error(
    odoo: Odoo, make_adapter: Callable[..., OdooAdapter], protocol: str
) -> None:
    adapter = make_adapter(protocol=protocol)
    odoo.fault(
        kind="error", model="res.partner", method="search", exception="SessionExpired", times=2
    )
    with pytest.raises(CredentialsError):
        adapter.search("res.partner", [])


# -- HTTP errors in front of Odoo (a proxy's 502/503, a 429) ---------------------------------


class _Stub(BaseHTTPRequestHandler):
    status = 503
    headers_out: dict[str, str] = {}

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(self.status)
        for key, value in self.headers_out.items():
            self.send_header(key, value)
        body = b"<html>Service Unavailable</html>"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stub() -> Iterator[Callable[[int, dict[str, str]], str]]:
    servers: list[ThreadingHTTPServer] = []

    def serve(status: int, headers: dict[str, str]) -> str:
        handler = type("H", (_Stub,), {"status": status, "headers_out": headers})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("status", "headers", "category", "retry_after"),
    [
        (503, {"Retry-After": "120"}, "5xx", 120.0),
        (502, {}, "5xx", None),
        (429, {"Retry-After": "7"}, "429", 7.0),
    ],
)
def test_http_errors_are_retryable(
    stub: Callable[[int, dict[str, str]], str],
    journal: Journal,
    status: int,
    headers: dict[str, str],
    category: str,
    retry_after: float | None,
) -> None:
    conn = OdooConnection(url=stub(status, headers), db="x", login="a", password="secret-pw")
    with OdooAdapter(conn, journal=journal) as adapter, pytest.raises(RetryableError) as caught:
        adapter.uid  # noqa: B018
    assert caught.value.category == category
    assert caught.value.retry_after == retry_after


def test_not_found_is_permanent(
    stub: Callable[[int, dict[str, str]], str], journal: Journal
) -> None:
    conn = OdooConnection(url=stub(404, {}), db="x", login="a", password="secret-pw")
    with OdooAdapter(conn, journal=journal) as adapter, pytest.raises(PermanentError) as caught:
        adapter.uid  # noqa: B018
    assert "check the Odoo URL" in caught.value.user_message


# -- the exchange log ------------------------------------------------------------------------


def test_every_call_is_journaled_with_correlation_and_job_ids(
    odoo: Odoo, adapter: OdooAdapter, journal: Journal
) -> None:
    from odoo_harness.engine import running_job

    with running_job(42):
        adapter.search("res.partner", [("id", "=", 3)])
    odoo.fault(
        kind="error", model="res.partner", method="search", exception="UserError", message="No"
    )
    with pytest.raises(PermanentError):
        adapter.search("res.partner", [])
    requests = journal.entries(kind="exchange.request")
    responses = journal.entries(kind="exchange.response")
    assert [r.data["method"] for r in requests] == ["authenticate", "search", "search"]
    assert [r.correlation_id for r in requests] == [r.correlation_id for r in responses]
    assert requests[1].data["job_id"] == 42 and requests[2].data["job_id"] is None
    assert responses[1].data["result"] == [3]
    assert (
        responses[2].data["outcome"] == "error" and responses[2].data["error_class"] == "permanent"
    )
    # the other side saw the same correlation id
    seen = {c["model"] + "." + c["method"] for c in odoo.calls()}
    assert "res.partner.search" in seen
    sandbox_ids = _sandbox_correlation_ids(odoo)
    assert requests[1].correlation_id in sandbox_ids


def _sandbox_correlation_ids(odoo: Odoo) -> set[str]:
    import httpx

    params = {"kind": "odoo.call", "since": odoo.since}
    entries = httpx.get(f"{odoo.url}/_control/journal", params=params).json()
    return {e["correlation_id"] for e in entries["entries"]}


def test_secrets_never_reach_the_journal(
    odoo: Odoo, make_adapter: Callable[..., OdooAdapter], journal: Journal, protocol: str
) -> None:
    strong = "Tr0ub4dor-and-3-horses"
    admin = make_adapter(protocol=protocol)
    admin.write("res.users", admin.uid, {"password": strong})
    adapter = make_adapter(protocol=protocol, password=strong)
    adapter.search_read("res.partner", [], ["name"], limit=2)
    odoo.fault(
        kind="error",
        model="res.partner",
        method="create",
        exception="UserError",
        message=f"echo {strong}",
    )
    with pytest.raises(PermanentError):
        adapter.create("res.partner", {"name": "X", "password": strong})
    bad = make_adapter(protocol=protocol, password=strong + "-wrong")
    with pytest.raises(CredentialsError):
        bad.search("res.partner", [])
    text = json.dumps([e.to_dict() for e in journal])
    assert strong not in text
    assert "***" in text  # the write of the password and the echoed message were masked


def test_json2_on_19(journal: Journal) -> None:
    with SandboxServer(version="19.0") as server:
        assert server.api_key
        conn = OdooConnection(
            url=server.url, db=server.db, login="admin", api_key=server.api_key, protocol="json2"
        )
        with OdooAdapter(conn, journal=journal) as adapter:
            partner = adapter.create("res.partner", {"name": "Ana", "email": "ana@example.com"})
            assert adapter.write("res.partner", partner, {"phone": "1"})
            rows = adapter.search_read("res.partner", [("id", "=", partner)], ["phone"])
            assert rows[0]["phone"] == "1"
            assert adapter.find("res.partner", [("email", "=", "ana@example.com")]) == partner
            import httpx

            httpx.post(
                f"{server.url}/_control/faults",
                json={
                    "kind": "error",
                    "model": "res.partner",
                    "method": "write",
                    "exception": "ValidationError",
                    "message": "Bad VAT",
                },
            )
            with pytest.raises(PermanentError) as caught:
                adapter.write("res.partner", partner, {"vat": "x"})
            assert caught.value.user_message == "Bad VAT"
            httpx.post(f"{server.url}/_control/faults", json={"kind": "concurrency"})
            with pytest.raises(RetryableError):
                adapter.search("res.partner", [])
        wrong = OdooConnection(
            url=server.url, db=server.db, login="admin", api_key="0" * 40, protocol="json2"
        )
        with OdooAdapter(wrong, journal=journal) as adapter, pytest.raises(CredentialsError):
            adapter.search("res.partner", [])
        assert server.api_key not in json.dumps([e.to_dict() for e in journal])
