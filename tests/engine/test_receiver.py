"""The webhook receiver over a real socket: signatures, replays, de-duplication."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from odoo_harness.clock import Clock
from odoo_harness.engine import JobStore
from odoo_harness.engine.receiver import WebhookReceiver
from odoo_harness.engine.webhook_signatures import (
    carrier_signature,
    crm_signature,
    shop_signature,
)
from odoo_harness.serving import LoopbackServer

SECRETS = {"crm": "crm-secret-0001", "shop": "shop-secret-0001", "carrier": "carrier-secret"}
EVENT = {
    "eventId": 77,
    "subscriptionType": "contact.propertyChange",
    "objectId": 101,
    "propertyName": "lifecyclestage",
    "propertyValue": "customer",
}


@pytest.fixture
def url(store: JobStore, clock: Clock) -> Iterator[str]:
    receiver = WebhookReceiver(store, SECRETS, clock=clock)
    with LoopbackServer(receiver.app, name="receiver") as server:
        yield server.url


def post_crm(url: str, clock: Clock, body: bytes, *, age_ms: int = 0) -> httpx.Response:
    stamp = str(int(clock.now().timestamp() * 1000) - age_ms)
    target = f"{url}/webhooks/crm"
    headers = {
        "Content-Type": "application/json",
        "X-HubSpot-Request-Timestamp": stamp,
        "X-HubSpot-Signature-v3": crm_signature(SECRETS["crm"], "POST", target, body, stamp),
    }
    return httpx.post(target, content=body, headers=headers)


def test_crm_signature_and_duplicates(url: str, clock: Clock, store: JobStore) -> None:
    body = json.dumps([EVENT]).encode()
    first = post_crm(url, clock, body)
    assert first.status_code == 200 and first.json() == {"accepted": 1, "duplicates": 0, "jobs": 1}
    again = post_crm(url, clock, body)
    assert again.status_code == 200 and again.json()["duplicates"] == 1
    [job] = store.jobs()
    assert job.flow == "crm_contacts" and job.payload["action"] == "import"


def test_one_byte_changed_is_refused(url: str, clock: Clock, store: JobStore) -> None:
    body = json.dumps([EVENT]).encode()
    stamp = str(int(clock.now().timestamp() * 1000))
    target = f"{url}/webhooks/crm"
    signature = crm_signature(SECRETS["crm"], "POST", target, body, stamp)
    tampered = body.replace(b"customer", b"customes")
    response = httpx.post(
        target,
        content=tampered,
        headers={"X-HubSpot-Request-Timestamp": stamp, "X-HubSpot-Signature-v3": signature},
    )
    assert response.status_code == 401
    assert store.jobs() == []


def test_replayed_delivery_is_refused(url: str, clock: Clock, store: JobStore) -> None:
    response = post_crm(url, clock, json.dumps([EVENT]).encode(), age_ms=6 * 60 * 1000)
    assert response.status_code == 401 and "window" in response.json()["error"]
    assert store.jobs() == []


def test_shop_and_carrier_signatures(url: str, clock: Clock, store: JobStore) -> None:
    body = b'{"id": 1001, "email": "a@example.com"}'
    headers = {
        "X-Shopify-Hmac-Sha256": shop_signature(SECRETS["shop"], body),
        "X-Shopify-Event-Id": "e-1",
        "X-Shopify-Triggered-At": clock.now().isoformat(),
        "X-Shopify-Topic": "orders/create",
    }
    assert httpx.post(f"{url}/webhooks/shop", content=body, headers=headers).status_code == 200
    headers["X-Shopify-Hmac-Sha256"] = shop_signature("wrong", body)
    assert httpx.post(f"{url}/webhooks/shop", content=body, headers=headers).status_code == 401
    event = b'{"id": "evt_1", "type": "tracker.updated"}'
    stamp = int(clock.now().timestamp())
    signed = {"X-ParcelHub-Signature": carrier_signature(SECRETS["carrier"], stamp, event)}
    ok = httpx.post(f"{url}/webhooks/carrier", content=event, headers=signed)
    assert ok.status_code == 200 and ok.json()["accepted"] == 1
    bad = httpx.post(f"{url}/webhooks/carrier", content=event + b" ", headers=signed)
    assert bad.status_code == 401


def test_engine_run_cli_bounded(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from odoo_harness.cli.main import main

    store = tmp_path / "engine.sqlite"
    code = main(["engine", "run", "--for", "0.3", "--port", "0", "--store", str(store)])
    out = capsys.readouterr().out
    assert code == 0
    assert "receiving webhooks on http://127.0.0.1:" in out and "engine: stopped" in out
