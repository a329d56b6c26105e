"""Odoo's ``mail.activity`` and ``mail.activity.type``."""

from __future__ import annotations

from typing import Any

from ..orm import fields as F
from ..orm.models import BaseModel, rpc


class MailActivityType(BaseModel):
    _name = "mail.activity.type"
    _description = "Activity Type"
    _order = "sequence, id"

    name = F.Char("Name", required=True, translate=True)
    summary = F.Char("Default Summary", translate=True)
    sequence = F.Integer("Sequence", default=10)
    active = F.Boolean("Active", default=True)
    delay_count = F.Integer("Schedule")
    delay_unit = F.SelectionField(
        [("days", "days"), ("weeks", "weeks"), ("months", "months")],
        "Delay units",
        default="days",
        required=True,
    )
    category = F.SelectionField(
        [
            ("default", "None"),
            ("upload_file", "Upload Document"),
            ("phonecall", "Phonecall"),
            ("meeting", "Meeting"),
        ],
        "Action",
        default="default",
    )
    res_model = F.Char("Model")
    default_user_id = F.Many2one("res.users", "Default User")
    default_note = F.Html("Default Note")


class MailActivity(BaseModel):
    _name = "mail.activity"
    _description = "Activity"
    _order = "date_deadline ASC, id ASC"
    _rec_name = "summary"

    res_model_id = F.Many2one(
        "ir.model", "Document Model", index=True, ondelete="cascade", required=True
    )
    res_model = F.Char(
        "Related Document Model",
        index=True,
        compute="_compute_res_model",
        store=True,
        depends=("res_model_id",),
    )
    res_id = F.Integer("Related Document ID", index=True)
    res_name = F.Char("Document Name", compute="_compute_res_name")
    activity_type_id = F.Many2one("mail.activity.type", "Activity Type", ondelete="restrict")
    activity_category = F.SelectionField(
        [
            ("default", "None"),
            ("upload_file", "Upload Document"),
            ("phonecall", "Phonecall"),
            ("meeting", "Meeting"),
        ],
        "Action",
        related="activity_type_id.category",
    )
    summary = F.Char("Summary")
    note = F.Html("Note")
    date_deadline = F.Date(
        "Due Date", index=True, required=True, default=lambda self: self.env.now_string()[:10]
    )
    date_done = F.Date("Done Date", readonly=True)
    automated = F.Boolean("Automated activity", readonly=True)
    user_id = F.Many2one("res.users", "Assigned to", default=lambda self: self.env.uid, index=True)
    state = F.SelectionField(
        [("overdue", "Overdue"), ("today", "Today"), ("planned", "Planned"), ("done", "Done")],
        "State",
        compute="_compute_state",
    )

    def _compute_res_model(self) -> dict[int, Any]:
        out = {}
        for row in self._read_rows(["res_model_id"], "_classic_write"):
            model = self._sql('SELECT model FROM "ir_model" WHERE id = ?', (row["res_model_id"],))
            out[row["id"]] = model[0][0] if model else False
        return out

    def _compute_res_name(self) -> dict[int, Any]:
        out = {}
        for row in self._read_rows(["res_model", "res_id"], "_classic_write"):
            name = False
            if row["res_model"] in self.env and row["res_id"]:
                target = self.env[row["res_model"]].sudo().browse(row["res_id"])
                name = target._display_names().get(row["res_id"], False)
            out[row["id"]] = name
        return out

    def _compute_state(self) -> dict[int, Any]:
        today = self.env.now_string()[:10]
        out = {}
        for row in self._read_rows(["date_deadline", "date_done"], "_classic_write"):
            deadline = row["date_deadline"]
            if row["date_done"]:
                out[row["id"]] = "done"
            elif not deadline:
                out[row["id"]] = False
            elif deadline < today:
                out[row["id"]] = "overdue"
            elif deadline == today:
                out[row["id"]] = "today"
            else:
                out[row["id"]] = "planned"
        return out

    @rpc
    def action_done(self) -> Any:
        return self.action_feedback()

    @rpc
    def action_feedback(self, feedback: str = "", attachment_ids: Any = None) -> Any:
        messages = []
        for row in self._read_rows(
            ["res_model", "res_id", "summary", "activity_type_id", "note"], "_classic_write"
        ):
            record = self.env[row["res_model"]].browse(row["res_id"])
            body = f"<p>{row['summary'] or ''}</p>{feedback or ''}"
            message = record._message_post(
                body=body,
                message_type="notification",
                subtype_xmlid="mail.mt_activities",
                mail_activity_type_id=row["activity_type_id"],
            )
            messages.append(message.id)
        self.unlink()
        return messages[0] if messages else False


MODELS: list[type[BaseModel]] = [MailActivityType, MailActivity]
