"""``POST /products.json`` on the shop mock, over a real socket: variants with inventory
items, stocking at the active locations, Shopify's 422s, no SKU check (not idempotent),
and a create whose answer is lost (``commit_then_drop``)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo_harness.providers.shop import ShopMock

from .conftest import MAIN

pytestmark = pytest.mark.wire
OVERFLOW = 70002  # the seeded second location
LAMP = {
    "title": "Lamp",
    "variants": [
        {"sku": "LAMP-W", "price": "19.5", "option1": "White", "inventory_management": "shopify"},
        {"sku": "LAMP-B", "price": "21", "option1": "Black", "inventory_management": "shopify"},
    ],
}


def _create(client: httpx.Client, product: dict[str, Any]) -> httpx.Response:
    return client.post("/products.json", json={"product": product})


def _levels(client: httpx.Client, item: int) -> dict[int, int]:
    answer = client.get("/inventory_levels.json", params={"inventory_item_ids": str(item)})
    return {lvl["location_id"]: lvl["available"] for lvl in answer.json()["inventory_levels"]}


def test_created_variants_get_inventory_items_stocked_at_active_locations(
    client: httpx.Client,
) -> None:
    answer = _create(client, LAMP)
    assert answer.status_code == 201, answer.text
    product = answer.json()["product"]
    assert product["title"] == "Lamp" and product["status"] == "active"
    white, black = product["variants"]
    assert (white["sku"], white["price"], white["title"]) == ("LAMP-W", "19.50", "White")
    assert (black["sku"], black["price"], black["title"]) == ("LAMP-B", "21.00", "Black")
    assert white["inventory_item_id"] != black["inventory_item_id"]
    assert _levels(client, white["inventory_item_id"]) == {MAIN: 0, OVERFLOW: 0}
    level = {"location_id": MAIN, "inventory_item_id": black["inventory_item_id"], "available": 8}
    assert client.post("/inventory_levels/set.json", json=level).status_code == 200
    assert client.get(f"/products/{product['id']}.json").json()["product"] == {
        **product,
        "variants": [white, {**black, "inventory_quantity": 8}],
    }


def test_an_untracked_variant_is_stocked_nowhere(client: httpx.Client) -> None:
    product = _create(client, {"title": "Gift wrap", "variants": [{"sku": "WRAP"}]}).json()
    [variant] = product["product"]["variants"]
    assert variant["inventory_management"] is None
    assert variant["price"] == "0.00"
    assert _levels(client, variant["inventory_item_id"]) == {}


def test_the_same_product_twice_is_two_products(client: httpx.Client) -> None:
    first, second = (_create(client, LAMP).json()["product"] for _ in range(2))
    assert first["id"] != second["id"]
    skus = [
        v["sku"] for p in client.get("/products.json").json()["products"] for v in p["variants"]
    ]
    assert skus.count("LAMP-W") == 2


@pytest.mark.parametrize(
    ("product", "errors"),
    [
        ({"variants": [{"sku": "X"}]}, {"title": ["can't be blank"]}),
        ({"title": ""}, {"title": ["can't be blank"]}),
        (
            {"title": "Two", "variants": [{"sku": "A"}, {"sku": "B"}]},
            {"base": ["The variant 'Default Title' already exists."]},
        ),
        ({"title": "Odd", "handle": "odd"}, {"handle": ["is not a permitted parameter"]}),
    ],
)
def test_invalid_products_get_shopify_s_422(
    client: httpx.Client, product: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    answer = _create(client, product)
    assert answer.status_code == 422
    assert answer.json() == {"errors": errors}


def test_a_missing_root_is_a_400(client: httpx.Client) -> None:
    answer = client.post("/products.json", json={"title": "Lamp"})
    assert answer.status_code == 400
    assert answer.json() == {"errors": {"product": "Required parameter missing or invalid"}}


def test_commit_then_drop_creates_the_product_and_loses_the_answer(
    shop: ShopMock, client: httpx.Client, control: httpx.Client
) -> None:
    fault = {"kind": "commit_then_drop", "method": "POST", "path": "*/products.json"}
    control.post("/faults", json=fault).raise_for_status()
    with pytest.raises(httpx.TransportError):
        _create(client, LAMP)
    [dropped] = shop.journal.entries(kind="mock.committed_then_dropped")
    assert dropped.data["status"] == 201
    found = [p for p in client.get("/products.json").json()["products"] if p["title"] == "Lamp"]
    assert [v["sku"] for v in found[0]["variants"]] == ["LAMP-W", "LAMP-B"]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    options=st.lists(
        st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=8),
        min_size=1,
        max_size=5,
    )
)
def test_variants_are_refused_exactly_when_their_options_repeat(
    client: httpx.Client, options: list[str]
) -> None:
    variants = [{"sku": f"S{i}", "option1": o} for i, o in enumerate(options)]
    answer = _create(client, {"title": "Many", "variants": variants})
    if len(set(options)) == len(options):
        assert answer.status_code == 201, answer.text
        assert [v["title"] for v in answer.json()["product"]["variants"]] == options
    else:
        assert answer.status_code == 422
        assert "already exists" in answer.json()["errors"]["base"][0]
