"""Loading a shop from JSON (``/_control/seed``), and generating one from a seed.

``{"locations": [...], "products": [...], "customers": [...], "orders": [...],
"generate": {"products": N, "customers": N, "orders": N}}``; every key is optional and
records are added to what exists. See ``docs/provider-mocks.md`` for each record's keys.
Generated data comes from the mock's seeded ``random.Random``: the same seed, the same
shop.
"""

from __future__ import annotations

import random
from typing import Any

from ...controlapi import ControlError
from ._state import NotFoundError, ShopState

SECTIONS = ("locations", "products", "customers", "orders", "generate")
MAX_GENERATED = 100_000
COLOURS = ("Red", "Blue", "Green", "Black", "White", "Oak", "Walnut", "Grey")
NOUNS = ("Chair", "Desk", "Lamp", "Shelf", "Stool", "Table", "Sofa", "Cabinet")
NAMES = ("Ana", "Ben", "Chloe", "Dev", "Eva", "Femi", "Gus", "Hana", "Ivo", "Jun")


def load(state: ShopState, data: dict[str, Any], rng: random.Random) -> dict[str, int]:
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise ControlError(f"unknown seed key(s) {unknown}; allowed: {list(SECTIONS)}")
    counts = {section: 0 for section in SECTIONS[:4]}
    adders = {
        "locations": state.add_location,
        "products": state.add_product,
        "customers": state.add_customer,
        "orders": state.add_order,
    }
    for section, add in adders.items():
        for index, record in enumerate(_records(data, section)):
            _add(add, record, f"{section}[{index}]")
            counts[section] += 1
    if "generate" in data:
        for section, count in generate(state, data["generate"], rng).items():
            counts[section] += count
    return counts


def _records(data: dict[str, Any], section: str) -> list[dict[str, Any]]:
    records = data.get(section, [])
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ControlError(f"'{section}' must be a list of JSON objects")
    return records


def _add(add: Any, record: dict[str, Any], where: str) -> None:
    try:
        add(record)
    except NotFoundError as exc:
        raise ControlError(f"{where}: refers to {exc.args[0]!r}, which does not exist") from None
    except (TypeError, ValueError, ArithmeticError, KeyError) as exc:
        raise ControlError(f"{where}: {type(exc).__name__}: {exc}") from None


def generate(state: ShopState, spec: Any, rng: random.Random) -> dict[str, int]:
    """Deterministic products (one to three variants, stocked everywhere), customers and
    orders of one to three lines."""
    if (
        not isinstance(spec, dict)
        or set(spec) - {"products", "customers", "orders"}
        or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_GENERATED
            for v in spec.values()
        )
    ):
        raise ControlError(
            f"'generate' maps products/customers/orders to counts (0-{MAX_GENERATED})"
        )
    for _ in range(spec.get("products", 0)):
        state.add_product(_product(state, rng))
    for _ in range(spec.get("customers", 0)):
        state.add_customer(_customer(state, rng))
    variants = [v for v in state.variants.values() if v["sku"]]
    if spec.get("orders") and not variants:
        raise ControlError("'generate.orders' needs products with SKUs first")
    customers = list(state.customers)
    for _ in range(spec.get("orders", 0)):
        lines = [
            {"variant_id": rng.choice(variants)["id"], "quantity": rng.randint(1, 3)}
            for _ in range(rng.randint(1, 3))
        ]
        who = {"customer_id": rng.choice(customers)} if customers else {}
        state.add_order({**who, "line_items": lines})
    return dict(spec)


def _product(state: ShopState, rng: random.Random) -> dict[str, Any]:
    noun = rng.choice(NOUNS)
    number = len(state.products) + 1
    colours = rng.sample(COLOURS, rng.randint(1, 3))
    return {
        "title": f"{noun} {number}",
        "product_type": noun,
        "variants": [
            {
                "title": colour,
                "sku": f"{noun.upper()}-{number:05d}-{colour.upper()}",
                "price": f"{rng.randint(5, 500)}.{rng.choice(('00', '50', '99'))}",
                "stock": {str(lid): rng.randint(0, 50) for lid in state.locations},
            }
            for colour in colours
        ],
    }


def _customer(state: ShopState, rng: random.Random) -> dict[str, Any]:
    first = rng.choice(NAMES)
    number = len(state.customers) + 1
    return {
        "email": f"{first.lower()}.{number}@example.com",
        "first_name": first,
        "last_name": f"Customer{number}",
    }


__all__ = ["generate", "load"]
