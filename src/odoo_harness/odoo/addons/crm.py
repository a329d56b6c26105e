"""Odoo's ``crm`` module (with ``sales_team``): teams, stages, tags, leads and
opportunities, won/lost, and the lead-to-opportunity conversion wizard.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import UserError
from ..orm import fields as F
from ..orm.models import BaseModel, rpc
from .base import _current_user, _default_company


class CrmTeam(BaseModel):
    _name = "crm.team"
    _description = "Sales Team"
    _order = "sequence ASC, create_date DESC, id DESC"

    name = F.Char("Sales Team", required=True, translate=True)
    sequence = F.Integer("Sequence", default=10)
    active = F.Boolean("Active", default=True)
    company_id = F.Many2one("res.company", "Company", index=True)
    user_id = F.Many2one("res.users", "Team Leader")
    use_leads = F.Boolean("Leads")
    use_opportunities = F.Boolean("Pipeline", default=True)


class CrmStage(BaseModel):
    _name = "crm.stage"
    _description = "CRM Stages"
    _order = "sequence, name, id"

    name = F.Char("Stage Name", required=True, translate=True)
    sequence = F.Integer("Sequence", default=1)
    is_won = F.Boolean("Is Won Stage?")
    fold = F.Boolean("Folded in Pipeline")
    requirements = F.Text("Requirements")
    team_id = F.Many2one("crm.team", "Sales Team", ondelete="set null")


class CrmTag(BaseModel):
    _name = "crm.tag"
    _description = "CRM Tag"

    name = F.Char("Tag Name", required=True, translate=True)
    color = F.Integer("Color")
    _sql_constraints = [("name_uniq", "UNIQUE(name)", "Tag name already exists!")]


class CrmLostReason(BaseModel):
    _name = "crm.lost.reason"
    _description = "Opp. Lost Reason"

    name = F.Char("Description", required=True, translate=True)
    active = F.Boolean("Active", default=True)


def _first_stage(model: BaseModel) -> int | None:
    rows = model._sql(
        'SELECT id FROM "crm_stage" WHERE fold = 0 OR fold IS NULL ORDER BY sequence, name, id '
        "LIMIT 1"
    )
    return rows[0][0] if rows else None


def _default_team(model: BaseModel) -> int | None:
    return model.env.xmlid_id("sales_team.team_sales_department")


class CrmLead(BaseModel):
    _name = "crm.lead"
    _description = "Lead/Opportunity"
    _order = "priority desc, id desc"
    _has_record_rules = True

    name = F.Char("Opportunity", required=True, index=True)
    user_id = F.Many2one("res.users", "Salesperson", default=_current_user, index=True)
    team_id = F.Many2one("crm.team", "Sales Team", index=True, default=_default_team)
    company_id = F.Many2one("res.company", "Company", index=True, default=_default_company)
    partner_id = F.Many2one("res.partner", "Customer", index=True)
    type = F.SelectionField(
        [("lead", "Lead"), ("opportunity", "Opportunity")],
        "Type",
        required=True,
        index=True,
        default="opportunity",
    )
    priority = F.SelectionField(
        [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")],
        "Priority",
        index=True,
        default="0",
    )
    stage_id = F.Many2one("crm.stage", "Stage", index=True, default=_first_stage)
    tag_ids = F.Many2many("crm.tag", "crm_tag_rel", "lead_id", "tag_id", "Tags")
    active = F.Boolean("Active", default=True)
    email_from = F.Char("Email", index=True)
    phone = F.Char("Phone")
    contact_name = F.Char("Contact Name")
    partner_name = F.Char("Company Name")
    function = F.Char("Job Position")
    street = F.Char("Street")
    city = F.Char("City")
    zip = F.Char("Zip")
    country_id = F.Many2one("res.country", "Country")
    website = F.Char("Website")
    expected_revenue = F.Monetary("Expected Revenue")
    prorated_revenue = F.Monetary("Prorated Revenue", compute="_compute_prorated_revenue")
    probability = F.Float("Probability", default=10.0)
    date_deadline = F.Date("Expected Closing")
    date_closed = F.Datetime("Closed Date", readonly=True, copy=False)
    date_open = F.Datetime("Assignment Date", readonly=True)
    lost_reason_id = F.Many2one("crm.lost.reason", "Lost Reason", index=True)
    won_status = F.SelectionField(
        [("won", "Won"), ("lost", "Lost"), ("pending", "Pending")],
        "Is Won",
        compute="_compute_won_status",
    )
    description = F.Html("Notes")

    def _compute_prorated_revenue(self) -> dict[int, Any]:
        rows = self._read_rows(["expected_revenue", "probability"], "_classic_write")
        return {r["id"]: round(r["expected_revenue"] * r["probability"] / 100.0, 2) for r in rows}

    def _compute_won_status(self) -> dict[int, Any]:
        out = {}
        for row in self.with_context(active_test=False)._read_rows(
            ["active", "probability", "stage_id"], "_classic_write"
        ):
            won = row["stage_id"] and self.env["crm.stage"].browse(row["stage_id"])["is_won"]
            if row["active"] and won:
                out[row["id"]] = "won"
            elif not row["active"] and not row["probability"]:
                out[row["id"]] = "lost"
            else:
                out[row["id"]] = "pending"
        return out

    @rpc(create=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        prepared = []
        for vals in vals_list:
            vals = dict(vals)
            if vals.get("partner_id"):
                for key, value in self._partner_values(vals["partner_id"]).items():
                    vals.setdefault(key, value)
            if vals.get("user_id", True):
                vals.setdefault("date_open", self.env.now_string())
            prepared.append(vals)
        return super().create(prepared)

    @rpc
    def write(self, vals: dict[str, Any]) -> bool:
        vals = dict(vals)
        if vals.get("partner_id"):
            for key, value in self._partner_values(vals["partner_id"]).items():
                vals.setdefault(key, value)
        if vals.get("stage_id"):
            won = self.env["crm.stage"].sudo().browse(vals["stage_id"])["is_won"]
            if won:
                vals.setdefault("probability", 100.0)
                vals.setdefault("date_closed", self.env.now_string())
        return super().write(vals)

    def _partner_values(self, partner_id: int) -> dict[str, Any]:
        """What a lead takes from its customer (Odoo's ``_prepare_values_from_partner``)."""
        row = (
            self.env["res.partner"]
            .sudo()
            .browse(partner_id)
            ._read_rows(
                [
                    "name",
                    "email",
                    "phone",
                    "is_company",
                    "parent_id",
                    "street",
                    "city",
                    "zip",
                    "country_id",
                    "function",
                    "website",
                ],
                "_classic_write",
            )
        )
        if not row:
            return {}
        p = row[0]
        values: dict[str, Any] = {
            "email_from": p["email"] or False,
            "phone": p["phone"] or False,
            "street": p["street"] or False,
            "city": p["city"] or False,
            "zip": p["zip"] or False,
            "country_id": p["country_id"] or False,
        }
        if p["is_company"]:
            values["partner_name"] = p["name"]
            values["contact_name"] = False
        else:
            values["contact_name"] = p["name"]
            values["partner_name"] = (
                self.env["res.partner"].sudo().browse(p["parent_id"])["name"]
                if p["parent_id"]
                else False
            )
        return values

    @rpc
    def action_set_won(self) -> bool:
        rows = self._sql(
            'SELECT id FROM "crm_stage" WHERE is_won = 1 ORDER BY sequence, name, id LIMIT 1'
        )
        if not rows:
            raise UserError("No won stage is defined.")
        self.write(
            {
                "active": True,
                "probability": 100.0,
                "stage_id": rows[0][0],
                "date_closed": self.env.now_string(),
                "lost_reason_id": False,
            }
        )
        return True

    @rpc
    def action_set_lost(self, **additional_values: Any) -> None:
        self.write({"active": False, "probability": 0.0, **additional_values})

    @rpc
    def action_set_won_rainbowman(self) -> Any:
        self.action_set_won()
        return True

    @rpc
    def convert_opportunity(
        self, partner: Any = None, user_ids: Any = False, team_id: Any = False
    ) -> bool:
        partner_id = partner.id if isinstance(partner, BaseModel) else partner
        for lead in self:
            vals: dict[str, Any] = {"type": "opportunity", "date_open": self.env.now_string()}
            if partner_id:
                vals["partner_id"] = partner_id
            row = lead._read_rows(["stage_id"], "_classic_write")[0]
            if not row["stage_id"]:
                vals["stage_id"] = _first_stage(self)
            lead.write(vals)
        return True

    def _create_customer(self) -> int:
        """A company from ``partner_name`` and a contact from ``contact_name`` under it."""
        row = self._read_rows(
            [
                "partner_name",
                "contact_name",
                "email_from",
                "phone",
                "name",
                "street",
                "city",
                "zip",
                "country_id",
            ],
            "_classic_write",
        )[0]
        partners = self.env["res.partner"]
        address = {k: row[k] for k in ("street", "city", "zip", "country_id") if row[k]}
        parent = False
        if row["partner_name"]:
            parent = partners.create(
                {"name": row["partner_name"], "is_company": True, **address}
            ).id
        if row["contact_name"] or not parent:
            contact = {
                "name": row["contact_name"] or row["name"],
                "email": row["email_from"] or False,
                "phone": row["phone"] or False,
                "is_company": False,
                **address,
            }
            if parent:
                contact["parent_id"] = parent
            return partners.create(contact).id
        return parent


class CrmLead2OpportunityPartner(BaseModel):
    _name = "crm.lead2opportunity.partner"
    _description = "Convert Lead to Opportunity (not in mass)"

    name = F.SelectionField(
        [("convert", "Convert to opportunity"), ("merge", "Merge with existing opportunities")],
        "Conversion Action",
        default="convert",
        required=True,
    )
    action = F.SelectionField(
        [
            ("create", "Create a new customer"),
            ("exist", "Link to an existing customer"),
            ("nothing", "Do not link to a customer"),
        ],
        "Related Customer",
        default="create",
    )
    lead_id = F.Many2one(
        "crm.lead",
        "Associated Lead",
        default=lambda self: self.env.context.get("active_id") or False,
    )
    partner_id = F.Many2one("res.partner", "Customer")
    user_id = F.Many2one("res.users", "Salesperson")
    team_id = F.Many2one("crm.team", "Sales Team")

    @rpc
    def action_apply(self) -> dict[str, Any]:
        self.ensure_one()
        row = self._read_rows(["name", "action", "lead_id", "partner_id"], "_classic_write")[0]
        lead = self.env["crm.lead"].browse(row["lead_id"])
        partner = row["partner_id"]
        if row["action"] == "create":
            partner = lead._create_customer()
        elif row["action"] == "nothing":
            partner = False
        lead.convert_opportunity(partner)
        return {
            "name": "Lead or Opportunity",
            "view_mode": "form",
            "res_model": "crm.lead",
            "domain": [["type", "=", "opportunity"]],
            "res_id": lead.id,
            "view_id": False,
            "type": "ir.actions.act_window",
            "context": {"default_type": "opportunity"},
        }


MODELS: list[type[BaseModel]] = [
    CrmTeam,
    CrmStage,
    CrmTag,
    CrmLostReason,
    CrmLead,
    CrmLead2OpportunityPartner,
]
