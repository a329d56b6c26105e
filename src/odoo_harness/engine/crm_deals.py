"""Confirmed sale orders as CRM deals: the ``deal`` action of the ``crm_contacts`` flow.

``deal_poller`` (``write_date`` watermark on ``sale.order`` in state ``sale``, ``done`` or
``cancel``) queues ``{"action": "deal", "id": <order id>}``; ``CrmDealsFlow.deal`` then:

1. makes sure the order's customer is in the CRM (the partner export of
   ``CrmContactsFlow``: the contact, and its company when the customer belongs to one);
2. maps the order to deal properties (``DealMapper``) and keeps the fields Odoo owns
   (``contracts/ownership/deals.yaml``): name, amount (``amount_total``), stage (``sale``
   and ``done`` -> ``closedwon``, ``cancel`` -> ``closedlost``), close date, the order key;
3. create-or-find by the key ``odoo_sale_order_id`` = the order's id: search the CRM for
   the deal first; found -> update what changed (nothing changed: no call); not found ->
   create it with its associations (deal -> contact, deal -> company) in one call. A 409
   on the key (a concurrent create) is read as "found". So a retry after the CRM committed
   the create but the answer was lost finds the deal instead of creating a second one.

A cancelled order whose deal does not exist is skipped (it was never reflected).
``create_or_find=False`` creates blindly: no search and no key on the deal (the key alone
would make the CRM refuse the duplicate); it exists so a test can show what the look-up
prevents.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..contracts.ownership import Ownership
from .crm_adapter import ORDER_KEY, CrmAdapter
from .crm_contacts import FLOW, CrmContactsFlow
from .errors import PermanentError
from .jobs import Job, JobStore
from .odoo_adapter import OdooAdapter
from .poller import WatermarkPoller
from .worker import JobContext

DEAL = "deal"  # the job action
ORDER_FIELDS = ("name", "state", "amount_total", "date_order", "partner_id")
STAGES = {"sale": "closedwon", "done": "closedwon", "cancel": "closedlost"}
# association type ids (HubSpot-defined): deal -> contact, deal -> company (primary)
DEAL_TO_CONTACT, DEAL_TO_COMPANY = 3, 5
# ownership field -> deal property
PROPERTIES = {
    "name": "dealname",
    "amount": "amount",
    "stage": "dealstage",
    "pipeline": "pipeline",
    "close_date": "closedate",
    "sale_order": ORDER_KEY,
    "owner": "hubspot_owner_id",
    "description": "description",
}


def deal_poller(odoo: OdooAdapter, store: JobStore, **kwargs: Any) -> WatermarkPoller:
    """Confirmed, done or cancelled sale orders changed since the last poll -> ``deal`` jobs
    of the ``crm_contacts`` flow."""
    return WatermarkPoller(
        odoo,
        store,
        flow=FLOW,
        model="sale.order",
        domain=[("state", "in", list(STAGES))],
        payload=lambda row: {"action": DEAL, "id": row["id"]},
        **kwargs,
    )


class DealMapper:
    """sale.order -> the ownership file's deal fields -> CRM properties. No I/O."""

    def from_odoo(self, order: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "name": order["name"],
            "amount": f"{float(order.get('amount_total') or 0):.2f}",
            "stage": STAGES.get(str(order.get("state")), "appointmentscheduled"),
            "pipeline": "default",
            "close_date": _iso(order.get("date_order")),
            "sale_order": str(order["id"]),
        }

    def to_crm(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {PROPERTIES[k]: v for k, v in values.items() if k in PROPERTIES}


class CrmDealsFlow:
    """The ``deal`` action; ``CrmContactsFlow(..., deals=flow)`` dispatches to it."""

    def __init__(
        self,
        odoo: OdooAdapter,
        crm: CrmAdapter,
        contacts: CrmContactsFlow,
        ownership: Ownership,
        *,
        create_or_find: bool = True,
        mapper: DealMapper | None = None,
    ) -> None:
        self.odoo = odoo
        self.crm = crm
        self.contacts = contacts
        self.ownership = ownership
        self.create_or_find = create_or_find
        self.mapper = mapper or DealMapper()

    def deal(self, order_id: int, job: Job, context: JobContext) -> None:
        orders = self.odoo.read("sale.order", [order_id], list(ORDER_FIELDS))
        if not orders:
            self._event("DealSkipped", job, order_id=order_id, reason="sale order deleted")
            return
        order = orders[0]
        context.affects("sale.order", order_id, order["name"])
        props = self.mapper.to_crm(self.ownership.owned_by("odoo", self.mapper.from_odoo(order)))
        if not self.create_or_find:
            props.pop(ORDER_KEY, None)
        found = self._find(order_id) if self.create_or_find else None
        if found is None and order["state"] == "cancel":
            self._event(
                "DealSkipped", job, order=order["name"], reason="cancelled, never reflected"
            )
            return
        if found is not None:
            self._update(found, props, job, order)
            return
        links = self._customer_links(order, job, context)
        record, existing = self.crm.create("deals", props, links)
        if record is None:  # the key is taken: a create we did not see the answer of
            found = self._find(order_id)
            if found is None:
                raise PermanentError(
                    f"deal {ORDER_KEY}={order_id}: 409 naming {existing}, not found by search",
                    user_message="The CRM refused the deal as a duplicate, but has none",
                )
            self._update(found, props, job, order)
            return
        self._event(
            "DealExported",
            job,
            order=order["name"],
            crm_id=str(record["id"]),
            created=True,
            stage=props.get("dealstage"),
            amount=props.get("amount"),
            associations=[str(to) for to, _ in links],
        )

    def _find(self, order_id: int) -> dict[str, Any] | None:
        found = self.crm.search(
            "deals", {ORDER_KEY: order_id}, properties=[*PROPERTIES.values()], limit=2
        )
        return found[0] if found else None

    def _update(
        self, found: Mapping[str, Any], props: Mapping[str, Any], job: Job, order: Mapping[str, Any]
    ) -> None:
        current = found.get("properties") or {}
        changed = {k: v for k, v in props.items() if not _same(k, current.get(k), v)}
        if changed:
            self.crm.update("deals", found["id"], changed)
        self._event(
            "DealExported",
            job,
            order=order["name"],
            crm_id=str(found["id"]),
            created=False,
            changed=sorted(changed),
        )

    def _customer_links(
        self, order: Mapping[str, Any], job: Job, context: JobContext
    ) -> list[tuple[str, int]]:
        """The customer (and its company) exported to the CRM; the deal's associations."""
        partner_id = int(order["partner_id"][0])
        [partner] = self.odoo.read("res.partner", [partner_id], ["commercial_partner_id"])
        commercial = int((partner.get("commercial_partner_id") or [partner_id])[0])
        links: list[tuple[str, int]] = []
        for pid in dict.fromkeys((partner_id, commercial)):
            self.contacts.export(pid, job, context)
            exported = self.contacts._exported(pid)
            if exported is None:
                continue
            type_id = DEAL_TO_COMPANY if exported["object_type"] == "companies" else DEAL_TO_CONTACT
            links.append((exported["crm_id"], type_id))
        return links

    def _event(self, kind: str, job: Job, **data: Any) -> None:
        self.contacts._event(kind, job, **data)


def _iso(value: Any) -> str | None:
    """Odoo's ``2026-03-02 09:00:00`` (UTC) -> ``2026-03-02T09:00:00Z``."""
    if not value:
        return None
    return datetime.fromisoformat(str(value)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _same(name: str, current: Any, wanted: Any) -> bool:
    current, wanted = current or "", "" if wanted is None else str(wanted)
    if name == "amount":
        try:
            return float(current or 0) == float(wanted or 0)
        except ValueError:
            return False
    if name == "closedate" and current and wanted:
        return str(current)[:19] == wanted[:19]
    return str(current) == wanted


__all__ = ["DEAL", "CrmDealsFlow", "DealMapper", "deal_poller"]
