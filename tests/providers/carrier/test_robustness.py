"""Bad input gets ParcelHub's envelope (never a 500 or a traceback), secrets never reach
the journal, and the same seed and calls give the same objects."""

from __future__ import annotations

import json

import httpx
import pytest
from carrier_support import LIVE, SANDBOX, START, Receiver, create_shipment, shipment_request

from odoo_harness.clock import Clock
from odoo_harness.providers.carrier import CarrierMock

pytestmark = pytest.mark.wire


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "INVALID_JSON"),
        (b'{"reference": NaN}', 400, "INVALID_JSON"),
        (b"", 400, "INVALID_JSON"),
        (b"[1, 2]", 422, "VALIDATION_ERROR"),
        (b'{"reference": "x", "extra": 1}', 422, "VALIDATION_ERROR"),
        (b'{"a": ' * 5000 + b"1" + b"}" * 5000, 400, "INVALID_JSON"),
        (b'{"reference": "\\ud800"}', 400, "INVALID_JSON"),
    ],
)
def test_malformed_bodies_get_the_envelope(
    client: httpx.Client, body: bytes, status: int, code: str
) -> None:
    response = client.post(
        "/v1/shipments", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["request_id"] == response.headers["X-Request-Id"]
    assert "Traceback" not in response.text


def test_field_errors_name_the_field(client: httpx.Client) -> None:
    request = shipment_request()
    del request["to_address"]["zip"]
    request["parcels"][0]["weight_unit"] = "stone"
    errors = client.post("/v1/shipments", json=request).json()["error"]["errors"]
    assert {e["field"] for e in errors} == {"to_address.zip", "parcels.0.weight_unit"}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v1/shipments/shp_unknown", 404),
        ("GET", "/v1/shipments/not-an-id", 404),
        ("GET", "/v1/nowhere", 404),
        ("PUT", "/v1/shipments", 405),
        ("GET", "/v1/shipments?limit=0", 400),
        ("GET", "/v1/shipments?limit=abc", 400),
        ("GET", "/v1/labels/lbl_000000000000000000000000", 404),
    ],
)
def test_unknown_things_get_the_envelope(
    client: httpx.Client, method: str, path: str, status: int
) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert response.json()["error"]["request_id"]


def test_secrets_never_reach_the_journal(
    client: httpx.Client, carrier_url: str, receiver: Receiver, carrier: CarrierMock
) -> None:
    token = httpx.post(
        f"{carrier_url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": SANDBOX.client_id,
            "client_secret": SANDBOX.client_secret,
        },
    ).json()["access_token"]
    httpx.post(
        f"{carrier_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(LIVE.client_id, LIVE.client_secret),
    )
    bearer = {"Authorization": f"Bearer {token}"}
    hook_secret = "whsec-never-journal-me"
    httpx.post(
        f"{carrier_url}/v1/webhooks",
        headers=bearer,
        json={"url": receiver.url, "secret": hook_secret, "events": ["shipment.purchased"]},
    )
    shipment = create_shipment(client, f"ref-{SANDBOX.api_key}")
    client.post(f"/v1/shipments/{shipment['id']}/buy", json={"rate_id": shipment["rates"][0]["id"]})
    httpx.post(f"{carrier_url}/_control/webhooks/deliver")
    journal = httpx.get(f"{carrier_url}/_control/journal")
    assert journal.status_code == 200
    text = journal.text
    for secret in (token, SANDBOX.api_key, SANDBOX.client_secret, LIVE.client_secret, hook_secret):
        assert secret not in text
    assert len(receiver.deliveries) == 1


def test_same_seed_same_objects() -> None:
    def run() -> list[str]:
        mock = CarrierMock(clock=Clock(START, frozen=True), seed=11)
        with (
            mock.server() as server,
            httpx.Client(
                base_url=server.url, headers={"Authorization": f"Bearer {SANDBOX.api_key}"}
            ) as http,
        ):
            shipment = create_shipment(http)
            bought = http.post(
                f"/v1/shipments/{shipment['id']}/buy", json={"rate_id": shipment["rates"][0]["id"]}
            ).json()
            return [json.dumps(bought, sort_keys=True).replace(server.url, "")]

    assert run() == run()
