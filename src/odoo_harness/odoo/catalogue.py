"""The catalogue generator: a deterministic product catalogue with stock, at load-test scale.

A SPEC is either a compact size, ``VARIANTSxWAREHOUSES`` (``20000x4``), or a YAML file::

    variants: 20000            # product.product records
    warehouses: 4              # the default warehouse plus 3 more
    variants_per_template: 4   # one "Size" attribute with this many values
    partners: 50
    open_orders: 20            # confirmed sale orders: their deliveries reserve stock
    lines_per_order: 3
    out_of_stock: 0.1          # share of (variant, warehouse) pairs without stock
    max_quantity: 100
    seed: 0

Templates, attribute lines, variants, quants and partners are bulk-inserted (one
``executemany`` per table, not one ORM ``create`` per row); warehouses, the attribute and the
open orders go through the ORM, so they behave as Odoo's do. The same SPEC and seed give
the same catalogue.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import ConfigError
from ..yamlsource import not_utf8, not_yaml
from .orm import fields as F
from .orm.registry import Environment

if TYPE_CHECKING:
    from .sandbox import Sandbox

SIZE_NAMES = ("S", "M", "L", "XL", "XXL", "3XL", "4XL", "5XL")
_COMPACT = re.compile(r"^\s*(\d+)\s*x\s*(\d+)\s*$")


class CatalogueSpecError(ConfigError):
    """A SPEC that cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class CatalogueSpec:
    variants: int = 100
    warehouses: int = 1
    variants_per_template: int = 4
    partners: int = 20
    open_orders: int = 10
    lines_per_order: int = 3
    out_of_stock: float = 0.1
    max_quantity: int = 100
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("variants", "warehouses", "variants_per_template", "max_quantity"):
            if getattr(self, name) < 1:
                raise CatalogueSpecError(f"catalogue spec: {name} must be at least 1")
        for name in ("partners", "open_orders", "lines_per_order"):
            if getattr(self, name) < 0:
                raise CatalogueSpecError(f"catalogue spec: {name} cannot be negative")
        if not 0.0 <= self.out_of_stock <= 1.0:
            raise CatalogueSpecError("catalogue spec: out_of_stock is a share between 0 and 1")
        if self.open_orders and not self.partners:
            raise CatalogueSpecError("catalogue spec: open_orders need at least one partner")

    @property
    def templates(self) -> int:
        return math.ceil(self.variants / self.variants_per_template)


def parse_spec(text: str | Path) -> CatalogueSpec:
    """``"20000x4"`` or the path of a YAML spec file."""
    match = _COMPACT.match(str(text))
    if match:
        return CatalogueSpec(variants=int(match[1]), warehouses=int(match[2]))
    path = Path(text)
    try:
        content = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogueSpecError(
            f"{text}: not a size like 20000x4 and not a readable spec file ({exc.strerror})"
        ) from None
    except UnicodeDecodeError as exc:
        raise CatalogueSpecError(not_utf8(path, exc)) from None
    try:
        data = yaml.safe_load(content) or {}
    except yaml.YAMLError as exc:
        raise CatalogueSpecError(not_yaml(path, content, exc)) from None
    if not isinstance(data, dict):
        raise CatalogueSpecError(f"{path}: a catalogue spec is a mapping of keys to values")
    known = {f.name: f.type for f in fields(CatalogueSpec)}
    for key, value in data.items():
        if key not in known:
            raise CatalogueSpecError(
                f"{path}: unknown key {key!r}; the keys are {', '.join(sorted(known))}"
            )
        wanted = float if key == "out_of_stock" else int
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise CatalogueSpecError(f"{path}: key {key!r} must be a number, not {value!r}")
        if wanted is int and not float(value).is_integer():
            raise CatalogueSpecError(f"{path}: key {key!r} must be a whole number")
    try:
        return CatalogueSpec(
            **{k: (float(v) if k == "out_of_stock" else int(v)) for k, v in data.items()}
        )
    except CatalogueSpecError as exc:
        raise CatalogueSpecError(f"{path}: {exc}") from None


@dataclass(frozen=True)
class CatalogueSummary:
    """What was seeded: counts per model and the records a test starts from."""

    spec: CatalogueSpec
    templates: int
    variants: int
    warehouses: list[int]
    quants: int
    partners: int
    orders: int
    first_variant_id: int

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "spec": asdict(self.spec)}


def seed_catalogue(sandbox: Sandbox, spec: CatalogueSpec) -> CatalogueSummary:
    """Seed ``spec`` into ``sandbox`` in one transaction."""
    with sandbox.lock:
        env = sandbox._env(sandbox.admin_uid, sandbox.user_context(sandbox.admin_uid), su=True)
        env.cr.execute("BEGIN")
        try:
            summary = CatalogueBuilder(env, spec).build()
        except BaseException:
            env.cr.execute("ROLLBACK")
            raise
        env.cr.execute("COMMIT")
        sandbox.committed()
        return summary


