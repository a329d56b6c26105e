"""``ir.attachment`` over real XML-RPC and JSON-RPC: content in and out, what follows from
it, searches by record, and access that follows the attached record, on each version."""

from __future__ import annotations

import base64
import hashlib
import itertools
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo_harness.odoo.http.server import SandboxServer

pytestmark = pytest.mark.wire
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
_logins = itertools.count()


class Rpc:
    """``execute_kw`` over XML-RPC as one user."""

    def __init__(self, server: SandboxServer, login: str, password: str) -> None:
        self.server = server
        common = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common")
        self.uid = common.authenticate(server.db, login, password, {})
        assert self.uid, login
        self.password = password
        self.proxy = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object", allow_none=True)

    def __call__(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.proxy.execute_kw(
            self.server.db, self.uid, self.password, model, method, list(args), kwargs
        )


@pytest.fixture(scope="module", params=["17.0", "18.0", "19.0"])
def server(request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    with SandboxServer(version=str(request.param)) as running:
        yield running


@pytest.fixture(scope="module")
def admin(server: SandboxServer) -> Rpc:
    return Rpc(server, *server.credentials["admin"])


@pytest.fixture(scope="module")
def integration(server: SandboxServer) -> Rpc:
    return Rpc(server, *server.credentials["integration"])


@pytest.fixture(scope="module")
def employee(server: SandboxServer, admin: Rpc) -> Rpc:
    """An internal user with no business rights (no sales, no inventory)."""
    [group] = admin("ir.model.data", "search_read", [["module", "=", "base"], ["name", "=", "group_user"]], fields=["res_id"])  # fmt: skip
    groups = "group_ids" if server.sandbox.profile.major >= 19 else "groups_id"
    login = f"employee{next(_logins)}"
    admin(
        "res.users",
        "create",
        {
            "name": "Employee",
            "login": login,
            "password": login,
            groups: [(6, 0, [group["res_id"]])],
        },
    )
    return Rpc(server, login, login)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def attach(rpc: Rpc, data: bytes, name: str, model: str | bool, res_id: int, **values: Any) -> int:
    return int(
        rpc(
            "ir.attachment",
            "create",
            {"name": name, "res_model": model, "res_id": res_id, "datas": b64(data), **values},
        )
    )


def fault_of(call: Any) -> xmlrpc.client.Fault:
    with pytest.raises(xmlrpc.client.Fault) as caught:
        call()
    return caught.value


# -- content --------------------------------------------------------------------------------
def test_content_reads_back_identical_with_size_checksum_and_type(integration: Rpc) -> None:
    partner = integration("res.partner", "create", {"name": "Label owner"})
    att = attach(integration, PDF, "label.pdf", "res.partner", partner)
    [row] = integration(
        "ir.attachment",
        "read",
        [att],
        ["name", "datas", "mimetype", "file_size", "checksum", "type", "res_model", "res_id"],
    )
    assert isinstance(row["datas"], str)  # base64 text, as Odoo's XML-RPC answers it
    assert base64.b64decode(row["datas"]) == PDF
    assert row["file_size"] == len(PDF)
    assert row["checksum"] == hashlib.sha1(PDF).hexdigest()
    assert row["mimetype"] == "application/pdf"
    assert (row["type"], row["res_model"], row["res_id"]) == ("binary", "res.partner", partner)


@pytest.mark.parametrize(
    ("name", "data", "given_type", "expected"),
    [
        ("photo", PNG, None, "image/png"),  # no extension: the content says
        ("notes.txt", b"hello world", None, "text/plain"),  # the name says
        ("scan.bin", PDF, "application/pdf", "application/pdf"),  # given wins
        ("blob", b"\x00\x01\x02", None, "application/octet-stream"),
        ("page.html", b"<html></html>", None, "text/plain"),  # markup only for admins
    ],
)
def test_mimetype_is_given_or_guessed(
    integration: Rpc, name: str, data: bytes, given_type: str | None, expected: str
) -> None:
    partner = integration("res.partner", "create", {"name": f"Owner of {name}"})
    extra = {"mimetype": given_type} if given_type else {}
    att = attach(integration, data, name, "res.partner", partner, **extra)
    assert integration("ir.attachment", "read", [att], ["mimetype"])[0]["mimetype"] == expected


def test_write_replaces_the_content_and_what_follows(integration: Rpc) -> None:
    partner = integration("res.partner", "create", {"name": "Rewritten"})
    att = attach(integration, b"first", "a.txt", "res.partner", partner)
    integration("ir.attachment", "write", [att], {"datas": b64(PNG)})
    [row] = integration("ir.attachment", "read", [att], ["datas", "file_size", "checksum"])
    assert base64.b64decode(row["datas"]) == PNG
    assert (row["file_size"], row["checksum"]) == (len(PNG), hashlib.sha1(PNG).hexdigest())


def test_bin_size_reads_the_size_instead_of_the_content(integration: Rpc) -> None:
    partner = integration("res.partner", "create", {"name": "Sized"})
    att = attach(integration, b"x" * 2048, "big.txt", "res.partner", partner)
    [row] = integration("ir.attachment", "read", [att], ["datas"], context={"bin_size": True})
    assert row["datas"] == "2.00 Kb"


def test_url_attachments_have_no_content(integration: Rpc) -> None:
    partner = integration("res.partner", "create", {"name": "Linked"})
    att = integration(
        "ir.attachment",
        "create",
        {"name": "Tracking", "type": "url", "url": "https://t.example/doc.pdf?x=1",
         "res_model": "res.partner", "res_id": partner},
    )  # fmt: skip
    [row] = integration("ir.attachment", "read", [att], ["datas", "file_size", "mimetype", "url"])
    assert row["datas"] is False and row["file_size"] == 0
    assert row["mimetype"] == "application/pdf"  # from the url, query string left out


def test_bad_base64_is_a_fault_naming_datas(integration: Rpc) -> None:
    fault = fault_of(
        lambda: integration("ir.attachment", "create", {"name": "x", "datas": "not base64!"})
    )
    # Odoo's shape for a Python error: fault 1, a traceback ending in the error's line
    assert fault.faultCode == 1
    assert fault.faultString.rstrip().splitlines()[-1].startswith("ValueError: datas: not base64")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=600))
