"""Stock behaviour beyond the recordings: warehouses, scoped quantities, backorders, units."""

from __future__ import annotations

import pytest

from conftest import Call, new_product, put_stock, warehouse_key, xmlid
from odoo_harness.odoo.exceptions import UserError
from odoo_harness.odoo.sandbox import Sandbox


def test_new_warehouse_gets_locations_types_and_sequences(sandbox: Sandbox, call: Call) -> None:
    wh = call("stock.warehouse", "create", {"name": "Second", "code": "WH2"})
    row = call(
        "stock.warehouse", "read", [wh], ["view_location_id", "lot_stock_id", "out_type_id"]
    )[0]
    assert row["view_location_id"][1] == "WH2"
    assert row["lot_stock_id"][1] == "WH2/Stock"
    assert row["out_type_id"][1] == "Second: Delivery Orders"
    picking = call("stock.picking", "create", {"picking_type_id": row["out_type_id"][0]})
    read = call("stock.picking", "read", [picking], ["name", "location_id"])[0]
    assert read["name"] == "WH2/OUT/00001"
    assert read["location_id"][0] == row["lot_stock_id"][0]


def test_quantities_follow_the_warehouse_context(sandbox: Sandbox, call: Call) -> None:
    wh2 = call("stock.warehouse", "create", {"name": "Second", "code": "WH2"})
    stock2 = call("stock.warehouse", "read", [wh2], ["lot_stock_id"])[0]["lot_stock_id"][0]
    product = new_product(sandbox, call, "Two places")
    put_stock(call, product, xmlid(call, "stock.stock_location_stock"), 10)
    put_stock(call, product, stock2, 4)
    key = warehouse_key(sandbox)

    def qty(**context: object) -> float:
        return float(
            call("product.product", "read", [product], ["qty_available"], context=context)[0][
                "qty_available"
            ]
        )

    assert qty() == 14.0
    assert qty(**{key: wh2}) == 4.0
    assert qty(**{key: "Second"}) == 4.0
    assert qty(location=stock2) == 4.0
    found = call("product.product", "search", [["qty_available", ">", 12], ["id", "=", product]])
    assert found == [product]
    scoped = call(
        "product.product",
        "search",
        [["qty_available", ">", 12], ["id", "=", product]],
        context={key: wh2},
    )
    assert scoped == []


def test_backorder_process_creates_the_backorder(sandbox: Sandbox, call: Call) -> None:
    product = new_product(sandbox, call, "Short")
    stock = xmlid(call, "stock.stock_location_stock")
    put_stock(call, product, stock, 1)
    picking = call(
        "stock.picking",
        "create",
        {
            "picking_type_id": xmlid(call, "stock.picking_type_out"),
            "move_ids": [[0, 0, {"product_id": product, "product_uom_qty": 3}]],
        },
    )
    call("stock.picking", "action_confirm", [picking])
    action = call("stock.picking", "button_validate", [picking])
    wizard = call(
        "stock.backorder.confirmation",
        "create",
        {"pick_ids": [[4, picking]]},
        context=action["context"],
    )
    assert (
        call("stock.backorder.confirmation", "process", [wizard], context=action["context"]) is True
    )
    done = call("stock.picking", "read", [picking], ["state", "backorder_ids"])[0]
    assert done["state"] == "done" and len(done["backorder_ids"]) == 1
    backorder = call(
        "stock.picking", "read", done["backorder_ids"], ["state", "backorder_id", "move_ids"]
    )[0]
    assert backorder["state"] == "confirmed" and backorder["backorder_id"][0] == picking
    assert (
        call("stock.move", "read", backorder["move_ids"], ["product_uom_qty"])[0]["product_uom_qty"]
        == 2.0
    )
    row = call("product.product", "read", [product], ["qty_available", "outgoing_qty"])[0]
    assert (row["qty_available"], row["outgoing_qty"]) == (0.0, 2.0)


def test_validating_twice_is_refused(sandbox: Sandbox, call: Call) -> None:
    product = new_product(sandbox, call, "Twice")
    put_stock(call, product, xmlid(call, "stock.stock_location_stock"), 5)
    picking = call(
        "stock.picking",
        "create",
        {
            "picking_type_id": xmlid(call, "stock.picking_type_out"),
            "move_ids": [[0, 0, {"product_id": product, "product_uom_qty": 1}]],
        },
    )
    call("stock.picking", "action_confirm", [picking])
    assert call("stock.picking", "button_validate", [picking]) is True
    if sandbox.profile.major >= 19:  # 19 filters out done transfers first
        assert call("stock.picking", "button_validate", [picking]) is True
    else:
        with pytest.raises(UserError, match="already been validated"):
            call("stock.picking", "button_validate", [picking])


def test_moves_in_dozens_take_units_from_stock(sandbox: Sandbox, call: Call) -> None:
    product = new_product(sandbox, call, "Eggs")
    put_stock(call, product, xmlid(call, "stock.stock_location_stock"), 30)
    picking = call(
        "stock.picking",
        "create",
        {
            "picking_type_id": xmlid(call, "stock.picking_type_out"),
            "move_ids": [
                [
                    0,
                    0,
                    {
                        "product_id": product,
                        "product_uom_qty": 2,
                        "product_uom": xmlid(call, "uom.product_uom_dozen"),
                    },
                ]
            ],
        },
    )
    call("stock.picking", "action_confirm", [picking])
    move = call("stock.picking", "read", [picking], ["move_ids"])[0]["move_ids"]
    assert call("stock.move", "read", move, ["product_qty", "quantity", "state"])[0] == {
        "id": move[0],
        "product_qty": 24.0,
        "quantity": 2.0,
        "state": "assigned",
    }
    assert call("stock.picking", "button_validate", [picking]) is True
    assert call("product.product", "read", [product], ["qty_available"])[0]["qty_available"] == 6.0


def test_cancel_frees_the_reservation(sandbox: Sandbox, call: Call) -> None:
    product = new_product(sandbox, call, "Freed")
    put_stock(call, product, xmlid(call, "stock.stock_location_stock"), 5)
    picking = call(
        "stock.picking",
        "create",
        {
            "picking_type_id": xmlid(call, "stock.picking_type_out"),
            "move_ids": [[0, 0, {"product_id": product, "product_uom_qty": 2}]],
        },
    )
    call("stock.picking", "action_confirm", [picking])
    assert call("product.product", "read", [product], ["free_qty"])[0]["free_qty"] == 3.0
    call("stock.picking", "action_cancel", [picking])
    row = call("product.product", "read", [product], ["free_qty", "outgoing_qty"])[0]
    assert (row["free_qty"], row["outgoing_qty"]) == (5.0, 0.0)


def test_carrier_tracking_url(sandbox: Sandbox, call: Call) -> None:
    fee = call("product.product", "create", {"name": "Fee", "type": "service"})
    carrier = call(
        "delivery.carrier",
        "create",
        {
            "name": "Parcel",
            "product_id": fee,
            "tracking_url": "https://track/<shipmenttrackingnumber>",
        },
    )
    picking = call(
        "stock.picking",
        "create",
        {
            "picking_type_id": xmlid(call, "stock.picking_type_out"),
            "carrier_id": carrier,
            "carrier_tracking_ref": "ABC123",
        },
    )
    assert (
        call("stock.picking", "read", [picking], ["carrier_tracking_url"])[0][
            "carrier_tracking_url"
        ]
        == "https://track/ABC123"
    )
