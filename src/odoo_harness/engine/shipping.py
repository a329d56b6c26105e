"""The ``shipping`` flow: a ready picking gets a bought label, tracking on the picking and
a fulfilment hook for the shop; tracking webhooks update the picking; a cancelled picking
voids its label. Plan: ``contracts/flows/shipping.yaml``; ownership:
``contracts/ownership/pickings.yaml`` (the carrier owns the tracking reference, the label
and the tracking status; Odoo owns the picking's state).

One handler, ``payload["action"]``:

- ``sync`` (also ``export``, what the ``write_date`` poller sends): look at the picking now.
  Ready (``assigned``) with a carrier and no label yet -> ``ship``; cancelled with a
  label -> ``void``; anything else is skipped (journaled ``ShippingSkipped``).
- ``ship``: address validation -> shipment created with reference = the picking's name
  (rated by the carrier) -> a rate (the one matching the Odoo delivery method's name, else
  the cheapest) -> buy with ``Idempotency-Key`` = ``odoo-picking:<name>:<shipment id>:buy`` ->
  ``carrier_tracking_ref`` and ``carrier_price`` on the picking -> the label referenced
  (an ``ir.attachment`` when the Odoo database has that model, else a chatter note with the
  label URL) -> ``on_shipped(picking, tracking)``, the hook the shop flow plugs to send its
  fulfilment with tracking.
- ``track`` (``tracker.updated`` through ``WebhookReceiver`` ``/webhooks/carrier``,
  ``carrier_router``): a chatter note with the status on the picking of that tracking
  number; ``delivered`` says so. Stale events (older than the last one applied) are ignored.
- ``void``: void the label (sandbox: ``voided``; production: ``void_requested``), clear
  ``carrier_tracking_ref``, note in the chatter. A refusal (the parcel was already scanned)
  is a ``PermanentError``: the worker shows it as an activity on the picking.

Duplicate-safe retries. Each step is remembered in the job store (table
``shipping_labels``): the shipment id and chosen rate before the buy, the tracking number
after it, then "recorded in Odoo" and "shop told". A retry after an answer lost *after*
the carrier committed:

- lost buy answer: the remembered shipment is bought again with the same key -> the
  carrier replays the first purchase (without a key: the shipment is read and, already
  purchased, used as is);
- lost create answer (or a lost local store): the shipment is found by reference
  (``GET /v1/shipments?reference=``) instead of creating a second one.

``create_or_find=False`` and ``idempotency_keys=False`` switch both protections off; they
exist so a test can show that a retry then buys a second label.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..journal import Journal
from .carrier_adapter import CarrierAdapter, CarrierError
from .errors import PermanentError
from .jobs import Job, JobStore
from .odoo_adapter import OdooAdapter
from .poller import WatermarkPoller
from .receiver import JobSpec
from .worker import JobContext

FLOW = "shipping"
SYSTEM = "engine"
MODEL = "stock.picking"
PICKING_FIELDS = [
    "name",
    "state",
    "origin",
    "carrier_id",
    "carrier_tracking_ref",
    "partner_id",
    "company_id",
    "picking_type_code",
    "weight",
    "shipping_weight",
]
PARTNER_FIELDS = [
    "name",
    "is_company",
    "street",
    "street2",
    "city",
    "zip",
    "state_id",
    "country_id",
    "phone",
    "email",
]
BOUGHT = ("purchased",)
VOIDED = ("void_requested", "voided")
SCHEMA = """
CREATE TABLE IF NOT EXISTS shipping_labels (
    picking_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    shipment_id TEXT,
    rate_id TEXT,
    idempotency_key TEXT,
    tracking_number TEXT,
    label_url TEXT,
    tracking_url TEXT,
    carrier TEXT,
    service TEXT,
    amount TEXT,
    currency TEXT,
    recorded INTEGER NOT NULL DEFAULT 0,
    shipped INTEGER NOT NULL DEFAULT 0,
    voided INTEGER NOT NULL DEFAULT 0,
    tracking_status TEXT,
    tracking_at TEXT,
    refused TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS shipping_labels_tracking ON shipping_labels (tracking_number);
"""
COLUMNS = (
    "picking_id",
    "name",
    "shipment_id",
    "rate_id",
    "idempotency_key",
    "tracking_number",
    "label_url",
    "tracking_url",
    "carrier",
    "service",
    "amount",
    "currency",
    "recorded",
    "shipped",
    "voided",
    "tracking_status",
    "tracking_at",
    "refused",
)
STATUS_TEXT = {
    "pre_transit": "label created, waiting for the carrier",
    "in_transit": "in transit",
    "out_for_delivery": "out for delivery",
    "delivered": "delivered",
    "returned": "returned to sender",
    "failure": "delivery failed",
    "unknown": "status unknown",
}


@dataclass(frozen=True)
class Tracking:
    """What the shop needs for a fulfilment: passed to ``on_shipped``."""

    number: str
    carrier: str
    service: str
    url: str | None
    label_url: str | None
    shipment_id: str


OnShipped = Callable[[Mapping[str, Any], Tracking], None]
"""``on_shipped(picking, tracking)``: the shop flow's fulfilment (picking: ``id``,
``name``, ``origin``, ``partner_id``, ``carrier_id``). Called once per picking after the
tracking is in Odoo; raising makes the job retry (the label is not bought again)."""


def carrier_router(event: Mapping[str, Any]) -> list[JobSpec]:
    """Carrier webhook events -> jobs: ``tracker.updated`` -> ``shipping`` ``track``."""
    if event.get("type") != "tracker.updated":
        return []
    data = dict(event.get("data") or {})
    return [
        (
            FLOW,
            f"carrier:event:{event['id']}",
            {
                "action": "track",
                "event_id": event["id"],
                "tracking_number": data.get("tracking_number"),
                "status": data.get("status"),
                "status_detail": data.get("status_detail"),
                "updated_at": data.get("updated_at"),
                "public_url": data.get("public_url"),
                "message": (data.get("events") or [{}])[-1].get("message"),
            },
        )
    ]


def shipping_poller(odoo: OdooAdapter, store: JobStore, **kwargs: Any) -> WatermarkPoller:
    """A poller for outgoing pickings with a carrier that became ready or were cancelled."""
    return WatermarkPoller(
        odoo,
        store,
        flow=FLOW,
        model=MODEL,
        domain=[
            ("picking_type_code", "=", "outgoing"),
            ("carrier_id", "!=", False),
            ("state", "in", ["assigned", "cancel"]),
        ],
        payload=lambda row: {"action": "sync", "id": row["id"]},
        **kwargs,
    )


class ShippingFlow:
    """``worker.register("shipping", flow)``: a handler ``(job, context) -> None``."""

    def __init__(
        self,
        odoo: OdooAdapter,
        carrier: CarrierAdapter,
        store: JobStore,
        *,
        journal: Journal | None = None,
        on_shipped: OnShipped | None = None,
        label_format: str = "PDF",
        weight_unit: str = "kg",
        default_weight: float | None = None,
        create_or_find: bool = True,
        idempotency_keys: bool = True,
    ) -> None:
        self.odoo = odoo
        self.carrier = carrier
        self.store = store
        self.journal = journal if journal is not None else odoo.journal
        self.on_shipped = on_shipped
        self.label_format = label_format
        self.weight_unit = weight_unit
        self.default_weight = default_weight
        self.create_or_find = create_or_find
        self.idempotency_keys = idempotency_keys
        self._attachments: bool | None = None
        store.add_schema(SCHEMA)

    def __call__(self, job: Job, context: JobContext) -> None:
        action = job.payload.get("action", "sync")
        if action in ("sync", "export"):
            self.sync(int(job.payload["id"]), job, context)
        elif action == "ship":
            self.ship(int(job.payload["id"]), job, context)
        elif action == "void":
            self.void(int(job.payload["id"]), job, context)
        elif action == "track":
            self.track(job.payload, job, context)
        else:
            raise PermanentError(f"shipping: unknown action {action!r}")

    # -- dispatch -------------------------------------------------------------------------
    def sync(self, picking_id: int, job: Job, context: JobContext) -> None:
        picking = self._picking(picking_id, context)
        if picking is None:
            self._event("ShippingSkipped", job, picking_id=picking_id, reason="picking deleted")
            return
        label = self._label(picking_id)
        if picking["state"] == "cancel":
            if label and label["tracking_number"] and not label["voided"]:
                self._void(picking, label, job)
            else:
                self._event("ShippingSkipped", job, picking=picking["name"], reason="no label")
            return
        if picking["state"] == "assigned" and picking["carrier_id"]:
            self._ship(picking, job)
            return
        self._event(
            "ShippingSkipped",
            job,
            picking=picking["name"],
            reason=f"state {picking['state']}, carrier {'set' if picking['carrier_id'] else 'none'}",
        )

    def ship(self, picking_id: int, job: Job, context: JobContext) -> None:
        picking = self._picking(picking_id, context)
        if picking is None:
            raise PermanentError(
                f"stock.picking {picking_id} does not exist",
                user_message=f"The transfer {picking_id} no longer exists in Odoo",
            )
        if picking["state"] != "assigned" or not picking["carrier_id"]:
            raise PermanentError(
                f"{picking['name']}: state {picking['state']}, carrier {picking['carrier_id']}",
                user_message=f"{picking['name']} is not ready to ship "
                "(it must be Ready and have a carrier)",
            )
        self._ship(picking, job)

    def void(self, picking_id: int, job: Job, context: JobContext) -> None:
        picking = self._picking(picking_id, context)
        label = self._label(picking_id)
        if picking is None or not label or not label["tracking_number"] or label["voided"]:
            self._event("ShippingSkipped", job, picking_id=picking_id, reason="no label to void")
            return
        self._void(picking, label, job)

    # -- ship -----------------------------------------------------------------------------
    def _ship(self, picking: dict[str, Any], job: Job) -> None:
        picking_id, name = picking["id"], picking["name"]
        label = self._label(picking_id) or self._new_label(picking_id, name)
        if not label["tracking_number"]:
            shipment = self._bought_shipment(picking, label, job)
            label = self._remember_purchase(picking_id, shipment)
            self._event(
                "LabelBought",
                job,
                picking=name,
                shipment_id=shipment["id"],
                tracking_number=label["tracking_number"],
                carrier=label["carrier"],
                service=label["service"],
                amount=label["amount"],
                idempotency_key=label["idempotency_key"],
            )
        if not label["recorded"]:
            self._record_in_odoo(picking, label)
            self._update(picking_id, recorded=1)
        if not label["shipped"]:
            tracking = _tracking(label)
            if self.on_shipped is not None:
                self.on_shipped(_picking_summary(picking), tracking)
            self._update(picking_id, shipped=1)
            self._event(
                "PickingShipped",
                job,
                picking=name,
                tracking_number=tracking.number,
                shop_notified=self.on_shipped is not None,
            )

    def _bought_shipment(
        self, picking: dict[str, Any], label: dict[str, Any], job: Job
    ) -> dict[str, Any]:
        """The purchased shipment of this picking, buying its label at most once."""
        name = picking["name"]
        shipment: dict[str, Any] | None = None
        if self.create_or_find and label["shipment_id"]:
            if self.idempotency_keys and label["rate_id"] and label["idempotency_key"]:
                # the buy may have gone through with its answer lost: the same key replays it
                return self._buy(label["shipment_id"], label["rate_id"], label, job)
            shipment = self.carrier.get_shipment(label["shipment_id"])
        parcels = self._parcels(picking)
        if shipment is None and self.create_or_find:
            shipment = self._find(name, parcels, label["refused"].split(), job)
        if shipment is not None and shipment["status"] in BOUGHT:
            return shipment
        if shipment is None or shipment["status"] in VOIDED:
            shipment = self._create(picking, parcels)
        rate = self._choose_rate(picking, shipment)
        key = _idempotency_key(name, shipment["id"]) if self.idempotency_keys else None
        self._update(
            picking["id"], shipment_id=shipment["id"], rate_id=rate["id"], idempotency_key=key
        )
        return self._buy(shipment["id"], rate["id"], {**label, "idempotency_key": key}, job)

    def _find(
        self, name: str, parcels: list[dict[str, Any]], refused: list[str], job: Job
    ) -> dict[str, Any] | None:
        """A shipment created earlier for this picking: purchased first, else a rated one
        with the same parcels whose purchase was not refused before."""
        found = [s for s in self.carrier.find_shipments(name) if s.get("reference") == name]
        bought = [s for s in found if s["status"] in BOUGHT]
        if bought:
            self._event("ShipmentFound", job, picking=name, shipment_id=bought[0]["id"])
            return bought[0]
        for shipment in found:
            if (
                shipment["status"] == "rated"
                and shipment["id"] not in refused
                and _same_parcels(shipment["parcels"], parcels)
            ):
                self._event("ShipmentFound", job, picking=name, shipment_id=shipment["id"])
                return shipment
        return None

    def _create(self, picking: dict[str, Any], parcels: list[dict[str, Any]]) -> dict[str, Any]:
        to_address = self._address(picking["partner_id"], "customer", picking["name"])
        from_address = self._address(
            self._company_partner(picking["company_id"]), "warehouse", picking["name"]
        )
        verification = self.carrier.validate_address(to_address)
        if verification.get("status") == "unverified":
            problems = "; ".join(m.get("message", "") for m in verification.get("messages", []))
            raise PermanentError(
                f"{picking['name']}: address unverified: {problems}",
                user_message=f"The carrier cannot verify the delivery address: {problems}",
            )
        try:
            return self.carrier.create_shipment(
                picking["name"],
                from_address,
                verification.get("matched_address") or to_address,
                parcels,
                label_format=self.label_format,
            )
        except CarrierError as error:
            raise _user_error(error, picking["name"]) from error

    def _buy(
        self, shipment_id: str, rate_id: str, label: Mapping[str, Any], job: Job
    ) -> dict[str, Any]:
        try:
            return self.carrier.buy(
                shipment_id,
                rate_id,
                idempotency_key=label.get("idempotency_key"),
                label_format=self.label_format,
            )
        except CarrierError as error:
            if error.code == "ALREADY_PURCHASED" and self.create_or_find:
                shipment = self.carrier.get_shipment(shipment_id)
                if shipment["status"] in BOUGHT:
                    self._event("ShipmentFound", job, shipment_id=shipment_id, why=error.code)
                    return shipment
            # a definitive refusal: the next attempt starts with a new shipment (and key)
            refused = " ".join([*str(label.get("refused") or "").split(), shipment_id])
            self._update(
                int(label["picking_id"]),
                shipment_id=None,
                rate_id=None,
                idempotency_key=None,
                refused=refused,
            )
            raise _user_error(error, str(label.get("name") or shipment_id)) from error

    def _choose_rate(self, picking: dict[str, Any], shipment: dict[str, Any]) -> dict[str, Any]:
        rates = shipment.get("rates") or []
        if not rates:
            problems = "; ".join(m.get("message", "") for m in shipment.get("messages", []))
            raise PermanentError(
                f"{picking['name']}: no rates: {problems}",
                user_message=f"The carrier offered no rate for {picking['name']}: {problems}",
            )
        method = str(picking["carrier_id"][1] if picking["carrier_id"] else "").lower()
        for rate in rates:
            if f"{rate['carrier']} {rate['service']}".lower() in method:
                return dict(rate)
        matching = [r for r in rates if str(r["carrier"]).lower() in method] or rates
        return dict(min(matching, key=lambda r: (Decimal(r["amount"]), r["id"])))

    def _parcels(self, picking: dict[str, Any]) -> list[dict[str, Any]]:
        weight = picking.get("shipping_weight") or picking.get("weight") or self.default_weight
        if not weight or weight <= 0:
            raise PermanentError(
                f"{picking['name']}: no weight",
                user_message=f"{picking['name']} has no weight: set the product weights "
                "or the weight for shipping",
            )
        return [{"weight": round(float(weight), 3), "weight_unit": self.weight_unit}]

    # -- Odoo -----------------------------------------------------------------------------
    def _record_in_odoo(self, picking: dict[str, Any], label: dict[str, Any]) -> None:
        values: dict[str, Any] = {"carrier_tracking_ref": label["tracking_number"]}
        if label["amount"]:
            values["carrier_price"] = float(label["amount"])
        self.odoo.write(MODEL, [picking["id"]], values)
        if self._has_attachments() and label["label_url"]:
            content, media_type = self.carrier.download_label(label["label_url"])
            self.odoo.create(
                "ir.attachment",
                {
                    "name": f"Label-{label['tracking_number']}.{self.label_format.lower()}",
                    "res_model": MODEL,
                    "res_id": picking["id"],
                    "type": "binary",
                    "datas": base64.b64encode(content).decode(),
                    "mimetype": media_type,
                },
            )
            where = "attached"
        else:
            where = f"label: {label['label_url']}"
        self._note(
            picking["id"],
            f"Shipping label bought: {label['carrier']} {label['service']}, tracking "
            f"{label['tracking_number']} ({label['amount']} {label['currency']}); {where}; "
            f"track: {label['tracking_url']}",
        )

    def _has_attachments(self) -> bool:
        if self._attachments is None:
            self._attachments = bool(
                self.odoo.search("ir.model", [("model", "=", "ir.attachment")])
            )
        return self._attachments

    def _note(self, picking_id: int, text: str) -> None:
        self.odoo.call(
            MODEL,
            "message_post",
            [picking_id],
            body=text,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _picking(self, picking_id: int, context: JobContext) -> dict[str, Any] | None:
        rows = self.odoo.read(MODEL, [picking_id], PICKING_FIELDS)
        if not rows:
            return None
        picking: dict[str, Any] = rows[0]
        context.affects(MODEL, picking_id, picking["name"])
        return picking

    def _company_partner(self, company: Any) -> Any:
        company_id = company[0] if isinstance(company, list | tuple) else company
        if not company_id:
            raise PermanentError("picking without a company", user_message="No company")
        [row] = self.odoo.read("res.company", [company_id], ["partner_id"])
        return row["partner_id"]

    def _address(self, partner: Any, role: str, name: str) -> dict[str, Any]:
        partner_id = partner[0] if isinstance(partner, list | tuple) else partner
        if not partner_id:
            raise PermanentError(
                f"{name}: no {role} partner",
                user_message=f"{name} has no {role} address",
            )
        [row] = self.odoo.read("res.partner", [partner_id], PARTNER_FIELDS)
        country = state = ""
        if row["country_id"]:
            [c] = self.odoo.read("res.country", [row["country_id"][0]], ["code"])
            country = c["code"] or ""
        if row["state_id"]:
            [s] = self.odoo.read("res.country.state", [row["state_id"][0]], ["code"])
            state = s["code"] or ""
        missing = [
            label
            for label, value in (
                ("street", row["street"]),
                ("city", row["city"]),
                ("zip", row["zip"]),
                ("country", country),
            )
            if not value
        ]
        if missing:
            raise PermanentError(
                f"{name}: {role} address of partner {partner_id} lacks {', '.join(missing)}",
                user_message=f"The {role} address ({row['name']}) lacks {', '.join(missing)}",
            )
        address: dict[str, Any] = {
            "street1": row["street"],
            "city": row["city"],
            "zip": row["zip"],
            "country": country,
        }
        address["company" if row["is_company"] else "name"] = row["name"][:100]
        for key, value in (
            ("street2", row["street2"]),
            ("state", state),
            ("phone", row["phone"]),
            ("email", row["email"]),
        ):
            if value:
                address[key] = value
        return address

    # -- void -----------------------------------------------------------------------------
    def _void(self, picking: dict[str, Any], label: dict[str, Any], job: Job) -> None:
        try:
            result = self.carrier.void(label["shipment_id"])
        except CarrierError as error:
            raise PermanentError(
                f"{picking['name']}: void refused: {error}",
                user_message=f"The label {label['tracking_number']} could not be voided: "
                f"{error.user_message}",
            ) from error
        self._update(picking["id"], voided=1)
        if picking.get("carrier_tracking_ref") == label["tracking_number"]:
            self.odoo.write(MODEL, [picking["id"]], {"carrier_tracking_ref": False})
        self._note(
            picking["id"],
            f"Shipping label {label['tracking_number']} voided ({result['status']}): "
            f"{result['message']}",
        )
        self._event(
            "LabelVoided",
            job,
            picking=picking["name"],
            shipment_id=label["shipment_id"],
            status=result["status"],
        )

    # -- tracking -------------------------------------------------------------------------
    def track(self, event: Mapping[str, Any], job: Job, context: JobContext) -> None:
        number = str(event.get("tracking_number") or "")
        rows = self.store.execute(
            "SELECT picking_id FROM shipping_labels WHERE tracking_number = ?", (number,)
        )
        picking_id = (
            rows[0][0] if rows else self.odoo.find(MODEL, [("carrier_tracking_ref", "=", number)])
        )
        if not number or not picking_id:
            self._event("TrackingSkipped", job, tracking_number=number, reason="unknown parcel")
            return
        picking = self._picking(int(picking_id), context)
        if picking is None:
            self._event("TrackingSkipped", job, tracking_number=number, reason="picking deleted")
            return
        label = self._label(picking["id"])
        at = str(event.get("updated_at") or "")
        if label and label["tracking_at"] and at and at < label["tracking_at"]:
            self._event("TrackingSkipped", job, tracking_number=number, reason="stale event")
            return
        status = str(event.get("status") or "unknown")
        text = f"Tracking {number}: {STATUS_TEXT.get(status, status)}"
        if event.get("message"):
            text += f" ({event['message']})"
        if status == "delivered":
            text = f"Delivered to the customer: parcel {number} ({event.get('message') or ''})"
        self._note(picking["id"], text)
        if label:
            self._update(picking["id"], tracking_status=status, tracking_at=at or None)
        self._event(
            "TrackingUpdated", job, picking=picking["name"], tracking_number=number, status=status
        )

    # -- local state ----------------------------------------------------------------------
    def _label(self, picking_id: int) -> dict[str, Any] | None:
        rows = self.store.execute(
            f"SELECT {', '.join(COLUMNS)} FROM shipping_labels WHERE picking_id = ?",
            (picking_id,),
        )
        return dict(zip(COLUMNS, rows[0], strict=True)) if rows else None

    def label_of(self, picking_id: int) -> dict[str, Any] | None:
        """What the engine remembers of a picking's label (None if nothing)."""
        return self._label(picking_id)

    def _new_label(self, picking_id: int, name: str) -> dict[str, Any]:
        self.store.execute(
            "INSERT OR IGNORE INTO shipping_labels (picking_id, name) VALUES (?, ?)",
            (picking_id, name),
        )
        label = self._label(picking_id)
        assert label is not None
        return label

    def _update(self, picking_id: int, **values: Any) -> None:
        assignments = ", ".join(f"{k} = ?" for k in values)
        self.store.execute(
            f"UPDATE shipping_labels SET {assignments} WHERE picking_id = ?",
            (*values.values(), picking_id),
        )

    def _remember_purchase(self, picking_id: int, shipment: dict[str, Any]) -> dict[str, Any]:
        rate = shipment.get("selected_rate") or {}
        package = (shipment.get("packages") or [{}])[0]
        self._update(
            picking_id,
            shipment_id=shipment["id"],
            rate_id=rate.get("id"),
            tracking_number=shipment["tracking_number"],
            label_url=(package.get("label") or {}).get("url"),
            tracking_url=(shipment.get("tracker") or {}).get("public_url"),
            carrier=rate.get("carrier"),
            service=rate.get("service"),
            amount=rate.get("amount"),
            currency=rate.get("currency"),
        )
        label = self._label(picking_id)
        assert label is not None
        return label

    def _event(self, kind: str, job: Job, **data: Any) -> None:
        self.journal.record(
            kind,
            SYSTEM,
            {"job_id": job.id, "flow": job.flow, **data},
            correlation_id=f"job-{job.id}",
        )


