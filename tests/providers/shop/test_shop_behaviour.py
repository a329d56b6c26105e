"""Named behaviours of the shop mock, over a real socket: stock, fulfilment, limits,
authentication, pagination, malformed input and determinism."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from odoo_harness.providers.shop import CLIENT_SECRET, TEST_TOKEN, ShopMock

from .conftest import API, MAIN, first_order

pytestmark = pytest.mark.wire


def _item(client: httpx.Client, sku: str) -> int:
    for product in client.get("/products.json").json()["products"]:
        for variant in product["variants"]:
            if variant["sku"] == sku:
                return int(variant["inventory_item_id"])
    raise AssertionError(f"no variant {sku}")


def _available(client: httpx.Client, item: int, location: int = MAIN) -> int:
    levels = client.get(
        "/inventory_levels.json",
        params={"inventory_item_ids": str(item), "location_ids": str(location)},
    ).json()["inventory_levels"]
    return int(levels[0]["available"])


def _fulfillment_order(client: httpx.Client, order_id: int) -> dict:
    return client.get(f"/orders/{order_id}/fulfillment_orders.json").json()["fulfillment_orders"][0]


# -- stock ------------------------------------------------------------------------------
def test_adjust_twice_moves_stock_twice_while_set_twice_does_not(client: httpx.Client) -> None:
    item = _item(client, "CHAIR-RED")
    adjust = {"location_id": MAIN, "inventory_item_id": item, "available_adjustment": -3}
    for _ in range(2):
        assert client.post("/inventory_levels/adjust.json", json=adjust).status_code == 200
    assert _available(client, item) == 10 - 3 - 3

    put = {"location_id": MAIN, "inventory_item_id": item, "available": 25}
    answers = [client.post("/inventory_levels/set.json", json=put) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json() == answers[1].json()
    assert _available(client, item) == 25


def test_stock_of_untracked_or_unstocked_items_is_refused(client: httpx.Client) -> None:
    gift = {"location_id": MAIN, "inventory_item_id": _item(client, "GIFT"), "available": 5}
    answer = client.post("/inventory_levels/set.json", json=gift)
    assert answer.status_code == 422
    assert answer.json() == {
        "errors": {"base": ["Inventory item does not have inventory tracking enabled"]}
    }
    elsewhere = {
        "location_id": 70002,
        "inventory_item_id": _item(client, "CHAIR-RED"),
        "available_adjustment": 1,
    }
    answer = client.post("/inventory_levels/adjust.json", json=elsewhere)
    assert answer.status_code == 422
    assert answer.json()["errors"]["base"] == ["Inventory item is not stocked at the location"]


# -- fulfilment -------------------------------------------------------------------------
def test_over_fulfilment_is_422_so_a_retried_duplicate_cannot_ship_twice(
    client: httpx.Client,
) -> None:
    order = first_order(client)
    fo = _fulfillment_order(client, order["id"])
    red = fo["line_items"][0]

    def fulfil(quantity: int) -> httpx.Response:
        return client.post(
            "/fulfillments.json",
            json={
                "fulfillment": {
                    "line_items_by_fulfillment_order": [
                        {
                            "fulfillment_order_id": fo["id"],
                            "fulfillment_order_line_items": [
                                {"id": red["id"], "quantity": quantity}
                            ],
                        }
                    ],
                    "tracking_info": {"number": "1Z999AA10123456784", "company": "UPS"},
                }
            },
        )

    first = fulfil(1)
    assert first.status_code == 201
    assert first.json()["fulfillment"]["tracking_url"].endswith("1Z999AA10123456784")
    over = fulfil(2)
    assert over.status_code == 422
    assert over.json() == {
        "errors": {"base": ["Invalid fulfillment order line item quantity requested."]}
    }
    assert fulfil(1).status_code == 201
    assert fulfil(1).status_code == 422  # the retried duplicate
    shipped = client.get(f"/orders/{order['id']}/fulfillments.json").json()["fulfillments"]
    assert [f["line_items"][0]["quantity"] for f in shipped] == [1, 1]
    order = client.get(f"/orders/{order['id']}.json").json()["order"]
    assert order["fulfillment_status"] == "partial"  # the blue chair is still to ship


def test_fulfilling_everything_closes_the_fulfillment_order(client: httpx.Client) -> None:
    order = first_order(client)
    fo = _fulfillment_order(client, order["id"])
    body = {
        "fulfillment": {"line_items_by_fulfillment_order": [{"fulfillment_order_id": fo["id"]}]}
    }
    assert client.post("/fulfillments.json", json=body).status_code == 201
    assert _fulfillment_order(client, order["id"])["status"] == "closed"
    assert (
        client.get(f"/orders/{order['id']}.json").json()["order"]["fulfillment_status"]
        == "fulfilled"
    )
    again = client.post("/fulfillments.json", json=body)
    assert again.status_code == 422
    assert "unfulfillable status= closed" in again.json()["errors"]["base"][0]
    cancel = client.post(f"/orders/{order['id']}/cancel.json")
    assert cancel.status_code == 422


def test_a_fulfillment_order_on_hold_cannot_be_fulfilled(client: httpx.Client) -> None:
    held = client.get("/orders.json", params={"limit": 2}).json()["orders"][1]
    fo = _fulfillment_order(client, held["id"])
    assert fo["status"] == "on_hold"
    body = {
        "fulfillment": {"line_items_by_fulfillment_order": [{"fulfillment_order_id": fo["id"]}]}
    }
    assert client.post("/fulfillments.json", json=body).status_code == 422


def test_update_tracking_replaces_the_tracking(client: httpx.Client) -> None:
    fo = _fulfillment_order(client, first_order(client)["id"])
    body = {
        "fulfillment": {"line_items_by_fulfillment_order": [{"fulfillment_order_id": fo["id"]}]}
    }
    fulfillment = client.post("/fulfillments.json", json=body).json()["fulfillment"]
    assert fulfillment["tracking_number"] is None
    answer = client.post(
        f"/fulfillments/{fulfillment['id']}/update_tracking.json",
        json={
            "fulfillment": {
                "tracking_info": {"number": "JD014600006281230123", "company": "DHL Express"},
                "notify_customer": False,
            }
        },
    )
    assert answer.status_code == 200
    assert answer.json()["fulfillment"]["tracking_numbers"] == ["JD014600006281230123"]
    assert "JD014600006281230123" in answer.json()["fulfillment"]["tracking_url"]


def test_a_fulfilment_committed_then_dropped_is_found_by_lookup_not_repeated(
    client: httpx.Client, control: httpx.Client
) -> None:
    order = first_order(client)
    fo = _fulfillment_order(client, order["id"])
    control.post(
        "/faults",
        json={"kind": "commit_then_drop", "method": "POST", "path": f"{API}/fulfillments.json"},
    ).raise_for_status()
    body = {
        "fulfillment": {"line_items_by_fulfillment_order": [{"fulfillment_order_id": fo["id"]}]}
    }
    with pytest.raises(httpx.TransportError):
        client.post("/fulfillments.json", json=body)
    assert client.post("/fulfillments.json", json=body).status_code == 422  # the blind retry
    found = client.get(f"/orders/{order['id']}/fulfillments.json").json()["fulfillments"]
    assert len(found) == 1


# -- limits and credentials -------------------------------------------------------------
def test_429_carries_retry_after_and_the_call_succeeds_after_advancing_the_clock(
    client: httpx.Client, live_client: httpx.Client, control: httpx.Client
) -> None:
    answers = [client.get("/shop.json") for _ in range(40)]
    assert [a.status_code for a in answers] == [200] * 40
    assert answers[-1].headers["X-Shopify-Shop-Api-Call-Limit"] == "40/40"
    refused = client.get("/shop.json")
    assert refused.status_code == 429
    assert refused.json()["errors"].startswith("Exceeded 2 calls per second")
    assert refused.headers["X-Shopify-Shop-Api-Call-Limit"] == "40/40"
    retry_after = float(refused.headers["Retry-After"])
    assert retry_after > 0
    assert live_client.get("/shop.json").status_code == 200  # production has its own bucket
    control.post("/clock", json={"advance": retry_after}).raise_for_status()
    after = client.get("/shop.json")
    assert after.status_code == 200
    assert after.json()["shop"]["plan_name"] == "partner_test"


def test_production_has_a_larger_bucket_than_the_sandbox(live_client: httpx.Client) -> None:
    answers = [live_client.get("/locations.json") for _ in range(60)]
    assert {a.status_code for a in answers} == {200}
    assert answers[-1].headers["X-Shopify-Shop-Api-Call-Limit"] == "60/400"


@pytest.mark.parametrize("token", [None, "shpat_wrong", TEST_TOKEN + "x"])
def test_a_bad_token_is_401_in_shopifys_envelope(server, token: str | None) -> None:
    headers = {"X-Shopify-Access-Token": token} if token else {}
    answer = httpx.get(server.url + API + "/orders.json", headers=headers)
    assert answer.status_code == 401
    assert answer.json() == {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
    }
    assert answer.headers["X-Request-Id"]
    assert "X-Shopify-Shop-Api-Call-Limit" not in answer.headers


# -- pagination -------------------------------------------------------------------------
def _next(link: str | None, rel: str) -> str | None:
    for part in (link or "").split(", "):
        url, _, kind = part.partition("; ")
        if kind == f'rel="{rel}"':
            return url.strip("<>")
    return None


def test_pagination_via_link_walks_all_orders_exactly_once(
    shop: ShopMock, client: httpx.Client
) -> None:
    shop.seed({"generate": {"orders": 53}})
    client.post(f"/orders/{first_order(client)['id']}/cancel.json").raise_for_status()
    expected = sorted(shop.state.orders)
    seen, pages = [], 0
    url: str | None = str(client.base_url).rstrip("/") + "/orders.json?status=any&limit=7"
    while url:
        answer = client.get(url)
        assert answer.status_code == 200
        last = [o["id"] for o in answer.json()["orders"]]
        seen += last
        url, pages = _next(answer.headers.get("Link"), "next"), pages + 1
        if url:
            assert set(parse_qs(urlsplit(url).query)) == {"limit", "page_info"}
    assert seen == expected
    assert pages == -(-len(expected) // 7)
    back = _next(answer.headers.get("Link"), "previous")
    assert back is not None
    previous = [o["id"] for o in client.get(back).json()["orders"]]
    assert previous == seen[-len(last) - 7 : -len(last)]


def test_page_info_refuses_other_filters_and_garbage(client: httpx.Client) -> None:
    link = client.get("/orders.json", params={"limit": 1}).headers["Link"]
    page_info = parse_qs(urlsplit(_next(link, "next") or "").query)["page_info"][0]
    mixed = client.get("/orders.json", params={"page_info": page_info, "status": "any"})
    assert mixed.status_code == 400
    assert "page_info" in mixed.json()["errors"]
    assert client.get("/orders.json", params={"page_info": "garbage"}).status_code == 400


def test_one_page_has_no_link_header(client: httpx.Client) -> None:
    answer = client.get("/orders.json", params={"status": "any"})
    assert "Link" not in answer.headers
    assert len(answer.json()["orders"]) == 2


# -- malformed input, headers, journal --------------------------------------------------
@pytest.mark.parametrize(
    "method, path, content",
    [
        ("POST", "/inventory_levels/set.json", b"{not json"),
        ("POST", "/inventory_levels/set.json", b"[1, 2]"),
        ("POST", "/fulfillments.json", b'{"fulfillment": 3}'),
        (
            "POST",
            "/fulfillments.json",
            b'{"fulfillment": {"line_items_by_fulfillment_order": "x"}}',
        ),
        ("PUT", "/variants/2000001.json", b'{"variant": {"price": "cheap"}}'),
        ("POST", "/webhooks.json", b'{"webhook": {"topic": "orders/paid", "address": "x"}}'),
        ("GET", "/orders/abc.json", b""),
        ("GET", "/orders.json?limit=251", b""),
        ("GET", "/orders.json?updated_at_min=yesterday", b""),
        ("GET", "/orders.json?=nameless", b""),
        ("POST", "/orders/5000001/cancel.json", b"\n"),
        ("GET", "/nowhere.json", b""),
        ("PATCH", "/orders.json", b""),
    ],
)
def test_malformed_input_gets_shopifys_envelope_never_a_500(
    client: httpx.Client, method: str, path: str, content: bytes
) -> None:
    answer = client.request(
        method, path, content=content, headers={"Content-Type": "application/json"}
    )
    assert 400 <= answer.status_code < 500
    assert set(answer.json()) == {"errors"}
    assert answer.headers["X-Request-Id"]


def test_every_answer_carries_request_id_version_and_call_limit(client: httpx.Client) -> None:
    for path in ("/shop.json", "/orders/999.json", "/locations.json"):
        answer = client.get(path)
        assert answer.headers["X-Request-Id"].startswith("req_")
        assert answer.headers["X-Shopify-API-Version"] == "2024-07"
        assert answer.headers["X-Shopify-Shop-Api-Call-Limit"].endswith("/40")
    mine = client.get("/shop.json", headers={"X-Request-Id": "trace-42"})
    assert mine.headers["X-Request-Id"] == "trace-42"


def test_the_journal_never_holds_a_token_or_the_client_secret(
    client: httpx.Client, control: httpx.Client, receiver
) -> None:
    client.post(
        "/webhooks.json", json={"webhook": {"topic": "products/update", "address": receiver.url}}
    )
    client.put("/variants/2000001.json", json={"variant": {"price": "51.00", "sku": TEST_TOKEN}})
    client.get("/orders.json", headers={"X-Shopify-Access-Token": "shpat_live_shopmock"})
    control.post("/webhooks/deliver").raise_for_status()
    assert len(receiver.received) == 1
    journal = control.get("/journal").text
    assert TEST_TOKEN not in journal
    assert "shpat_live_shopmock" not in journal
    assert CLIENT_SECRET not in journal
    assert "mock.request" in journal


def test_the_same_seed_gives_the_same_shop() -> None:
    shops = [ShopMock(seed=11) for _ in range(2)]
    for shop in shops:
        shop.seed({"generate": {"products": 5, "customers": 4, "orders": 9}})
    assert shops[0].state.products == shops[1].state.products
    assert [o["line_items"] for o in shops[0].state.orders.values()] == [
        o["line_items"] for o in shops[1].state.orders.values()
    ]
