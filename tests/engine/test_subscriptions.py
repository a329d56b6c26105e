"""Subscribing the receiver at the providers (``engine/subscriptions.py``) over real
sockets: the first call creates, the second finds; the provider holds one of each."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from odoo_harness.clock import Clock
from odoo_harness.engine.carrier_adapter import CarrierAdapter
from odoo_harness.engine.crm_adapter import CrmAdapter
from odoo_harness.engine.shop_adapter import ShopAdapter
from odoo_harness.engine.subscriptions import (
    CRM_SUBSCRIPTIONS,
    subscribe_carrier,
    subscribe_crm,
    subscribe_shop,
)
from odoo_harness.journal import Journal
from odoo_harness.providers.carrier import CarrierMock
from odoo_harness.providers.crm import CrmMock
from odoo_harness.providers.shop import TEST_TOKEN, ShopMock

pytestmark = pytest.mark.wire
ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts" / "providers"
RECEIVER = "http://127.0.0.1:9/webhooks"  # never called: the tests do not deliver
CRM_TOKEN = "pat-na1-crmock-production-0001"
DEVELOPER_KEY = "crmock-developer-key-0001"
CARRIER_KEY = "test_pk_5f1c8e2a9b7d4c36"
HOOK_SECRET = "engine-carrier-hook-secret-77"


def test_shop_subscriptions_are_made_once(clock: Clock, journal: Journal) -> None:
    with ShopMock(clock=clock).server(port=0) as server:
        shop = ShopAdapter(
            server.url, token=TEST_TOKEN, journal=journal, contract=CONTRACTS / "shop.openapi.yaml"
        )
        try:
            first = subscribe_shop(shop, f"{RECEIVER}/shop")
            second = subscribe_shop(shop, f"{RECEIVER}/shop")
            hooks = shop.call("GET", "/webhooks.json")["webhooks"]
        finally:
            shop.close()
    assert [s.created for s in first] == [True, True]
    assert [s.created for s in second] == [False, False]
    assert sorted((h["topic"], h["address"]) for h in hooks) == [
        ("orders/cancelled", f"{RECEIVER}/shop"),
        ("orders/create", f"{RECEIVER}/shop"),
    ]
    assert not journal.entries(kind="ContractViolated")


def test_carrier_subscription_is_made_once_and_its_secret_never_logged(
    clock: Clock, journal: Journal
) -> None:
    with CarrierMock(clock=clock).server(port=0) as server:
        carrier = CarrierAdapter(
            server.url,
            api_key=CARRIER_KEY,
            clock=clock,
            journal=journal,
            contract=CONTRACTS / "carrier.openapi.yaml",
        )
        try:
            first = subscribe_carrier(carrier, f"{RECEIVER}/carrier", HOOK_SECRET)
            second = subscribe_carrier(carrier, f"{RECEIVER}/carrier", HOOK_SECRET)
            hooks = carrier.call("GET", "/v1/webhooks")["webhooks"]
        finally:
            carrier.close()
    assert [(s.what, s.created) for s in first] == [("tracker.updated", True)]
    assert [(s.what, s.created) for s in second] == [("tracker.updated", False)]
    assert [(h["url"], h["events"]) for h in hooks] == [
        (f"{RECEIVER}/carrier", ["tracker.updated"])
    ]
    assert HOOK_SECRET not in str([e.data for e in journal.entries()])


def test_crm_target_and_subscriptions_are_set_once(clock: Clock, journal: Journal) -> None:
    with CrmMock(clock=clock).server(port=0) as server:
        crm = CrmAdapter(
            server.url, token=CRM_TOKEN, journal=journal, contract=CONTRACTS / "crm.openapi.yaml"
        )
        try:
            first = subscribe_crm(crm, "4001", DEVELOPER_KEY, f"{RECEIVER}/crm")
            second = subscribe_crm(crm, "4001", DEVELOPER_KEY, f"{RECEIVER}/crm")
        finally:
            crm.close()
        key = {"hapikey": DEVELOPER_KEY}
        settings = httpx.get(f"{server.url}/webhooks/v3/4001/settings", params=key).json()
        subs = httpx.get(f"{server.url}/webhooks/v3/4001/subscriptions", params=key).json()
    assert all(s.created for s in first) and len(first) == 1 + len(CRM_SUBSCRIPTIONS)
    assert not any(s.created for s in second)
    assert settings["targetUrl"] == f"{RECEIVER}/crm"
    assert sorted((s["eventType"], s["propertyName"]) for s in subs["results"]) == sorted(
        CRM_SUBSCRIPTIONS
    )
    assert DEVELOPER_KEY not in str([e.data for e in journal.entries()])
    assert not journal.entries(kind="ContractViolated")
