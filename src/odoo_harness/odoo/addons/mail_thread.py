"""The chatter: ``message_post``, ``activity_schedule`` and followers on every model that
has chatter (``mail.thread`` and ``mail.activity.mixin`` in Odoo; ``CHATTER_MODELS`` here).

17/18 decorate ``message_post`` to return the message id and let ``activity_schedule``
return a recordset, which XML-RPC cannot marshal; 19 returns recordsets as id lists.
"""

from __future__ import annotations

import html
from typing import Any

from ..exceptions import UserError
from ..orm import fields as F
from ..orm.models import BaseModel, chunks, rpc
from .mail_message import _message_types

CHATTER_MODELS = (
    "res.partner",
    "crm.lead",
    "sale.order",
    "stock.picking",
    "product.template",
    "product.product",
)


def plaintext2html(text: str) -> str:
    """Odoo's ``plaintext2html``: escaped, newlines as ``<br>``, in a paragraph."""
    if not text:
        return ""
    return "<p>" + html.escape(text, quote=False).replace("\n", "<br>") + "</p>"


def _user_partner(model: BaseModel) -> int | None:
    rows = model._sql('SELECT partner_id FROM "res_users" WHERE id = ?', (model.env.uid,))
    return rows[0][0] if rows else None


class UnmarshallableRecordset:
    """What a 17/18 server hands its XML-RPC marshaller for a recordset result: the fault
    names ``<class 'odoo.api.<model>'>``."""

    _classes: dict[str, type] = {}

    def __new__(cls, model_name: str, ids: list[int]) -> Any:
        klass = cls._classes.get(model_name)
        if klass is None:
            klass = type(model_name, (), {"__module__": "odoo.api", "ids": ()})
            cls._classes[model_name] = klass
        obj = klass()
        obj.ids = list(ids)
        return obj


