"""Fixtures for the business models: one fresh sandbox per test and version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from odoo_harness.odoo.sandbox import Sandbox

Call = Callable[..., Any]


@pytest.fixture(params=["17.0", "18.0", "19.0"])
def sandbox(request: pytest.FixtureRequest) -> Sandbox:
    return Sandbox(str(request.param))


@pytest.fixture
def call(sandbox: Sandbox) -> Call:
    """``call(model, method, *args, **kwargs)`` as admin, through ``execute_kw``."""

    def run(model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return sandbox.execute_kw(sandbox.admin_uid, model, method, list(args), kwargs)

    return run


def storable(sandbox: Sandbox) -> dict[str, Any]:
    if sandbox.profile.major >= 18:
        return {"type": "consu", "is_storable": True}
    return {"detailed_type": "product"}


def warehouse_key(sandbox: Sandbox) -> str:
    return "warehouse" if sandbox.profile.major < 18 else "warehouse_id"


def xmlid(call: Call, name: str) -> int:
    module, _, short = name.partition(".")
    rows = call(
        "ir.model.data",
        "search_read",
        [["module", "=", module], ["name", "=", short]],
        fields=["res_id"],
    )
    return int(rows[0]["res_id"])


def new_product(sandbox: Sandbox, call: Call, name: str, **values: Any) -> int:
    template = call("product.template", "create", {"name": name, **storable(sandbox), **values})
    return int(
        call("product.template", "read", [template], ["product_variant_id"])[0][
            "product_variant_id"
        ][0]
    )


def put_stock(call: Call, product: int, location: int, qty: float) -> None:
    quant = call(
        "stock.quant",
        "create",
        {"product_id": product, "location_id": location, "inventory_quantity": qty},
        context={"inventory_mode": True},
    )
    call("stock.quant", "action_apply_inventory", [quant])
