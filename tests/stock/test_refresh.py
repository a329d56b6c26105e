"""The acceptance test of issue 7: stock changed in Odoo (a validated delivery, an inventory
adjustment) shows in the endpoint after the next refresh, not before, and ``as_of`` moves
forward with the refresh. Odoo is changed over XML-RPC, the endpoint is read over HTTP."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from odoo_harness.engine.stock_availability import StockEndpointServer

from .conftest import KEY, Served

pytestmark = pytest.mark.wire


def _item(served: Served, sku: str, **params: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    with served.client() as client:
        answer = client.get("/v1/stock/availability", params={"sku": sku, **params})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return body, {w["warehouse"]: w for w in body["items"][0]["warehouses"]}


def _a_stocked_sku(served: Served, code: str, at_least: float) -> str:
    figures = served.odoo.figures()
    return next(
        sku
        for sku, per in sorted(figures.items())
        if per[code][1] >= at_least and per[code][0] == per[code][1]
    )


def _deliver(served: Served, sku: str, qty: float) -> None:
    odoo = served.odoo
    product = odoo.call("product.product", "search", [["default_code", "=", sku]])[0]
    customer = odoo.call("res.partner", "create", {"name": "Refresh Test Customer"})
    order = odoo.call(
        "sale.order",
        "create",
        {
            "partner_id": customer,
            "order_line": [[0, 0, {"product_id": product, "product_uom_qty": qty}]],
        },
    )
    odoo.call("sale.order", "action_confirm", [order])
    pickings = odoo.call("sale.order", "read", [order], ["picking_ids"])[0]["picking_ids"]
    assert odoo.call("stock.picking", "button_validate", pickings) is True


def _count(served: Served, sku: str, code: str, counted: float) -> None:
    odoo = served.odoo
    product = odoo.call("product.product", "search", [["default_code", "=", sku]])[0]
    stock = odoo.call(
        "stock.warehouse", "search_read", [["code", "=", code]], fields=["lot_stock_id"]
    )
    quant = odoo.call(
        "stock.quant",
        "search",
        [["product_id", "=", product], ["location_id", "=", stock[0]["lot_stock_id"][0]]],
    )
    odoo.call("stock.quant", "write", quant, {"inventory_quantity": counted})
    with odoo.adapter() as json_rpc:  # it returns None, which XML-RPC cannot marshal
        json_rpc.call("stock.quant", "action_apply_inventory", quant)


def _as_of(body: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(body["as_of"].replace("Z", "+00:00"))


def test_a_delivery_and_an_inventory_adjustment_show_after_the_next_refresh(
    fresh: Served,
) -> None:
    sku = _a_stocked_sku(fresh, "WH", at_least=3)
    before = fresh.odoo.figures([sku])[sku]["WH"]
    first, levels = _item(fresh, sku)
    assert (levels["WH"]["free"], levels["WH"]["on_hand"]) == (before[0], before[1])
    assert _as_of(first) == fresh.clock.now()

    # (a) a minute later, a delivery of 2 is validated in Odoo
    fresh.clock.advance(timedelta(minutes=1))
    _deliver(fresh, sku, 2)
    delivered = fresh.odoo.figures([sku])[sku]["WH"]
    assert delivered[1] == before[1] - 2  # Odoo moved the stock
    stale, levels = _item(fresh, sku)
    assert levels["WH"]["on_hand"] == before[1]  # not refreshed yet: the old figure...
    assert stale["as_of"] == first["as_of"]  # ...reported with its old as_of

    fresh.snapshot.refresh()
    second, levels = _item(fresh, sku)
    assert levels["WH"]["on_hand"] == before[1] - 2
    assert (levels["WH"]["free"], levels["WH"]["incoming"]) == (delivered[0], delivered[2])
    assert _as_of(second) == fresh.clock.now() > _as_of(first)

    # only the delivered SKU changed since the first answer
    with fresh.client() as client:
        delta = client.get(
            "/v1/stock/availability", params={"changed_since": first["watermark"]}
        ).json()
    assert [item["sku"] for item in delta["items"]] == [sku]

    # (b) in the same second as that refresh, the same quant is counted at 57: its write
    # date equals the refresh's watermark, so only re-reading that second can see it
    _count(fresh, sku, "WH", 57)
    assert fresh.odoo.figures([sku])[sku]["WH"][1] == 57
    stale, levels = _item(fresh, sku)
    assert levels["WH"]["on_hand"] == before[1] - 2
    assert stale["as_of"] == second["as_of"]

    fresh.clock.advance(timedelta(seconds=1))
    fresh.snapshot.refresh()
    third, levels = _item(fresh, sku)
    assert levels["WH"]["on_hand"] == 57
    assert levels["WH"]["free"] == fresh.odoo.figures([sku])[sku]["WH"][0]
    assert _as_of(third) == fresh.clock.now() > _as_of(second)


def test_a_refresh_with_no_change_moves_as_of_but_changes_no_item(fresh: Served) -> None:
    with fresh.client() as client:
        first = client.get("/v1/stock/availability", params={"limit": 1000}).json()
        fresh.clock.advance(timedelta(seconds=30))
        report = fresh.snapshot.refresh()
        second = client.get("/v1/stock/availability", params={"limit": 1000}).json()
        delta = client.get(
            "/v1/stock/availability", params={"changed_since": first["watermark"]}
        ).json()
    assert not report.full and report.changed == 0
    assert report.read == 0  # the watermark's second is settled: nothing is read again
    assert second["items"] == first["items"]
    assert _as_of(second) == _as_of(first) + timedelta(seconds=30)
    assert delta["items"] == []


def test_an_incoming_receipt_shows_as_incoming(fresh: Served) -> None:
    odoo = fresh.odoo
    sku = _a_stocked_sku(fresh, "WH2", at_least=0)
    product = odoo.call("product.product", "search", [["default_code", "=", sku]])[0]
    receipts = odoo.call(
        "stock.warehouse", "search_read", [["code", "=", "WH2"]], fields=["in_type_id"]
    )[0]["in_type_id"][0]
    picking = odoo.call(
        "stock.picking",
        "create",
        {
            "picking_type_id": receipts,
            "move_ids": [[0, 0, {"name": sku, "product_id": product, "product_uom_qty": 7}]],
        },
    )
    odoo.call("stock.picking", "action_confirm", [picking])
    incoming = odoo.figures([sku])[sku]["WH2"][2]
    assert incoming >= 7
    fresh.clock.advance(timedelta(seconds=5))
    fresh.snapshot.refresh()
    _, levels = _item(fresh, sku)
    assert levels["WH2"]["incoming"] == incoming


def test_a_write_in_the_watermarks_own_second_is_not_missed(fresh: Served) -> None:
    """Two writes in one second share a write date: a product renamed in the second of the
    full refresh's watermark, with a lower id than the last record read, still shows."""
    odoo = fresh.odoo
    first = min(odoo.call("product.product", "search", [["default_code", "!=", False]]))
    [old] = odoo.call("product.product", "read", [first], ["default_code"])
    odoo.call("product.product", "write", [first], {"default_code": "SKU-RENAMED"})
    fresh.clock.advance(timedelta(seconds=1))
    fresh.snapshot.refresh()
    with fresh.client() as client:
        body = client.get(
            "/v1/stock/availability", params={"sku": f"SKU-RENAMED,{old['default_code']}"}
        ).json()
    assert [item["sku"] for item in body["items"]] == ["SKU-RENAMED"]
    assert body["unknown_skus"] == [old["default_code"]]


