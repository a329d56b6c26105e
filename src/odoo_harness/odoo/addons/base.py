"""Odoo's ``base`` module as integrations see it: partners, users, groups, countries,
currencies, companies and the ``ir.*`` models (models, fields, external ids, access, crons).

Field names, labels and defaults follow Odoo 17/18/19; ``versions=`` marks what one
version lacks.
"""

from __future__ import annotations

import re
from typing import Any

from ..exceptions import ValidationError
from ..orm import fields as F
from ..orm.models import BaseModel, rpc

V17 = ("17.0",)
V17_18 = ("17.0", "18.0")
V18_19 = ("18.0", "19.0")
V19 = ("19.0",)


def _lang_selection(model: BaseModel) -> list[tuple[str, str]]:
    rows = model._sql('SELECT code, name FROM "res_lang" WHERE active = 1 ORDER BY name')
    return [(code, name) for code, name in rows] or [("en_US", "English (US)")]


def _tz_selection(model: BaseModel) -> list[tuple[str, str]]:
    from zoneinfo import available_timezones

    return [(tz, tz) for tz in sorted(available_timezones())]


def _default_lang(model: BaseModel) -> str:
    lang = model.env.context.get("lang")
    return lang if lang else "en_US"


def _default_company(model: BaseModel) -> int | None:
    rows = model._sql('SELECT company_id FROM "res_users" WHERE id = ?', (model.env.uid,))
    return rows[0][0] if rows and rows[0][0] else model.env.xmlid_id("base.main_company")


def _current_user(model: BaseModel) -> int:
    return model.env.uid


PARTNER_TYPES_17 = [
    ("contact", "Contact"),
    ("invoice", "Invoice Address"),
    ("delivery", "Delivery Address"),
    ("other", "Other Address"),
]
PARTNER_TYPES_19 = [
    ("contact", "Contact"),
    ("invoice", "Invoice"),
    ("delivery", "Delivery"),
    ("other", "Other"),
]


def _partner_types(model: BaseModel) -> list[tuple[str, str]]:
    return PARTNER_TYPES_19 if model.env.profile.major >= 19 else PARTNER_TYPES_17


