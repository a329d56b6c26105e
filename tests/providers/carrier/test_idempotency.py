"""Buying a label with ``Idempotency-Key``: a replay, a reused key, a key in flight, and
recovery by reference after the answer was lost (``commit_then_drop``)."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from carrier_support import SANDBOX, create_shipment

from odoo_harness.providers.carrier import CarrierMock
from odoo_harness.providers.carrier.mock import fingerprint

pytestmark = pytest.mark.wire


def _buy(http: httpx.Client, shipment: dict, key: str | None, rate: int = 0) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    return http.post(
        f"/v1/shipments/{shipment['id']}/buy",
        headers=headers,
        json={"rate_id": shipment["rates"][rate]["id"]},
    )


def test_same_key_same_body_replays_the_answer_and_buys_once(
    client: httpx.Client, carrier: CarrierMock
) -> None:
    shipment = create_shipment(client)
    first = _buy(client, shipment, "order-7-label")
    again = _buy(client, shipment, "order-7-label")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    found = client.get("/v1/shipments", params={"reference": shipment["reference"]}).json()
    assert [s["status"] for s in found["shipments"]] == ["purchased"]
    assert len(carrier.book.labels) == 1
    purchased = [
        e
        for e in carrier.journal.entries(kind="webhook.emitted")
        if e.data["topic"].endswith("shipment.purchased")
    ]
    assert len(purchased) == 1


def test_same_key_with_another_body_is_refused(client: httpx.Client) -> None:
    shipment = create_shipment(client)
    assert _buy(client, shipment, "key-1", rate=0).status_code == 200
    other = _buy(client, shipment, "key-1", rate=1)
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_a_key_still_in_flight_gets_409(client: httpx.Client, carrier: CarrierMock) -> None:
    shipment = create_shipment(client)
    path = f"/v1/shipments/{shipment['id']}/buy"
    body = json.dumps({"rate_id": shipment["rates"][0]["id"]}).encode()
    # The first request has claimed the key and not answered yet.
    carrier.idempotency.begin(SANDBOX.id, "key-busy", fingerprint("POST", path, body))
    response = client.post(
        path,
        content=body,
        headers={"Idempotency-Key": "key-busy", "Content-Type": "application/json"},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "IDEMPOTENCY_KEY_IN_USE"
    assert carrier.book.shipments[shipment["id"]]["status"] == "rated"


def test_a_second_request_while_the_first_is_held_gets_409_over_the_wire(
    client: httpx.Client, carrier: CarrierMock, carrier_url: str
) -> None:
    """Two overlapping HTTP requests with one key: the first is applied and held in flight
    (a ``hold`` fault), the second arrives meanwhile and gets 409; afterwards a third one
    replays the first's answer, and one label was bought."""
    shipment = create_shipment(client)
    fault = client.post(
        f"{carrier_url}/_control/faults",
        json={"kind": "hold", "seconds": 3, "path": "/v1/shipments/*/buy", "times": 1},
    )
    assert fault.status_code == 201, fault.text
    answers: dict[str, httpx.Response] = {}

    def first() -> None:
        with httpx.Client(base_url=carrier_url, headers=client.headers, timeout=30) as http:
            answers["first"] = _buy(http, shipment, "key-overlap")

    thread = threading.Thread(target=first)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not carrier.journal.entries(kind="mock.fault"):  # the first is now held
            assert time.monotonic() < deadline, "the first request never reached the mock"
            time.sleep(0.01)
        second = _buy(client, shipment, "key-overlap")
        overlapped = "first" not in answers  # the first had not been answered yet
    finally:
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert second.status_code == 409, second.text
    assert second.json()["error"]["code"] == "IDEMPOTENCY_KEY_IN_USE"
    assert overlapped
    assert answers["first"].status_code == 200, answers["first"].text
    assert answers["first"].json()["status"] == "purchased"
    replay = _buy(client, shipment, "key-overlap")
    assert replay.status_code == 200
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == answers["first"].json()
    assert len(carrier.book.labels) == 1


def test_errors_are_replayed_too(client: httpx.Client) -> None:
    shipment = create_shipment(client, "WH/OUT/9-NOFUNDS")
    first = _buy(client, shipment, "key-poor")
    again = _buy(client, shipment, "key-poor")
    assert first.status_code == again.status_code == 402
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"


def test_without_a_key_a_second_buy_is_a_conflict(client: httpx.Client) -> None:
    shipment = create_shipment(client)
    assert _buy(client, shipment, None).status_code == 200
    second = _buy(client, shipment, None)
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "ALREADY_PURCHASED"


def test_lookup_by_reference_finds_a_shipment_bought_before_the_answer_was_lost(
    client: httpx.Client, carrier_url: str
) -> None:
    shipment = create_shipment(client, "WH/OUT/00042")
    client.post(
        f"{carrier_url}/_control/faults",
        json={"kind": "commit_then_drop", "method": "POST", "path": "/v1/shipments/*/buy"},
    )
    with pytest.raises(httpx.TransportError):
        _buy(client, shipment, None)
    found = client.get("/v1/shipments", params={"reference": "WH/OUT/00042"})
    assert found.status_code == 200
    [recovered] = found.json()["shipments"]
    assert recovered["id"] == shipment["id"]
    assert recovered["status"] == "purchased"
    assert recovered["tracking_number"].startswith("PH")
    assert recovered["packages"][0]["label"]["url"].endswith(
        recovered["packages"][0]["label"]["id"]
    )
