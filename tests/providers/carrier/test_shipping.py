"""The shipping flow and its documented failures: address verification, rates and the
magic inputs, labels, voids (idempotent, refused after the first scan), tracking that
moves with the mock's clock, sandbox vs production."""

from __future__ import annotations

import httpx
import pytest
from carrier_support import ADDRESS, WAREHOUSE, advance, create_shipment, shipment_request

pytestmark = pytest.mark.wire


def _buy(http: httpx.Client, shipment: dict, **body: str) -> httpx.Response:
    return http.post(
        f"/v1/shipments/{shipment['id']}/buy", json={"rate_id": shipment["rates"][0]["id"], **body}
    )


def test_address_warnings_come_in_a_200_and_strict_mode_refuses(client: httpx.Client) -> None:
    lower = client.post(
        "/v1/addresses/validate", json={"address": {**ADDRESS, "street1": "12 market  street"}}
    )
    assert lower.status_code == 200
    assert lower.json()["status"] == "warning"
    assert lower.json()["matched_address"]["street1"] == "12 MARKET STREET"
    unknown = client.post("/v1/addresses/validate", json={"address": {**ADDRESS, "zip": "00000"}})
    assert unknown.json()["status"] == "unverified"
    assert unknown.json()["messages"][0]["code"] == "E.ADDRESS.NOT_FOUND"
    strict = client.post(
        "/v1/addresses/validate",
        json={"address": {**ADDRESS, "street1": "NO HOUSE Lane"}, "strict": True},
    )
    assert strict.status_code == 422
    error = strict.json()["error"]
    assert error["code"] == "ADDRESS_VERIFY_FAILURE"
    assert error["errors"] == [
        {
            "field": "address.street1",
            "code": "E.HOUSE_NUMBER.MISSING",
            "message": "House number is missing",
        }
    ]


def test_rates_partial_carrier_failure_and_overweight(client: httpx.Client) -> None:
    full = client.post("/v1/rates", json=shipment_request()).json()
    assert {r["carrier"] for r in full["rates"]} == {"ParcelPost", "SwiftShip"}
    assert full["messages"] == [] and all(r["shipment_id"] is None for r in full["rates"])
    partial = create_shipment(client, "WH/OUT/00008-PARTIAL")
    assert {r["carrier"] for r in partial["rates"]} == {"ParcelPost"}
    assert partial["messages"][0]["carrier"] == "SwiftShip"
    assert partial["messages"][0]["type"] == "rate_error"
    heavy = client.post(
        "/v1/shipments",
        json=shipment_request(
            parcels=[{"weight": 1, "weight_unit": "kg"}, {"weight": 70, "weight_unit": "lb"}]
        ),
    )
    assert heavy.status_code == 422
    assert heavy.json()["error"]["code"] == "PARCEL_TOO_HEAVY"
    assert heavy.json()["error"]["errors"][0]["field"] == "parcels.1.weight"


def test_a_rate_expires_on_the_mock_clock(client: httpx.Client, carrier_url: str) -> None:
    shipment = create_shipment(client)
    advance(carrier_url, 24 * 3600)
    response = _buy(client, shipment)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "RATE_EXPIRED"


def test_insufficient_funds(client: httpx.Client) -> None:
    response = _buy(client, create_shipment(client, "SO9-NOFUNDS"))
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "INSUFFICIENT_FUNDS"


def test_a_label_per_parcel_in_the_bought_format(client: httpx.Client) -> None:
    shipment = create_shipment(
        client, parcels=[{"weight": 500, "weight_unit": "g"}, {"weight": 3, "weight_unit": "lb"}]
    )
    bought = _buy(client, shipment, label_format="ZPL").json()
    assert bought["status"] == "purchased"
    assert len({p["tracking_number"] for p in bought["packages"]}) == 2
    label = httpx.get(bought["packages"][1]["label"]["url"])
    assert label.status_code == 200
    assert label.headers["content-type"] == "application/zpl"
    assert bought["packages"][1]["tracking_number"].encode() in label.content
    assert bought["fees"][0] == {
        "type": "postage",
        "amount": bought["selected_rate"]["amount"],
        "currency": "USD",
    }


