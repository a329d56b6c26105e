"""The ``crm_contacts`` flow: partners <-> CRM contacts and companies under field ownership.

One handler, two actions (``payload["action"]``):

- ``export`` (Odoo -> CRM, from the write_date poller): read the partner, keep the fields
  Odoo owns (``Ownership.owned_by("odoo", ...)``), map them to CRM properties and upsert
  by the unique property ``odoo_partner_id``, so a retry after a lost answer updates the
  record the first attempt created. What was sent is remembered (table ``crm_exports``):
  a partner whose Odoo-owned fields did not change since (e.g. because the import just
  wrote a CRM-owned field) is not sent again: no write-back loop.
- ``import`` (CRM -> Odoo, from a ``propertyChange`` webhook): fetch the record, and for
  the field the changed property carries: CRM-owned -> written to Odoo; Odoo-owned -> the
  echo of our own export is ignored, anything else is a ``OwnershipConflict`` (journaled,
  not applied).

In Odoo the lifecycle stage is a partner tag ``CRM: <stage>``; the owner is ``user_id``
when ``owners`` maps the CRM owner id to an Odoo user id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from ..contracts.ownership import Ownership
from ..journal import Journal
from .bugs import DEFECTS
from .crm_adapter import PARTNER_KEY, CrmAdapter
from .errors import PermanentError
from .jobs import Job, JobStore
from .odoo_adapter import OdooAdapter
from .partner_mapper import ODOO_FIELDS, PartnerMapper
from .worker import JobContext

FLOW = "crm_contacts"
SYSTEM = "engine"
STAGE_TAG = "CRM: "
_ODOO_OWNED_PLAIN = ("name", "vat", "zip", "city", "email", "phone")
# the CRM-owned values the integration last saw in the CRM (imported, or read when a
# contact was adopted): the reference an Odoo user's edit of a CRM-owned field is told by
SEEN_SCHEMA = """
CREATE TABLE IF NOT EXISTS crm_owned_seen (
    partner_id INTEGER NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (partner_id, field)
);
"""
SCHEMA = """
CREATE TABLE IF NOT EXISTS crm_exports (
    partner_id INTEGER PRIMARY KEY,
    object_type TEXT NOT NULL,
    crm_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    properties TEXT NOT NULL
);
"""


class CrmContactsFlow:
    """``worker.register("crm_contacts", flow)``: a handler ``(job, context) -> None``."""

    def __init__(
        self,
        odoo: OdooAdapter,
        crm: CrmAdapter,
        store: JobStore,
        ownership: Ownership,
        *,
        journal: Journal | None = None,
        mapper: PartnerMapper | None = None,
        owners: Mapping[str, int] | None = None,
    ) -> None:
        self.odoo = odoo
        self.crm = crm
        self.store = store
        self.ownership = ownership
        self.journal = journal if journal is not None else odoo.journal
        self.mapper = mapper or PartnerMapper()
        self.owners = dict(owners or {})
        self.deals: Any = None  # a CrmDealsFlow (engine/crm_deals.py) for "deal" jobs
        store.add_schema(SCHEMA)
        store.add_schema(SEEN_SCHEMA)

    def __call__(self, job: Job, context: JobContext) -> None:
        action = job.payload.get("action")
        if action == "export":
            self.export(int(job.payload["id"]), job, context)
        elif action == "import":
            self.import_change(job.payload, job, context)
        elif action == "deal" and self.deals is not None:
            self.deals.deal(int(job.payload["id"]), job, context)
        else:
            raise PermanentError(f"crm_contacts: unknown action {action!r}")

    # -- Odoo -> CRM ----------------------------------------------------------------------
    def export(self, partner_id: int, job: Job, context: JobContext) -> None:
        records = self.odoo.read("res.partner", [partner_id], list(ODOO_FIELDS))
        if not records:
            self._event("ExportSkipped", job, partner_id=partner_id, reason="partner deleted")
            return
        record = records[0]
        context.affects("res.partner", partner_id, record.get("name") or None)
        object_type = self.mapper.object_type(record)
        owned = self.ownership.owned_by("odoo", self.mapper.from_odoo(record))
        props = self.mapper.to_crm(object_type, owned)
        fingerprint = _fingerprint(object_type, props)
        previous = self._exported(partner_id)
        if previous and previous["fingerprint"] == fingerprint:
            self._event(
                "ExportSkipped",
                job,
                partner_id=partner_id,
                reason="no change to a field Odoo owns",
            )
            self._odoo_edits_of_crm_fields(job, partner_id, record)
            return
        if DEFECTS.overwrite_owned_fields:  # a deliberate bug (bugs.py): CRM-owned stage too
            props.update(self._stage_of(record))
        result = self._send(object_type, partner_id, props, first=previous is None)
        self.store.execute(
            "INSERT INTO crm_exports (partner_id, object_type, crm_id, fingerprint, properties) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (partner_id) DO UPDATE SET "
            "object_type = excluded.object_type, crm_id = excluded.crm_id, "
            "fingerprint = excluded.fingerprint, properties = excluded.properties",
            (partner_id, object_type, str(result["id"]), fingerprint, json.dumps(props)),
        )
        self._event(
            "RecordExported",
            job,
            partner_id=partner_id,
            object_type=object_type,
            crm_id=str(result["id"]),
            created=bool(result.get("new")),
            properties=sorted(props),
        )
        self._odoo_edits_of_crm_fields(job, partner_id, record)

    def _odoo_edits_of_crm_fields(self, job: Job, partner_id: int, record: Any) -> None:
        """An Odoo user's lifecycle tag that differs from the stage the CRM (its owner)
        has is an ``OwnershipConflict`` (journaled, never sent)."""
        if not record.get("category_id"):
            return
        stage = self._stage_of(record).get("lifecyclestage")
        rows = self.store.execute(
            "SELECT value FROM crm_owned_seen WHERE partner_id = ? AND field = ?",
            (partner_id, "lifecycle_stage"),
        )
        if not stage or not rows or rows[0][0] == stage:
            return
        [conflict] = self.ownership.conflicts("odoo", {"lifecycle_stage": stage})
        self._event(
            "OwnershipConflict",
            job,
            entity=conflict.entity,
            field="lifecycle_stage",
            property="lifecyclestage",
            owner=conflict.owner,
            writer=conflict.writer,
            value=stage,
            crm_value=rows[0][0],
            partner_id=partner_id,
            applied=False,
        )

    def _seen(self, partner_id: int, field: str, value: Any) -> None:
        if value:
            self.store.execute(
                "INSERT INTO crm_owned_seen (partner_id, field, value) VALUES (?, ?, ?) "
                "ON CONFLICT (partner_id, field) DO UPDATE SET value = excluded.value",
                (partner_id, field, str(value)),
            )

    def _send(
        self, object_type: str, partner_id: int, props: dict[str, str], *, first: bool
    ) -> dict[str, Any]:
        """Upsert by ``odoo_partner_id``. On a contact's first export, look it up by email
        first: a contact a person already made in the CRM (no partner id yet) is adopted
        (upsert by email) instead of refused as a duplicate."""
        key = str(partner_id)
        if DEFECTS.create_without_lookup and first:  # a deliberate bug (bugs.py)
            created = self.crm.call(
                "POST",
                f"/crm/v3/objects/{object_type}",
                json={"properties": {**props, PARTNER_KEY: key}},
            )
            return {**created, "new": True}
        email = props.get("email")
        if first and object_type == "contacts" and email:
            found = self.crm.get(
                object_type, email, properties=[PARTNER_KEY, "lifecyclestage"], id_property="email"
            )
            seen = (found or {}).get("properties") or {}
            linked = seen.get(PARTNER_KEY)
            if found is not None and linked in (None, "", key):
                self._seen(partner_id, "lifecycle_stage", seen.get("lifecyclestage"))
                return self.crm.upsert(object_type, "email", email, {**props, PARTNER_KEY: key})
        return self.crm.upsert(object_type, PARTNER_KEY, key, props)

    def _stage_of(self, record: Mapping[str, Any]) -> dict[str, str]:
        """The lifecycle stage an Odoo partner's ``CRM: <stage>`` tag says."""
        tags = self.odoo.read("res.partner.category", record.get("category_id") or [], ["name"])
        stages = [t["name"][len(STAGE_TAG) :] for t in tags if t["name"].startswith(STAGE_TAG)]
        return {"lifecyclestage": stages[0]} if stages else {}

    def _exported(self, partner_id: int) -> dict[str, Any] | None:
        rows = self.store.execute(
            "SELECT object_type, crm_id, fingerprint, properties FROM crm_exports "
            "WHERE partner_id = ?",
            (partner_id,),
        )
        if not rows:
            return None
        object_type, crm_id, fingerprint, properties = rows[0]
        return {
            "object_type": object_type,
            "crm_id": crm_id,
            "fingerprint": fingerprint,
            "properties": json.loads(properties),
        }

    # -- CRM -> Odoo ----------------------------------------------------------------------
    def import_change(self, event: Mapping[str, Any], job: Job, context: JobContext) -> None:
        object_type = {"contact": "contacts", "company": "companies"}.get(
            str(event.get("subscriptionType", "")).split(".")[0]
        )
        prop = event.get("propertyName")
        if object_type is None or not prop:
            self._event("ImportSkipped", job, reason="not a contact or company property change")
            return
        field = self.mapper.field_of(object_type, str(prop))
        if field is None:
            self._event("ImportSkipped", job, property=prop, reason="property not synced")
            return
        record = self.crm.get(
            object_type, event["objectId"], properties=self.mapper.crm_properties(object_type)
        )
        props = (record or {}).get("properties") or {}
        partner = str(props.get(PARTNER_KEY) or "")
        if not partner.isdigit():
            self._event("ImportSkipped", job, reason="the CRM record is not linked to a partner")
            return
        partner_id = int(partner)
        context.affects("res.partner", partner_id)
        value = (
            self.mapper.name_from_crm(object_type, props)
            if field == "name"
            else props.get(str(prop))
        )
        owner = self.ownership.owner(field)
        if owner != "crm" and not DEFECTS.overwrite_owned_fields:  # the bug skips the check
            self._non_owner_change(job, object_type, partner_id, field, str(prop), props)
            return
        self._apply(job, partner_id, field, value)

    def _non_owner_change(
        self,
        job: Job,
        object_type: str,
        partner_id: int,
        field: str,
        prop: str,
        props: Mapping[str, Any],
    ) -> None:
        exported = self._exported(partner_id)
        sent = (exported or {}).get("properties", {})
        names = self.mapper.to_crm(object_type, {field: None}).keys()
        if exported and all((props.get(p) or "") == (sent.get(p) or "") for p in names):
            self._event(
                "ImportSkipped",
                job,
                partner_id=partner_id,
                field=field,
                reason="the CRM echoes the integration's own export",
            )
            return
        [conflict] = self.ownership.conflicts(
            "crm",
            {field: {p: props.get(p) for p in names}},
        )
        self._event(
            "OwnershipConflict",
            job,
            entity=conflict.entity,
            field=field,
            property=prop,
            owner=conflict.owner,
            writer=conflict.writer,
            value=conflict.value,
            sent={p: sent.get(p) for p in names},
            partner_id=partner_id,
            applied=False,
        )

    def _apply(self, job: Job, partner_id: int, field: str, value: Any) -> None:
        if field == "lifecycle_stage":
            self._set_stage(partner_id, str(value or ""))
            self._seen(partner_id, field, value)
        elif field == "owner":
            user_id = self.owners.get(str(value or ""))
            if value and user_id is None:
                self._event(
                    "ImportSkipped",
                    job,
                    partner_id=partner_id,
                    field=field,
                    reason=f"no Odoo user is mapped to CRM owner {value}",
                )
                return
            self.odoo.write("res.partner", [partner_id], {"user_id": user_id or False})
        elif DEFECTS.overwrite_owned_fields and field in _ODOO_OWNED_PLAIN:  # the bug
            self.odoo.write("res.partner", [partner_id], {field: value or False})
        else:
            self._event("ImportSkipped", job, field=field, reason="no Odoo field for it")
            return
        self._event("RecordImported", job, partner_id=partner_id, field=field, value=value)

    def _set_stage(self, partner_id: int, stage: str) -> None:
        [record] = self.odoo.read("res.partner", [partner_id], ["category_id"])
        current = record.get("category_id") or []
        tags = self.odoo.search_read(
            "res.partner.category", [("name", "=like", STAGE_TAG + "%")], ["id", "name"]
        )
        commands: list[Any] = [(3, t["id"]) for t in tags if t["id"] in current]
        if stage:
            wanted = next((t["id"] for t in tags if t["name"] == STAGE_TAG + stage), None)
            if wanted is None:
                wanted = self.odoo.create("res.partner.category", {"name": STAGE_TAG + stage})
            commands.append((4, wanted))
        self.odoo.write("res.partner", [partner_id], {"category_id": commands})

    def _event(self, kind: str, job: Job, **data: Any) -> None:
        self.journal.record(
            kind,
            SYSTEM,
            {"job_id": job.id, "flow": job.flow, **data},
            correlation_id=f"job-{job.id}",
        )


def _fingerprint(object_type: str, props: Mapping[str, str]) -> str:
    text = json.dumps([object_type, sorted(props.items())])
    return hashlib.sha256(text.encode()).hexdigest()


__all__ = ["FLOW", "CrmContactsFlow"]