class MailThread(BaseModel):
    """Chatter fields and methods, mixed into each model of ``CHATTER_MODELS``."""

    message_ids = F.One2many("mail.message", "res_id", "Messages", compute="_compute_message_ids")
    message_follower_ids = F.One2many(
        "mail.followers", "res_id", "Followers", compute="_compute_message_follower_ids"
    )
    message_partner_ids = F.Many2many(
        "res.partner",
        string="Followers (Partners)",
        compute="_compute_message_partner_ids",
        search="_search_message_partner_ids",
    )
    activity_ids = F.One2many(
        "mail.activity", "res_id", "Activities", compute="_compute_activity_ids"
    )
    activity_state = F.SelectionField(
        [("overdue", "Overdue"), ("today", "Today"), ("planned", "Planned")],
        "Activity State",
        compute="_compute_activity_state",
    )
    activity_user_id = F.Many2one(
        "res.users", "Responsible User", compute="_compute_activity_user_id"
    )
    activity_type_id = F.Many2one(
        "mail.activity.type", "Next Activity Type", compute="_compute_activity_type_id"
    )
    activity_date_deadline = F.Date(
        "Next Activity Deadline", compute="_compute_activity_date_deadline"
    )
    activity_summary = F.Char("Next Activity Summary", compute="_compute_activity_summary")

    # -- reads --------------------------------------------------------------------------
    def _by_record(self, table: str, column: str, order: str) -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = {i: [] for i in self._ids}
        if not self._ids:
            return out
        model_column = "res_model" if table != "mail_message" else "model"
        marks = ",".join("?" * len(self._ids))
        for res_id, value in self._sql(
            f'SELECT res_id, {column} FROM "{table}" WHERE "{model_column}" = ? AND res_id IN '
            f"({marks}) ORDER BY {order}",
            [self._name, *self._ids],
        ):
            out[res_id].append(value)
        return out

    def _compute_message_ids(self) -> dict[int, Any]:
        return self._by_record("mail_message", "id", "id DESC")

    def _compute_message_follower_ids(self) -> dict[int, Any]:
        return self._by_record("mail_followers", "id", "id")

    def _compute_message_partner_ids(self) -> dict[int, Any]:
        return self._by_record("mail_followers", "partner_id", "id")

    def _search_message_partner_ids(self, operator: str, value: Any) -> list[Any]:
        values = value if isinstance(value, (list, tuple)) else [value]
        marks = ",".join("?" * len(values))
        rows = self._sql(
            f'SELECT res_id FROM "mail_followers" WHERE res_model = ? AND partner_id IN ({marks})',
            [self._name, *values],
        )
        return [("id", "in" if operator in ("=", "in") else "not in", [r[0] for r in rows])]

    def _activities(self) -> dict[int, list[dict[str, Any]]]:
        out: dict[int, list[dict[str, Any]]] = {i: [] for i in self._ids}
        ids = [
            a
            for acts in self._by_record("mail_activity", "id", "date_deadline, id").values()
            for a in acts
        ]
        if not ids:
            return out
        activities = self.env["mail.activity"].sudo().browse(ids)
        for row in activities._read_rows(
            ["res_id", "state", "user_id", "activity_type_id", "date_deadline", "summary"],
            "_classic_write",
        ):
            out[row["res_id"]].append(row)
        return out

    def _compute_activity_ids(self) -> dict[int, Any]:
        return {i: [a["id"] for a in acts] for i, acts in self._activities().items()}

    def _compute_activity_state(self) -> dict[int, Any]:
        out = {}
        for rid, acts in self._activities().items():
            states = {a["state"] for a in acts}
            out[rid] = next((s for s in ("overdue", "today", "planned") if s in states), False)
        return out

    def _first_activity(self, key: str) -> dict[int, Any]:
        return {rid: (acts[0][key] if acts else False) for rid, acts in self._activities().items()}

    def _compute_activity_user_id(self) -> dict[int, Any]:
        return self._first_activity("user_id")

    def _compute_activity_type_id(self) -> dict[int, Any]:
        return self._first_activity("activity_type_id")

    def _compute_activity_date_deadline(self) -> dict[int, Any]:
        return self._first_activity("date_deadline")

    def _compute_activity_summary(self) -> dict[int, Any]:
        return self._first_activity("summary")

    # -- create: the creator follows ---------------------------------------------------
    @rpc(create=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        records = super().create(vals_list)  # type: ignore[misc]
        if not self.env.context.get("mail_create_nosubscribe"):
            partner = _user_partner(self)
            if partner:
                records._message_subscribe([partner])
        return records  # type: ignore[no-any-return]

    def _message_subscribe(self, partner_ids: list[int]) -> None:
        """Add followers in one query and one create, whatever the number of records."""
        if not self._ids or not partner_ids:
            return
        existing: set[tuple[int, int]] = set()
        for chunk in chunks(list(self._ids)):
            marks = ",".join("?" * len(chunk))
            existing.update(
                self._sql(
                    f'SELECT res_id, partner_id FROM "mail_followers" WHERE res_model = ? '
                    f"AND res_id IN ({marks})",
                    [self._name, *chunk],
                )
            )
        missing = [
            {"res_model": self._name, "res_id": rid, "partner_id": partner}
            for rid in dict.fromkeys(self._ids)
            for partner in dict.fromkeys(partner_ids)
            if (rid, partner) not in existing
        ]
        if missing:
            self.env["mail.followers"].sudo().create(missing)

    @rpc
    def message_subscribe(
        self, partner_ids: list[int] | None = None, subtype_ids: Any = None
    ) -> bool:
        self._message_subscribe(list(partner_ids or []))
        return True

    @rpc
    def message_unsubscribe(self, partner_ids: list[int] | None = None) -> bool:
        for partner in partner_ids or []:
            marks = ",".join("?" * len(self._ids))
            self._sql(
                f'DELETE FROM "mail_followers" WHERE res_model = ? AND partner_id = ? AND res_id '
                f"IN ({marks})",
                [self._name, partner, *self._ids],
            )
        return True

    def _unlink_cascade(self) -> None:
        super()._unlink_cascade()
        marks = ",".join("?" * len(self._ids))
        for table, column in (
            ("mail_followers", "res_model"),
            ("mail_activity", "res_model"),
            ("mail_message", "model"),
        ):
            self._sql(
                f'DELETE FROM "{table}" WHERE "{column}" = ? AND res_id IN ({marks})',
                [self._name, *self._ids],
            )

    # -- message_post ------------------------------------------------------------------
    @rpc
    def message_post(
        self,
        *,
        body: str = "",
        subject: str | None = None,
        message_type: str = "notification",
        subtype_xmlid: str | None = None,
        subtype_id: int | bool = False,
        partner_ids: list[int] | None = None,
        author_id: int | None = None,
        email_from: str | None = None,
        attachment_ids: Any = None,
        body_is_html: bool = False,
        **kwargs: Any,
    ) -> Any:
        if not body_is_html:  # a string from a client is text: escaped, as a paragraph
            body = plaintext2html(body or "")
        message = self._message_post(
            body=body,
            subject=subject,
            message_type=message_type,
            subtype_xmlid=subtype_xmlid,
            subtype_id=subtype_id,
            partner_ids=partner_ids,
            author_id=author_id,
            email_from=email_from,
        )
        if attachment_ids or kwargs.get("attachments"):
            from .ir_attachment import attach_to_message

            attach_to_message(self, message, attachment_ids, kwargs.get("attachments"))
        return message if self.env.profile.major >= 19 else message.id

    def _message_post(
        self,
        body: str = "",
        subject: str | None = None,
        message_type: str = "notification",
        subtype_xmlid: str | None = None,
        subtype_id: int | bool = False,
        partner_ids: list[int] | None = None,
        author_id: int | None = None,
        email_from: str | None = None,
        mail_activity_type_id: int | None = None,
    ) -> BaseModel:
        if len(self._ids) > 1:
            raise ValueError(f"Expected singleton: {self!r}")
        if self._ids and not self._existing_ids():
            raise self._missing_error(self._ids)
        if subtype_xmlid:
            subtype_id = self.env.xmlid_id(subtype_xmlid) or False
        if not subtype_id:
            subtype_id = self.env.xmlid_id("mail.mt_note") or False
        if message_type not in {k for k, _l in _message_types(self)}:
            raise UserError(f"Invalid message type {message_type}")
        author = author_id or _user_partner(self)
        record_name = self._display_names().get(self.id, False) if self._ids else False
        values = {
            "body": body or "",
            "subject": subject or False,
            "message_type": message_type,
            "subtype_id": subtype_id,
            "model": self._name if self._ids else False,
            "res_id": self.id or 0,
            "author_id": author,
            "email_from": email_from or False,
            "record_name": record_name,
            "partner_ids": [(6, 0, list(partner_ids or []))],
            "mail_activity_type_id": mail_activity_type_id or False,
        }
        return self.env["mail.message"].sudo().create(values).with_env(self.env)

    # -- activities --------------------------------------------------------------------
    @rpc
    def activity_schedule(
        self,
        act_type_xmlid: str = "",
        date_deadline: Any = None,
        summary: str = "",
        note: str = "",
        **act_values: Any,
    ) -> Any:
        activities = self._activity_schedule(
            act_type_xmlid, date_deadline, summary, note, **act_values
        )
        if self.env.profile.major >= 19:
            return activities
        return UnmarshallableRecordset("mail.activity", activities.ids)

    def _activity_schedule(
        self,
        act_type_xmlid: str = "",
        date_deadline: Any = None,
        summary: str = "",
        note: str = "",
        **act_values: Any,
    ) -> BaseModel:
        activity_type = None
        if act_type_xmlid:
            activity_type = self.env.xmlid_id(act_type_xmlid)
        elif act_values.get("activity_type_id"):
            activity_type = act_values["activity_type_id"]
        else:
            activity_type = self.env.xmlid_id("mail.mail_activity_data_todo")
        type_row = (
            self.env["mail.activity.type"]
            .sudo()
            .browse(activity_type)
            ._read_rows(
                ["summary", "default_user_id", "delay_count", "default_note"], "_classic_write"
            )
            if activity_type
            else []
        )
        type_values = type_row[0] if type_row else {}
        if not date_deadline:
            from datetime import date, timedelta

            today = date.fromisoformat(self.env.now_string()[:10])
            date_deadline = (
                today + timedelta(days=type_values.get("delay_count") or 0)
            ).isoformat()
        model_id = self._sql('SELECT id FROM "ir_model" WHERE model = ?', (self._name,))[0][0]
        default_user = type_values.get("default_user_id") or (
            self.env.uid if self.env.profile.major < 19 else False
        )
        created = []
        for record in self:
            values = {
                "activity_type_id": activity_type or False,
                "summary": summary or type_values.get("summary") or False,
                "note": note or type_values.get("default_note") or False,
                "date_deadline": date_deadline,
                "res_model_id": model_id,
                "res_id": record.id,
                "automated": True,
                "user_id": default_user,
            }
            values.update(act_values)
            created.append(self.env["mail.activity"].create(values).id)
        return self.env["mail.activity"].browse(created)


def _chatter_extension(model_name: str) -> type[BaseModel]:
    name = "".join(part.title() for part in model_name.split(".")) + "Mail"
    return type(name, (MailThread,), {"_inherit": model_name, "__module__": __name__})


MODELS: list[type[BaseModel]] = [_chatter_extension(name) for name in CHATTER_MODELS]
