"""What the CRM mock knows about HubSpot's object model: object types, their properties
(type, options, unique or read-only), lifecycle stage order and association types.

The contract (``contracts/providers/crm.openapi.yaml``) states the same facts for clients;
this module is the mock's copy, and the tests check the two agree where they overlap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

OBJECT_TYPES = ("contacts", "companies", "deals")
SINGULAR = {"contacts": "contact", "companies": "company", "deals": "deal"}

LIFECYCLE_STAGES = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)
LEAD_STATUSES = (
    "NEW",
    "OPEN",
    "IN_PROGRESS",
    "OPEN_DEAL",
    "UNQUALIFIED",
    "ATTEMPTED_TO_CONTACT",
    "CONNECTED",
    "BAD_TIMING",
)
DEAL_STAGES = (
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
    "closedwon",
    "closedlost",
)
PIPELINES = ("default",)

# The same patterns are in the contract: what the schema accepts, the mock accepts.
# Property value patterns admit "" (clears the value).
EMAIL_PATTERN = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"
EMAIL_VALUE_PATTERN = r"^(|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$"
NUMBER_PATTERN = r"^(|-?[0-9]{1,15}(\.[0-9]{1,6})?)$"
OWNER_PATTERN = r"^[0-9]{0,12}$"
EPOCH_MS_PATTERN = r"^[0-9]{1,13}$"
CURSOR_PATTERN = r"^[0-9]{1,18}$"
MAX_TEXT = 65536  # characters of a text property value


@dataclass(frozen=True)
class PropertyDef:
    """One property of an object type, as ``GET /crm/v3/properties/{type}`` describes it."""

    name: str
    label: str
    type: str = "string"  # string, number, datetime, enumeration
    field_type: str = "text"
    group: str = "information"
    options: tuple[str, ...] = ()
    unique: bool = False
    read_only: bool = False
    pattern: str | None = None
    searchable: bool = False

    def public(self, object_type: str) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "fieldType": self.field_type,
            "description": "",
            "groupName": f"{SINGULAR[object_type]}{self.group}",
            "options": [
                {"label": value, "value": value, "displayOrder": i, "hidden": False}
                for i, value in enumerate(self.options)
            ],
            "displayOrder": -1,
            "calculated": False,
            "externalOptions": False,
            "hasUniqueValue": self.unique,
            "hidden": False,
            "formField": not self.read_only,
            "modificationMetadata": {
                "archivable": not self.read_only,
                "readOnlyDefinition": True,
                "readOnlyValue": self.read_only,
            },
        }


def _text(name: str, label: str, **kw: Any) -> PropertyDef:
    return PropertyDef(name, label, **kw)


def _enum(name: str, label: str, options: tuple[str, ...]) -> PropertyDef:
    return PropertyDef(name, label, "enumeration", "select", options=options)


def _number(name: str, label: str) -> PropertyDef:
    return PropertyDef(name, label, "number", "number", pattern=NUMBER_PATTERN)


def _read_only(name: str, label: str, kind: str = "datetime") -> PropertyDef:
    return PropertyDef(name, label, kind, "text" if kind != "datetime" else "date", read_only=True)


_OWNER = PropertyDef("hubspot_owner_id", "Owner", "enumeration", "select", pattern=OWNER_PATTERN)
_ADDRESS = (
    _text("phone", "Phone number"),
    _text("address", "Street address"),
    _text("city", "City"),
    _text("zip", "Postal code"),
    _text("state", "State/Region"),
    _text("country", "Country/Region"),
)

PROPERTIES: dict[str, tuple[PropertyDef, ...]] = {
    "contacts": (
        _text("email", "Email", searchable=True, pattern=EMAIL_VALUE_PATTERN),
        _text("firstname", "First name", searchable=True),
        _text("lastname", "Last name", searchable=True),
        *_ADDRESS,
        _text("mobilephone", "Mobile phone number"),
        _text("company", "Company name", searchable=True),
        _text("jobtitle", "Job title"),
        _text("website", "Website URL"),
        _text("vat", "VAT number (Odoo)"),
        _enum("lifecyclestage", "Lifecycle stage", LIFECYCLE_STAGES),
        _enum("hs_lead_status", "Lead status", LEAD_STATUSES),
        _OWNER,
        _text("odoo_partner_id", "Odoo partner id", unique=True),
        _read_only("hs_object_id", "Record ID", "number"),
        _read_only("createdate", "Create date"),
        _read_only("lastmodifieddate", "Last modified date"),
    ),
    "companies": (
        _text("name", "Company name", searchable=True),
        _text("domain", "Company domain name", searchable=True),
        _text("website", "Website URL", searchable=True),
        *_ADDRESS,
        _text("description", "Description"),
        _text("vat", "VAT number (Odoo)"),
        _number("numberofemployees", "Number of employees"),
        _number("annualrevenue", "Annual revenue"),
        _enum("lifecyclestage", "Lifecycle stage", LIFECYCLE_STAGES),
        _OWNER,
        _text("odoo_partner_id", "Odoo partner id", unique=True),
        _read_only("hs_object_id", "Record ID", "number"),
        _read_only("createdate", "Create date"),
        _read_only("hs_lastmodifieddate", "Last modified date"),
    ),
    "deals": (
        _text("dealname", "Deal name", searchable=True),
        _number("amount", "Amount"),
        _enum("dealstage", "Deal stage", DEAL_STAGES),
        _enum("pipeline", "Pipeline", PIPELINES),
        PropertyDef("closedate", "Close date", "datetime", "date"),
        _text("description", "Description"),
        _OWNER,
        _text("odoo_sale_order_id", "Odoo sale order id", unique=True),
        _read_only("hs_object_id", "Record ID", "number"),
        _read_only("createdate", "Create date"),
        _read_only("hs_lastmodifieddate", "Last modified date"),
    ),
}
PROPERTY_INDEX: dict[str, dict[str, PropertyDef]] = {
    t: {p.name: p for p in props} for t, props in PROPERTIES.items()
}
MODIFIED_PROPERTY = {
    "contacts": "lastmodifieddate",
    "companies": "hs_lastmodifieddate",
    "deals": "hs_lastmodifieddate",
}
# What GET returns when the client names no properties (HubSpot's defaults).
DEFAULT_PROPERTIES = {
    "contacts": (
        "createdate",
        "email",
        "firstname",
        "hs_object_id",
        "lastmodifieddate",
        "lastname",
    ),
    "companies": ("createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"),
    "deals": (
        "amount",
        "closedate",
        "createdate",
        "dealname",
        "dealstage",
        "hs_lastmodifieddate",
        "hs_object_id",
        "pipeline",
    ),
}
# Properties a record can be addressed by (``idProperty``): email for contacts, plus the
# properties flagged unique.
ID_PROPERTIES = {
    t: (("email",) if t == "contacts" else ()) + tuple(p.name for p in props if p.unique)
    for t, props in PROPERTIES.items()
}
INDEXED_PROPERTIES = ID_PROPERTIES  # values kept unique per object type


@dataclass(frozen=True)
class AssociationType:
    """A directional HUBSPOT_DEFINED association type."""

    type_id: int
    source: str
    target: str
    label: str | None
    name: str
    inverse: int = 0
    primary: bool = False


def _pair(
    a: int, b: int, src: str, dst: str, *, primary: bool = False
) -> tuple[AssociationType, AssociationType]:
    s, d = SINGULAR[src], SINGULAR[dst]
    suffix = "" if primary or src == dst else "_unlabeled"
    label = "Primary" if primary else None
    return (
        AssociationType(a, src, dst, label, f"{s}_to_{d}{suffix}", b, primary),
        AssociationType(b, dst, src, label, f"{d}_to_{s}{suffix}", a, primary),
    )


ASSOCIATION_TYPES: dict[int, AssociationType] = {
    t.type_id: t
    for pair in (
        _pair(279, 280, "contacts", "companies"),
        _pair(1, 2, "contacts", "companies", primary=True),
        _pair(4, 3, "contacts", "deals"),
        _pair(341, 342, "deals", "companies"),
        _pair(5, 6, "deals", "companies", primary=True),
    )
    for t in pair
} | {
    449: AssociationType(449, "contacts", "contacts", None, "contact_to_contact", 449),
    450: AssociationType(450, "companies", "companies", None, "company_to_company", 450),
    451: AssociationType(451, "deals", "deals", None, "deal_to_deal", 451),
}
# The unlabeled type ``PUT .../associations/default/...`` creates, per (from, to).
DEFAULT_ASSOCIATION = {
    (t.source, t.target): t.type_id for t in ASSOCIATION_TYPES.values() if not t.primary
}


def association_types_from(object_type: str) -> list[int]:
    return sorted(t.type_id for t in ASSOCIATION_TYPES.values() if t.source == object_type)


def lifecycle_rank(value: str) -> int:
    return LIFECYCLE_STAGES.index(value) if value in LIFECYCLE_STAGES else -1


def matches(pattern: str, value: str) -> bool:
    """Pattern test as JSON Schema validators do it in Python (``re.search``)."""
    return re.search(pattern, value) is not None


__all__ = [
    "ASSOCIATION_TYPES",
    "DEFAULT_ASSOCIATION",
    "DEFAULT_PROPERTIES",
    "ID_PROPERTIES",
    "LIFECYCLE_STAGES",
    "OBJECT_TYPES",
    "PROPERTIES",
    "PROPERTY_INDEX",
    "SINGULAR",
    "AssociationType",
    "PropertyDef",
    "association_types_from",
    "lifecycle_rank",
]
