"""A Python scenario (docs/scenarios.md, "Python scenarios"): nine shop orders with
seeded random lines, Odoo losing the answer to one sale order create in every three, and
each order imported exactly once with its own lines."""

from __future__ import annotations

import random

SEED = 7
ORDERS = 9
EVERY = 3  # of every three sale orders, Odoo commits one and its answer is lost
PRODUCTS = {"MUG-1": 12.0, "BOWL-1": 18.0, "PLATE-1": 15.0, "JUG-1": 27.0}
LOST_ANSWER = {"system": "odoo", "kind": "commit_then_drop", "model": "sale.order"}


def given() -> dict:
    records = [
        {
            "model": "product.product",
            "values": {"name": sku.title(), "default_code": sku, "type": "consu", "list_price": p},
        }
        for sku, p in PRODUCTS.items()
    ]
    variants = [
        {"sku": sku, "price": f"{price:.2f}", "stock": {"70001": 500}}
        for sku, price in PRODUCTS.items()
    ]
    return {
        "odoo": {"records": records},
        "shop": {"products": [{"title": "Tableware", "variants": variants}]},
    }


def random_order(rng: random.Random, n: int) -> dict:
    email = f"buyer{n:02d}@example.com"
    skus = rng.sample(sorted(PRODUCTS), rng.randint(1, 3))
    return {
        "email": email,
        "customer": {"first_name": "Buyer", "last_name": f"{n:02d}", "email": email},
        "line_items": [{"sku": sku, "quantity": rng.randint(1, 5)} for sku in skus],
    }


def test_every_order_imported_once_while_odoo_loses_answers(harness_scenario) -> None:
    rng = random.Random(SEED)
    run = harness_scenario(
        "Nine random shop orders each become one sale order while Odoo loses one answer in three",
        flow="shop_orders",
        given=given(),
    )
    placed = {}
    for first in range(1, ORDERS + 1, EVERY):  # EVERY orders, of which one create is lost
        for n in range(first, first + EVERY):
            order = random_order(rng, n)
            run.step({"shop": {"place_order": order}})
            placed[order["email"]] = {item["sku"]: item["quantity"] for item in order["line_items"]}
        run.fault({**LOST_ANSWER, "method": "create", "times": 1})
        run.step("shop sends webhooks")
        run.step("engine runs due jobs")
    run.step("time passes 1 minute")  # the lost answers' retries are due
    run.step("engine runs due jobs")
    refs = {o["email"]: str(o["id"]) for o in run.shop.orders()}
    assert sorted(refs) == sorted(placed)
    run.expect(
        {
            "odoo": {
                "sale.order": [
                    {"where": {"client_order_ref": refs[email]}, "count": 1, "state": "sale"}
                    for email in sorted(placed)
                ],
                "sale.order.line": [
                    {
                        "where": {
                            "order_id.client_order_ref": refs[email],
                            "product_id.default_code": sku,
                        },
                        "count": 1,
                        "product_uom_qty": quantity,
                    }
                    for email, lines in sorted(placed.items())
                    for sku, quantity in sorted(lines.items())
                ],
            },
            "failed_records": "none",
        }
    )
    lost = [e for e in run.journal if e.kind == "odoo.call" and e.data.get("fault")]
    assert len(lost) == ORDERS // EVERY  # every armed fault did hit a create
