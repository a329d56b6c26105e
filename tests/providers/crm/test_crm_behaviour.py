"""Named behaviours of the CRM mock, over a real socket: what a HubSpot connector relies on
(upsert is retry-safe, create is not, lifecycle only moves forward, limits, tokens,
paging, signed webhooks) and what the harness promises (no secrets in the journal)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from odoo_harness.clock import Clock
from odoo_harness.providers.crm import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    CrmMock,
    Limits,
    verify_v3,
)
from odoo_harness.serving import LoopbackServer

pytestmark = pytest.mark.wire
CONTACTS = "/crm/v3/objects/contacts"
TOKEN_FORM = {
    "grant_type": "refresh_token",
    "client_id": "crmock-client-0001",
    "client_secret": "crmock-client-secret-0001",
    "refresh_token": "na1-refresh-crmock-production-0001",
}


def upsert(client: httpx.Client, email: str, **props: str) -> httpx.Response:
    body = {"inputs": [{"idProperty": "email", "id": email, "properties": props}]}
    return client.post(f"{CONTACTS}/batch/upsert", json=body)


def test_upsert_twice_gives_one_contact(client: httpx.Client) -> None:
    first = upsert(client, "ana@example.com", firstname="Ana")
    second = upsert(client, "ANA@example.com", firstname="Ana", lastname="Lima")
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["results"][0]["new"] is True
    assert second.json()["results"][0]["new"] is False
    assert second.json()["results"][0]["id"] == first.json()["results"][0]["id"]
    listed = client.get(CONTACTS, params={"limit": 100}).json()["results"]
    assert [c["properties"]["lastname"] for c in listed] == ["Lima"]


def test_create_twice_gives_409_naming_the_existing_id(client: httpx.Client) -> None:
    body = {"properties": {"email": "bo@example.com", "firstname": "Bo"}}
    created = client.post(CONTACTS, json=body)
    again = client.post(CONTACTS, json=body)
    assert created.status_code == 201
    assert again.status_code == 409
    error = again.json()
    assert error["category"] == "CONFLICT"
    assert error["message"] == f"Contact already exists. Existing ID: {created.json()['id']}"
    assert error["correlationId"] == again.headers["X-HubSpot-Correlation-Id"]


def test_unknown_and_read_only_properties_are_validation_errors(client: httpx.Client) -> None:
    answer = client.post(
        CONTACTS, json={"properties": {"favourite_colour": "red", "createdate": "1"}}
    )
    assert answer.status_code == 400
    assert answer.json()["category"] == "VALIDATION_ERROR"
    codes = {(e["in"], e["code"]) for e in answer.json()["errors"]}
    assert codes == {
        ("favourite_colour", "PROPERTY_DOESNT_EXIST"),
        ("createdate", "READ_ONLY_VALUE"),
    }


def test_lifecycle_stage_never_moves_backward(client: httpx.Client) -> None:
    contact = client.post(
        CONTACTS, json={"properties": {"email": "cy@example.com", "lifecyclestage": "customer"}}
    ).json()
    path = f"{CONTACTS}/{contact['id']}?properties=lifecyclestage"

    def stage_after(value: str) -> str:
        client.patch(path, json={"properties": {"lifecyclestage": value}}).raise_for_status()
        return str(client.get(path).json()["properties"]["lifecyclestage"])

    assert stage_after("lead") == "customer"  # ignored, as HubSpot does
    assert upsert(client, "cy@example.com", lifecyclestage="subscriber").status_code == 200
    assert stage_after("evangelist") == "evangelist"  # forward is fine
    assert client.get(path).json()["properties"]["lifecyclestage"] == "evangelist"
    client.patch(path, json={"properties": {"lifecyclestage": ""}}).raise_for_status()
    assert stage_after("lead") == "lead"  # cleared first: may start over


def test_paging_with_after_visits_every_contact_once(crm: CrmMock, client: httpx.Client) -> None:
    crm.seed({"contacts": [{"email": f"p{i}@example.com"} for i in range(23)]})
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 5}
    for _ in range(10):
        page = client.get(CONTACTS, params=params).json()
        seen += [c["id"] for c in page["results"]]
        if "paging" not in page:
            break
        params["after"] = page["paging"]["next"]["after"]
    assert len(seen) == 23 and len(set(seen)) == 23


@pytest.fixture
def limited_crm() -> Iterator[tuple[CrmMock, str]]:
    mock = CrmMock(
        clock=Clock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), frozen=True),
        limits={"production": Limits(burst=3, daily=1000, search_per_second=1)},
    )
    with mock.server() as server:
        yield mock, server.url


def test_429_carries_retry_after_and_the_call_succeeds_after_it(
    limited_crm: tuple[CrmMock, str],
) -> None:
    mock, url = limited_crm
    headers = {"Authorization": "Bearer pat-na1-crmock-production-0001"}
    with httpx.Client(base_url=url, headers=headers) as client:
        answers = [client.get(CONTACTS) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        refused = answers[-1]
        assert refused.json()["policyName"] == "TEN_SECONDLY_ROLLING"
        assert refused.json()["category"] == "RATE_LIMITS"
        assert refused.headers["X-HubSpot-RateLimit-Remaining"] == "0"
        wait = int(refused.headers["Retry-After"])
        assert wait >= 1
        assert client.get(CONTACTS).status_code == 429  # time has not moved
        mock.clock.advance(timedelta(seconds=wait))
        assert client.get(CONTACTS).status_code == 200


def test_search_has_its_own_per_second_limit(limited_crm: tuple[CrmMock, str]) -> None:
    mock, url = limited_crm
    headers = {"Authorization": "Bearer pat-na1-crmock-production-0001"}
    with httpx.Client(base_url=url, headers=headers) as client:
        assert client.post(f"{CONTACTS}/search", json={}).status_code == 200
        refused = client.post(f"{CONTACTS}/search", json={})
        assert refused.status_code == 429 and refused.json()["policyName"] == "SECONDLY"


def test_sandbox_limits_are_stricter(client: httpx.Client) -> None:
    production = client.get(CONTACTS).headers
    sandbox = client.get(
        CONTACTS, headers={"Authorization": "Bearer pat-na1-crmock-sandbox-0001"}
    ).headers
    assert int(sandbox["X-HubSpot-RateLimit-Max"]) < int(production["X-HubSpot-RateLimit-Max"])
    assert int(sandbox["X-HubSpot-RateLimit-Daily"]) < int(production["X-HubSpot-RateLimit-Daily"])


def test_expired_token_gets_401_and_a_refreshed_one_works(
    crm: CrmMock, client: httpx.Client
) -> None:
    grant = client.post("/oauth/v1/token", data=TOKEN_FORM, headers={"Authorization": ""})
    assert grant.status_code == 200 and grant.json()["expires_in"] == 1800
    bearer = {"Authorization": f"Bearer {grant.json()['access_token']}"}
    assert client.get(CONTACTS, headers=bearer).status_code == 200
    crm.clock.advance(timedelta(seconds=1800))
    expired = client.get(CONTACTS, headers=bearer)
    assert expired.status_code == 401
    assert expired.json()["category"] == "EXPIRED_AUTHENTICATION"
    again = client.post("/oauth/v1/token", data=TOKEN_FORM).json()
    assert (
        client.get(
            CONTACTS, headers={"Authorization": f"Bearer {again['access_token']}"}
        ).status_code
        == 200
    )
    assert (
        client.get(CONTACTS, headers={"Authorization": "Bearer nope"}).json()["category"]
        == "INVALID_AUTHENTICATION"
    )


def test_bad_refresh_token_is_refused(client: httpx.Client) -> None:
    answer = client.post("/oauth/v1/token", data={**TOKEN_FORM, "refresh_token": "stolen"})
    assert answer.status_code == 400 and answer.json()["status"] == "BAD_REFRESH_TOKEN"


def test_deal_with_inline_associations(client: httpx.Client) -> None:
    contact = client.post(CONTACTS, json={"properties": {"email": "dee@example.com"}}).json()
    company = client.post("/crm/v3/objects/companies", json={"properties": {"name": "Acme"}}).json()
    deal = client.post(
        "/crm/v3/objects/deals",
        json={
            "properties": {
                "dealname": "Chairs",
                "amount": "1200.50",
                "dealstage": "qualifiedtobuy",
            },
            "associations": [
                {
                    "to": {"id": contact["id"]},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 3}],
                },
                {
                    "to": {"id": company["id"]},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 5}],
                },
            ],
        },
    )
    assert deal.status_code == 201
    links = client.get(f"/crm/v4/objects/contacts/{contact['id']}/associations/deals").json()
    assert links["results"] == [
        {
            "toObjectId": int(deal.json()["id"]),
            "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 4, "label": None}],
        }
    ]
    shown = client.get(
        f"/crm/v3/objects/deals/{deal.json()['id']}", params={"associations": "companies"}
    ).json()
    assert shown["associations"]["companies"]["results"] == [
        {"id": company["id"], "type": "deal_to_company"}
    ]


# -- webhooks ---------------------------------------------------------------------------
@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[bytes, dict[str, str]]]]]:
    received: list[tuple[bytes, dict[str, str]]] = []

    async def hook(request: Request) -> Response:
        received.append((await request.body(), dict(request.headers)))
        return Response(status_code=204)

    with LoopbackServer(Starlette(routes=[Route("/hook", hook, methods=["POST"])])) as server:
        yield f"{server.url}/hook", received


def subscribe(client: httpx.Client, url: str, *subscriptions: dict[str, Any]) -> None:
    key = {"hapikey": "crmock-developer-key-0001"}
    client.put("/webhooks/v3/4001/settings", params=key, json={"targetUrl": url}).raise_for_status()
    for sub in subscriptions:
        client.post("/webhooks/v3/4001/subscriptions", params=key, json=sub).raise_for_status()


def test_webhook_signature_verifies_and_fails_after_one_byte_changes(
    crm: CrmMock, client: httpx.Client, receiver: tuple[str, list[Any]]
) -> None:
    url, received = receiver
    subscribe(client, url, {"eventType": "contact.creation"})
    contact = client.post(CONTACTS, json={"properties": {"email": "eve@example.com"}}).json()
    assert crm.webhooks.deliver_due() == 1
    body, headers = received[0]
    events = json.loads(body)
    assert events[0]["subscriptionType"] == "contact.creation"
    assert events[0]["objectId"] == int(contact["id"])
    secret, now_ms = "crmock-client-secret-0001", int(crm.clock.now().timestamp() * 1000)
    assert verify_v3(secret, "POST", url, body, headers, now_ms)
    tampered = body[:10] + bytes([body[10] ^ 1]) + body[11:]
    assert not verify_v3(secret, "POST", url, tampered, headers, now_ms)
    assert not verify_v3(secret, "POST", url, body, headers, now_ms + 6 * 60 * 1000)
    assert headers[SIGNATURE_HEADER.lower()] and headers[TIMESTAMP_HEADER.lower()]


def test_property_change_events_and_duplicates_share_the_event_id(
    crm: CrmMock, client: httpx.Client, receiver: tuple[str, list[Any]]
) -> None:
    url, received = receiver
    subscribe(client, url, {"eventType": "contact.propertyChange", "propertyName": "firstname"})
    contact = client.post(CONTACTS, json={"properties": {"email": "fay@example.com"}}).json()
    crm.webhooks.duplicate_next(1)
    client.patch(f"{CONTACTS}/{contact['id']}", json={"properties": {"firstname": "Fay"}})
    crm.webhooks.deliver_due()
    events = [json.loads(body)[0] for body, _ in received]
    assert len(events) == 2 and events[0]["eventId"] == events[1]["eventId"]
    assert (events[0]["propertyName"], events[0]["propertyValue"]) == ("firstname", "Fay")


def test_failed_deliveries_are_retried_with_backoff(crm: CrmMock, client: httpx.Client) -> None:
    subscribe(client, "http://127.0.0.1:9/nowhere", {"eventType": "deal.creation"})
    client.post("/crm/v3/objects/deals", json={"properties": {"dealname": "X"}})
    crm.webhooks.deliver_due()
    delivery = crm.webhooks.deliveries()[0]
    assert (delivery.status, delivery.attempt) == ("pending", 2)
    assert crm.webhooks.deliver_due() == 0  # not due before the backoff
    crm.clock.advance(timedelta(seconds=60))
    assert crm.webhooks.deliver_due() == 1


# -- journal ----------------------------------------------------------------------------
def test_secrets_never_reach_the_journal(crm: CrmMock, client: httpx.Client) -> None:
    grant = client.post("/oauth/v1/token", data=TOKEN_FORM).json()
    client.get(CONTACTS, headers={"Authorization": f"Bearer {grant['access_token']}"})
    client.get("/webhooks/v3/4001/subscriptions", params={"hapikey": "crmock-developer-key-0001"})
    client.post("/oauth/v1/token", data={**TOKEN_FORM, "refresh_token": "wrong-but-secret"})
    text = json.dumps([e.to_dict() for e in crm.journal.entries()])
    for secret in (
        grant["access_token"],
        "pat-na1-crmock-production-0001",
        "crmock-client-secret-0001",
        "na1-refresh-crmock-production-0001",
        "crmock-developer-key-0001",
        "wrong-but-secret",
    ):
        assert secret not in text


def test_malformed_input_gets_the_envelope_never_a_500(client: httpx.Client) -> None:
    for answer in (
        client.post(CONTACTS, content=b"{not json"),
        client.post(f"{CONTACTS}/batch/upsert", json={"inputs": [{}] * 101}),
        client.get(CONTACTS, params={"limit": "many"}),
        client.put(f"{CONTACTS}/1", json={}),
        client.get("/crm/v3/objects/tickets"),
    ):
        assert 400 <= answer.status_code < 500
        assert answer.json()["status"] == "error"
        assert "Traceback" not in answer.text
