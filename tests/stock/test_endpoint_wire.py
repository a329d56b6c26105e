"""The stock endpoint over a real loopback socket: figures equal Odoo's, the naive baseline
agrees, auth, parameter errors, ETags, pagination and the error envelope."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo_harness.contracts import Contract, lint
from odoo_harness.engine.stock_availability import StockSnapshot

from .conftest import KEY, Served

pytestmark = pytest.mark.wire

CONTRACT = Path(__file__).parents[2] / "contracts" / "engine" / "stock_availability.openapi.yaml"
REFERENCE, NAIVE = "/v1/stock/availability", "/v1/stock/availability-naive"


def _pages(client: httpx.Client, path: str, **params: Any) -> list[list[dict[str, Any]]]:
    pages: list[list[dict[str, Any]]] = []
    token = None
    for _ in range(10_000):
        query = {**params, **({"page_token": token} if token else {})}
        answer = client.get(path, params=query)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        pages.append(body["items"])
        token = body["next_page_token"]
        if token is None:
            return pages
    raise AssertionError("pagination never ended")


def _all_pages(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    return [item for page in _pages(client, path, **params) for item in page]


def test_every_figure_equals_odoos(served: Served) -> None:
    expected = served.odoo.figures()
    with served.client() as client:
        items = _all_pages(client, REFERENCE, limit=1000)
    assert [item["sku"] for item in items] == sorted(expected)
    for item in items:
        per = {w["warehouse"]: (w["free"], w["on_hand"], w["incoming"]) for w in item["warehouses"]}
        assert per == expected[item["sku"]], item["sku"]
        for k, name in enumerate(("free", "on_hand", "incoming")):
            assert item["total"][name] == pytest.approx(sum(v[k] for v in per.values()))
    # the catalogue's open orders reserve stock: free differs from on hand somewhere
    assert any(w["free"] < w["on_hand"] for item in items for w in item["warehouses"])


def test_the_naive_baseline_gives_the_same_items(served: Served) -> None:
    with served.client() as client:
        skus = [item["sku"] for item in _all_pages(client, REFERENCE, limit=1000)]
        for start in range(0, len(skus), 50):
            chunk = ",".join(skus[start : start + 50]) + ",NO-SUCH-SKU"
            reference = client.get(REFERENCE, params={"sku": chunk}).json()
            naive = client.get(NAIVE, params={"sku": chunk}).json()
            assert naive["items"] == reference["items"]
            assert naive["unknown_skus"] == reference["unknown_skus"] == ["NO-SUCH-SKU"]
        paged = client.get(NAIVE, params={"limit": 7, "warehouse": "WH2"}).json()
        same = client.get(REFERENCE, params={"limit": 7, "warehouse": "WH2"}).json()
    assert paged["items"] == same["items"]
    assert paged["next_page_token"] == same["next_page_token"]


def test_a_warehouse_filter_lists_and_totals_only_those_warehouses(served: Served) -> None:
    expected = served.odoo.figures()
    with served.client() as client:
        body = client.get(REFERENCE, params={"warehouse": "WH3,WH", "limit": 1000}).json()
    for item in body["items"]:
        assert [w["warehouse"] for w in item["warehouses"]] == ["WH", "WH3"]
        want = expected[item["sku"]]
        assert item["total"]["on_hand"] == pytest.approx(want["WH"][1] + want["WH3"][1])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    limit=st.integers(min_value=1, max_value=70),
    warehouse=st.sampled_from([None, "WH", "WH2,WH3"]),
    picked=st.none() | st.sets(st.integers(min_value=0, max_value=80), max_size=30),
)
def test_pages_visit_each_sku_once_in_order(
    served: Served, limit: int, warehouse: str | None, picked: set[int] | None
) -> None:
    everything = sorted(served.snapshot.items)
    params: dict[str, Any] = {"limit": limit}
    if warehouse:
        params["warehouse"] = warehouse
    wanted = everything
    if picked is not None:
        asked = sorted({f"SKU-{n:06d}" for n in picked})
        if not asked:
            return
        params["sku"] = ",".join(asked)
        wanted = [s for s in asked if s in served.snapshot.items]
    with served.client() as client:
        pages = _pages(client, REFERENCE, **params)
    skus = [item["sku"] for page in pages for item in page]
    assert skus == wanted  # each once, in SKU order, nothing else
    assert all(len(page) == limit for page in pages[:-1])  # full pages until the last
    assert 0 < len(pages[-1]) <= limit or wanted == []


def test_an_unchanged_answer_is_a_304_with_the_same_etag(served: Served) -> None:
    with served.client() as client:
        first = client.get(REFERENCE, params={"sku": "SKU-000001,SKU-000002"})
        etag = first.headers["etag"]
        assert etag.startswith('"') and etag.endswith('"')  # strong
        again = client.get(
            REFERENCE, params={"sku": "SKU-000001,SKU-000002"}, headers={"If-None-Match": etag}
        )
        other = client.get(REFERENCE, params={"sku": "SKU-000001"}, headers={"If-None-Match": etag})
        stale = client.get(
            REFERENCE, params={"sku": "SKU-000001,SKU-000002"}, headers={"If-None-Match": '"x"'}
        )
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert other.status_code == 200 and other.headers["etag"] != etag
    assert stale.status_code == 200 and stale.content == first.content


@pytest.mark.parametrize("path", [REFERENCE, NAIVE, "/v1/trivial"])
@pytest.mark.parametrize(
    ("headers", "message"),
    [({}, "missing X-API-Key header"), ({"X-API-Key": "wrong"}, "X-API-Key is not valid")],
)
def test_no_or_a_wrong_key_is_a_401(
    served: Served, path: str, headers: dict[str, str], message: str
) -> None:
    answer = httpx.get(served.url + path, headers={"X-Request-Id": "req-1", **headers})
    assert answer.status_code == 401
    assert answer.json() == {
        "error": {"code": "unauthorized", "message": message, "request_id": "req-1"}
    }
    assert answer.headers["x-request-id"] == "req-1"
    assert KEY not in answer.text


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"limit": "0"}, "limit: must be between 1 and 1000"),
        ({"limit": "1001"}, "limit: must be between 1 and 1000"),
        ({"limit": "ten"}, "limit: not an integer"),
        ({"limit": ["1", "2"]}, "limit: given 2 times"),
        ({"warehouse": "NOPE"}, "warehouse: unknown warehouse 'NOPE'; known: WH, WH2, WH3"),
        ({"sku": "A,,B"}, "sku: an empty value"),
        ({"sku": ",".join(f"S{n}" for n in range(201))}, "sku: at most 200 SKUs"),
        ({"page_token": "garbage"}, "page_token: not a page token of this endpoint"),
        ({"changed_since": "yesterday"}, "changed_since: not a watermark of this endpoint"),
        ({"changed_since": "w1.00000000.1"}, "changed_since: a watermark of another snapshot"),
        ({"colour": "red"}, "colour: unknown query parameter; known: sku, warehouse"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(
    served: Served, params: dict[str, Any], named: str
) -> None:
    with served.client() as client:
        answer = client.get(REFERENCE, params=params)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["code"] == "bad_parameter"
    assert error["message"].startswith(named), error["message"]
    assert error["request_id"] == answer.headers["x-request-id"]


def test_the_naive_route_refuses_changed_since(served: Served) -> None:
    with served.client() as client:
        answer = client.get(NAIVE, params={"changed_since": served.snapshot.watermark})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"].startswith("changed_since: unknown query parameter")


def test_unknown_routes_and_methods_use_the_error_envelope(served: Served) -> None:
    with served.client() as client:
        missing = client.get("/v1/stock/nothing")
        posted = client.post(REFERENCE)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert posted.status_code == 405 and posted.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in posted.headers["allow"]
    for answer in (missing, posted):
        assert answer.headers["x-request-id"] == answer.json()["error"]["request_id"]


def test_health_needs_no_key_and_reports_as_of(served: Served) -> None:
    answer = httpx.get(served.url + "/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "as_of": "2026-03-02T09:00:00.000000Z"}
    assert answer.headers["x-request-id"]


def test_the_trivial_route_is_the_size_of_a_50_sku_answer(served: Served) -> None:
    with served.client() as client:
        skus = sorted(served.snapshot.items)[:50]
        fifty = client.get(REFERENCE, params={"sku": ",".join(skus)})
        trivial = client.get("/v1/trivial")
    assert trivial.status_code == 200 and trivial.headers["etag"]
    assert abs(len(trivial.content) - len(fifty.content)) <= len(fifty.content) * 0.05


def test_every_answer_matches_the_contract(served: Served) -> None:
    contract = Contract.load(CONTRACT)
    with served.client() as client:
        answers = [
            client.get(REFERENCE, params={"sku": "SKU-000001,NOPE", "limit": 1}),
            client.get(REFERENCE, params={"limit": "x"}),
            client.get(NAIVE, params={"sku": "SKU-000003", "warehouse": "WH2"}),
            client.get("/v1/trivial"),
            client.get("/healthz"),
            httpx.get(served.url + REFERENCE),
        ]
    for answer in answers:
        request = answer.request
        violations = contract.validate_exchange(
            request.method,
            str(request.url),
            dict(request.headers),
            None,
            answer.status_code,
            dict(answer.headers),
            answer.content,
        )
        answered = [v for v in violations if not v.where.startswith("request")]
        assert answered == [], (str(request.url), answered)


def test_the_contract_lints_clean() -> None:
    assert lint(CONTRACT) == []


def test_a_reopened_store_serves_the_same_snapshot(served: Served, tmp_path: Path) -> None:
    path = tmp_path / "stock.sqlite"
    with StockSnapshot(served.adapter, path, clock=served.clock) as snapshot:
        snapshot.full_refresh()
        items, watermark = dict(snapshot.items), snapshot.watermark
    with StockSnapshot(served.adapter, path, clock=served.clock) as reopened:
        assert reopened.watermark == watermark
        assert {s: i.encoded for s, i in reopened.items.items()} == {
            s: i.encoded for s, i in items.items()
        }
        assert reopened.refresh().full is False
