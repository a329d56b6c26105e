"""The corner of Odoo's ``account`` module that sales need: taxes.

A fresh database with the generic chart of accounts has a 15% sale tax and a 15% purchase
tax, the company's defaults; new products get them (``taxes_id``), order lines follow.
"""

from __future__ import annotations

from typing import Any

from ..orm import fields as F
from ..orm.models import BaseModel
from .base import _default_company


class AccountTax(BaseModel):
    _name = "account.tax"
    _description = "Tax"
    _order = "sequence, id"

    name = F.Char("Tax Name", required=True, translate=True)
    amount_type = F.SelectionField(
        [
            ("group", "Group of Taxes"),
            ("fixed", "Fixed"),
            ("percent", "Percentage of Price"),
            ("division", "Percentage of Price Tax Included"),
        ],
        "Tax Computation",
        required=True,
        default="percent",
    )
    type_tax_use = F.SelectionField(
        [("sale", "Sales"), ("purchase", "Purchases"), ("none", "None")],
        "Tax Type",
        required=True,
        default="sale",
    )
    amount = F.Float("Amount", required=True, digits=(16, 4), default=0.0)
    price_include = F.Boolean("Included in Price", default=False)
    sequence = F.Integer("Sequence", default=1)
    active = F.Boolean("Active", default=True)
    company_id = F.Many2one("res.company", "Company", required=True, default=_default_company)
    description = F.Html("Description")

    def _tax_amounts(self, price: float, quantity: float) -> tuple[float, float]:
        """(untaxed, tax) for ``quantity`` units at ``price``, rounded per line."""
        base = price * quantity
        rows = self._read_rows(["amount_type", "amount", "price_include"], "_classic_write")
        untaxed, tax = base, 0.0
        for row in rows:
            if row["amount_type"] == "fixed":
                tax += row["amount"] * quantity
            elif row["price_include"] or row["amount_type"] == "division":
                part = base - base / (1 + row["amount"] / 100.0)
                untaxed -= part
                tax += part
            else:
                tax += base * row["amount"] / 100.0
        return round(untaxed, 2), round(tax, 2)


def default_sale_taxes(model: BaseModel) -> list[int]:
    return _default_taxes(model, "sale")


def default_purchase_taxes(model: BaseModel) -> list[int]:
    return _default_taxes(model, "purchase")


def _default_taxes(model: BaseModel, use: str) -> list[int]:
    xmlid = f"account.default_{use}_tax"
    tax_id = model.env.xmlid_id(xmlid)
    return [tax_id] if tax_id else []


def seed_data(env: Any, masterdata: dict[str, Any]) -> None:
    """The generic chart's 15% taxes (what every recorded fresh database shows)."""
    taxes = env["account.tax"].sudo()
    for use, label in (("sale", "15%"), ("purchase", "15%")):
        if env.xmlid_id(f"account.default_{use}_tax"):
            continue
        tax = taxes.create({"name": label, "amount": 15.0, "type_tax_use": use})
        env["ir.model.data"].sudo().create(
            {
                "module": "account",
                "name": f"default_{use}_tax",
                "model": "account.tax",
                "res_id": tax.id,
            }
        )


MODELS: list[type[BaseModel]] = [AccountTax]
