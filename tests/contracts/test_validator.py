"""``Contract.validate_exchange``: good exchanges pass; each kind of departure is named."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from odoo_harness.contracts import Contract, ContractError, Violation

ITEM = {"id": 1, "name": "chair", "tags": ["red"]}
JSON = {"Content-Type": "application/json", "X-Request-Id": "req_1"}


def _check(
    contract: Contract,
    method: str,
    url: str,
    status: int | None = 200,
    body: Any = None,
    request: Any = None,
    headers: Any = None,
    request_headers: Any = None,
) -> list[Violation]:
    return contract.validate_exchange(
        method,
        url,
        request_headers or {},
        request,
        status,
        JSON if headers is None else headers,
        body,
    )


def _one(violations: list[Violation]) -> Violation:
    assert len(violations) == 1, [str(v) for v in violations]
    return violations[0]


@pytest.mark.parametrize(
    ("method", "url", "request_body", "status", "body"),
    [
        ("GET", "/items/1", None, 200, ITEM),
        ("GET", "http://127.0.0.1:8000/items/1", None, 200, json.dumps(ITEM).encode()),
        (
            "GET",
            "/api/items/1",
            None,
            404,
            {"error": {"code": "NOT_FOUND", "message": "no", "request_id": "r"}},
        ),
        ("GET", "/items?limit=5", None, 200, {"items": [ITEM, ITEM]}),
        ("POST", "/items", {"name": "desk"}, 201, ITEM),
        ("POST", "/items", b'{"name": "desk", "tags": []}', 201, json.dumps(ITEM)),
    ],
)
def test_good_exchanges_pass(
    items_contract: Contract, method: str, url: str, request_body: Any, status: int, body: Any
) -> None:
    violations = items_contract.validate_exchange(
        method, url, {"content-type": "application/json"}, request_body, status, JSON, body
    )
    assert violations == []


def test_an_undocumented_status(items_contract: Contract) -> None:
    v = _one(_check(items_contract, "GET", "/items/1", 418, {"teapot": True}))
    assert (v.where, v.what, v.expected, v.got) == (
        "response.status",
        "status 418 is not documented",
        "one of 200, 404, 422",
        "418",
    )
    assert v.operation == "GET /items/{item_id}"
    assert str(v).startswith("GET /items/{item_id}: response.status: status 418")


def test_a_missing_required_field(items_contract: Contract) -> None:
    v = _one(_check(items_contract, "GET", "/items/1", body={"id": 1, "name": "chair"}))
    assert (v.where, v.what) == ("response.body", "'tags' is a required property")


def test_an_extra_property_in_a_closed_object(items_contract: Contract) -> None:
    v = _one(
        _check(items_contract, "GET", "/items?limit=1", body={"items": [{**ITEM, "internal": 7}]})
    )
    assert v.where == "response.body/items/0"
    assert "'internal' was unexpected" in v.what
    assert v.expected == "additionalProperties: false"


def test_a_bad_parameter_type(items_contract: Contract) -> None:
    v = _one(_check(items_contract, "GET", "/items?limit=many", body={"items": []}))
    assert (v.where, v.what) == ("request.query.limit", "'many' is not of type 'integer'")
    v = _one(
        _check(
            items_contract,
            "GET",
            "/items/abc",
            422,
            {"error": {"code": "x", "message": "y", "request_id": "z"}},
        )
    )
    assert v.where == "request.path.item_id"


def test_a_bad_header_and_a_missing_required_response_header(items_contract: Contract) -> None:
    violations = _check(
        items_contract,
        "GET",
        "/items/1",
        body=ITEM,
        request_headers=[("X-Trace", "NOT lower")],
        headers={},
    )
    assert {v.where for v in violations} == {
        "request.header.X-Trace",
        "response.header.X-Request-Id",
    }


def test_an_unknown_path_and_an_undocumented_method(items_contract: Contract) -> None:
    v = _one(_check(items_contract, "GET", "/orders/1"))
    assert (v.where, v.got) == ("request.path", "GET /orders/1")
    v = _one(_check(items_contract, "DELETE", "/items/1"))
    assert (v.where, v.expected) == ("request.method", "one of GET")


def test_request_bodies(items_contract: Contract) -> None:
    missing = _one(_check(items_contract, "POST", "/items", 201, ITEM))
    assert missing.what == "the required request body is missing"
    wrong = _check(
        items_contract,
        "POST",
        "/items",
        201,
        ITEM,
        request={"name": ""},
        request_headers={"Content-Type": "application/json"},
    )
    assert _one(wrong).where == "request.body/name"
    text = _one(
        _check(
            items_contract,
            "POST",
            "/items",
            201,
            ITEM,
            request="name=x",
            request_headers={"Content-Type": "text/plain"},
        )
    )
    assert text.where == "request.content-type"
    broken = _one(
        _check(
            items_contract,
            "POST",
            "/items",
            201,
            ITEM,
            request=b"{",
            request_headers={"Content-Type": "application/json"},
        )
    )
    assert broken.what == "the body is not valid JSON"


def test_response_bodies(items_contract: Contract) -> None:
    assert (
        _one(_check(items_contract, "GET", "/items/1", body=b"")).what == "response 200 has no body"
    )
    assert (
        _one(_check(items_contract, "GET", "/items/1", body=b"<html>")).what
        == "the body is not valid JSON"
    )
    html = {**JSON, "Content-Type": "text/html"}
    assert (
        _one(_check(items_contract, "GET", "/items/1", body="x", headers=html)).where
        == "response.content-type"
    )


def test_only_the_request_when_no_response_came(items_contract: Contract) -> None:
    assert _check(items_contract, "GET", "/items/1", status=None) == []


def test_webhook_deliveries(items_contract: Contract) -> None:
    headers = {"X-Signature": "sha256=abcdef", "Content-Type": "application/json"}
    assert items_contract.validate_webhook("item.created", headers, ITEM, 204, {}, b"") == []
    violations = items_contract.validate_webhook("item.created", {}, {"id": 1}, 200, {}, None)
    assert [v.where for v in violations] == [
        "request.header.X-Signature",
        "request.body",  # name missing
        "request.body",  # tags missing
        "response.status",
    ]
    assert violations[0].operation == "POST item.created"
    unknown = _one(items_contract.validate_webhook("item.deleted", headers, ITEM))
    assert (unknown.where, unknown.expected) == ("webhook", "one of item.created")


def test_refs_components_and_ranges() -> None:
    contract = Contract.from_text("""
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /things/{id}.json:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        2XX: {description: ok, content: {application/json: {schema: {$ref: '#/$defs/Thing'}}}}
        default: {description: any, content: {'*/*': {schema: {}}}}
  /things/count.json:
    get:
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: integer}}}}
$defs:
  Thing: {type: object, additionalProperties: false, properties: {id: {type: integer}}}
