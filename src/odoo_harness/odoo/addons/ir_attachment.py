"""Odoo's ``ir.attachment``: files and links attached to records, with Odoo's access rules.

Content comes in as ``datas`` (base64) and reads back as base64 text; ``file_size``,
``checksum`` (sha1 of the bytes), ``mimetype`` (given, else guessed from the name, the url,
then the content) and ``index_content`` follow from it, as in Odoo. The bytes are kept in
``db_datas`` (Odoo's ``ir_attachment.location = db`` storage, so no filestore).

Access follows the attached record: reading an attachment needs read on its record, writing,
creating or deleting one needs write on it; an attachment without ``res_id`` belongs to its
creator (and Settings users). 17/18 raise the record's own AccessError (Odoo's ``check``);
19 checks attachments in ``_check_access`` and names them in its error. Searches leave out
what the user may not read, and binary-field attachments (``res_field``) unless asked.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import mimetypes
import re
from collections import defaultdict
from typing import Any

from ..exceptions import AccessError
from ..orm import access
from ..orm import fields as F
from ..orm.messages import record_repr
from ..orm.models import SUPERUSER_ID, BaseModel, chunks, rpc
from .base import _default_company

SORRY = "Sorry, you are not allowed to access this document."
#: magic numbers of what Odoo's ``guess_mimetype`` recognises without python-magic
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"PK\x03\x04", "application/zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
)
_TEXT_WORDS = re.compile(rb"[\x20-\x7E]{4,}")


class Many2oneReference(F.Integer):
    """An id whose model is named by another field (Odoo's ``fields.Many2oneReference``)."""

    type = "many2one_reference"

    def describe(self, model: BaseModel) -> dict[str, Any]:
        desc = super().describe(model)
        desc.pop("group_operator", None)
        desc.pop("aggregator", None)
        desc["model_field"] = self.extra.get("model_field")
        return desc


def guess_mimetype(content: bytes) -> str:
    """The type a file's first bytes announce, as Odoo's ``guess_mimetype`` without magic."""
    for magic, mimetype in _MAGIC:
        if content.startswith(magic):
            return mimetype
    head = content[:1024].lstrip()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "image/svg+xml"
    return "application/octet-stream"


def human_size(size: int) -> str | bool:
    """Odoo's ``human_size``: what ``datas`` reads as with ``bin_size`` in the context."""
    if not size:
        return False
    units = ("bytes", "Kb", "Mb", "Gb", "Tb")
    value, unit = float(size), 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    return f"{value:0.2f} {units[unit]}"


def decode_datas(value: Any) -> bytes:
    """``datas`` as a client sends it (base64 text, or bytes) -> the file's bytes."""
    if not value:
        return b""
    if hasattr(value, "data") and isinstance(value.data, bytes):  # xmlrpc.client.Binary
        return bytes(value.data)
    return base64.b64decode(value)


class IrAttachment(BaseModel):
    _name = "ir.attachment"
    _description = "Attachment"
    _order = "id desc"

    name = F.Char("Name", required=True)
    description = F.Text("Description")
    res_name = F.Char("Resource Name", compute="_compute_res_name")
    res_model = F.Char("Resource Model")
    res_field = F.Char("Resource Field")
    res_id = Many2oneReference("Resource ID", model_field="res_model")
    company_id = F.Many2one("res.company", "Company", default=_default_company)
    type = F.SelectionField(
        [("url", "URL"), ("binary", "File")], "Type", required=True, default="binary"
    )
    url = F.Char("Url", size=1024, index=True)
    public = F.Boolean("Is public document")
    access_token = F.Char("Access Token", groups="base.group_user")
    datas = F.Binary("File Content (base64)", compute="_compute_datas", inverse="_inverse_datas")
    db_datas = F.Binary("Database Data", attachment=False)
    store_fname = F.Char("Stored Filename")
    file_size = F.Integer("File Size", readonly=True)
    checksum = F.Char("Checksum/SHA1", size=40, readonly=True)
    mimetype = F.Char("Mime Type", readonly=True)
    index_content = F.Text("Indexed Content", readonly=True)

    # -- computed fields ---------------------------------------------------------------
    def _compute_datas(self) -> dict[int, Any]:
        rows = self.sudo()._read_rows(["db_datas", "file_size"], "_classic_write")
        if self.env.context.get("bin_size"):
            return {r["id"]: human_size(r["file_size"]) for r in rows}
        return {r["id"]: r["db_datas"] or False for r in rows}

    def _inverse_datas(self) -> None:
        """Writes go through ``_content_values`` (create and write)."""

    def _compute_res_name(self) -> dict[int, Any]:
        rows = self.sudo()._read_rows(["res_model", "res_id"], "_classic_write")
        out: dict[int, Any] = {}
        for row in rows:
            model, res_id = row["res_model"], row["res_id"]
            if model and res_id and model in self.env:
                out[row["id"]] = self.env[model].browse(res_id)._display_names().get(res_id, False)
            else:
                out[row["id"]] = False
        return out

    # -- content -----------------------------------------------------------------------
    def _mimetype(self, values: dict[str, Any], content: bytes | None) -> str:
        """Odoo's ``_compute_mimetype``, then XML-like types as text for non-admins."""
        mimetype = values.get("mimetype") or None
        if not mimetype and values.get("name"):
            mimetype = mimetypes.guess_type(str(values["name"]))[0]
        if not mimetype and values.get("url"):
            mimetype = mimetypes.guess_type(str(values["url"]).split("?")[0])[0]
        if (not mimetype or mimetype == "application/octet-stream") and content:
            mimetype = guess_mimetype(content)
        mimetype = mimetype.lower() if mimetype else "application/octet-stream"
        xml_like = "ht" in mimetype or (
            "xml" in mimetype and not mimetype.startswith("application/vnd.openxmlformats")
        )
        if xml_like and (
            self.env.context.get("attachments_mime_plainxml") or not self._may_serve_markup()
        ):
            return "text/plain"
        return mimetype

    def _may_serve_markup(self) -> bool:
        """17: Settings users; 18+: who may write views (``ir.ui.view``)."""
        if self.env.su or self.env.uid == SUPERUSER_ID:
            return True
        if self.env.profile.major >= 18:
            return access.allowed(self.env["ir.ui.view"], self.env.uid, "write")
        return self._in_group("base.group_system")

    def _index(self, content: bytes, mimetype: str) -> str | bool:
        if mimetype.startswith("text/"):
            return b"\n".join(_TEXT_WORDS.findall(content)).decode("ascii")
        if self.env.profile.major >= 19:
            return False
        return mimetype.split("/")[0]

    def _content_values(self, vals: dict[str, Any]) -> dict[str, Any]:
        """Client values -> stored values: ``datas`` decoded into ``db_datas`` with its
        size, checksum, index and mimetype; computed values a client sends are dropped."""
        vals = {k: v for k, v in vals.items() if k not in ("file_size", "checksum", "store_fname")}
        has_content = "datas" in vals or "db_datas" in vals
        content: bytes | None = None
        if has_content:
            raw = vals.pop("datas", None) or vals.pop("db_datas", None)
            vals.pop("db_datas", None)
            content = decode_datas(raw)
        if not self._ids or has_content or "mimetype" in vals:
            vals["mimetype"] = self._mimetype(vals, content)
        if content:
            vals.update(
                db_datas=base64.b64encode(content).decode("ascii"),
                file_size=len(content),
                checksum=hashlib.sha1(content).hexdigest(),
                index_content=self._index(content, vals["mimetype"]),
                store_fname=False,
            )
        elif has_content:
            vals.update(db_datas=False, file_size=0, checksum=False, index_content=False)
        return vals

    # -- access --------------------------------------------------------------------------
    def _in_group(self, xmlid: str) -> bool:
        gid = self.env.xmlid_id(xmlid)
        return bool(gid) and gid in access.user_group_ids(self, self.env.uid)

    def _is_system(self) -> bool:
        return self.env.su or self.env.uid == SUPERUSER_ID or self._in_group("base.group_system")

    def _check_access(self, operation: str) -> None:
        super()._check_access(operation)
        if self.env.su or self.env.uid == SUPERUSER_ID:
            return
        if self.env.profile.major >= 19:
            forbidden = self._forbidden_ids(operation)
            if forbidden:
                raise AccessError(self._forbidden_message(operation, forbidden))
        elif self._ids:
            self._check_records(operation)

    def _security_rows(self) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for chunk in chunks(list(dict.fromkeys(self._ids))):
            marks = ",".join("?" * len(chunk))
            rows += self._sql(
                "SELECT id, res_model, res_id, create_uid, public, res_field "
                f'FROM "ir_attachment" WHERE id IN ({marks})',
                chunk,
            )
        return rows

    def _check_records(self, mode: str, values: dict[str, Any] | None = None) -> None:
        """17/18: Odoo's ``check``; the attached records' own AccessError when refused."""
        if not (self._in_group("base.group_erp_manager") or self._in_group("base.group_user")):
            raise AccessError(SORRY)
        system = self._is_system()
        targets: dict[str, set[int]] = defaultdict(set)
        for _id, res_model, res_id, create_uid, public, res_field in self._security_rows():
            if public and mode == "read":
                continue
            if not system and ((not res_id and create_uid != self.env.uid) or res_field):
                raise AccessError(SORRY)
            if res_model and res_id:
                targets[res_model].add(res_id)
        if values and values.get("res_model") and values.get("res_id"):
            targets[values["res_model"]].add(values["res_id"])
        operation = "write" if mode in ("create", "unlink") else mode
        for res_model, res_ids in targets.items():
            if res_model not in self.env:
                continue
            if res_model == "res.users" and res_ids == {self.env.uid}:
                continue
            records = self.env[res_model].browse(sorted(res_ids))
            if records._existing_ids():
                access.check_model_access(records, operation)

    def _forbidden_ids(self, operation: str) -> list[int]:
        """19: the attachments of these the user may not touch (``_check_access``)."""
        if operation in ("create", "unlink"):
            operation = "write"
        system = self._is_system()
        forbidden: list[int] = []
        linked: list[tuple[int, str, int]] = []
        for att_id, res_model, res_id, create_uid, public, res_field in self._security_rows():
            if public and operation == "read":
                continue
            if not system and ((not res_id and create_uid != self.env.uid) or res_field):
                forbidden.append(att_id)
            elif res_model and res_id:
                linked.append((att_id, res_model, res_id))
        refused = self._inaccessible({(m, r) for _a, m, r in linked}, operation)
        forbidden += [a for a, m, r in linked if (m, r) in refused]
        order = {i: k for k, i in enumerate(self._ids)}
        return sorted(set(forbidden), key=order.__getitem__)

    def _inaccessible(self, targets: set[tuple[str, int]], operation: str) -> set[tuple[str, int]]:
        """The (model, id) pairs the user may not ``operation``: an unknown model, a
        refused model, or a record that no longer exists (19's ``_filtered_access``)."""
        refused: set[tuple[str, int]] = set()
        by_model: dict[str, set[int]] = defaultdict(set)
        for model, res_id in targets:
            by_model[model].add(res_id)
        for model, res_ids in by_model.items():
            if model not in self.env:
                refused.update((model, i) for i in res_ids)
                continue
            if model == "res.users" and res_ids == {self.env.uid}:
                continue
            records = self.env[model].browse(sorted(res_ids))
            if not access.allowed(records, self.env.uid, operation):
                refused.update((model, i) for i in res_ids)
                continue
            existing = set(records._existing_ids())
            refused.update((model, i) for i in res_ids if i not in existing)
        return refused

    def _forbidden_message(self, operation: str, ids: list[int]) -> str:
        if operation in ("create", "unlink"):
            operation = "write"
        return (
            f"{SORRY} Please contact your system administrator.\n\n"
            f"(Operation: {operation})\n\n"
            f"Records: {record_repr(self._name, ids[:6])}, User: {self.env.uid}"
        )

    def _check_targets(self, vals_list: list[dict[str, Any]]) -> None:
        """Creating (or re-attaching) needs write on the target records."""
        if self.env.su or self.env.uid == SUPERUSER_ID:
            return
        pairs = {(v.get("res_model"), v.get("res_id")) for v in vals_list}
        if self.env.profile.major >= 19:
            wanted = {(m, int(r)) for m, r in pairs if m and r}
            if self._inaccessible(wanted, "write"):
                raise AccessError(SORRY)
            return
        for res_model, res_id in pairs:
            self.browse(())._check_records("create", {"res_model": res_model, "res_id": res_id})

    # -- RPC -------------------------------------------------------------------------------
    @rpc(create=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        try:
            prepared = [self._content_values(dict(vals)) for vals in vals_list]
        except binascii.Error as exc:
            raise ValueError(f"datas: not base64 ({exc})") from None
        super()._check_access("create")
        self._check_targets(prepared)
        return super().create(prepared)

    @rpc
    def write(self, vals: dict[str, Any]) -> bool:
        self._check_access("write")
        if self._ids and (vals.get("res_model") or vals.get("res_id")):
            current = self.sudo()._read_rows(["res_model", "res_id"], "_classic_write")
            self._check_targets(
                [
                    {
                        "res_model": vals.get("res_model", row["res_model"]),
                        "res_id": vals.get("res_id", row["res_id"]),
                    }
                    for row in current
                ]
            )
        try:
            vals = self._content_values(dict(vals))
        except binascii.Error as exc:
            raise ValueError(f"datas: not base64 ({exc})") from None
        return super().write(vals)

    @rpc(model=True)
    def search_count(self, domain: list[Any], limit: int | None = None) -> int:
        self._check_access("read")
        return len(self._search(domain, 0, limit))

    def _search(
        self,
        domain: Any,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
    ) -> list[int]:
        domain = list(domain or [])
        if not self.env.context.get("skip_res_field_check") and not any(
            isinstance(t, (list, tuple)) and t and t[0] in ("id", "res_field") for t in domain
        ):
            domain = [("res_field", "=", False), *domain]
        if self.env.su or self.env.uid == SUPERUSER_ID:
            return super()._search(domain, offset, limit, order)
        ids = super()._search(domain, 0, None, order)
        visible = self._readable(ids)
        kept = [i for i in ids if i in visible]
        return kept[offset : offset + limit if limit else None]

    def _readable(self, ids: list[int]) -> set[int]:
        """Which of ``ids`` the user may see in a search (public, own, or readable record)."""
        system = self._is_system()
        readable: set[int] = set()
        linked: list[tuple[int, str, int]] = []
        for att_id, res_model, res_id, create_uid, public, _f in self.browse(ids)._security_rows():
            if public or (not res_id and (system or create_uid == self.env.uid)):
                readable.add(att_id)
            elif res_model and res_id:
                linked.append((att_id, res_model, res_id))
        refused = self._inaccessible({(m, r) for _a, m, r in linked}, "read")
        readable.update(a for a, m, r in linked if (m, r) not in refused)
        return readable


class MailMessageAttachments(BaseModel):
    """``mail.message.attachment_ids``: the files a message carries."""

    _inherit = "mail.message"

    attachment_ids = F.Many2many(
        "ir.attachment",
        "message_attachment_rel",
        "message_id",
        "attachment_id",
        "Attachments",
    )


def attach_to_message(
    record: BaseModel, message: BaseModel, attachment_ids: Any, attachments: Any
) -> None:
    """``message_post``'s files (Odoo's ``_process_attachments_for_post``): ``attachments``
    as ``(name, content)`` pairs become attachments of the record; ``attachment_ids`` are
    linked, and the user's pending ones (on ``mail.compose.message``) move to the record."""
    Attachment = record.env["ir.attachment"]
    ids = [int(i) for i in attachment_ids or []]
    created = []
    for entry in attachments or []:
        name, content = entry[0], entry[1]
        data = content.encode() if isinstance(content, str) else bytes(content or b"")
        values = {
            "name": name,
            "datas": base64.b64encode(data).decode("ascii"),
            "type": "binary",
            "res_model": record._name,
            "res_id": record.id,
        }
        if len(entry) > 2 and isinstance(entry[2], dict):
            values.update({k: v for k, v in entry[2].items() if k in ("description", "mimetype")})
        created.append(values)
    if ids:
        pending = [
            row["id"]
            for row in Attachment.sudo()
            .browse(ids)
            ._read_rows(["res_model", "create_uid"], "_classic_write")
            if row["res_model"] == "mail.compose.message" and row["create_uid"] == record.env.uid
        ]
        if pending:
            Attachment.sudo().browse(pending).write(
                {"res_model": record._name, "res_id": record.id}
            )
        if not Attachment._in_group("base.group_user"):
            ids = pending
    if created:
        ids += Attachment.create(created).ids
    if ids:
        message.sudo().write({"attachment_ids": [(4, i) for i in dict.fromkeys(ids)]})


def seed_data(env: Any, masterdata: dict[str, Any]) -> None:
    """Odoo's ``access_ir_attachment_group_user`` row (internal users: all operations):
    the recorded master data lists only the business models' rows."""
    model_id = env["ir.model"]._sql('SELECT id FROM "ir_model" WHERE model = ?', ("ir.attachment",))
    group_id = env.xmlid_id("base.group_user")
    if not model_id or not group_id:
        return
    env["ir.model.access"].sudo().create(
        {
            "name": "ir_attachment group_user",
            "model_id": model_id[0][0],
            "group_id": group_id,
            "active": True,
            "perm_read": True,
            "perm_write": True,
            "perm_create": True,
            "perm_unlink": True,
        }
    )


MODELS: list[type[BaseModel]] = [IrAttachment, MailMessageAttachments]
