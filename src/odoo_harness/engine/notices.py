"""What users see in Odoo when a record needs attention: an activity and a chatter note.

``Notices.raise_for(job_id, record, text)`` schedules a to-do activity on the affected
record and posts a note in its chatter; ``resolve(job_id, feedback)`` marks the activity
done (``action_feedback``, which also posts the feedback in the chatter) once a retry
succeeded. Open notices are kept in the job store (table ``notices``) so a restarted
engine still closes them. Activities are created with ``create`` rather than
``activity_schedule``: that method returns a recordset, which 17.0/18.0 cannot send back
over XML-RPC (the call commits, then the answer is a fault).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import PermanentError
from .jobs import JobStore
from .odoo_adapter import OdooAdapter

SCHEMA = """
CREATE TABLE IF NOT EXISTS notices (
    job_id INTEGER PRIMARY KEY,
    model TEXT NOT NULL,
    res_id INTEGER NOT NULL,
    activity_id INTEGER,
    message_id INTEGER,
    text TEXT NOT NULL,
    raised_at TEXT NOT NULL
);
"""
TODO_XMLID = "mail.mail_activity_data_todo"
SUMMARY = "Integration problem"


@dataclass(frozen=True)
class AffectedRecord:
    """The Odoo record a failure is about, and the name users know it by."""

    model: str
    res_id: int
    name: str = ""


@dataclass(frozen=True)
class Notice:
    job_id: int
    record: AffectedRecord
    activity_id: int | None
    message_id: int | None
    text: str


class Notices:
    """Raises and resolves notices in Odoo through the adapter."""

    def __init__(
        self, adapter: OdooAdapter, store: JobStore, *, user_id: int | None = None
    ) -> None:
        self.adapter = adapter
        self.store = store
        self.user_id = user_id
        store.add_schema(SCHEMA)

    def raise_for(self, job_id: int, record: AffectedRecord, text: str) -> Notice:
        """One open notice per job: a second failure of the same job reuses it."""
        existing = self.get(job_id)
        if existing is not None:
            return existing
        activity_id = self._schedule(record, text)
        message_id = self._post(record, f"⚠ {text}")
        self.store.execute(
            "INSERT INTO notices (job_id, model, res_id, activity_id, message_id, text, "
            "raised_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                job_id,
                record.model,
                record.res_id,
                activity_id,
                message_id,
                text,
                self.store.clock.now().isoformat(),
            ),
        )
        return Notice(job_id, record, activity_id, message_id, text)

    def resolve(self, job_id: int, feedback: str) -> Notice | None:
        """Mark the job's activity done with ``feedback``; None if nothing was open."""
        notice = self.get(job_id)
        if notice is None:
            return None
        if notice.activity_id:
            try:
                self.adapter.call(
                    "mail.activity", "action_feedback", [notice.activity_id], feedback=feedback
                )
            except PermanentError:  # a user already closed or deleted it
                self._post(notice.record, feedback)
        else:
            self._post(notice.record, feedback)
        self.store.execute("DELETE FROM notices WHERE job_id = ?", (job_id,))
        return notice

    def get(self, job_id: int) -> Notice | None:
        rows = self.store.execute(
            "SELECT model, res_id, activity_id, message_id, text FROM notices WHERE job_id = ?",
            (job_id,),
        )
        if not rows:
            return None
        model, res_id, activity_id, message_id, text = rows[0]
        return Notice(job_id, AffectedRecord(model, res_id), activity_id, message_id, text)

    def open(self) -> list[Notice]:
        ids = [r[0] for r in self.store.execute("SELECT job_id FROM notices ORDER BY job_id")]
        return [n for i in ids if (n := self.get(i)) is not None]

    # -- Odoo -------------------------------------------------------------------------------
    def _schedule(self, record: AffectedRecord, text: str) -> int:
        values = {
            "res_model_id": self.adapter.model_id(record.model),
            "res_id": record.res_id,
            "summary": SUMMARY,
            "note": text,
        }
        todo = self.adapter.external_id(TODO_XMLID)
        if todo:
            values["activity_type_id"] = todo[1]
        if self.user_id:
            values["user_id"] = self.user_id
        return self.adapter.create("mail.activity", values)

    def _post(self, record: AffectedRecord, body: str) -> int | None:
        result = self.adapter.call(
            record.model,
            "message_post",
            [record.res_id],
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return result if isinstance(result, int) else None


__all__ = ["SUMMARY", "AffectedRecord", "Notice", "Notices"]
