"""A Python scenario (docs/scenarios.md, "Python scenarios"): seeded random stock changes
over rounds, and an expectation computed from Odoo itself: after each push, the shop's
available quantity of every variant equals Odoo's ``qty_available``."""

from __future__ import annotations

import random

SEED = 20260302
SKUS = [f"VASE-{n:02d}" for n in range(1, 9)]
STOCK = {"ref": "stock.stock_location_stock"}
SHOP_LOCATION = 70001


def given(rng: random.Random) -> dict:
    records = []
    for sku in SKUS:
        xmlid = f"given.{sku.lower().replace('-', '_')}"
        values = {"name": f"Vase {sku}", "default_code": sku, "type": "consu"}
        values |= {"is_storable": True, "list_price": 30.0}
        quant = {"product_id": {"ref": xmlid}, "location_id": STOCK}
        records += [
            {"model": "product.product", "id": xmlid, "values": values},
            {"model": "stock.quant", "values": quant | {"quantity": rng.randint(0, 40)}},
        ]
    variants = [{"sku": sku, "price": "30.00", "stock": {str(SHOP_LOCATION): 0}} for sku in SKUS]
    return {
        "engine": {"batch_size": 3},
        "odoo": {"records": records},
        "shop": {"products": [{"title": "Vase", "variants": variants}]},
    }


def odoo_stock(run) -> dict[str, float]:
    rows = run.odoo.search_read(
        "product.product", [("default_code", "in", SKUS)], ["default_code", "qty_available"]
    )
    return {row["default_code"]: row["qty_available"] for row in rows}


def change_stock(run, sku: str, quantity: int) -> None:
    where = {"product_id.default_code": sku}
    run.step(
        {
            "odoo": {
                "update": {"model": "stock.quant", "where": where, "values": {"quantity": quantity}}
            }
        }
    )


def test_shop_stock_follows_odoo_after_random_changes(harness_scenario) -> None:
    rng = random.Random(SEED)
    run = harness_scenario(
        "The shop's stock follows Odoo's on-hand quantity of every variant through random changes",
        flow="catalogue_stock",
        given=given(rng),
    )
    for round_ in range(3):
        if round_:  # time passes, then a few variants' stock changes in Odoo
            run.step("time passes 5 minutes")
            for sku in rng.sample(SKUS, 3):
                change_stock(run, sku, rng.randint(0, 60))
        run.step("engine runs due jobs")
        stock = odoo_stock(run)
        assert sorted(stock) == SKUS  # every variant is there to compare
        run.expect(
            {
                "shop": {
                    "inventory_levels": [
                        {"where": {"sku": sku, "location_id": SHOP_LOCATION}, "available": qty}
                        for sku, qty in sorted(stock.items())
                    ]
                }
            }
        )
    run.expect({"failed_records": "none"})