def test_void_twice_gives_the_same_answer(client: httpx.Client) -> None:
    shipment = create_shipment(client)
    _buy(client, shipment)
    first = client.post(f"/v1/shipments/{shipment['id']}/void")
    second = client.post(f"/v1/shipments/{shipment['id']}/void")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["status"] == "voided"
    assert client.get(f"/v1/shipments/{shipment['id']}").json()["status"] == "voided"
    assert _buy(client, shipment).json()["error"]["code"] == "SHIPMENT_VOIDED"


def test_void_is_refused_after_the_first_scan(client: httpx.Client, carrier_url: str) -> None:
    shipment = create_shipment(client)
    _buy(client, shipment)
    advance(carrier_url, 6 * 3600)
    refused = client.post(f"/v1/shipments/{shipment['id']}/void")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "ALREADY_IN_TRANSIT"
    unbought = client.post(f"/v1/shipments/{create_shipment(client)['id']}/void")
    assert unbought.json()["error"]["code"] == "NOT_PURCHASED"


def test_production_void_is_requested_then_settles(live: httpx.Client, carrier_url: str) -> None:
    shipment = create_shipment(live)
    _buy(live, shipment)
    assert live.post(f"/v1/shipments/{shipment['id']}/void").json()["status"] == "void_requested"
    advance(carrier_url, 24 * 3600)
    assert live.get(f"/v1/shipments/{shipment['id']}").json()["status"] == "voided"
    assert live.post(f"/v1/shipments/{shipment['id']}/void").json()["status"] == "voided"


def test_tracking_advances_with_the_clock(client: httpx.Client, carrier_url: str) -> None:
    shipment = _buy(client, create_shipment(client)).json()
    path = f"/v1/trackers/{shipment['tracking_number']}"
    assert client.get(path).json()["status"] == "pre_transit"
    seen = []
    for hours in (6, 14, 20, 8):
        advance(carrier_url, hours * 3600)
        seen.append(client.get(path).json()["status"])
    assert seen == ["in_transit", "in_transit", "out_for_delivery", "delivered"]
    tracker = client.get(path).json()
    assert tracker["events"][-1]["location"]["city"] == ADDRESS["city"]
    assert tracker["est_delivery_date"] is None


def test_a_return_reference_comes_back_to_the_sender(
    client: httpx.Client, carrier_url: str
) -> None:
    shipment = _buy(client, create_shipment(client, "WH/OUT/00011-RETURN")).json()
    advance(carrier_url, 48 * 3600)
    tracker = client.get(f"/v1/trackers/{shipment['tracking_number']}").json()
    assert tracker["status"] == "returned"
    assert tracker["events"][-1]["location"]["city"] == WAREHOUSE["city"]


def test_accounts_do_not_see_each_other(client: httpx.Client, live: httpx.Client) -> None:
    shipment = _buy(client, create_shipment(client)).json()
    assert live.get(f"/v1/shipments/{shipment['id']}").status_code == 404
    assert live.get(f"/v1/trackers/{shipment['tracking_number']}").status_code == 404
    assert live.get("/v1/shipments").json() == {"shipments": [], "has_more": False}


def test_listing_pages_newest_first(live: httpx.Client) -> None:
    ids = [create_shipment(live, f"SO{i}")["id"] for i in range(5)]
    page = live.get("/v1/shipments", params={"limit": 2}).json()
    assert [s["id"] for s in page["shipments"]] == ids[:-3:-1] and page["has_more"]
    rest = live.get("/v1/shipments", params={"limit": 10, "before_id": ids[3]}).json()
    assert [s["id"] for s in rest["shipments"]] == ids[2::-1] and not rest["has_more"]
    rated = live.get("/v1/shipments", params={"status": "purchased"}).json()
    assert rated["shipments"] == []
