"""Rates: two carriers, two services each, priced from weight and route, deterministically.

Magic inputs: a parcel over 31.5 kg is refused (422 ``PARCEL_TOO_HEAVY``); a reference
ending in ``-PARTIAL`` makes SwiftShip fail to rate while ParcelPost still answers (a
``rate_error`` in ``messages``, EasyPost's partial-failure shape).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..base import ProviderError
from .clock_format import iso

MAX_KG = 31.5
MAX_WEIGHT = {"kg": MAX_KG, "g": 31500, "lb": 69.4, "oz": 1111}  # as the contract states it
TO_KG = {"kg": 1.0, "g": 0.001, "lb": 0.45359237, "oz": 0.028349523125}
INTERNATIONAL_FACTOR = Decimal("1.8")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Service:
    carrier: str
    name: str
    base: Decimal
    per_kg: Decimal
    days: int  # domestic; international adds 3


SERVICES = (
    Service("ParcelPost", "Ground", Decimal("5.50"), Decimal("1.10"), 4),
    Service("ParcelPost", "Priority", Decimal("8.90"), Decimal("1.60"), 2),
    Service("SwiftShip", "Standard", Decimal("6.20"), Decimal("0.95"), 3),
    Service("SwiftShip", "Express", Decimal("14.50"), Decimal("2.40"), 1),
)
PARTIAL_SUFFIX = "-PARTIAL"
FAILING_CARRIER = "SwiftShip"


def weights_kg(parcels: list[dict[str, Any]]) -> list[float]:
    """Each parcel's weight in kg; 422 ``PARCEL_TOO_HEAVY`` for one over 31.5 kg."""
    kilos = [p["weight"] * TO_KG[p["weight_unit"]] for p in parcels]
    heavy = [i for i, p in enumerate(parcels) if p["weight"] > MAX_WEIGHT[p["weight_unit"]]]
    if heavy:
        raise ProviderError(
            422,
            "PARCEL_TOO_HEAVY",
            f"parcels over {MAX_KG} kg (70 lb) cannot be shipped",
            errors=[
                {
                    "field": f"parcels.{i}.weight",
                    "code": "too_heavy",
                    "message": f"{kilos[i]:.2f} kg is over the {MAX_KG} kg limit",
                }
                for i in heavy
            ],
        )
    return kilos


def quote(
    request: dict[str, Any],
    *,
    mode: str,
    now: datetime,
    expires_at: datetime,
    new_id: Callable[[], str],
    shipment_id: str | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(rates, carrier messages) for a rate or shipment request."""
    kilos = weights_kg(request["parcels"])
    international = request["from_address"]["country"] != request["to_address"]["country"]
    currency = "USD" if request["from_address"]["country"] == "US" else "EUR"
    failing = (
        FAILING_CARRIER if str(request.get("reference", "")).endswith(PARTIAL_SUFFIX) else None
    )
    expires = iso(expires_at)
    rates = [
        {
            "id": new_id(),
            "shipment_id": shipment_id,
            "carrier": s.carrier,
            "service": s.name,
            "amount": str(_price(s, kilos, international)),
            "currency": currency,
            "est_delivery_days": s.days + (3 if international else 0),
            "expires_at": expires,
            "mode": mode,
        }
        for s in SERVICES
        if s.carrier != failing
    ]
    messages = (
        []
        if failing is None
        else [
            {
                "carrier": failing,
                "type": "rate_error",
                "message": f"{failing}: the carrier did not answer in time (rating unavailable)",
            }
        ]
    )
    return rates, messages


def _price(service: Service, kilos: list[float], international: bool) -> Decimal:
    total = sum(
        (service.base + service.per_kg * Decimal(str(round(kg, 3))) for kg in kilos), Decimal(0)
    )
    if international:
        total *= INTERNATIONAL_FACTOR
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


__all__ = ["MAX_KG", "SERVICES", "Service", "quote", "weights_kg"]
