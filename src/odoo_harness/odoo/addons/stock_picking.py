"""Odoo's ``stock.picking`` and the backorder wizard.

States and answers follow Odoo 17/18/19: ``action_confirm`` confirms and (reservation "at
confirmation") reserves, ``action_assign`` reserves from quants, ``button_validate`` returns
True, raises when nothing is reserved, or returns the backorder wizard action when the done
quantities fall short.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import UserError
from ..orm import fields as F
from ..orm.models import BaseModel, rpc
from .base import _default_company

PICKING_STATES = [
    ("draft", "Draft"),
    ("waiting", "Waiting Another Operation"),
    ("confirmed", "Waiting"),
    ("assigned", "Ready"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]


class StockPicking(BaseModel):
    _name = "stock.picking"
    _description = "Transfer"
    _order = "priority desc, scheduled_date asc, id desc"
    _has_record_rules = True

    name = F.Char("Reference", default="/", copy=False, index=True, readonly=True)
    origin = F.Char("Source Document", index=True)
    note = F.Html("Notes")
    backorder_id = F.Many2one("stock.picking", "Back Order of", copy=False, index=True)
    backorder_ids = F.One2many("stock.picking", "backorder_id", "Back Orders")
    move_type = F.SelectionField(
        [("direct", "As soon as possible"), ("one", "When all products are ready")],
        "Shipping Policy",
        default="direct",
        required=True,
    )
    state = F.SelectionField(
        PICKING_STATES, "Status", default="draft", copy=False, index=True, readonly=True
    )
    priority = F.SelectionField([("0", "Normal"), ("1", "Urgent")], "Priority", default="0")
    scheduled_date = F.Datetime(
        "Scheduled Date", default=lambda self: self.env.now_string(), index=True
    )
    date_deadline = F.Datetime("Deadline")
    date = F.Datetime("Creation Date", default=lambda self: self.env.now_string(), copy=False)
    date_done = F.Datetime("Date of Transfer", copy=False, readonly=True)
    location_id = F.Many2one("stock.location", "Source Location", required=True, index=True)
    location_dest_id = F.Many2one(
        "stock.location", "Destination Location", required=True, index=True
    )
    move_ids = F.One2many("stock.move", "picking_id", "Operations", copy=True)
    move_ids_without_package = F.One2many("stock.move", "picking_id", "Stock moves not in package")
    picking_type_id = F.Many2one("stock.picking.type", "Operation Type", required=True, index=True)
    picking_type_code = F.SelectionField(
        [("incoming", "Receipt"), ("outgoing", "Delivery"), ("internal", "Internal Transfer")],
        "Type of Operation",
        related="picking_type_id.code",
    )
    partner_id = F.Many2one("res.partner", "Contact")
    company_id = F.Many2one("res.company", "Company", default=_default_company, index=True)
    user_id = F.Many2one("res.users", "Responsible", default=lambda self: self.env.uid)
    owner_id = F.Many2one("res.partner", "Assign Owner")
    printed = F.Boolean("Printed", copy=False)
    is_locked = F.Boolean("Is Locked", default=True)

    @rpc(create=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        prepared = []
        types = self.env["stock.picking.type"].sudo()
        for vals in vals_list:
            vals = dict(vals)
            type_id = vals.get("picking_type_id") or self.env.context.get("default_picking_type_id")
            if type_id:
                ptype = types.browse(type_id)._read_rows(
                    ["default_location_src_id", "default_location_dest_id", "code"],
                    "_classic_write",
                )
                if ptype:
                    src, dest = _type_locations(self.env, ptype[0])
                    vals.setdefault("location_id", vals.get("location_id") or src)
                    vals.setdefault("location_dest_id", vals.get("location_dest_id") or dest)
                    if not vals.get("location_id"):
                        vals["location_id"] = src
                    if not vals.get("location_dest_id"):
                        vals["location_dest_id"] = dest
                if vals.get("name", "/") in ("/", None, False):
                    vals["name"] = types.browse(type_id)._next_name()
            prepared.append(vals)
        pickings = super().create(prepared)
        pickings._sync_moves()
        return pickings

    @rpc
    def write(self, vals: dict[str, Any]) -> bool:
        result = super().write(vals)
        if {"partner_id", "location_id", "location_dest_id", "move_ids"} & set(vals):
            self._sync_moves(set(vals))
        return result

    def _sync_moves(self, changed: set[str] | None = None) -> None:
        """Moves follow their picking's locations, type and partner (Odoo's onchanges)."""
        moves = self.env["stock.move"].sudo()
        for row in self.sudo()._read_rows(
            [
                "location_id",
                "location_dest_id",
                "picking_type_id",
                "partner_id",
                "move_ids",
                "state",
            ],
            "_classic_write",
        ):
            for move in moves.browse(row["move_ids"])._read_rows(
                ["location_id", "location_dest_id", "picking_type_id", "partner_id", "state"],
                "_classic_write",
            ):
                update = {}
                for key in ("location_id", "location_dest_id", "picking_type_id", "partner_id"):
                    if row[key] and (
                        not move[key] or (changed and key in changed and move["state"] == "draft")
                    ):
                        update[key] = row[key]
                if update:
                    moves.browse(move["id"])._update(update)
            if row["state"] != "draft":
                self.browse(row["id"])._recompute_state()

    def _moves(self) -> BaseModel:
        ids = (
            [
                r[0]
                for r in self._sql(
                    f'SELECT id FROM "stock_move" WHERE picking_id IN ({",".join("?" * len(self._ids))}) '
                    "ORDER BY sequence, id",
                    list(self._ids),
                )
            ]
            if self._ids
            else []
        )
        return self.env["stock.move"].sudo().browse(ids)

    def _recompute_state(self) -> None:
        for picking in self.sudo():
            rows = picking._read_rows(["move_type", "state"], "_classic_write")
            if not rows:
                continue
            states = [r["state"] for r in picking._moves()._rows()]
            state = _picking_state(states, rows[0]["move_type"])
            if state is None:
                continue
            if state != rows[0]["state"]:
                # as Odoo's _write for a stored computed field: the magic fields move too
                picking._update(
                    {"state": state, "write_uid": self.env.uid, "write_date": self.env.now_string()}
                )

    # -- workflow -------------------------------------------------------------------------
    @rpc
    def action_confirm(self) -> bool:
        moves = self._moves()
        drafts = [r["id"] for r in moves._rows() if r["state"] == "draft"]
        self.env["stock.move"].sudo().browse(drafts)._action_confirm()
        self._recompute_state()
        return True

    @rpc
    def action_assign(self) -> bool:
        drafts = self.filtered_state(("draft",))
        if drafts:
            drafts.action_confirm()
        moves = self._moves()
        if not moves:
            raise UserError("Nothing to check the availability for.")
        moves._action_assign()
        return True

    def filtered_state(self, states: tuple[str, ...]) -> BaseModel:
        rows = self.sudo()._read_rows(["state"], "_classic_write")
        return self.browse([r["id"] for r in rows if r["state"] in states])

    @rpc
    def do_unreserve(self) -> bool:
        self._moves()._do_unreserve()
        self._recompute_state()
        return True

    @rpc
    def action_cancel(self) -> bool:
        self._moves()._action_cancel()
        self._recompute_state()
        return True

    @rpc
    def button_validate(self) -> Any:
        pickings = self
        if self.env.profile.major >= 19:
            pickings = self.filtered_state(("draft", "waiting", "confirmed", "assigned"))
            if not pickings:
                return True
        drafts = pickings.filtered_state(("draft",))
        if drafts:
            drafts.action_confirm()
        pickings._sanity_check()
        if not self.env.context.get("skip_backorder"):
            short = pickings._need_backorder()
            if short:
                return short._backorder_wizard_action(pickings)
        cancel = bool(self.env.context.get("cancel_backorder")) or (
            self.env.context.get("picking_ids_not_to_backorder") is not None
        )
        pickings._action_done(cancel_backorder=cancel)
        return True

    def _sanity_check(self) -> None:
        for picking in self:
            rows = picking._moves()._rows()
            name = picking["name"]
            if picking.filtered_state(("done",)):
                raise UserError(f"The transfer {name} has already been validated.")
            if not rows:
                raise UserError(
                    "You can’t validate an empty transfer. Please add some products to move "
                    "before proceeding."
                )
            if not any(r["quantity"] for r in rows if r["state"] != "cancel"):
                if self.env.profile.major >= 19:
                    raise UserError(
                        "Transfer trouble alert! Validating a zero quantity transfer? You're not "
                        "moving invisible goods around are you?\nSet some quantities and let's get "
                        "moving!"
                    )
                raise UserError(
                    "You cannot validate a transfer if no quantities are reserved. To force the "
                    "transfer, encode quantities."
                )

    def _need_backorder(self) -> BaseModel:
        ids = []
        for picking in self:
            ptype = picking["picking_type_id"]
            policy = self.env["stock.picking.type"].sudo().browse(ptype)["create_backorder"]
            if policy != "ask":
                continue
            rows = picking._moves()._rows()
            if any(
                r["quantity"] < r["product_uom_qty"] - 1e-9
                for r in rows
                if r["state"] not in ("done", "cancel")
            ):
                ids.append(picking.id)
        return self.browse(ids)

    def _backorder_wizard_action(self, pickings: BaseModel) -> dict[str, Any]:
        view_id = self.env.xmlid_id("stock.view_backorder_confirmation") or False
        context = dict(self.env.context)
        context.update(
            button_validate_picking_ids=pickings.ids,
            default_show_transfers=False,
            default_pick_ids=[[4, pid] for pid in self.ids],
        )
        for key in ("lang", "tz", "uid"):
            context.pop(key, None)
        return {
            "name": "Create Backorder?",
            "type": "ir.actions.act_window",
            "view_mode": "form",
            "res_model": "stock.backorder.confirmation",
            "views": [[view_id, "form"]],
            "view_id": view_id,
            "target": "new",
            "context": context,
        }

    def _action_done(self, cancel_backorder: bool = False) -> None:
        now = self.env.now_string()
        for picking in self.sudo():
            moves = picking._moves()
            for row in moves._rows():
                if row["state"] == "draft":
                    moves.browse(row["id"])._action_confirm()
            rest = moves._action_done(cancel_backorder=cancel_backorder)
            if rest:
                picking._create_backorder(rest)
            picking._update({"date_done": now, "state": "done"})
            picking._after_done()

    def _after_done(self) -> None:
        """Hook: sale_stock updates delivered quantities, delivery ships."""

    def _create_backorder(self, moves: BaseModel) -> None:
        backorder = self.copy(
            {"name": "/", "move_ids": [], "backorder_id": self.id, "origin": self["origin"]}
        )
        moves._update({"picking_id": backorder.id})
        moves._action_assign()
        backorder._recompute_state()

    @rpc
    def action_view_backorder(self) -> Any:
        return False


def _type_locations(env: Any, ptype: dict[str, Any]) -> tuple[Any, Any]:
    src, dest = ptype["default_location_src_id"], ptype["default_location_dest_id"]
    if not src and ptype["code"] == "incoming":
        src = env.xmlid_id("stock.stock_location_suppliers")
    if not dest and ptype["code"] == "outgoing":
        dest = env.xmlid_id("stock.stock_location_customers")
    return src or False, dest or False


def _picking_state(states: list[str], move_type: str) -> str | None:
    if not states:
        return None
    if all(s == "draft" for s in states):
        return "draft"
    if all(s == "cancel" for s in states):
        return "cancel"
    if all(s in ("done", "cancel") for s in states):
        return "done"
    open_states = [s for s in states if s not in ("done", "cancel")]
    if move_type == "one":
        if all(s == "assigned" for s in open_states):
            return "assigned"
        return "waiting" if all(s == "waiting" for s in open_states) else "confirmed"
    if any(s in ("assigned", "partially_available") for s in open_states):
        return "assigned"
    if all(s == "waiting" for s in open_states):
        return "waiting"
    if any(s == "draft" for s in open_states):
        return "draft"
    return "confirmed"


class StockBackorderConfirmation(BaseModel):
    _name = "stock.backorder.confirmation"
    _description = "Backorder Confirmation"

    pick_ids = F.Many2many("stock.picking", "stock_picking_backorder_rel", string="Pick")
    show_transfers = F.Boolean("Show Transfers")

    def _pickings_to_validate(self) -> BaseModel:
        ids = self.env.context.get("button_validate_picking_ids")
        if ids:
            return self.env["stock.picking"].browse(ids)
        return self.env["stock.picking"].browse(self["pick_ids"] if len(self) == 1 else [])

    @rpc
    def process(self) -> Any:
        pickings = self._pickings_to_validate()
        return pickings.with_context(skip_backorder=True).button_validate()

    @rpc
    def process_cancel_backorder(self) -> Any:
        pickings = self._pickings_to_validate()
        return pickings.with_context(
            skip_backorder=True, picking_ids_not_to_backorder=pickings.ids
        ).button_validate()


MODELS: list[type[BaseModel]] = [StockPicking, StockBackorderConfirmation]
