"""Odoo 19's api_doc JSON routes (``/doc[-bearer]/<model>.json``, ``/doc[-bearer]/index.json``)
against a real sandbox over a real socket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from odoo_harness.odoo.http.server import SandboxServer

NOT_ALLOWED = "This page is only accessible to Technical Documentation users."


@pytest.fixture(scope="module")
def doc_server() -> Iterator[SandboxServer]:
    with SandboxServer(version="19.0") as running:
        yield running


def _bearer(server: SandboxServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.api_key}"}


def _session(server: SandboxServer, login: str, password: str) -> httpx.Cookies:
    response = httpx.post(
        f"{server.url}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"db": server.db, "login": login, "password": password},
        },
    )
    assert "result" in response.json()
    return response.cookies


def _get(server: SandboxServer, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.get(f"{server.url}{path}", **kwargs)


@pytest.mark.parametrize("prefix", ["doc", "doc-bearer"])
def test_model_document(doc_server: SandboxServer, prefix: str) -> None:
    if prefix == "doc":
        auth: dict[str, Any] = {"cookies": _session(doc_server, "admin", "admin")}
    else:
        auth = {"headers": _bearer(doc_server)}
    response = _get(doc_server, f"/{prefix}/res.partner.json", **auth)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert sorted(response.headers["cache-control"].split(", ")) == ["no-cache", "private"]
    assert response.headers["content-language"] == "en-US"
    document = response.json()
    fields, methods = document.pop("fields"), document.pop("methods")
    assert document == {"model": "res.partner", "name": "Contact", "doc": None}

    # fields: fields_get() plus the introducing module (None for the ORM's magic fields)
    assert {"id", "name", "create_uid", "lang", "tz"} <= set(fields)
    assert fields["id"]["module"] is None
    assert fields["name"]["module"] == "base"
    assert {k: v for k, v in fields["id"].items() if k != "module"} == (
        httpx.post(
            f"{doc_server.url}/json/2/res.partner/fields_get",
            json={"allfields": ["id"]},
            headers=_bearer(doc_server),
        ).json()["id"]
    )

    # methods: the public ones only, with Odoo's signature shape
    assert {"search", "search_read", "read", "write", "create", "name_create"} <= set(methods)
    assert not {"exists", "browse", "sudo", "_search", "name_search__v19"} & set(methods)
    assert methods["search"] == {
        "signature": "(domain, offset=0, limit=None, order=None) -> list[int]",
        "parameters": {
            "domain": {"annotation": "list[Any]"},
            "offset": {"default": 0, "annotation": "int"},
            "limit": {"default": None, "annotation": "int | None"},
            "order": {"default": None, "annotation": "str | None"},
        },
        "return": {"annotation": "list[int]"},
        "api": ["model", "readonly"],
        "model": "core",
        "module": "core",
    }
    assert "api" not in methods["write"]  # a record method: called with ids
    assert list(methods["write"]["parameters"]) == ["vals"]
    assert methods["create"]["api"] == ["model"]
    # 19's name_search takes ``domain`` (the versioned variant is documented)
    assert list(methods["name_search"]["parameters"]) == ["name", "domain", "operator", "limit"]
    assert methods["search_read"]["parameters"]["read_kwargs"]["kind"] == "VAR_KEYWORD"


def test_document_methods_match_json2(doc_server: SandboxServer) -> None:
    """Positional arguments mapped with the document's parameter names call the method."""
    methods = _get(doc_server, "/doc-bearer/res.partner.json", headers=_bearer(doc_server)).json()[
        "methods"
    ]
    names = list(methods["name_create"]["parameters"])
    response = httpx.post(
        f"{doc_server.url}/json/2/res.partner/name_create",
        json=dict(zip(names, ["Doc mapped partner"], strict=False)),
        headers=_bearer(doc_server),
    )
    assert response.status_code == 200
    assert response.json()[1] == "Doc mapped partner"


def test_document_is_built_from_every_model(doc_server: SandboxServer) -> None:
    document = _get(doc_server, "/doc-bearer/sale.order.json", headers=_bearer(doc_server)).json()
    assert document["model"] == "sale.order"
    assert "partner_id" in document["fields"]
    assert "search_read" in document["methods"]


