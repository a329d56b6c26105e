"""Sales, products and chatter behaviour beyond the recordings."""

from __future__ import annotations

import pytest

from conftest import Call, new_product, put_stock, xmlid
from odoo_harness.odoo.exceptions import UserError
from odoo_harness.odoo.sandbox import Sandbox


def test_confirm_reserves_and_delivery_completes_the_order(sandbox: Sandbox, call: Call) -> None:
    product = new_product(sandbox, call, "Chair")
    put_stock(call, product, xmlid(call, "stock.stock_location_stock"), 5)
    customer = call("res.partner", "create", {"name": "Ana"})
    order = call(
        "sale.order",
        "create",
        {
            "partner_id": customer,
            "order_line": [
                [0, 0, {"product_id": product, "product_uom_qty": 2, "price_unit": 10.0}]
            ],
        },
    )
    assert call("sale.order", "action_confirm", [order]) is True
    row = call("sale.order", "read", [order], ["picking_ids", "delivery_status", "name"])[0]
    assert row["delivery_status"] == "pending"
    assert call("product.product", "read", [product], ["free_qty"])[0]["free_qty"] == 3.0
    assert call("stock.picking", "button_validate", row["picking_ids"]) is True
    assert call("sale.order", "read", [order], ["delivery_status"])[0]["delivery_status"] == "full"
    assert call("sale.order", "search", [["name", "=", row["name"]]]) == [order]


def test_order_numbers_follow_the_sequence(sandbox: Sandbox, call: Call) -> None:
    customer = call("res.partner", "create", {"name": "Seq"})
    first = call("sale.order", "create", {"partner_id": customer})
    second = call("sale.order", "create", {"partner_id": customer})
    names = [r["name"] for r in call("sale.order", "read", [first, second], ["name"])]
    assert names == ["S00001", "S00002"]


def test_confirming_an_archived_product_is_refused(sandbox: Sandbox, call: Call) -> None:
    product = new_product(sandbox, call, "Gone")
    customer = call("res.partner", "create", {"name": "Bob"})
    order = call(
        "sale.order",
        "create",
        {
            "partner_id": customer,
            "order_line": [[0, 0, {"product_id": product, "product_uom_qty": 1}]],
        },
    )
    call("product.product", "write", [product], {"active": False})
    with pytest.raises(UserError, match="archived"):
        call("sale.order", "action_confirm", [order])


def test_variants_are_named_and_archived_with_the_template(sandbox: Sandbox, call: Call) -> None:
    attribute = call(
        "product.attribute",
        "create",
        {"name": "Color", "value_ids": [[0, 0, {"name": "Red"}], [0, 0, {"name": "Blue"}]]},
    )
    values = call("product.attribute", "read", [attribute], ["value_ids"])[0]["value_ids"]
    template = call(
        "product.template",
        "create",
        {
            "name": "Mug",
            "attribute_line_ids": [
                [0, 0, {"attribute_id": attribute, "value_ids": [[6, 0, values]]}]
            ],
        },
    )
    variants = call(
        "product.product",
        "search_read",
        [["product_tmpl_id", "=", template]],
        fields=["display_name"],
        order="id",
    )
    assert [v["display_name"] for v in variants] == ["Mug (Red)", "Mug (Blue)"]
    call("product.template", "write", [template], {"active": False})
    assert call("product.product", "search", [["product_tmpl_id", "=", template]]) == []


def test_duplicate_barcode_is_refused(sandbox: Sandbox, call: Call) -> None:
    call("product.product", "create", {"name": "A", "barcode": "123"})
    with pytest.raises(UserError, match="already assigned"):
        call("product.product", "create", {"name": "B", "barcode": "123"})


def test_activity_schedule_answer_per_version(sandbox: Sandbox, call: Call) -> None:
    lead = call("crm.lead", "create", {"name": "Follow"})
    result = call(
        "crm.lead", "activity_schedule", [lead], summary="Call back", date_deadline="2031-01-01"
    )
    activities = call(
        "mail.activity", "search", [["res_model", "=", "crm.lead"], ["res_id", "=", lead]]
    )
    if sandbox.profile.major >= 19:
        assert result == activities
    else:  # a recordset, which XML-RPC cannot marshal
        assert str(type(result)) == "<class 'odoo.api.mail.activity'>"
    row = call("crm.lead", "read", [lead], ["activity_summary", "activity_state"])[0]
    assert (row["activity_summary"], row["activity_state"]) == ("Call back", "planned")


def test_message_post_on_an_order(sandbox: Sandbox, call: Call) -> None:
    customer = call("res.partner", "create", {"name": "Chat"})
    order = call("sale.order", "create", {"partner_id": customer})
    posted = call(
        "sale.order",
        "message_post",
        [order],
        body="Import failed: <no SKU>",
        message_type="comment",
    )
    message_id = posted[0] if isinstance(posted, list) else posted
    message = call("mail.message", "read", [message_id], ["body", "model", "res_id"])[0]
    assert message["body"] == "<p>Import failed: &lt;no SKU&gt;</p>"
    assert (message["model"], message["res_id"]) == ("sale.order", order)
