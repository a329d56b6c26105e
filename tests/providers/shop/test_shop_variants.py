"""``POST /products/{id}/variants.json`` on the shop mock, over a real socket: the new
variant's inventory item stocked at the active locations, the product updated (and
``products/update`` emitted), Shopify's 404 and 422s (a repeated option, 100 variants), no
SKU check, a lost answer (``commit_then_drop``) and the state file."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from odoo_harness.clock import Clock
from odoo_harness.providers.shop import TEST_TOKEN, ShopMock

from .conftest import API, MAIN, WebhookReceiver, subscribe

pytestmark = pytest.mark.wire
OVERFLOW = 70002  # the seeded second location
CHAIR = 1_000_001  # the seeded Chair: variants Red and Blue
GIFT_CARD = 1_000_002  # one untitled ("Default Title") variant
GREEN = {"sku": "CHAIR-GREEN", "price": "52", "option1": "Green", "inventory_management": "shopify"}


def _add(client: httpx.Client, product_id: int, variant: dict[str, Any]) -> httpx.Response:
    return client.post(f"/products/{product_id}/variants.json", json={"variant": variant})


def _levels(client: httpx.Client, item: int) -> dict[int, int]:
    answer = client.get("/inventory_levels.json", params={"inventory_item_ids": str(item)})
    return {lvl["location_id"]: lvl["available"] for lvl in answer.json()["inventory_levels"]}


def test_a_variant_is_added_with_its_inventory_item_stocked_at_active_locations(
    client: httpx.Client, clock: Clock
) -> None:
    before = client.get(f"/products/{CHAIR}.json").json()["product"]
    clock.advance(timedelta(minutes=3))
    answer = _add(client, CHAIR, GREEN)
    assert answer.status_code == 201, answer.text
    variant = answer.json()["variant"]
    assert (variant["product_id"], variant["title"], variant["sku"]) == (
        CHAIR,
        "Green",
        "CHAIR-GREEN",
    )
    assert (variant["price"], variant["position"]) == ("52.00", 3)
    assert variant["inventory_management"] == "shopify"
    assert variant["id"] not in {v["id"] for v in before["variants"]}
    assert _levels(client, variant["inventory_item_id"]) == {MAIN: 0, OVERFLOW: 0}
    level = {"location_id": MAIN, "inventory_item_id": variant["inventory_item_id"], "available": 7}
    assert client.post("/inventory_levels/set.json", json=level).status_code == 200
    after = client.get(f"/products/{CHAIR}.json").json()["product"]
    assert after["variants"][:2] == before["variants"]
    assert after["variants"][2] == {**variant, "inventory_quantity": 7}
    assert after["updated_at"] > before["updated_at"]
    assert client.get(f"/variants/{variant['id']}.json").json()["variant"]["sku"] == "CHAIR-GREEN"


def test_an_untracked_variant_is_stocked_nowhere(client: httpx.Client) -> None:
    answer = _add(client, CHAIR, {"sku": "CHAIR-X", "option1": "Plain"})
    assert answer.status_code == 201, answer.text
    variant = answer.json()["variant"]
    assert variant["inventory_management"] is None
    assert _levels(client, variant["inventory_item_id"]) == {}


def test_adding_a_variant_emits_products_update(
    client: httpx.Client, control: httpx.Client, receiver: WebhookReceiver
) -> None:
    subscribe(client, "products/update", receiver.url)
    variant = _add(client, CHAIR, GREEN).json()["variant"]
    assert control.post("/webhooks/deliver").json() == {"attempted": 1}
    [delivery] = receiver.received
    assert delivery.headers["x-shopify-topic"] == "products/update"
    body = json.loads(delivery.body)
    assert body["id"] == CHAIR
    assert [v["id"] for v in body["variants"]][-1] == variant["id"]


@pytest.mark.parametrize(
    ("product_id", "variant", "errors"),
    [
        (CHAIR, {"sku": "CHAIR-RED-2", "option1": "Red"}, ["The variant 'Red' already exists."]),
        (GIFT_CARD, {"sku": "GIFT-2"}, ["The variant 'Default Title' already exists."]),
    ],
)
def test_a_repeated_option_is_a_422(
    client: httpx.Client, product_id: int, variant: dict[str, Any], errors: list[str]
) -> None:
    before = client.get(f"/products/{product_id}.json").json()["product"]
    answer = _add(client, product_id, variant)
    assert answer.status_code == 422
    assert answer.json() == {"errors": {"base": errors}}
    assert client.get(f"/products/{product_id}.json").json()["product"] == before


def test_a_product_takes_100_variants_and_not_one_more(client: httpx.Client) -> None:
    variants = [{"sku": f"V{i}", "option1": f"O{i}"} for i in range(99)]
    created = client.post(
        "/products.json", json={"product": {"title": "Many", "variants": variants}}
    )
    product_id = created.json()["product"]["id"]
    assert _add(client, product_id, {"sku": "V99", "option1": "O99"}).status_code == 201
    answer = _add(client, product_id, {"sku": "V100", "option1": "O100"})
    assert answer.status_code == 422
    assert "100" in answer.json()["errors"]["base"][0]
    assert len(client.get(f"/products/{product_id}.json").json()["product"]["variants"]) == 100


def test_an_unknown_product_is_a_404(client: httpx.Client) -> None:
    answer = _add(client, 1_999_999, GREEN)
    assert answer.status_code == 404
    assert answer.json() == {"errors": "Not Found"}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"sku": "CHAIR-GREEN"}, 400),  # no root
        ({"variant": {"sku": "X", "option1": ""}}, 422),
        ({"variant": {"sku": "X", "price": "abc"}}, 422),
        ({"variant": {"sku": "X", "inventory_management": "fulfillment_service"}}, 422),
    ],
)
def test_malformed_input_is_refused(client: httpx.Client, body: Any, status: int) -> None:
    answer = client.post(f"/products/{CHAIR}/variants.json", json=body)
    assert answer.status_code == status, answer.text
    assert "errors" in answer.json()
    assert len(client.get(f"/products/{CHAIR}.json").json()["product"]["variants"]) == 2


def test_skus_are_not_checked(client: httpx.Client) -> None:
    first = _add(client, CHAIR, {"sku": "CHAIR-RED", "option1": "Crimson"})
    assert first.status_code == 201, first.text
    skus = [v["sku"] for v in client.get(f"/products/{CHAIR}.json").json()["product"]["variants"]]
    assert skus.count("CHAIR-RED") == 2


def test_commit_then_drop_adds_the_variant_and_loses_the_answer(
    shop: ShopMock, client: httpx.Client, control: httpx.Client
) -> None:
    fault = {"kind": "commit_then_drop", "method": "POST", "path": "*/variants.json"}
    control.post("/faults", json=fault).raise_for_status()
    with pytest.raises(httpx.TransportError):
        _add(client, CHAIR, GREEN)
    [dropped] = shop.journal.entries(kind="mock.committed_then_dropped")
    assert dropped.data["status"] == 201
    variants = client.get(f"/products/{CHAIR}.json").json()["product"]["variants"]
    assert [v["sku"] for v in variants] == ["CHAIR-RED", "CHAIR-BLUE", "CHAIR-GREEN"]


def test_an_added_variant_survives_a_restart_with_the_state_file(
    tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "shop.state"
    headers = {"X-Shopify-Access-Token": TEST_TOKEN}
    first = ShopMock(clock=clock, seed=1, state_path=path)
    first.seed({"products": [{"title": "Desk", "variants": [{"sku": "D-S", "title": "S"}]}]})
    with first.server(port=0) as server, httpx.Client(base_url=server.url + API) as client:
        [product] = client.get("/products.json", headers=headers).json()["products"]
        added = _add_with(client, headers, product["id"])
    second = ShopMock(clock=clock, seed=1, state_path=path)
    with second.server(port=0) as server, httpx.Client(base_url=server.url + API) as client:
        found = client.get(f"/variants/{added['id']}.json", headers=headers)
        assert found.json()["variant"] == added
        again = _add_with(client, headers, product["id"], option="L")
    assert again["id"] > added["id"]


def _add_with(
    client: httpx.Client, headers: dict[str, str], product_id: int, option: str = "M"
) -> dict[str, Any]:
    body = {"variant": {"sku": f"D-{option}", "option1": option}}
    answer = client.post(f"/products/{product_id}/variants.json", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return dict(answer.json()["variant"])