def test_any_bytes_round_trip(integration: Rpc, data: bytes) -> None:
    att = attach(integration, data, "blob", False, 0)
    [row] = integration("ir.attachment", "read", [att], ["datas", "file_size", "checksum"])
    assert base64.b64decode(row["datas"] or "") == data
    assert row["file_size"] == len(data)
    assert row["checksum"] == (hashlib.sha1(data).hexdigest() if data else False)


# -- search ---------------------------------------------------------------------------------
def test_search_by_record_finds_its_attachments_newest_first(integration: Rpc) -> None:
    first, second = (integration("res.partner", "create", {"name": n}) for n in ("P1", "P2"))
    a = attach(integration, b"a", "a.txt", "res.partner", first)
    b = attach(integration, b"b", "b.txt", "res.partner", first)
    attach(integration, b"c", "c.txt", "res.partner", second)
    domain = [["res_model", "=", "res.partner"], ["res_id", "=", first]]
    assert integration("ir.attachment", "search", domain) == [b, a]
    assert integration("ir.attachment", "search_count", domain) == 2


def test_json_rpc_reads_the_same_base64(server: SandboxServer, integration: Rpc) -> None:
    partner = integration("res.partner", "create", {"name": "Json"})
    att = attach(integration, PNG, "p.png", "res.partner", partner)
    login, password = server.credentials["integration"]
    args = [server.db, integration.uid, password, "ir.attachment", "search_read",
            [[["res_id", "=", partner], ["res_model", "=", "res.partner"]]], {"fields": ["datas"]}]  # fmt: skip
    body = {"jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"service": "object", "method": "execute_kw", "args": args}}  # fmt: skip
    answer = httpx.post(f"{server.url}/jsonrpc", json=body).json()
    assert answer["result"] == [{"id": att, "datas": b64(PNG)}]


# -- access ---------------------------------------------------------------------------------
def _lead_with_file(admin: Rpc) -> tuple[int, int]:
    lead = admin("crm.lead", "create", {"name": "Confidential deal"})
    return lead, attach(admin, PDF, "offer.pdf", "crm.lead", lead)


def test_attachment_of_an_unreadable_record_cannot_be_read(
    server: SandboxServer, admin: Rpc, employee: Rpc, integration: Rpc
) -> None:
    lead, att = _lead_with_file(admin)
    # a sales user reads it; an employee without sales rights does not
    assert (
        base64.b64decode(integration("ir.attachment", "read", [att], ["datas"])[0]["datas"]) == PDF
    )
    fault = fault_of(lambda: employee("ir.attachment", "read", [att], ["datas"]))
    assert fault.faultCode == 4  # odoo.exceptions.AccessError
    if server.sandbox.profile.major >= 19:
        assert fault.faultString == (
            "Sorry, you are not allowed to access this document. Please contact your system "
            f"administrator.\n\n(Operation: read)\n\nRecords: ir.attachment({att},), "
            f"User: {employee.uid}"
        )
    else:  # Odoo's check(): the lead's own access error
        assert fault.faultString.startswith("You are not allowed to access ")
        assert "(crm.lead) records." in fault.faultString.split("\n")[0]
    domain = [["res_model", "=", "crm.lead"], ["res_id", "=", lead]]
    assert employee("ir.attachment", "search", domain) == []
    assert employee("ir.attachment", "search_count", domain) == 0
    assert integration("ir.attachment", "search", domain) == [att]


def test_attaching_needs_write_on_the_record(
    server: SandboxServer, admin: Rpc, employee: Rpc
) -> None:
    lead, _att = _lead_with_file(admin)
    fault = fault_of(lambda: attach(employee, b"x", "x.txt", "crm.lead", lead))
    assert fault.faultCode == 4
    if server.sandbox.profile.major >= 19:
        assert fault.faultString == "Sorry, you are not allowed to access this document."
    else:
        assert fault.faultString.startswith("You are not allowed to modify ")


def test_unattached_files_belong_to_their_creator(
    server: SandboxServer, employee: Rpc, integration: Rpc
) -> None:
    mine = attach(integration, b"draft", "draft.txt", False, 0)
    assert integration("ir.attachment", "read", [mine], ["name"]) == [
        {"id": mine, "name": "draft.txt"}
    ]
    fault = fault_of(lambda: employee("ir.attachment", "read", [mine], ["name"]))
    assert fault.faultCode == 4
    assert fault.faultString.startswith("Sorry, you are not allowed to access this document.")
    assert employee("ir.attachment", "search", [["id", "=", mine]]) == []
    fault = fault_of(lambda: employee("ir.attachment", "unlink", [mine]))
    assert fault.faultCode == 4
    if server.sandbox.profile.major >= 19:  # create/unlink are checked as write
        assert "(Operation: write)" in fault.faultString


def test_public_attachments_are_readable_by_everyone(admin: Rpc, employee: Rpc) -> None:
    lead, att = _lead_with_file(admin)
    admin("ir.attachment", "write", [att], {"public": True})
    assert employee("ir.attachment", "read", [att], ["name"]) == [{"id": att, "name": "offer.pdf"}]


# -- chatter --------------------------------------------------------------------------------
def test_message_post_carries_files(server: SandboxServer, integration: Rpc) -> None:
    partner = integration("res.partner", "create", {"name": "Chatter"})
    existing = attach(integration, b"old", "old.txt", "res.partner", partner)
    posted = integration(
        "res.partner",
        "message_post",
        [partner],
        body="With files",
        attachment_ids=[existing],
        attachments=[["new.txt", "fresh content"]],
    )
    message = posted[0] if isinstance(posted, list) else posted
    [row] = integration("mail.message", "read", [message], ["attachment_ids"])
    files = integration("ir.attachment", "read", row["attachment_ids"], ["name", "datas", "res_id"])
    by_name = {f["name"]: f for f in files}
    assert set(by_name) == {"old.txt", "new.txt"}
    assert base64.b64decode(by_name["new.txt"]["datas"]) == b"fresh content"
    assert by_name["new.txt"]["res_id"] == partner