def _idempotency_key(name: str, shipment_id: str) -> str:
    """Derived from the picking (and its shipment): a retry sends the same key."""
    return re.sub(r"[^\x21-\x7e]", "_", f"odoo-picking:{name}:{shipment_id}:buy")[:255]


def _same_parcels(a: list[Mapping[str, Any]], b: list[Mapping[str, Any]]) -> bool:
    def norm(parcels: list[Mapping[str, Any]]) -> list[tuple[float, str]]:
        return [(round(float(p["weight"]), 3), str(p["weight_unit"])) for p in parcels]

    return norm(a) == norm(b)


def _user_error(error: CarrierError, name: str) -> PermanentError:
    reasons = {
        "PARCEL_TOO_HEAVY": f"The parcel of {name} is too heavy for the carrier "
        "(over 31.5 kg): split it or correct the weight, then retry",
        "INSUFFICIENT_FUNDS": "The carrier account has no funds left for labels",
        "RATE_EXPIRED": f"The carrier's rate for {name} expired; retry to get a new one",
        "ADDRESS_VERIFY_FAILURE": f"The carrier cannot verify the delivery address of {name}",
    }
    final = PermanentError(str(error), user_message=reasons.get(error.code, error.user_message))
    final.__cause__ = error
    return final


def _tracking(label: Mapping[str, Any]) -> Tracking:
    return Tracking(
        number=str(label["tracking_number"]),
        carrier=str(label["carrier"] or ""),
        service=str(label["service"] or ""),
        url=label["tracking_url"],
        label_url=label["label_url"],
        shipment_id=str(label["shipment_id"]),
    )


def _picking_summary(picking: Mapping[str, Any]) -> dict[str, Any]:
    return {k: picking.get(k) for k in ("id", "name", "origin", "partner_id", "carrier_id")}


__all__ = [
    "FLOW",
    "OnShipped",
    "ShippingFlow",
    "Tracking",
    "carrier_router",
    "shipping_poller",
]