class ResPartner(BaseModel):
    _name = "res.partner"
    _description = "Contact"
    _order = "complete_name ASC, id DESC"
    _rec_names_search = ["complete_name", "email", "ref", "vat", "company_registry"]
    _has_record_rules = True
    _sql_constraints = [
        (
            "check_name",
            "CHECK ((type = 'contact' AND name IS NOT NULL) OR (type != 'contact'))",
            "Contacts require a name",
        ),
    ]
    _constraint_methods = (("_check_parent_id", ("parent_id",)),)

    name = F.Char("Name", index=True)
    complete_name = F.Char(
        "Complete Name",
        compute="_compute_complete_name",
        store=True,
        index=True,
        depends=("name", "parent_id", "is_company", "type"),
    )
    date = F.Date("Date", index=True)
    parent_id = F.Many2one("res.partner", "Related Company", index=True)
    parent_name = F.Char("Parent name", related="parent_id.name", readonly=True)
    child_ids = F.One2many("res.partner", "parent_id", "Contact", domain=[("active", "=", True)])
    ref = F.Char("Reference", index=True)
    lang = F.SelectionField(_lang_selection, "Language", default=_default_lang)
    tz = F.SelectionField(
        _tz_selection, "Timezone", default=lambda self: self.env.context.get("tz") or False
    )
    user_id = F.Many2one("res.users", "Salesperson")
    vat = F.Char("Tax ID", index=True)
    company_registry = F.Char("Company ID")
    website = F.Char("Website Link")
    comment = F.Html("Notes")
    category_id = F.Many2many(
        "res.partner.category",
        "res_partner_res_partner_category_rel",
        "partner_id",
        "category_id",
        "Tags",
    )
    active = F.Boolean("Active", default=True)
    employee = F.Boolean("Employee", versions=V17)
    function = F.Char("Job Position")
    type = F.SelectionField(_partner_types, "Address Type", default="contact")
    street = F.Char("Street")
    street2 = F.Char("Street2")
    zip = F.Char("Zip")
    city = F.Char("City")
    state_id = F.Many2one("res.country.state", "State", ondelete="restrict")
    country_id = F.Many2one("res.country", "Country", ondelete="restrict")
    country_code = F.Char("Country Code", related="country_id.code")
    partner_latitude = F.Float("Geo Latitude", digits=(10, 7))
    partner_longitude = F.Float("Geo Longitude", digits=(10, 7))
    email = F.Char("Email")
    phone = F.Char("Phone")
    mobile = F.Char("Mobile", versions=V17_18)
    is_company = F.Boolean("Is a Company", default=False)
    industry_id = F.Many2one("res.partner.industry", "Industry")
    company_type = F.SelectionField(
        [("person", "Individual"), ("company", "Company")],
        "Company Type",
        compute="_compute_company_type",
    )
    company_id = F.Many2one("res.company", "Company", index=True)
    color = F.Integer("Color Index", default=0)
    user_ids = F.One2many("res.users", "partner_id", "Users")
    commercial_partner_id = F.Many2one(
        "res.partner",
        "Commercial Entity",
        compute="_compute_commercial_partner",
        store=True,
        depends=("parent_id", "is_company"),
    )
    commercial_company_name = F.Char(
        "Company Name Entity",
        compute="_compute_commercial_company_name",
        store=True,
        depends=("parent_id", "is_company", "name", "company_name"),
    )
    company_name = F.Char("Company Name")
    barcode = F.Char("Barcode", versions=V17_18)

    # -- computes ---------------------------------------------------------------------
    def _partner_rows(self) -> dict[int, tuple[Any, ...]]:
        ids = list(self._ids)
        marks = ",".join("?" * len(ids))
        rows = self._sql(
            f'SELECT id, name, parent_id, is_company, type, company_name FROM "res_partner" '
            f"WHERE id IN ({marks})",
            ids,
        )
        return {r[0]: r for r in rows}

    def _complete_name_of(self, partner_id: int, seen: frozenset[int] = frozenset()) -> str:
        row = self._sql(
            'SELECT name, parent_id, is_company, type FROM "res_partner" WHERE id = ?',
            (partner_id,),
        )
        if not row:
            return ""
        name, parent_id, is_company, ptype = row[0]
        name = name or ""
        if parent_id and not is_company and parent_id not in seen:
            parent_name = self._commercial_name(parent_id, seen | {partner_id})
            if not name and ptype != "contact":
                label = dict(_partner_types(self)).get(ptype, ptype)
                name = label
            return f"{parent_name}, {name}" if parent_name else name
        return name

    def _commercial_name(self, partner_id: int, seen: frozenset[int]) -> str:
        commercial = self._commercial_of(partner_id, seen)
        row = self._sql('SELECT name FROM "res_partner" WHERE id = ?', (commercial,))
        return (row[0][0] or "") if row else ""

    def _commercial_of(self, partner_id: int, seen: frozenset[int] = frozenset()) -> int:
        current = partner_id
        visited = set(seen)
        while True:
            row = self._sql(
                'SELECT parent_id, is_company FROM "res_partner" WHERE id = ?', (current,)
            )
            if not row:
                return current
            parent_id, is_company = row[0]
            if is_company or not parent_id or parent_id in visited:
                return current
            visited.add(current)
            current = parent_id

    def _compute_complete_name(self) -> dict[int, Any]:
        return {i: self._complete_name_of(i) or None for i in self._ids}

    def _compute_commercial_partner(self) -> dict[int, Any]:
        out = {}
        for partner_id, row in self._partner_rows().items():
            parent_id = row[2]
            if parent_id and not self.browse(parent_id).exists():
                raise self.browse(parent_id)._missing_error([parent_id])
            out[partner_id] = self._commercial_of(partner_id)
        return out

    def _compute_commercial_company_name(self) -> dict[int, Any]:
        out = {}
        for partner_id in self._partner_rows():
            commercial = self._commercial_of(partner_id)
            crow = self._sql(
                'SELECT name, is_company, company_name FROM "res_partner" WHERE id = ?',
                (commercial,),
            )
            name, is_company, company_name = crow[0] if crow else (None, 0, None)
            out[partner_id] = name if is_company else (company_name or None)
        return out

    def _compute_company_type(self) -> dict[int, Any]:
        return {i: "company" if row[3] else "person" for i, row in self._partner_rows().items()}

    def _compute_display_name(self) -> dict[int, Any]:
        ids = list(self._ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._sql(f'SELECT id, complete_name FROM "res_partner" WHERE id IN ({marks})', ids)
        return {r[0]: r[1] or "" for r in rows}

    def _recompute_related(self, changed: set[str] | None) -> None:
        """Children's names and commercial entity follow their parent's."""
        if changed is not None and not changed & {"name", "is_company", "parent_id", "type"}:
            return
        ids = list(self._ids)
        while ids:
            marks = ",".join("?" * len(ids))
            children = [
                r[0]
                for r in self._sql(
                    f'SELECT id FROM "res_partner" WHERE parent_id IN ({marks})', ids
                )
            ]
            children = [c for c in children if c not in self._ids]
            if not children:
                break
            kids = self.browse(children)
            for name in ("complete_name", "commercial_partner_id", "commercial_company_name"):
                values = getattr(kids, self._fields[name].compute or "")()
                for rid, value in values.items():
                    kids.browse(rid)._update({name: value})
            ids = children

    _address_fields = ("street", "street2", "zip", "city", "state_id", "country_id")
    _commercial_fields = ("vat", "company_registry", "industry_id")

    def _after_create(self, vals_list: list[dict[str, Any]]) -> None:
        super()._after_create(vals_list)
        for record, vals in zip(self, vals_list, strict=True):
            if vals.get("parent_id"):
                record._sync_from_parent()

    @rpc
    def write(self, vals: dict[str, Any]) -> bool:
        result = super().write(vals)
        if "parent_id" in vals or "type" in vals:
            for record in self:
                record._sync_from_parent()
        changed_address = set(vals) & set(self._address_fields)
        changed_commercial = set(vals) & set(self._commercial_fields)
        if changed_address or changed_commercial:
            for record in self:
                record._sync_children(changed_address, changed_commercial)
        return result

    def _sync_from_parent(self) -> None:
        """A contact takes its parent's address and its company's commercial fields."""
        row = self._read_rows(["parent_id", "type", *self._address_fields], "_classic_write")
        if not row or not row[0]["parent_id"]:
            return
        parent = self.browse(row[0]["parent_id"])
        commercial = self.browse(self._commercial_of(parent.id))
        updates: dict[str, Any] = {}
        crow = commercial._read_rows(list(self._commercial_fields), "_classic_write")
        if crow:
            updates.update({f: crow[0][f] or None for f in self._commercial_fields})
        if row[0]["type"] == "contact":
            prow = parent._read_rows(list(self._address_fields), "_classic_write")
            if prow and any(prow[0][f] for f in self._address_fields):
                updates.update({f: prow[0][f] or None for f in self._address_fields})
        if updates:
            self._update(updates)

    def _sync_children(self, address: set[str], commercial: set[str]) -> None:
        kids = self._sql('SELECT id, type FROM "res_partner" WHERE parent_id = ?', (self.id,))
        if not kids:
            return
        row = self._read_rows([*address, *commercial], "_classic_write")[0]
        for kid_id, kid_type in kids:
            updates = {f: row[f] or None for f in commercial}
            if kid_type == "contact":
                updates.update({f: row[f] or None for f in address})
            if updates:
                kid = self.browse(kid_id)
                kid._update(updates)
                kid._sync_children(address if kid_type == "contact" else set(), commercial)

    def _check_parent_id(self) -> None:
        if not self._check_recursion():
            raise ValidationError("You cannot create recursive Partner hierarchies.")

    # -- methods ------------------------------------------------------------------------
    @rpc(model=True)
    def name_create(self, name: str) -> list[Any] | bool:
        parsed_name, email = _parse_contact(name)
        if not parsed_name and not email:
            raise ValidationError("The partner cannot be created without a name or an email.")
        vals: dict[str, Any] = {"name": parsed_name or email}
        if email:
            vals["email"] = email
        record = self.create(vals)
        return [record.id, record._display_names().get(record.id, False)]

    @rpc(single_before=18)
    def copy(self, default: dict[str, Any] | None = None) -> Any:
        self.ensure_one()
        default = dict(default or {})
        if "name" not in default:
            row = self._sql('SELECT name FROM "res_partner" WHERE id = ?', (self.id,))
            if row and row[0][0]:
                default["name"] = f"{row[0][0]} (copy)"
        return self.create(self._copy_data(default))

    @rpc(versions=V17)
    def name_get(self) -> list[list[Any]]:
        names = self._display_names()
        return [[i, names.get(i, False)] for i in self._ids if i in names]


_CONTACT_RE = re.compile(r"^\s*(.*?)\s*<\s*([^<>\s]+@[^<>\s]+)\s*>\s*$")


def _parse_contact(text: str) -> tuple[str, str]:
    match = _CONTACT_RE.match(text or "")
    if match:
        return match.group(1).strip('"').strip(), match.group(2)
    stripped = (text or "").strip()
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", stripped):
        return "", stripped
    return stripped, ""


class ResPartnerCategory(BaseModel):
    _name = "res.partner.category"
    _description = "Partner Tags"
    _order = "name"
    _display_name_depends = ("parent_id",)

    name = F.Char({"17.0": "Tag Name", None: "Name"}, required=True, translate=True)
    color = F.Integer("Color")
    parent_id = F.Many2one(
        "res.partner.category", "Parent Category", index=True, ondelete="cascade"
    )
    child_ids = F.One2many("res.partner.category", "parent_id", "Child Tags")
    active = F.Boolean("Active", default=True)
    parent_path = F.Char("Parent Path", index=True)
    partner_ids = F.Many2many(
        "res.partner",
        "res_partner_res_partner_category_rel",
        "category_id",
        "partner_id",
        "Partners",
        copy=False,
    )

    def _name_search_domain(self, name: str, operator: str) -> list[Any]:
        # symmetric to the display name: "Parent / Child" searches the last part
        if not name:
            return []
        return [("name", operator, name.split(" / ")[-1])]

    def _compute_display_name(self) -> dict[int, Any]:
        out: dict[int, Any] = {}
        for record_id in self._ids:
            names = []
            current: int | None = record_id
            seen: set[int] = set()
            while current and current not in seen:
                seen.add(current)
                row = self._sql(
                    'SELECT name, parent_id FROM "res_partner_category" WHERE id = ?', (current,)
                )
                if not row:
                    break
                names.append(row[0][0] or "")
                current = row[0][1]
            if names:
                out[record_id] = " / ".join(reversed(names))
        return out


class ResPartnerIndustry(BaseModel):
    _name = "res.partner.industry"
    _description = "Industry"
    _order = "name"

    name = F.Char("Name", translate=True)
    full_name = F.Char("Full Name", translate=True)
    active = F.Boolean("Active", default=True)


class ResPartnerTitle(BaseModel):
    _name = "res.partner.title"
    _description = "Partner Title"
    _order = "name"

    name = F.Char("Title", required=True, translate=True)
    shortcut = F.Char("Abbreviation", translate=True)


class ResCountry(BaseModel):
    _name = "res.country"
    _description = "Country"
    _order = "name"

    name = F.Char("Country Name", required=True, translate=True)
    code = F.Char("Country Code", size=2, required=True)
    currency_id = F.Many2one("res.currency", "Currency")
    phone_code = F.Integer("Country Calling Code")
    state_ids = F.One2many("res.country.state", "country_id", "States")
    vat_label = F.Char("Vat Label", translate=True)
    _sql_constraints = [
        ("name_uniq", 'UNIQUE ("name")', "The name of the country must be unique!"),
        ("code_uniq", 'UNIQUE ("code")', "The code of the country must be unique!"),
    ]


class ResCountryState(BaseModel):
    _name = "res.country.state"
    _description = "Country state"
    _order = "code"

    country_id = F.Many2one("res.country", "Country", required=True)
    name = F.Char("State Name", required=True)
    code = F.Char("State Code", required=True)


class ResCurrency(BaseModel):
    _name = "res.currency"
    _description = "Currency"
    _order = "active desc, name"

    name = F.Char("Currency", size=3, required=True)
    full_name = F.Char("Name")
    symbol = F.Char("Symbol", required=True)
    rounding = F.Float("Rounding Factor", digits=(12, 6), default=0.01)
    decimal_places = F.Integer("Decimal Places", compute="_compute_decimal_places")
    active = F.Boolean("Active", default=True)
    position = F.SelectionField(
        [("after", "After Amount"), ("before", "Before Amount")], "Symbol Position", default="after"
    )

    def _compute_decimal_places(self) -> dict[int, Any]:
        import math

        out = {}
        for row in self._read_rows(["rounding"]):
            rounding = row["rounding"]
            out[row["id"]] = int(math.ceil(math.log10(1 / rounding))) if 0 < rounding < 1 else 0
        return out


class ResLang(BaseModel):
    _name = "res.lang"
    _description = "Languages"
    _order = "active desc, name"

    name = F.Char("Name", required=True)
    code = F.Char("Locale Code", required=True)
    iso_code = F.Char("ISO code")
    active = F.Boolean("Active")
    direction = F.SelectionField(
        [("ltr", "Left-to-Right"), ("rtl", "Right-to-Left")], "Direction", default="ltr"
    )
    date_format = F.Char("Date Format", default="%m/%d/%Y")
    time_format = F.Char("Time Format", default="%H:%M:%S")


class ResCompany(BaseModel):
    _name = "res.company"
    _description = "Companies"
    _order = "sequence, name"
    _has_record_rules = True

    name = F.Char("Company Name", required=True)
    sequence = F.Integer("Sequence", default=10)
    parent_id = F.Many2one("res.company", "Parent Company", index=True)
    partner_id = F.Many2one("res.partner", "Partner", required=True)
    currency_id = F.Many2one(
        "res.currency",
        "Currency",
        required=True,
        default=lambda self: self.env.xmlid_id("base.USD"),
    )
    country_id = F.Many2one("res.country", "Country")
    email = F.Char("Email")
    phone = F.Char("Phone")
    vat = F.Char("Tax ID")
    street = F.Char("Street")
    city = F.Char("City")
    zip = F.Char("Zip")
    active = F.Boolean("Active", default=True)


class ResGroups(BaseModel):
    _name = "res.groups"
    _description = "Access Groups"
    _order = "name"

    name = F.Char("Name", required=True, translate=True)
    full_name = F.Char("Group Name")
    users = F.Many2many("res.users", "res_groups_users_rel", "gid", "uid", "Users", versions=V17_18)
    user_ids = F.Many2many("res.users", "res_groups_users_rel", "gid", "uid", "Users", versions=V19)
    comment = F.Text("Comment", translate=True)
    share = F.Boolean("Share Group")

    def _compute_display_name(self) -> dict[int, Any]:
        ids = list(self._ids)
        marks = ",".join("?" * len(ids))
        rows = self._sql(f'SELECT id, name, full_name FROM "res_groups" WHERE id IN ({marks})', ids)
        return {r[0]: r[2] or r[1] for r in rows}


class ResUsers(BaseModel):
    _name = "res.users"
    _description = "User"
    _order = "name, login"
    _has_record_rules = True
    _sql_constraints = [
        ("login_key", 'UNIQUE ("login")', "You can not have two users with the same login!"),
    ]

    name = F.Char("Name", required=True)
    login = F.Char("Login", required=True)
    password = F.Char("Password", copy=False)
    partner_id = F.Many2one("res.partner", "Related Partner", required=True, ondelete="restrict")
    email = F.Char("Email")
    signature = F.Html("Email Signature")
    active = F.Boolean("Active", default=True)
    share = F.Boolean("Share User", default=False)
    company_id = F.Many2one("res.company", "Company", required=True, default=_default_company)
    company_ids = F.Many2many(
        "res.company",
        "res_company_users_rel",
        "user_id",
        "cid",
        "Companies",
        default=lambda self: [_default_company(self)],
    )
    groups_id = F.Many2many(
        "res.groups", "res_groups_users_rel", "uid", "gid", "Groups", versions=V17_18
    )
    group_ids = F.Many2many(
        "res.groups", "res_groups_users_rel", "uid", "gid", "Groups", versions=V19
    )
    lang = F.SelectionField(_lang_selection, "Language", default=_default_lang)
    tz = F.SelectionField(_tz_selection, "Timezone")
    login_date = F.Datetime("Latest authentication", readonly=True)

    @rpc(model=True)
    def context_get(self) -> dict[str, Any]:
        rows = self._sql('SELECT lang, tz FROM "res_users" WHERE id = ?', (self.env.uid,))
        lang, tz = rows[0] if rows else ("en_US", None)
        return {"lang": lang or "en_US", "tz": tz or False, "uid": self.env.uid}

    def _read_rows(self, names: list[str], load: str = "_classic_read") -> list[dict]:
        rows = super()._read_rows(names, load)
        if "password" in names:  # never readable, as in Odoo
            for row in rows:
                row["password"] = ""
        return rows

    @rpc(create=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        prepared = []
        for vals in vals_list:
            vals = dict(vals)
            if not vals.get("partner_id"):
                partner = (
                    self.env["res.partner"]
                    .sudo()
                    .create(
                        {"name": vals.get("name") or vals.get("login"), "email": vals.get("email")}
                    )
                )
                vals["partner_id"] = partner.id
            prepared.append(vals)
        return super().create(prepared)


class ResUsersApikeys(BaseModel):
    _name = "res.users.apikeys"
    _description = "Users API Keys"
    _order = "id"
    _has_record_rules = True

    name = F.Char("Description", required=True, readonly=True)
    user_id = F.Many2one(
        "res.users", "User", index=True, required=True, readonly=True, ondelete="cascade"
    )
    scope = F.Char("Scope", readonly=True)
    key = F.Char("Key", readonly=True)
    expiration_date = F.Datetime("Expiration Date", versions=V18_19)


class IrModel(BaseModel):
    _name = "ir.model"
    _description = "Models"
    _order = "model"
    _rec_names_search = ["name", "model"]

    name = F.Char("Model Description", required=True, translate=True)
    model = F.Char("Model", required=True)
    order = F.Char("Order", default="id", required=True)
    info = F.Text("Information")
    field_id = F.One2many("ir.model.fields", "model_id", "Fields")
    state = F.SelectionField(
        [("manual", "Custom Object"), ("base", "Base Object")],
        "Type",
        default="manual",
        readonly=True,
    )
    transient = F.Boolean("Transient Model")
    modules = F.Char("In Apps", compute="_compute_modules")

    def _compute_modules(self) -> dict[int, Any]:
        return {i: "base" for i in self._ids}


class IrModelFields(BaseModel):
    _name = "ir.model.fields"
    _description = "Fields"
    _order = "name"
    _rec_name = "field_description"

    name = F.Char("Field Name", required=True, index=True)
    model = F.Char("Model Name", required=True, index=True)
    model_id = F.Many2one("ir.model", "Model", required=True, index=True, ondelete="cascade")
    relation = F.Char("Related Model")
    relation_field = F.Char("Relation Field")
    field_description = F.Char("Field Label", required=True, translate=True)
    help = F.Text("Field Help", translate=True)
    ttype = F.SelectionField(
        [
            (t, t)
            for t in (
                "binary",
                "boolean",
                "char",
                "date",
                "datetime",
                "float",
                "html",
                "integer",
                "many2many",
                "many2one",
                "many2one_reference",
                "monetary",
                "one2many",
                "properties",
                "reference",
                "selection",
                "text",
            )
        ],
        "Field Type",
        required=True,
    )
    required = F.Boolean("Required")
    readonly = F.Boolean("Readonly")
    store = F.Boolean("Stored", default=True)
    index = F.Boolean("Indexed")
    state = F.SelectionField(
        [("manual", "Custom Field"), ("base", "Base Field")],
        "Type",
        default="manual",
        required=True,
        readonly=True,
    )


class IrModelData(BaseModel):
    _name = "ir.model.data"
    _description = "Model Data"
    _order = "module, model, name"
    _rec_name = "name"
    _sql_constraints = [
        ("name_nospaces", "CHECK (name NOT LIKE '% %')", "External IDs cannot contain spaces"),
        ("module_name_uniq", 'UNIQUE ("module", "name")', ""),
    ]

    name = F.Char("External Identifier", required=True)
    complete_name = F.Char("Complete ID", compute="_compute_complete_name")
    model = F.Char("Model Name", required=True)
    module = F.Char("Module", required=True, default="")
    res_id = F.Integer("Record ID")
    noupdate = F.Boolean("Non Updatable", default=False)
    reference = F.Char("Reference", compute="_compute_reference")

    def _compute_complete_name(self) -> dict[int, Any]:
        return {r["id"]: f"{r['module']}.{r['name']}" for r in self._read_rows(["module", "name"])}

    def _compute_reference(self) -> dict[int, Any]:
        return {
            r["id"]: f"{r['model']},{r['res_id']}" for r in self._read_rows(["model", "res_id"])
        }

    def _integrity_error(self, exc: Any) -> Exception:
        text = str(exc)
        if "UNIQUE constraint failed" in text:
            return ValidationError(
                "The operation cannot be completed: duplicate key value violates unique "
                'constraint "ir_model_data_module_name_uniq_index"'
            )
        return super()._integrity_error(exc)

    @rpc(model=True)
    def check_object_reference(
        self, module: str, xml_id: str, raise_on_access_error: bool = False
    ) -> list[Any] | bool:
        rows = self._sql(
            'SELECT model, res_id FROM "ir_model_data" WHERE module = ? AND name = ?',
            (module, xml_id),
        )
        if not rows:
            raise ValueError(f"External ID not found in the system: {module}.{xml_id}")
        model, res_id = rows[0]
        return [model, res_id]

    @rpc(model=True)
    def xmlid_to_res_id(self, xmlid: str, raise_if_not_found: bool = False) -> int | bool:
        record = self.env.ref(xmlid, raise_if_not_found=raise_if_not_found)
        return record.id if record else False


class IrModelAccess(BaseModel):
    _name = "ir.model.access"
    _description = "Model Access"
    _order = "model_id,group_id,name,id"

    name = F.Char("Name", required=True, index=True)
    active = F.Boolean("Active", default=True)
    model_id = F.Many2one("ir.model", "Model", required=True, index=True, ondelete="cascade")
    group_id = F.Many2one("res.groups", "Group", ondelete="restrict", index=True)
    perm_read = F.Boolean("Read Access")
    perm_write = F.Boolean("Write Access")
    perm_create = F.Boolean("Create Access")
    perm_unlink = F.Boolean("Delete Access")


class IrCron(BaseModel):
    _name = "ir.cron"
    _description = "Scheduled Actions"
    _order = "cron_name"

    name = F.Char("Name", required=True)
    cron_name = F.Char("Cron Name", compute="_compute_cron_name", store=True, depends=("name",))
    model_id = F.Many2one("ir.model", "Model", ondelete="cascade")
    code = F.Text("Python Code")
    user_id = F.Many2one("res.users", "Scheduler User", default=_current_user, required=True)
    active = F.Boolean("Active", default=True)
    interval_number = F.Integer("Interval Number", default=1)
    interval_type = F.SelectionField(
        [
            ("minutes", "Minutes"),
            ("hours", "Hours"),
            ("days", "Days"),
            ("weeks", "Weeks"),
            ("months", "Months"),
        ],
        "Interval Unit",
        default="months",
    )
    nextcall = F.Datetime(
        "Next Execution Date", required=True, default=lambda self: self.env.now_string()
    )
    priority = F.Integer("Priority", default=5)

    def _compute_cron_name(self) -> dict[int, Any]:
        return {r["id"]: r["name"] for r in self._read_rows(["name"])}


MODELS: list[type[BaseModel]] = [
    ResPartner,
    ResPartnerCategory,
    ResPartnerIndustry,
    ResPartnerTitle,
    ResCountry,
    ResCountryState,
    ResCurrency,
    ResLang,
    ResCompany,
    ResGroups,
    ResUsers,
    ResUsersApikeys,
    IrModel,
    IrModelFields,
    IrModelData,
    IrModelAccess,
    IrCron,
]