class CatalogueBuilder:
    """Builds one catalogue in an open transaction (superuser environment)."""

    def __init__(self, env: Environment, spec: CatalogueSpec) -> None:
        self.env = env
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.now = env.now_string()

    def build(self) -> CatalogueSummary:
        warehouses = self._warehouses()
        values = self._attribute_values()
        templates = self._templates()
        variants = self._variants(templates, values)
        stocked, quants = self._quants(variants, warehouses)
        partners = self._partners()
        orders = self._orders(stocked, partners)
        return CatalogueSummary(
            spec=self.spec,
            templates=len(templates),
            variants=len(variants),
            warehouses=warehouses,
            quants=quants,
            partners=len(partners),
            orders=orders,
            first_variant_id=variants[0] if variants else 0,
        )

    # -- bulk insert ---------------------------------------------------------------------
    def _bulk(self, model_name: str, rows: list[dict[str, Any]]) -> list[int]:
        """Insert ``rows`` with consecutive new ids; unspecified stored fields get their
        defaults (computed once)."""
        if not rows:
            return []
        model = self.env[model_name]
        sample = model._add_missing_defaults(dict(rows[0]))
        defaults: dict[str, Any] = {}
        for name, value in sample.items():
            field = model._fields[name]
            if name in rows[0] or not field.column:
                continue
            defaults[name] = (
                value if isinstance(field, F.Many2one) else field.to_column(value, model)
            )
            if isinstance(defaults[name], list):
                defaults[name] = defaults[name][0] if defaults[name] else None
        if model._log_access:
            defaults.update(
                create_uid=self.env.uid,
                write_uid=self.env.uid,
                create_date=self.now,
                write_date=self.now,
            )
        columns = ["id", *defaults, *rows[0]]
        start = int(
            self.env.cr.execute(
                f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._table}"'
            ).fetchone()[0]
        )
        ids = list(range(start, start + len(rows)))
        fixed = [defaults[c] for c in defaults]
        quoted = ", ".join(f'"{c}"' for c in columns)
        self.env.cr.executemany(
            f'INSERT INTO "{model._table}" ({quoted}) VALUES ({", ".join("?" * len(columns))})',
            ([new_id, *fixed, *row.values()] for new_id, row in zip(ids, rows, strict=True)),
        )
        return ids

    def _link(self, relation: str, columns: tuple[str, str], pairs: list[tuple[int, int]]) -> None:
        self.env.cr.executemany(
            f'INSERT OR IGNORE INTO "{relation}" ("{columns[0]}", "{columns[1]}") VALUES (?, ?)',
            pairs,
        )

    # -- parts ---------------------------------------------------------------------------
    def _warehouses(self) -> list[int]:
        main = self.env.xmlid_id("stock.warehouse0")
        existing = self.env["stock.warehouse"]._search([], order="id")
        ids = [main] if main else existing[:1]
        model = self.env["stock.warehouse"]
        for index in range(len(ids) + 1, self.spec.warehouses + 1):
            ids.append(model.create({"name": f"Warehouse {index}", "code": f"WH{index}"}).id)
        return ids

    def _attribute_values(self) -> list[int]:
        count = self.spec.variants_per_template
        if count == 1:
            return []
        names = [SIZE_NAMES[i] if i < len(SIZE_NAMES) else f"Size {i + 1}" for i in range(count)]
        attribute = self.env["product.attribute"].create(
            {
                "name": "Size",
                "value_ids": [(0, 0, {"name": n, "sequence": i}) for i, n in enumerate(names)],
            }
        )
        return list(attribute["value_ids"])

    def _templates(self) -> list[int]:
        major = self.env.profile.major
        storable = (
            {"is_storable": 1} if major >= 18 else {"type": "product", "detailed_type": "product"}
        )
        rows = []
        for index in range(1, self.spec.templates + 1):
            price = round(self.rng.uniform(5, 500), 2)
            rows.append(
                {
                    "name": f"Catalogue Product {index:06d}",
                    "list_price": price,
                    "standard_price": round(price * 0.6, 2),
                    **storable,
                }
            )
        ids = self._bulk("product.template", rows)
        taxes = self.env["product.template"]._fields["taxes_id"]
        tax = self.env.xmlid_id("account.default_sale_tax")
        if tax:
            self._link(
                taxes.relation,
                (taxes.column1, taxes.column2),  # type: ignore[attr-defined]
                [(t, tax) for t in ids],
            )
        return ids

    def _variants(self, templates: list[int], values: list[int]) -> list[int]:
        spec = self.spec
        per = spec.variants_per_template if values else 1
        attribute = None
        if values:
            attribute = self.env["product.attribute.value"].browse(values[0])["attribute_id"]
        counts = [per] * len(templates)
        counts[-1] = spec.variants - per * (len(templates) - 1)
        ptav_of: list[list[int]] = []
        if values:
            lines = self._bulk(
                "product.template.attribute.line",
                [
                    {"product_tmpl_id": t, "attribute_id": attribute, "sequence": 10}
                    for t in templates
                ],
            )
            line_field = self.env["product.template.attribute.line"]._fields["value_ids"]
            self._link(
                line_field.relation,  # type: ignore[attr-defined]
                (line_field.column1, line_field.column2),  # type: ignore[attr-defined]
                [(line, v) for line, n in zip(lines, counts, strict=True) for v in values[:n]],
            )
            ptav_rows = [
                {
                    "product_attribute_value_id": v,
                    "attribute_line_id": line,
                    "product_tmpl_id": t,
                    "attribute_id": attribute,
                }
                for t, line, n in zip(templates, lines, counts, strict=True)
                for v in values[:n]
            ]
            ptav_ids = iter(self._bulk("product.template.attribute.value", ptav_rows))
            ptav_of = [[next(ptav_ids) for _ in range(n)] for n in counts]
        rows = []
        combos: list[int | None] = []
        sku = 0
        for position, (template, n) in enumerate(zip(templates, counts, strict=True)):
            for k in range(n):
                sku += 1
                ptav = ptav_of[position][k] if values else None
                combos.append(ptav)
                rows.append(
                    {
                        "product_tmpl_id": template,
                        "default_code": f"SKU-{sku:06d}",
                        "barcode": f"20{self.spec.seed % 1000:03d}{sku:08d}",
                        "combination_indices": str(ptav) if ptav else "",
                    }
                )
        ids = self._bulk("product.product", rows)
        combination = self.env["product.product"]._fields["product_template_attribute_value_ids"]
        self._link(
            combination.relation,  # type: ignore[attr-defined]
            (combination.column1, combination.column2),  # type: ignore[attr-defined]
            [(pid, c) for pid, c in zip(ids, combos, strict=True) if c],
        )
        return ids

    def _quants(self, variants: list[int], warehouses: list[int]) -> tuple[list[int], int]:
        stock = dict(
            self.env.cr.execute(
                f'SELECT id, lot_stock_id FROM "stock_warehouse" WHERE id IN '
                f"({','.join('?' * len(warehouses))})",
                warehouses,
            ).fetchall()
        )
        rows = []
        stocked: set[int] = set()
        company = self.env["res.company"]._search([], limit=1)[0]
        for pid in variants:
            for wh in warehouses:
                if self.rng.random() < self.spec.out_of_stock:
                    continue
                rows.append(
                    {
                        "product_id": pid,
                        "location_id": stock[wh],
                        "quantity": float(self.rng.randint(1, self.spec.max_quantity)),
                        "reserved_quantity": 0.0,
                        "in_date": self.now,
                        "company_id": company,
                    }
                )
                stocked.add(pid)
        self._bulk("stock.quant", rows)
        return sorted(stocked), len(rows)

    def _partners(self) -> list[int]:
        rows = []
        for index in range(1, self.spec.partners + 1):
            name = f"Catalogue Customer {index:05d}"
            rows.append(
                {
                    "name": name,
                    "complete_name": name,
                    "is_company": 1,
                    "email": f"customer{index:05d}@example.com",
                    "type": "contact",
                    "active": 1,
                }
            )
        ids = self._bulk("res.partner", rows)
        self.env.cr.executemany(
            'UPDATE "res_partner" SET commercial_partner_id = id, commercial_company_name = name '
            "WHERE id = ?",
            [(i,) for i in ids],
        )
        return ids

    def _orders(self, stocked: list[int], partners: list[int]) -> int:
        if not stocked or not partners:
            return 0
        orders = self.env["sale.order"]
        count = 0
        for _ in range(self.spec.open_orders):
            lines = [
                (
                    0,
                    0,
                    {
                        "product_id": self.rng.choice(stocked),
                        "product_uom_qty": float(self.rng.randint(1, 3)),
                    },
                )
                for _ in range(self.spec.lines_per_order)
            ]
            order = orders.create({"partner_id": self.rng.choice(partners), "order_line": lines})
            order.action_confirm()
            count += 1
        return count


__all__ = [
    "CatalogueSpec",
    "CatalogueSpecError",
    "CatalogueSummary",
    "parse_spec",
    "seed_catalogue",
]
