"""Fulfilments: fulfilling fulfillment order lines, with tracking, never more than once.

A request names fulfillment orders and, optionally, lines and quantities (none: all that
is still fulfillable). Anything above the fulfillable quantity, or a fulfillment order
that is closed, cancelled or on hold, is a 422 - so a retried duplicate fails instead of
shipping twice.
"""

from __future__ import annotations

from typing import Any

from . import _records as rec
from ._params import unprocessable
from ._state import OPEN_FO, ShopState

QUANTITY_ERROR = "Invalid fulfillment order line item quantity requested."


def create_fulfillment(state: ShopState, request: dict[str, Any]) -> dict[str, Any]:
    plan = _plan(state, request["line_items_by_fulfillment_order"])
    if not any(plan.values()):
        raise unprocessable([("base", "There are no fulfillable line items to fulfill.")])
    first_fo = state.fulfillment_orders[next(iter(plan))]
    order = state.orders[first_fo["order_id"]]
    lines = [_apply(state, order, fo_id, wanted) for fo_id, wanted in plan.items()]
    number = len(state.order_fulfillments[order["id"]]) + 1
    fulfillment_id = state.ids.take("fulfillment")
    record = rec.fulfillment(
        fulfillment_id,
        order,
        number,
        first_fo["assigned_location_id"],
        [line for group in lines for line in group],
        state.stamp(),
    )
    rec.apply_tracking(record, request.get("tracking_info"))
    state.fulfillments[fulfillment_id] = record
    state.order_fulfillments[order["id"]].append(fulfillment_id)
    _order_status(order)
    state.touch_order(order)
    return record


def update_tracking(state: ShopState, fulfillment_id: int, info: dict[str, Any]) -> dict[str, Any]:
    record = state.get(state.fulfillments, fulfillment_id)
    if record["status"] == "cancelled":
        raise unprocessable([("base", "Cannot update tracking of a cancelled fulfillment")])
    rec.apply_tracking(record, info)
    record["updated_at"] = state.stamp()
    return record


def _plan(state: ShopState, groups: list[dict[str, Any]]) -> dict[int, dict[int, int]]:
    """fulfillment order id -> {fulfillment order line id: quantity}, checked."""
    plan: dict[int, dict[int, int]] = {}
    order_id = None
    for group in groups:
        fo = state.get(state.fulfillment_orders, int(group["fulfillment_order_id"]))
        if order_id is not None and fo["order_id"] != order_id:
            raise unprocessable([("base", "All fulfillment orders must belong to the same order.")])
        order_id = fo["order_id"]
        if fo["status"] not in OPEN_FO:
            raise unprocessable(
                [
                    (
                        "base",
                        f"Fulfillment order {fo['id']} has an unfulfillable "
                        f"status= {fo['status']}.",
                    )
                ]
            )
        wanted = plan.setdefault(fo["id"], {})
        for line_id, quantity in _wanted(fo, group.get("fulfillment_order_line_items")):
            wanted[line_id] = wanted.get(line_id, 0) + quantity
    for fo_id, wanted in plan.items():
        lines = {line["id"]: line for line in state.fulfillment_orders[fo_id]["line_items"]}
        if any(
            quantity > lines[line_id]["fulfillable_quantity"]
            for line_id, quantity in wanted.items()
        ):
            raise unprocessable([("base", QUANTITY_ERROR)])
    return plan


def _wanted(fo: dict[str, Any], requested: list[dict[str, Any]] | None) -> list[tuple[int, int]]:
    lines = {line["id"]: line for line in fo["line_items"]}
    if not requested:
        return [
            (i, line["fulfillable_quantity"])
            for i, line in lines.items()
            if line["fulfillable_quantity"] > 0
        ]
    unknown = [item["id"] for item in requested if int(item["id"]) not in lines]
    if unknown:
        raise unprocessable(
            [
                (
                    "base",
                    f"Fulfillment order line item {unknown[0]} does not "
                    f"belong to fulfillment order {fo['id']}.",
                )
            ]
        )
    return [(int(item["id"]), int(item["quantity"])) for item in requested]


def _apply(
    state: ShopState, order: dict[str, Any], fo_id: int, wanted: dict[int, int]
) -> list[dict[str, Any]]:
    fo = state.fulfillment_orders[fo_id]
    by_line = {line["id"]: line for line in order["line_items"]}
    shipped = []
    for fo_line in fo["line_items"]:
        quantity = wanted.get(fo_line["id"], 0)
        if not quantity:
            continue
        fo_line["fulfillable_quantity"] -= quantity
        line = by_line[fo_line["line_item_id"]]
        line["fulfillable_quantity"] -= quantity
        line["fulfillment_status"] = "fulfilled" if line["fulfillable_quantity"] == 0 else "partial"
        shipped.append(
            {
                "id": line["id"],
                "variant_id": line["variant_id"],
                "product_id": line["product_id"],
                "sku": line["sku"],
                "name": line["name"],
                "quantity": quantity,
            }
        )
    done = all(line["fulfillable_quantity"] == 0 for line in fo["line_items"])
    fo.update(
        status="closed" if done else "in_progress",
        updated_at=state.stamp(),
        supported_actions=[] if done else ["create_fulfillment"],
    )
    return shipped


def _order_status(order: dict[str, Any]) -> None:
    lines = order["line_items"]
    if all(line["fulfillable_quantity"] == 0 for line in lines):
        order["fulfillment_status"] = "fulfilled"
    elif any(line["fulfillment_status"] for line in lines):
        order["fulfillment_status"] = "partial"


__all__ = ["create_fulfillment", "update_tracking"]
