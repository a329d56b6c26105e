"""Signed webhook deliveries: the documented signatures verify (and fail after one byte
changes), tracking events arrive as ``tracker.updated``, retries back off, duplicates keep
their event id, and a failing subscription is disabled."""

from __future__ import annotations

import httpx
import pytest
from carrier_support import Receiver, advance, create_shipment

from odoo_harness.clock import Clock
from odoo_harness.providers.carrier import (
    EASYPOST_HEADER,
    EVENT_ID_HEADER,
    CarrierMock,
    verify,
)
from odoo_harness.providers.carrier.signing import verify_easypost

pytestmark = pytest.mark.wire
SECRET = "whsec-carrier-test-1"


def _subscribe(client: httpx.Client, receiver: Receiver, *events: str) -> dict:
    response = client.post(
        "/v1/webhooks",
        json={
            "url": receiver.url,
            "secret": SECRET,
            "events": list(events) or ["shipment.purchased", "tracker.updated"],
        },
    )
    assert response.status_code == 201, response.text
    assert "secret" not in response.json()
    return response.json()  # type: ignore[no-any-return]


def _deliver(url: str) -> int:
    return httpx.post(f"{url}/_control/webhooks/deliver").json()["attempted"]  # type: ignore[no-any-return]


def _buy(client: httpx.Client, reference: str = "WH/OUT/00007") -> dict:
    shipment = create_shipment(client, reference)
    response = client.post(
        f"/v1/shipments/{shipment['id']}/buy", json={"rate_id": shipment["rates"][0]["id"]}
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_signature_verifies_and_fails_after_one_byte_changes(
    client: httpx.Client, carrier_url: str, receiver: Receiver, clock: Clock
) -> None:
    _subscribe(client, receiver)
    shipment = _buy(client)
    assert _deliver(carrier_url) == 1
    [(body, headers)] = receiver.deliveries
    event = receiver.events()[0]
    assert event["type"] == "shipment.purchased"
    assert event["data"]["id"] == shipment["id"]
    assert headers[EVENT_ID_HEADER.lower()] == event["id"]
    assert verify(body, headers, SECRET, now=clock.now())
    assert verify_easypost(body, headers, SECRET)
    assert headers[EASYPOST_HEADER.lower()].startswith("hmac-sha256-hex=")
    tampered = body[:10] + bytes([body[10] ^ 0x01]) + body[11:]
    assert not verify(tampered, headers, SECRET)
    assert not verify_easypost(tampered, headers, SECRET)
    assert not verify(body, headers, "another-secret")


def test_tracking_events_arrive_as_tracker_updated_in_order(
    client: httpx.Client, carrier_url: str, receiver: Receiver
) -> None:
    _subscribe(client, receiver, "tracker.updated")
    shipment = _buy(client)
    advance(carrier_url, 48 * 3600)
    assert _deliver(carrier_url) == 4
    details = [e["data"]["status_detail"] for e in receiver.events()]
    assert details == ["picked_up", "arrived_at_facility", "out_for_delivery", "delivered"]
    tracker = client.get(f"/v1/trackers/{shipment['tracking_number']}").json()
    assert tracker["status"] == "delivered"
    assert len(tracker["events"]) == 5


def test_failed_deliveries_are_retried_with_backoff_then_the_subscription_is_disabled(
    client: httpx.Client, carrier_url: str, receiver: Receiver, carrier: CarrierMock
) -> None:
    hook = _subscribe(client, receiver, "shipment.purchased")
    receiver.status = 500
    _buy(client)
    assert _deliver(carrier_url) == 1
    assert _deliver(carrier_url) == 0  # the retry waits for its backoff on the mock's clock
    for delay in carrier.webhooks.backoff[: carrier.webhooks.max_failures - 1]:
        advance(carrier_url, delay)
        assert _deliver(carrier_url) == 1
    assert len(receiver.deliveries) == carrier.webhooks.max_failures
    assert len({h[EVENT_ID_HEADER.lower()] for _, h in receiver.deliveries}) == 1
    assert client.get(f"/v1/webhooks/{hook['id']}").json()["active"] is False


def test_duplicates_on_request_keep_the_event_id(
    client: httpx.Client, carrier_url: str, receiver: Receiver
) -> None:
    _subscribe(client, receiver, "shipment.purchased")
    httpx.post(f"{carrier_url}/_control/webhooks/duplicate", json={"times": 1})
    _buy(client)
    assert _deliver(carrier_url) == 2
    first, second = receiver.events()
    assert first == second


def test_subscriptions_are_per_account_and_deletable(
    client: httpx.Client, live: httpx.Client, receiver: Receiver
) -> None:
    hook = _subscribe(client, receiver)
    assert [h["id"] for h in client.get("/v1/webhooks").json()["webhooks"]] == [hook["id"]]
    assert live.get("/v1/webhooks").json()["webhooks"] == []
    assert live.get(f"/v1/webhooks/{hook['id']}").status_code == 404
    assert client.delete(f"/v1/webhooks/{hook['id']}").status_code == 204
    assert client.get(f"/v1/webhooks/{hook['id']}").status_code == 404


def test_only_loopback_urls(client: httpx.Client) -> None:
    response = client.post(
        "/v1/webhooks",
        json={"url": "https://example.com/hook", "secret": SECRET, "events": ["tracker.updated"]},
    )
    assert response.status_code == 422
    assert response.json()["error"]["errors"][0]["field"] == "url"