@pytest.mark.parametrize("prefix", ["doc", "doc-bearer"])
def test_index(doc_server: SandboxServer, prefix: str) -> None:
    if prefix == "doc":
        auth: dict[str, Any] = {"cookies": _session(doc_server, "admin", "admin")}
    else:
        auth = {"headers": _bearer(doc_server)}
    response = _get(doc_server, f"/{prefix}/index.json", **auth)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    index = response.json()
    assert set(index) == {"modules", "models"}
    assert {"base", "web", "api_doc"} < set(index["modules"])
    partner = next(m for m in index["models"] if m["model"] == "res.partner")
    fields, methods = partner.pop("fields"), partner.pop("methods")
    assert partner == {"model": "res.partner", "name": "Contact"}
    assert {"search", "name_create"} < set(methods)
    assert fields["id"] == {"string": "ID"}


def test_index_cache_headers(doc_server: SandboxServer) -> None:
    headers = _bearer(doc_server)
    first = _get(doc_server, "/doc-bearer/index.json", headers=headers)
    etag = first.headers["etag"]
    assert sorted(first.headers["cache-control"].split(", ")) == ["no-cache", "private"]
    assert "odoo-doc-index-" in first.headers["content-disposition"]
    assert etag.strip('"') in first.headers["content-disposition"]
    cached = _get(doc_server, "/doc-bearer/index.json", headers={**headers, "If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.content == b""
    forced = _get(
        doc_server,
        "/doc-bearer/index.json",
        headers={**headers, "If-None-Match": etag, "Cache-Control": "no-cache"},
    )
    assert forced.status_code == 200
    assert forced.headers["cache-control"] == "no-store"
    assert forced.headers["content-disposition"].endswith("odoo-doc-index.json")


def test_model_etag(doc_server: SandboxServer) -> None:
    headers = _bearer(doc_server)
    first = _get(doc_server, "/doc-bearer/res.partner.json", headers=headers)
    again = _get(
        doc_server,
        "/doc-bearer/res.partner.json",
        headers={**headers, "If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304


def _error(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    assert list(body) == ["name", "message", "arguments", "context", "debug"]
    assert "/work/" not in body["debug"] and "odoo_harness" not in body["debug"]
    return response.status_code, body["name"], body["message"]


def test_unknown_model_is_404(doc_server: SandboxServer) -> None:
    response = _get(doc_server, "/doc-bearer/no.such.model.json", headers=_bearer(doc_server))
    status, name, message = _error(response)
    assert (status, name) == (404, "werkzeug.exceptions.NotFound")
    assert message.startswith("The requested URL was not found on the server.")


def test_bearer_route_needs_an_api_key(doc_server: SandboxServer) -> None:
    status, name, message = _error(_get(doc_server, "/doc-bearer/res.partner.json"))
    assert (status, name) == (401, "werkzeug.exceptions.Unauthorized")
    assert "Bearer" in message
    bad = _get(doc_server, "/doc-bearer/res.partner.json", headers={"Authorization": "Bearer x"})
    assert _error(bad) == (401, "werkzeug.exceptions.Unauthorized", "Invalid apikey")


def test_session_route_needs_a_session(doc_server: SandboxServer) -> None:
    for path in ("/doc/res.partner.json", "/doc/index.json"):
        status, name, message = _error(_get(doc_server, path, headers=_bearer(doc_server)))
        assert (status, name, message) == (
            403,
            "odoo.http.SessionExpiredException",
            "Session expired",
        )


def test_users_outside_the_doc_group_are_refused(doc_server: SandboxServer) -> None:
    cookies = _session(doc_server, "integration", "integration")
    for path in ("/doc/res.partner.json", "/doc/index.json", "/doc/no.such.model.json"):
        response = _get(doc_server, path, cookies=cookies)
        assert _error(response) == (403, "odoo.exceptions.AccessError", NOT_ALLOWED)


def test_other_database_header_is_404(doc_server: SandboxServer) -> None:
    response = _get(
        doc_server,
        "/doc-bearer/res.partner.json",
        headers={**_bearer(doc_server), "X-Odoo-Database": "other"},
    )
    assert response.status_code == 404


@pytest.mark.parametrize("version", ["17.0", "18.0"])
def test_no_api_doc_before_19(version: str) -> None:
    with SandboxServer(version=version) as server:
        response = _get(server, "/doc-bearer/res.partner.json", headers=_bearer(server))
        assert response.status_code == 404


def test_document_is_plain_json(doc_server: SandboxServer) -> None:
    """Every default is JSON (non-JSON defaults are left out, as Odoo does)."""
    response = _get(doc_server, "/doc-bearer/product.template.json", headers=_bearer(doc_server))
    document = response.json()
    assert json.loads(json.dumps(document)) == document
    for method in document["methods"].values():
        assert {"signature", "parameters", "model", "module"} <= set(method)