def test_the_server_refreshes_on_its_schedule(fresh: Served) -> None:
    sku = _a_stocked_sku(fresh, "WH2", at_least=1)
    _count(fresh, sku, "WH2", 91)
    with (
        StockEndpointServer(fresh.snapshot, api_key=KEY, refresh_every=0.05) as scheduled,
        httpx.Client(base_url=scheduled.url, headers={"X-API-Key": KEY}) as client,
    ):
        seen = []
        for _ in range(200):  # bounded: the refresher runs every 50 ms
            body = client.get("/v1/stock/availability", params={"sku": sku}).json()
            seen.append({w["warehouse"]: w["on_hand"] for w in body["items"][0]["warehouses"]})
            if seen[-1]["WH2"] == 91:
                break
            time.sleep(0.05)
    assert seen[-1]["WH2"] == 91, seen[-3:]
    assert scheduled.refreshes >= 1 and scheduled.last_error is None


def test_a_receipt_confirmed_later_shows_as_incoming(fresh: Served) -> None:
    odoo = fresh.odoo
    sku = _a_stocked_sku(fresh, "WH2", at_least=0)
    product = odoo.call("product.product", "search", [["default_code", "=", sku]])[0]
    receipts = odoo.call(
        "stock.warehouse", "search_read", [["code", "=", "WH2"]], fields=["in_type_id"]
    )[0]["in_type_id"][0]
    picking = odoo.call(
        "stock.picking",
        "create",
        {
            "picking_type_id": receipts,
            "move_ids": [[0, 0, {"name": sku, "product_id": product, "product_uom_qty": 7}]],
        },
    )
    fresh.clock.advance(timedelta(minutes=1))
    fresh.snapshot.refresh()  # sees the draft receipt: nothing incoming yet
    fresh.clock.advance(timedelta(minutes=1))
    odoo.call("stock.picking", "action_confirm", [picking])
    incoming = odoo.figures([sku])[sku]["WH2"][2]
    assert incoming >= 7
    fresh.clock.advance(timedelta(minutes=1))
    fresh.snapshot.refresh()
    _, levels = _item(fresh, sku)
    assert levels["WH2"]["incoming"] == incoming