""")
    assert contract.validate_exchange("GET", "/things/7.json", None, None, 203, {}, {"id": 7}) == []
    assert contract.validate_exchange("GET", "/things/count.json", None, None, 200, {}, 3) == []
    assert contract.validate_exchange("GET", "/things/7.json", None, None, 500, {}, "x") == []
    [v] = contract.validate_exchange("GET", "/things/7.json", None, None, 200, {}, {"id": "7"})
    assert v.where == "response.body/id"


_odd = st.one_of(
    st.none(),
    st.integers(),
    st.text(),
    st.binary(),
    st.dictionaries(st.text(), st.text()),
    st.lists(st.tuples(st.text(), st.text())),
)


@given(method=_odd, url=_odd, headers=_odd, body=_odd, status=_odd, response_body=_odd)
def test_never_raises_on_odd_input(
    items_contract: Contract,
    method: Any,
    url: Any,
    headers: Any,
    body: Any,
    status: Any,
    response_body: Any,
) -> None:
    violations = items_contract.validate_exchange(
        method, url, headers, body, status, headers, response_body
    )
    assert all(isinstance(v, Violation) for v in violations)


def test_validators_are_compiled_once_and_fast(items_contract: Contract) -> None:
    _check(items_contract, "GET", "/items/1", body=ITEM)  # warm the cache
    started = time.perf_counter()
    for _ in range(500):
        _check(items_contract, "GET", "/items?limit=3", body={"items": [ITEM] * 3})
    assert (time.perf_counter() - started) / 500 < 0.002  # generous: ~0.15 ms here


def test_a_broken_contract_names_file_and_line(tmp_path: Any) -> None:
    path = tmp_path / "x.openapi.yaml"
    path.write_text("openapi: 3.1.0\npaths: {a: [}\n")
    with pytest.raises(ContractError, match=r"x\.openapi\.yaml:2: /: not valid YAML"):
        Contract.load(path)


def test_importing_the_package_stays_light() -> None:
    code = (
        "import sys, odoo_harness.contracts as c; "
        "heavy = [m for m in ('jsonschema', 'schemathesis', 'openapi_spec_validator',"
        " 'referencing') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
