"""The shop's webhooks over a real socket: Shopify's signature (base64 HMAC-SHA256 of the
raw body), its headers, duplicates that keep the event id, retries that keep the webhook
id, and subscriptions removed after repeated failures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import httpx
import pytest

from odoo_harness.clock import Clock
from odoo_harness.providers.shop import CLIENT_SECRET, TEST_TOKEN, ShopMock, verify

from .conftest import API, MAIN, START, WebhookReceiver, first_order, subscribe

pytestmark = pytest.mark.wire


def _shopify_hmac(body: bytes, secret: str) -> str:
    """What a receiver computes, written out (not the mock's own helper)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _restock(client: httpx.Client, available: int) -> None:
    answer = client.post(
        "/inventory_levels/set.json",
        json={"location_id": MAIN, "inventory_item_id": 3000001, "available": available},
    )
    assert answer.status_code == 200, answer.text


def test_the_signature_verifies_and_fails_after_one_byte_changes(
    client: httpx.Client, control: httpx.Client, receiver: WebhookReceiver
) -> None:
    subscribe(client, "inventory_levels/update", receiver.url)
    _restock(client, 12)
    assert control.post("/webhooks/deliver").json() == {"attempted": 1}
    (delivery,) = receiver.received
    header = delivery.headers["x-shopify-hmac-sha256"]
    assert header == _shopify_hmac(delivery.body, CLIENT_SECRET)
    assert verify(delivery.body, CLIENT_SECRET, header)
    for index in (0, len(delivery.body) // 2, len(delivery.body) - 1):
        tampered = bytearray(delivery.body)
        tampered[index] ^= 0x01
        assert _shopify_hmac(bytes(tampered), CLIENT_SECRET) != header
        assert not verify(bytes(tampered), CLIENT_SECRET, header)
    assert json.loads(delivery.body)["available"] == 12


def test_deliveries_carry_shopifys_headers(
    client: httpx.Client, control: httpx.Client, receiver: WebhookReceiver
) -> None:
    subscribe(client, "inventory_levels/update", receiver.url)
    _restock(client, 4)
    control.post("/webhooks/deliver").raise_for_status()
    headers = receiver.received[0].headers
    assert headers["x-shopify-topic"] == "inventory_levels/update"
    assert headers["x-shopify-shop-domain"] == "shopmock.myshopify.com"
    assert headers["x-shopify-api-version"] == "2024-07"
    assert headers["x-shopify-triggered-at"] == "2024-07-01T12:00:00+00:00"
    assert len(headers["x-shopify-event-id"]) == 36
    assert len(headers["x-shopify-webhook-id"]) == 36
    assert headers["content-type"] == "application/json"


def test_duplicate_deliveries_keep_the_same_event_id(
    client: httpx.Client, control: httpx.Client, receiver: WebhookReceiver
) -> None:
    subscribe(client, "inventory_levels/update", receiver.url)
    control.post("/webhooks/duplicate", json={"times": 1}).raise_for_status()
    _restock(client, 20)
    _restock(client, 21)
    control.post("/webhooks/deliver").raise_for_status()
    events = [r.headers["x-shopify-event-id"] for r in receiver.received]
    deliveries = [r.headers["x-shopify-webhook-id"] for r in receiver.received]
    assert len(events) == 3
    assert events[0] == events[1] != events[2]  # the duplicate, then the next event
    assert len(set(deliveries)) == 3
    assert receiver.received[0].body == receiver.received[1].body


def test_a_failed_delivery_is_retried_with_the_same_ids_after_the_backoff(
    client: httpx.Client, control: httpx.Client, receiver: WebhookReceiver
) -> None:
    subscribe(client, "inventory_levels/update", receiver.url)
    receiver.statuses = [500]
    _restock(client, 30)
    control.post("/webhooks/deliver").raise_for_status()
    assert control.post("/webhooks/deliver").json() == {"attempted": 0}  # not due yet
    control.post("/clock", json={"advance": 10}).raise_for_status()
    assert control.post("/webhooks/deliver").json() == {"attempted": 1}
    first, retry = receiver.received
    for name in ("x-shopify-event-id", "x-shopify-webhook-id", "x-shopify-hmac-sha256"):
        assert first.headers[name] == retry.headers[name]
    assert first.body == retry.body


def test_a_subscription_whose_deliveries_keep_failing_is_removed(receiver: WebhookReceiver) -> None:
    shop = ShopMock(clock=Clock(START, frozen=True), max_failures=3, backoff=(1.0, 1.0, 1.0))
    shop.seed({"products": [{"variants": [{"sku": "S", "stock": {str(MAIN): 1}}]}]})
    receiver.statuses = [503] * 10
    with (
        shop.server() as server,
        httpx.Client(
            base_url=server.url + API, headers={"X-Shopify-Access-Token": TEST_TOKEN}
        ) as client,
    ):
        hook = subscribe(client, "inventory_levels/update", receiver.url)
        _restock(client, 5)
        for _ in range(3):
            shop.webhooks.deliver_due()
            shop.clock.advance(timedelta(seconds=1))
        assert len(receiver.received) == 3
        assert client.get("/webhooks.json").json() == {"webhooks": []}
        assert client.get(f"/webhooks/{hook['id']}.json").status_code == 404


def test_subscriptions_are_one_per_topic_and_address(
    client: httpx.Client, receiver: WebhookReceiver
) -> None:
    hook = subscribe(client, "orders/create", receiver.url)
    again = client.post(
        "/webhooks.json", json={"webhook": {"topic": "orders/create", "address": receiver.url}}
    )
    assert again.status_code == 422
    assert again.json() == {"errors": {"address": ["for this topic has already been taken"]}}
    remote = client.post(
        "/webhooks.json",
        json={"webhook": {"topic": "orders/create", "address": "https://example.com/hooks"}},
    )
    assert remote.status_code == 422
    assert client.get(f"/webhooks/{hook['id']}.json").json()["webhook"]["topic"] == "orders/create"
    assert client.delete(f"/webhooks/{hook['id']}.json").json() == {}
    assert client.get(f"/webhooks/{hook['id']}.json").status_code == 404


def test_a_checkout_creates_the_customer_and_order_and_takes_stock(
    client: httpx.Client, control: httpx.Client, receiver: WebhookReceiver
) -> None:
    for topic in ("customers/create", "orders/create", "inventory_levels/update"):
        subscribe(client, topic, receiver.url)
    answer = control.post(
        "/shop/checkout",
        json={
            "email": "new@example.com",
            "customer": {"email": "new@example.com", "first_name": "Nia"},
            "line_items": [{"sku": "CHAIR-RED", "quantity": 4}],
        },
    )
    assert answer.status_code == 201, answer.text
    control.post("/webhooks/deliver").raise_for_status()
    topics = [r.headers["x-shopify-topic"] for r in receiver.received]
    assert topics == ["customers/create", "inventory_levels/update", "orders/create"]
    order = json.loads(receiver.received[-1].body)
    assert order["line_items"][0]["sku"] == "CHAIR-RED"
    assert order["customer"]["email"] == "new@example.com"
    level = client.get("/inventory_levels.json", params={"inventory_item_ids": "3000001"})
    assert level.json()["inventory_levels"][0]["available"] == 10 - 4


def test_an_event_can_be_sent_again_for_an_existing_order(
    client: httpx.Client, control: httpx.Client, receiver: WebhookReceiver
) -> None:
    subscribe(client, "orders/create", receiver.url)
    order = first_order(client)
    sent = control.post("/shop/emit", json={"topic": "orders/create", "id": order["id"]})
    assert sent.status_code == 201
    control.post("/webhooks/deliver").raise_for_status()
    assert json.loads(receiver.received[0].body)["id"] == order["id"]
    assert receiver.received[0].headers["x-shopify-event-id"] == sent.json()["event"]["event_id"]
    assert control.post("/shop/emit", json={"topic": "orders/create", "id": 1}).status_code == 400


def test_cancelling_an_order_emits_cancelled_and_updated(
    client: httpx.Client, control: httpx.Client, receiver: WebhookReceiver
) -> None:
    subscribe(client, "orders/cancelled", receiver.url)
    subscribe(client, "orders/updated", receiver.url)
    order = first_order(client)
    answer = client.post(
        f"/orders/{order['id']}/cancel.json", json={"reason": "customer", "restock": True}
    )
    assert answer.status_code == 200
    assert answer.json()["order"]["cancel_reason"] == "customer"
    assert client.post(f"/orders/{order['id']}/cancel.json").status_code == 422
    control.post("/webhooks/deliver").raise_for_status()
    assert [r.headers["x-shopify-topic"] for r in receiver.received] == [
        "orders/cancelled",
        "orders/updated",
    ]
    assert client.get("/orders.json").json()["orders"][0]["id"] != order["id"]
    assert client.get("/orders/count.json", params={"status": "cancelled"}).json() == {"count": 1}
