"""The Odoo modules the sandbox emulates: one Python module per concept (``product_variant``,
``stock_quant``, ``sale_order``...), named after the Odoo module it comes from.

``ADDONS`` lists them in dependency order (a module's ``_inherit`` extensions come after
the model they extend). A module may define ``seed_data(env, masterdata)``: records a fresh database of
that module has beyond the recorded master data (default taxes, sequences...).
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import Any

from ..orm.models import BaseModel

ADDONS = (
    "base",
    "ir_sequence",
    "ir_ui_view",
    "uom",
    "account",
    "product_category",
    "product_template",
    "product_attribute",
    "product_variant",
    "stock_location",
    "stock_warehouse",
    "stock_quant",
    "stock_quantity",
    "stock_move",
    "stock_picking",
    "sale_order",
    "sale_order_line",
    "sale_links",
    "crm",
    "delivery",
    "mail_message",
    "mail_activity",
    "mail_thread",
    "ir_attachment",
)


def addon_modules() -> list[ModuleType]:
    return [import_module(f"{__name__}.{name}") for name in ADDONS]


def all_models() -> list[type[BaseModel]]:
    return [model for module in addon_modules() for model in module.MODELS]


def seed_addons(env: Any, masterdata: dict[str, Any]) -> None:
    """Run each addon's ``seed_data(env, masterdata)`` (superuser, after the master data)."""
    for module in addon_modules():
        seed = getattr(module, "seed_data", None)
        if seed is not None:
            seed(env, masterdata)


__all__ = ["ADDONS", "all_models", "seed_addons"]
