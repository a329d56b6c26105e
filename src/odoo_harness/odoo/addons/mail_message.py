"""Odoo's ``mail.message``, its subtypes and ``mail.followers``."""

from __future__ import annotations

from typing import Any

from ..orm import fields as F
from ..orm.models import BaseModel


class MailMessageSubtype(BaseModel):
    _name = "mail.message.subtype"
    _description = "Message subtypes"
    _order = "sequence, id"

    name = F.Char("Message Type", required=True, translate=True)
    description = F.Text("Description", translate=True)
    sequence = F.Integer("Sequence", default=1)
    internal = F.Boolean("Internal Only")
    default = F.Boolean("Default", default=True)
    hidden = F.Boolean("Hidden")
    res_model = F.Char("Model")


def _message_types(model: BaseModel) -> list[tuple[str, str]]:
    types = [
        ("email", "Incoming Email"),
        ("comment", "Comment"),
        ("email_outgoing", "Outgoing Email"),
        ("notification", "System notification"),
        ("auto_comment", "Automated Targeted Notification"),
        ("user_notification", "User Specific Notification"),
    ]
    return types


class MailMessage(BaseModel):
    _name = "mail.message"
    _description = "Message"
    _order = "id desc"
    _rec_name = "record_name"

    subject = F.Char("Subject")
    date = F.Datetime("Date", default=lambda self: self.env.now_string())
    body = F.Html("Contents", default="")
    preview = F.Char("Preview", compute="_compute_preview")
    model = F.Char("Related Document Model")
    res_id = F.Integer("Related Document ID")
    record_name = F.Char("Message Record Name")
    message_type = F.SelectionField(_message_types, "Type", required=True, default="comment")
    subtype_id = F.Many2one("mail.message.subtype", "Subtype", ondelete="set null", index=True)
    author_id = F.Many2one("res.partner", "Author", index=True, ondelete="set null")
    email_from = F.Char("From")
    partner_ids = F.Many2many("res.partner", "mail_message_res_partner_rel", string="Recipients")
    is_internal = F.Boolean("Employee Only")
    mail_activity_type_id = F.Many2one("mail.activity.type", "Mail Activity Type")
    message_id = F.Char("Message-Id", copy=False)
    reply_to = F.Char("Reply-To")

    def _compute_preview(self) -> dict[int, Any]:
        import re

        rows = self._read_rows(["body"], "_classic_write")
        return {r["id"]: re.sub(r"<[^>]+>", "", r["body"] or "")[:190] for r in rows}


class MailFollowers(BaseModel):
    _name = "mail.followers"
    _description = "Document Followers"
    _log_access = False
    _rec_name = "partner_id"
    # Odoo's unique constraint; its index is also what finds a record's followers
    _sql_constraints = [
        (
            "mail_followers_res_partner_res_model_id_uniq",
            'UNIQUE ("res_model", "res_id", "partner_id")',
            "Error, a partner cannot follow twice the same object.",
        ),
    ]

    res_model = F.Char("Related Document Model Name", required=True, index=True)
    res_id = F.Integer("Related Document ID", index=True)
    partner_id = F.Many2one(
        "res.partner", "Related Partner", index=True, ondelete="cascade", required=True
    )


MODELS: list[type[BaseModel]] = [MailMessageSubtype, MailMessage, MailFollowers]
