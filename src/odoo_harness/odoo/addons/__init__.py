"""The Odoo modules the sandbox emulates, one Python module per Odoo module.

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
    "product",
    "stock",
    "stock_picking",
    "sale",
    "crm",
    "delivery",
    "mail",
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
