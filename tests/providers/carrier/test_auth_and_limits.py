"""Credentials and limits: API keys by mode, OAuth client-credentials tokens that expire
on the mock's clock, and the per-account bucket answering 429 with ``Retry-After``."""

from __future__ import annotations

import httpx
import pytest
from carrier_support import LIVE, SANDBOX, create_shipment

from odoo_harness.providers.carrier import CarrierMock

pytestmark = pytest.mark.wire


def _token(url: str, account=SANDBOX) -> dict:
    response = httpx.post(
        f"{url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": account.client_id,
            "client_secret": account.client_secret,
        },
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_429_carries_retry_after_and_the_call_passes_after_it(
    client: httpx.Client, carrier_url: str
) -> None:
    for _ in range(20):  # the sandbox bucket: 20 requests a minute
        assert client.get("/v1/webhooks").status_code == 200
    refused = client.get("/v1/webhooks")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "RATE_LIMITED"
    wait = int(refused.headers["Retry-After"])
    assert wait >= 1
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.headers["X-Request-Id"] == refused.json()["error"]["request_id"]
    httpx.post(f"{carrier_url}/_control/clock", json={"advance": wait})
    assert client.get("/v1/webhooks").status_code == 200


def test_production_has_the_larger_bucket(live: httpx.Client) -> None:
    response = live.get("/v1/webhooks")
    assert response.headers["X-RateLimit-Limit"] == "200"
    assert create_shipment(live)["mode"] == "production"


def test_an_expired_token_gets_401_and_a_new_one_works(carrier_url: str) -> None:
    token = _token(carrier_url)
    assert token["token_type"] == "Bearer" and token["expires_in"] == 300
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert httpx.get(f"{carrier_url}/v1/webhooks", headers=bearer).status_code == 200
    httpx.post(f"{carrier_url}/_control/clock", json={"advance": token["expires_in"]})
    expired = httpx.get(f"{carrier_url}/v1/webhooks", headers=bearer)
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "TOKEN_EXPIRED"
    assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]
    fresh = _token(carrier_url)
    assert fresh["access_token"] != token["access_token"]
    renewed = httpx.get(
        f"{carrier_url}/v1/webhooks", headers={"Authorization": f"Bearer {fresh['access_token']}"}
    )
    assert renewed.status_code == 200


def test_token_errors_use_oauth_shape(carrier_url: str) -> None:
    wrong = httpx.post(
        f"{carrier_url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": SANDBOX.client_id,
            "client_secret": "nope",
        },
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    grant = httpx.post(f"{carrier_url}/oauth/token", data={"grant_type": "password"})
    assert grant.status_code == 400
    assert grant.json()["error"] == "unsupported_grant_type"


def test_client_credentials_may_come_as_basic_auth(carrier_url: str) -> None:
    response = httpx.post(
        f"{carrier_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(LIVE.client_id, LIVE.client_secret),
    )
    assert response.status_code == 200
    assert response.json()["mode"] == "production"


def test_api_key_as_basic_user_and_unknown_keys(carrier_url: str) -> None:
    basic = httpx.get(f"{carrier_url}/v1/webhooks", auth=(SANDBOX.api_key, ""))
    assert basic.status_code == 200
    unknown = httpx.get(f"{carrier_url}/v1/webhooks", headers={"Authorization": "Bearer x"})
    assert unknown.status_code == 401
    assert unknown.json()["error"]["code"] == "UNAUTHORIZED"
    assert "WWW-Authenticate" in unknown.headers
    assert httpx.get(f"{carrier_url}/v1/webhooks").status_code == 401


def test_seeded_limits_and_ttl(carrier: CarrierMock, carrier_url: str) -> None:
    seeded = httpx.post(
        f"{carrier_url}/_control/seed",
        json={
            "settings": {
                "rate_limits": {"test": {"requests": 2, "per_seconds": 10}},
                "token_ttl": 5,
            }
        },
    )
    assert seeded.status_code == 200, seeded.text
    assert _token(carrier_url)["expires_in"] == 5
    key = {"Authorization": f"Bearer {SANDBOX.api_key}"}
    statuses = [httpx.get(f"{carrier_url}/v1/webhooks", headers=key).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    bad = httpx.post(f"{carrier_url}/_control/seed", json={"settings": {"token_ttl": -1}})
    assert bad.status_code == 400
