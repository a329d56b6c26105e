"""Odoo's ``product.product``: variants, their SKU (``default_code``), unique barcode,
names as Odoo builds them (``Name (S, Red)``) and archiving.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import ValidationError
from ..orm import fields as F
from ..orm.models import BaseModel, rpc


class ProductProduct(BaseModel):
    _name = "product.product"
    _description = "Product Variant"
    _order = "default_code, name, id"
    _rec_names_search = ["default_code", "product_tmpl_id"]

    product_tmpl_id = F.Many2one(
        "product.template", "Product Template", required=True, index=True, ondelete="cascade"
    )
    default_code = F.Char("Internal Reference", index=True)
    barcode = F.Char("Barcode", copy=False, index=True)
    active = F.Boolean("Active", default=True)
    product_template_attribute_value_ids = F.Many2many(
        "product.template.attribute.value",
        "product_variant_combination",
        "product_product_id",
        "product_template_attribute_value_id",
        "Attribute Values",
    )
    combination_indices = F.Char(
        "Combination Indices",
        compute="_compute_combination_indices",
        store=True,
        depends=("product_template_attribute_value_ids",),
    )
    price_extra = F.Float("Variant Price Extra", compute="_compute_price_extra")
    lst_price = F.Float(
        "Sales Price", compute="_compute_lst_price", inverse="_inverse_lst_price", digits=(16, 2)
    )

    @classmethod
    def _setup_class(cls, registry: Any) -> None:
        """Odoo's ``_inherits``: every template field the variant lacks reads through it."""
        super()._setup_class(registry)
        template = registry.models.get("product.template")
        if template is None:
            return
        from ..orm.registry import copy_field

        skip = {"id", "display_name", "create_uid", "create_date", "write_uid", "write_date"}
        for name, tfield in template._fields.items():
            if name in cls._fields or name in skip:
                continue
            field = copy_field(tfield)
            field.related = f"product_tmpl_id.{name}"
            field.model_name = cls._name
            field.store = False
            field.compute = None
            field.search = None
            field.extra = {k: v for k, v in field.extra.items() if k != "inverse"}
            cls._fields[name] = field
        cls._template_fields = frozenset(
            n
            for n, f in cls._fields.items()
            if f.related and f.related.startswith("product_tmpl_id.")
        ) - {"uom_name"}

    _template_fields: frozenset[str] = frozenset()

    def _compute_combination_indices(self) -> dict[int, Any]:
        out = {}
        for pid in self._ids:
            ids = sorted(
                r[0]
                for r in self._sql(
                    'SELECT product_template_attribute_value_id FROM "product_variant_combination"'
                    " WHERE product_product_id = ?",
                    (pid,),
                )
            )
            out[pid] = ",".join(map(str, ids))
        return out

    def _compute_price_extra(self) -> dict[int, Any]:
        out = {i: 0.0 for i in self._ids}
        if not self._ids:
            return out
        marks = ",".join("?" * len(self._ids))
        for pid, extra in self._sql(
            f'SELECT c.product_product_id, SUM(v.price_extra) FROM "product_variant_combination" c '
            f'JOIN "product_template_attribute_value" v ON v.id = '
            f"c.product_template_attribute_value_id WHERE c.product_product_id IN ({marks}) "
            f"GROUP BY c.product_product_id",
            list(self._ids),
        ):
            out[pid] = extra or 0.0
        return out

    def _compute_lst_price(self) -> dict[int, Any]:
        extras = self._compute_price_extra()
        prices = self._template_values(["list_price"])
        return {
            i: round(prices.get(i, {}).get("list_price", 0.0) + extras[i], 2) for i in self._ids
        }

    def _inverse_lst_price(self) -> None:
        pass

    def _template_values(self, columns: list[str]) -> dict[int, dict[str, Any]]:
        ids = list(self._ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        cols = ", ".join(f't."{c}"' for c in columns)
        rows = self._sql(
            f'SELECT p.id, {cols} FROM "product_product" p JOIN "product_template" t '
            f"ON t.id = p.product_tmpl_id WHERE p.id IN ({marks})",
            ids,
        )
        return {r[0]: dict(zip(columns, r[1:], strict=True)) for r in rows}

    def _variant_suffixes(self) -> dict[int, str]:
        ids = list(self._ids)
        out: dict[int, list[str]] = {i: [] for i in ids}
        marks = ",".join("?" * len(ids))
        for pid, name in self._sql(
            f'SELECT c.product_product_id, pav.name FROM "product_variant_combination" c '
            f'JOIN "product_template_attribute_value" v ON v.id = '
            f"c.product_template_attribute_value_id "
            f'JOIN "product_template_attribute_line" l ON l.id = v.attribute_line_id '
            f'JOIN "product_attribute_value" pav ON pav.id = v.product_attribute_value_id '
            f"WHERE c.product_product_id IN ({marks}) ORDER BY l.sequence, l.id",
            ids,
        ):
            out[pid].append(name)
        return {i: f" ({', '.join(v)})" if v else "" for i, v in out.items()}

    def _compute_display_name(self) -> dict[int, Any]:
        ids = list(self._ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._sql(
            f'SELECT p.id, p.default_code, t.name FROM "product_product" p '
            f'JOIN "product_template" t ON t.id = p.product_tmpl_id WHERE p.id IN ({marks})',
            ids,
        )
        suffixes = self._variant_suffixes()
        out = {}
        for pid, code, name in rows:
            label = f"{name or ''}{suffixes.get(pid, '')}"
            out[pid] = f"[{code}] {label}" if code else label
        return out

    def _split_vals(self, vals: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        vals = dict(vals)
        if "lst_price" in vals:
            vals.setdefault("list_price", vals.pop("lst_price"))
        tmpl_vals = {k: vals.pop(k) for k in list(vals) if k in self._template_fields}
        return vals, tmpl_vals

    @rpc(create=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        created = []
        for vals in vals_list:
            own, tmpl_vals = self._split_vals(vals)
            if not own.get("product_tmpl_id"):
                template = (
                    self.env["product.template"]
                    .with_context(create_product_product=False)
                    .create(tmpl_vals)
                )
                own["product_tmpl_id"] = template.id
            created.append(BaseModel.create(self, own).id)
        records = self.browse(created)
        records._check_barcode_unique()
        return records

    @rpc
    def write(self, vals: dict[str, Any]) -> bool:
        own, tmpl_vals = self._split_vals(vals)
        result = super().write(own)
        if tmpl_vals:
            tmpl_ids = {
                r["product_tmpl_id"] for r in self._read_rows(["product_tmpl_id"], "_classic_write")
            }
            self.env["product.template"].browse(sorted(tmpl_ids)).write(tmpl_vals)
        if "barcode" in own:
            self._check_barcode_unique()
        return result

    def _check_barcode_unique(self) -> None:
        rows = self._read_rows(["barcode"], "_classic_write")
        for barcode in {r["barcode"] for r in rows if r["barcode"]}:
            same = [
                r[0]
                for r in self._sql(
                    'SELECT id FROM "product_product" WHERE barcode = ? AND active = 1 ORDER BY id',
                    (barcode,),
                )
            ]
            if len(same) > 1:
                names = self.browse(same)._plain_names()
                listed = _join_names(self, names)
                raise ValidationError(
                    f'Barcode(s) already assigned:\n\n- Barcode "{barcode}" already assigned to '
                    f"product(s): {listed}\n\nNote: products that you don't have access to will "
                    "not be shown above."
                )

    def _plain_names(self) -> list[str]:
        ids = list(self._ids)
        marks = ",".join("?" * len(ids))
        rows = dict(
            self._sql(
                f'SELECT p.id, t.name FROM "product_product" p JOIN "product_template" t '
                f"ON t.id = p.product_tmpl_id WHERE p.id IN ({marks})",
                ids,
            )
        )
        return [rows[i] for i in ids if i in rows]


def _join_names(model: BaseModel, names: list[str]) -> str:
    if model.env.profile.major >= 18 and len(names) > 1:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return ", ".join(names)


def seed_data(env: Any, masterdata: dict[str, Any]) -> None:
    """Variants of the master data (the delivery product) get their template: the recorded
    values are the template's (name, type, price), kept under the variant's id."""
    templates = env["product.template"].sudo()
    for record in masterdata["records"].values():
        if record["model"] != "product.product":
            continue
        row = env.cr.execute(
            'SELECT product_tmpl_id FROM "product_product" WHERE id = ?', (record["id"],)
        ).fetchone()
        if row is None or row[0]:
            continue
        values = {
            k: v
            for k, v in record["values"].items()
            if k in templates._fields and k not in ("id", "default_code", "barcode")
        }
        if env.profile.major < 18 and values.get("type"):
            values.setdefault("detailed_type", values["type"])
        template = templates.with_context(create_product_product=False).create(values)
        env.cr.execute(
            'UPDATE "product_product" SET product_tmpl_id = ? WHERE id = ?',
            (template.id, record["id"]),
        )


MODELS: list[type[BaseModel]] = [ProductProduct]
