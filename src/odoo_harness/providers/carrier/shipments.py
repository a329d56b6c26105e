"""Shipments of every account and their life: rated -> purchased -> (void_requested ->) voided.

Independent of HTTP: the mock calls ``ShipmentBook`` under its lock and renders what it
returns or raises. Objects are kept as the JSON the API returns, so a read is a lookup.
Rules: buy only a live rate of the shipment, once; void only a purchased label, and only
before the first carrier scan; voiding again answers the same void.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ..base import ProviderError
from .accounts import TEST, Account
from .clock_format import iso
from .rating import quote
from .tracking import Timeline, Tracker, new_tracker

VOID_SETTLES_AFTER = timedelta(hours=24)
NOFUNDS_SUFFIX = "-NOFUNDS"
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
MEDIA_TYPES = {"PDF": "application/pdf", "ZPL": "application/zpl", "PNG": "image/png"}

Emit = Callable[[Account, str, dict[str, Any]], None]


@dataclass(frozen=True)
class Label:
    id: str
    format: str
    tracking_number: str

    def content(self) -> bytes:
        if self.format == "PNG":
            return PNG_1PX
        if self.format == "ZPL":
            return f"^XA^FO50,50^ADN,36,20^FD{self.tracking_number}^FS^XZ\n".encode()
        return (
            b"%PDF-1.4\n% ParcelHub label "
            + self.tracking_number.encode()
            + b"\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        )


@dataclass
class ShipmentBook:
    new_id: Callable[[str], str]
    rng: random.Random
    emit: Emit
    shipments: dict[str, dict[str, Any]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    by_account: dict[str, list[str]] = field(default_factory=dict)
    by_reference: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    trackers: dict[str, Tracker] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)
    timeline: Timeline = field(default_factory=Timeline)

    # -- create and read ------------------------------------------------------------------
    def create(
        self, account: Account, request: dict[str, Any], now: datetime, rate_ttl: timedelta
    ) -> dict[str, Any]:
        shipment_id = self.new_id("shp_")
        rates, messages = quote(
            request,
            mode=account.mode,
            now=now,
            expires_at=now + rate_ttl,
            new_id=lambda: self.new_id("rate_"),
            shipment_id=shipment_id,
        )
        shipment = {
            "id": shipment_id,
            "mode": account.mode,
            "reference": request["reference"],
            "status": "rated",
            "created_at": iso(now),
            "updated_at": iso(now),
            "from_address": request["from_address"],
            "to_address": request["to_address"],
            "parcels": request["parcels"],
            "customs": request.get("customs"),
            "options": request.get("options", {}),
            "rates": rates,
            "messages": messages,
            "selected_rate": None,
            "tracking_number": None,
            "packages": [],
            "tracker": None,
            "fees": [],
            "void": None,
        }
        self.shipments[shipment_id] = shipment
        self.owners[shipment_id] = account.id
        self.by_account.setdefault(account.id, []).append(shipment_id)
        self.by_reference.setdefault((account.id, request["reference"]), []).append(shipment_id)
        return shipment

    def get(self, account: Account, shipment_id: str, now: datetime) -> dict[str, Any]:
        if self.owners.get(shipment_id) != account.id:
            raise ProviderError(404, "NOT_FOUND", f"no shipment {shipment_id}")
        return self._settled(self.shipments[shipment_id], now)

    def find(
        self,
        account: Account,
        now: datetime,
        *,
        reference: str | None,
        status: str | None,
        before_id: str | None,
        limit: int,
    ) -> tuple[list[dict[str, Any]], bool]:
        """Newest first: (one page, whether more follow)."""
        ids = (
            self.by_reference.get((account.id, reference), [])
            if reference is not None
            else self.by_account.get(account.id, [])
        )
        found = []
        for shipment_id in reversed(ids):
            if before_id is not None:
                if shipment_id == before_id:
                    before_id = None
                continue
            shipment = self._settled(self.shipments[shipment_id], now)
            if status is None or shipment["status"] == status:
                found.append(shipment)
                if len(found) > limit:
                    break
        return found[:limit], len(found) > limit

    # -- buy ------------------------------------------------------------------------------
    def buy(
        self,
        account: Account,
        shipment_id: str,
        body: dict[str, Any],
        now: datetime,
        label_base: str,
    ) -> dict[str, Any]:
        shipment = self.get(account, shipment_id, now)
        rate = self._buyable_rate(shipment, body["rate_id"], now)
        label_format = body.get("label_format") or shipment["options"].get("label_format") or "PDF"
        packages = [
            self._package(shipment, rate, label_format, now, label_base)
            for _ in shipment["parcels"]
        ]
        first = self.trackers[packages[0]["tracking_number"]]
        shipment.update(
            status="purchased",
            updated_at=iso(now),
            selected_rate=rate,
            tracking_number=first.tracking_number,
            packages=packages,
            tracker={
                "id": first.id,
                "tracking_number": first.tracking_number,
                "public_url": first.public()["public_url"],
            },
            fees=self._fees(rate, body.get("insurance_amount")),
        )
        self.emit(account, "shipment.purchased", shipment)
        return shipment

    def _buyable_rate(
        self, shipment: dict[str, Any], rate_id: str, now: datetime
    ) -> dict[str, Any]:
        if shipment["status"] in ("void_requested", "voided"):
            raise ProviderError(409, "SHIPMENT_VOIDED", "the shipment's label was voided")
        if shipment["status"] == "purchased":
            raise ProviderError(
                409, "ALREADY_PURCHASED", f"shipment {shipment['id']} was already purchased"
            )
        rate = next((r for r in shipment["rates"] if r["id"] == rate_id), None)
        if rate is None:
            raise ProviderError(
                422,
                "INVALID_RATE",
                "not a rate of this shipment",
                errors=[
                    {
                        "field": "rate_id",
                        "code": "invalid",
                        "message": "not a rate of this shipment",
                    }
                ],
            )
        if now >= datetime.fromisoformat(rate["expires_at"].replace("Z", "+00:00")):
            raise ProviderError(
                422,
                "RATE_EXPIRED",
                "the rate expired; create a new shipment",
                errors=[
                    {
                        "field": "rate_id",
                        "code": "expired",
                        "message": f"expired at {rate['expires_at']}",
                    }
                ],
            )
        if shipment["reference"].endswith(NOFUNDS_SUFFIX):
            raise ProviderError(
                402, "INSUFFICIENT_FUNDS", "the account balance does not cover this label"
            )
        return rate

    def _package(
        self,
        shipment: dict[str, Any],
        rate: dict[str, Any],
        label_format: str,
        now: datetime,
        label_base: str,
    ) -> dict[str, Any]:
        number = self._tracking_number()
        label = Label(f"lbl_{self.rng.getrandbits(96):024x}", label_format, number)
        self.labels[label.id] = label
        tracker = new_tracker(self.new_id("trk_"), number, rate["carrier"], shipment, now)
        self.trackers[number] = tracker
        self.timeline.add(tracker)
        return {
            "tracking_number": number,
            "label": {
                "id": label.id,
                "url": f"{label_base}/v1/labels/{label.id}",
                "format": label_format,
            },
        }

    def _tracking_number(self) -> str:
        while True:
            number = f"PH{self.rng.randrange(10**12):012d}"
            if number not in self.trackers:
                return number

    @staticmethod
    def _fees(rate: dict[str, Any], insurance: str | None) -> list[dict[str, Any]]:
        fees = [{"type": "postage", "amount": rate["amount"], "currency": rate["currency"]}]
        if insurance is not None:
            premium = max(Decimal("1.00"), (Decimal(insurance) / 100).quantize(Decimal("0.01")))
            fees.append({"type": "insurance", "amount": str(premium), "currency": rate["currency"]})
        return fees

    # -- void -----------------------------------------------------------------------------
    def void(self, account: Account, shipment_id: str, now: datetime) -> dict[str, Any]:
        shipment = self.get(account, shipment_id, now)
        if shipment["void"] is not None:
            return dict(shipment["void"])
        if shipment["status"] != "purchased":
            raise ProviderError(409, "NOT_PURCHASED", "only a purchased label can be voided")
        trackers = [self.trackers[p["tracking_number"]] for p in shipment["packages"]]
        if any(t.scanned for t in trackers):
            raise ProviderError(
                409,
                "ALREADY_IN_TRANSIT",
                "the carrier has scanned the parcel; it can no longer be voided",
            )
        for tracker in trackers:
            tracker.stopped = True
        status = "voided" if account.mode == TEST else "void_requested"
        shipment["void"] = {
            "shipment_id": shipment_id,
            "status": status,
            "message": _VOID_MESSAGES[status],
            "requested_at": iso(now),
        }
        shipment.update(status=status, updated_at=iso(now))
        self.emit(account, "shipment.voided", shipment)
        return dict(shipment["void"])

    def _settled(self, shipment: dict[str, Any], now: datetime) -> dict[str, Any]:
        """A production void becomes ``voided`` 24 h after it was requested."""
        void = shipment["void"]
        if void is not None and void["status"] == "void_requested":
            requested = datetime.fromisoformat(void["requested_at"].replace("Z", "+00:00"))
            if now >= requested + VOID_SETTLES_AFTER:
                void.update(status="voided", message=_VOID_MESSAGES["voided"])
                shipment.update(status="voided", updated_at=iso(requested + VOID_SETTLES_AFTER))
        return shipment

    # -- tracking and labels --------------------------------------------------------------
    def tracker(self, account: Account, tracking_number: str) -> Tracker:
        tracker = self.trackers.get(tracking_number)
        if tracker is None or self.owners.get(tracker.shipment_id) != account.id:
            raise ProviderError(404, "NOT_FOUND", f"no tracker for {tracking_number}")
        return tracker

    def label(self, label_id: str) -> Label:
        label = self.labels.get(label_id)
        if label is None:
            raise ProviderError(404, "NOT_FOUND", f"no label {label_id}")
        return label


_VOID_MESSAGES = {
    "voided": "The label was voided and its postage refunded.",
    "void_requested": "The refund was requested from the carrier; it settles within 24 hours.",
}

__all__ = ["MEDIA_TYPES", "Label", "ShipmentBook"]
