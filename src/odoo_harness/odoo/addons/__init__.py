"""The Odoo modules the sandbox emulates, one Python module per Odoo module."""

from __future__ import annotations

from ..orm.models import BaseModel


def all_models() -> list[type[BaseModel]]:
    from . import base, business

    return [*base.MODELS, *business.MODELS]


__all__ = ["all_models"]
