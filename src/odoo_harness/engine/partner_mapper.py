"""``PartnerMapper``: res.partner fields <-> the ownership file's fields <-> CRM properties.

The ownership file (``contracts/ownership/partners.yaml``) names fields the way the
business does (``name``, ``lifecycle_stage``, ``owner``); the mapper turns an Odoo record
into those (``from_odoo``), those into CRM properties of a contact or a company
(``to_crm``), and a CRM property back into the field it carries (``field_of``). A person's
name is split into ``firstname``/``lastname`` on contacts; a company has ``name``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# res.partner fields the exporter reads
ODOO_FIELDS = (
    "name",
    "is_company",
    "vat",
    "street",
    "street2",
    "zip",
    "city",
    "country_code",
    "email",
    "phone",
    "category_id",
    "user_id",
)
# ownership field -> CRM property, per object type (the name is special: see to_crm)
_COMMON = {
    "vat": "vat",
    "street": "address",
    "zip": "zip",
    "city": "city",
    "country_code": "country",
    "phone": "phone",
    "lifecycle_stage": "lifecyclestage",
    "owner": "hubspot_owner_id",
}
PROPERTIES: dict[str, dict[str, str]] = {
    "contacts": {**_COMMON, "email": "email"},
    "companies": dict(_COMMON),
}
NAME_PROPERTIES = {"contacts": ("firstname", "lastname"), "companies": ("name",)}


class PartnerMapper:
    """Pure functions; no I/O."""

    def object_type(self, record: Mapping[str, Any]) -> str:
        return "companies" if record.get("is_company") else "contacts"

    def from_odoo(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """The ownership file's fields of an Odoo partner (False -> None). ``street2`` is
        folded into ``street`` (the CRM has one address line)."""
        values = {
            key: _value(record.get(key))
            for key in ("name", "vat", "zip", "city", "country_code", "email", "phone")
        }
        street = ", ".join(
            s for s in (_value(record.get("street")), _value(record.get("street2"))) if s
        )
        values["street"] = street or None
        return values

    def to_crm(self, object_type: str, values: Mapping[str, Any]) -> dict[str, str]:
        """CRM properties for the given fields (unmapped fields are left out)."""
        mapping = PROPERTIES[object_type]
        props: dict[str, str] = {}
        for key, value in values.items():
            if key == "name":
                props.update(self._name_properties(object_type, value))
            elif key in mapping:
                props[mapping[key]] = "" if value is None else str(value)
        return props

    def field_of(self, object_type: str, prop: str) -> str | None:
        """The ownership field a CRM property carries (None: not synced)."""
        if prop in NAME_PROPERTIES[object_type]:
            return "name"
        for key, mapped in PROPERTIES[object_type].items():
            if mapped == prop:
                return key
        return None

    def crm_properties(self, object_type: str) -> tuple[str, ...]:
        """Every property the flow reads from the CRM."""
        return (*NAME_PROPERTIES[object_type], *PROPERTIES[object_type].values(), "odoo_partner_id")

    def _name_properties(self, object_type: str, name: Any) -> dict[str, str]:
        text = "" if name is None else str(name).strip()
        if object_type == "companies":
            return {"name": text}
        first, _, last = text.rpartition(" ")
        return (
            {"firstname": first, "lastname": last} if first else {"firstname": "", "lastname": last}
        )

    def name_from_crm(self, object_type: str, props: Mapping[str, Any]) -> str:
        if object_type == "companies":
            return str(props.get("name") or "")
        return " ".join(str(props.get(p) or "") for p in ("firstname", "lastname")).strip()


def _value(value: Any) -> Any:
    return None if value is False or value == "" else value


__all__ = ["NAME_PROPERTIES", "ODOO_FIELDS", "PROPERTIES", "PartnerMapper"]
