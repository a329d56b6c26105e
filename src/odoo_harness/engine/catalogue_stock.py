"""The ``catalogue_stock`` flow: products, variants and stock per location go from Odoo to
the shop, only what changed since the last run (plan ``contracts/flows/catalogue_stock.yaml``,
ownership ``contracts/ownership/products.yaml``: Odoo owns SKU, name, price, stock).

``StockPoller`` reads the ``stock.quant`` (at the mapped locations) and ``product.product``
records whose ``write_date`` is at or after the watermark, and enqueues one ``push`` job per
``batch_size`` products with the new watermark, in one store transaction (the outbox: a
crash in between loses nothing). A job's identity key is a digest of its products and
their change times, so re-reading the watermark's own second enqueues nothing new.

A ``push`` job: read the products and their quants (two Odoo calls), match each product's
``default_code`` to a shop variant's ``sku`` (an index of the shop's variants kept in the
store, refreshed from ``GET /products.json`` when a SKU is missing), and send the
available quantity (on hand minus reserved, never below 0) per mapped location with the
absolute ``inventory_levels/set``, never ``adjust``: a retried ``set`` cannot move stock
twice. What was last sent per (item, location) is remembered (table ``shop_stock_sent``),
so an unchanged level is not sent again. Prices (``lst_price``) are sent with
``PUT /variants`` when they differ from the shop's. A level the shop refuses (an
untracked item, a location where it is not stocked) does not stop the others; the job then
fails with the plan's notice on the product.

A product whose SKU the shop lacks is created there (the plan's ``origin: odoo``): one
shop product per Odoo ``product.template`` with its variants by SKU (Shopify's model is a
product with variants, as Odoo's is a template with variants), sending only what Odoo
owns (name as title, SKU, price) plus stock tracking on. Its stock is then set in the same
job. Create-or-find: before creating, the shop's variant index is rebuilt (once per job),
so a retry after an answer lost *after* the shop created the product finds it instead of
creating a second one (the shop does not check SKUs). The result is bound
(``Binder``: shop product id <-> ``product.template``, variant id <-> ``product.product``,
mirrored as Odoo external ids). A new variant of a template already in the shop (bound,
or one of its SKUs there) is added to that product (``POST /products/{id}/variants.json``,
with the same look-up first), bound, and its stock set; a 422 (a repeated option, 100
variants) fails that record like a refused level. Not created, and reported in
``StockPushed.not_in_shop``: products Odoo does not sell (``sale_ok`` false), services and
combos (no stock to keep; e.g. Odoo's delivery product), archived ones, and new variants
the shop product cannot take (it has a single ``Default Title`` variant, or nothing tells
the new one apart), with the reason in ``StockPushed.reasons``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ..journal import Journal
from .binder import Binder
from .bugs import DEFECTS
from .errors import PermanentError
from .jobs import Job, JobStore
from .odoo_adapter import OdooAdapter
from .shop_adapter import ShopAdapter
from .worker import JobContext

FLOW = "catalogue_stock"
SYSTEM = "engine"
SCHEMA = """
CREATE TABLE IF NOT EXISTS shop_variants (
    sku TEXT PRIMARY KEY,
    variant_id INTEGER NOT NULL,
    inventory_item_id INTEGER NOT NULL,
    price TEXT
);
CREATE TABLE IF NOT EXISTS shop_stock_sent (
    inventory_item_id INTEGER NOT NULL,
    location_id INTEGER NOT NULL,
    available INTEGER NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (inventory_item_id, location_id)
);
"""


@dataclass
class StockPollReport:
    seen: int = 0
    products: int = 0
    enqueued: int = 0
    watermark: str | None = None


class StockPoller:
    """Changes in Odoo since the watermark -> ``push`` jobs of ``batch_size`` products.

    ``locations`` maps Odoo ``stock.location`` ids to shop location ids (quants exactly at
    those locations are counted)."""

    def __init__(
        self,
        odoo: OdooAdapter,
        store: JobStore,
        locations: Mapping[int, int],
        *,
        batch_size: int = 250,
        page: int = 20000,
        name: str = "catalogue_stock:write_date",
    ) -> None:
        self.odoo = odoo
        self.store = store
        self.locations = dict(locations)
        self.batch_size = batch_size
        self.page = page
        self.name = name

    def poll(self) -> StockPollReport:
        watermark = self.store.watermark(self.name)
        since = [("write_date", ">=", watermark)] if watermark else []
        already = set(json.loads(self.store.watermark(self.name + ":seen") or "[]"))
        changed: dict[int, str] = {}
        stamps: dict[str, str] = {}
        seen = 0
        for model, domain, product_field in (
            ("stock.quant", [("location_id", "in", list(self.locations))], "product_id"),
            ("product.product", [("default_code", "!=", False)], "id"),
        ):
            for row in self._read(model, domain + since, product_field):
                seen += 1
                record = f"{model}:{row['id']}"
                stamps[record] = str(row["write_date"])
                if stamps[record] == watermark and record in already:
                    continue  # read again for the watermark's own second: already queued
                pid = row[product_field]
                pid = int(pid[0] if isinstance(pid, list) else pid)
                stamp = str(row["write_date"])
                changed[pid] = max(changed.get(pid, ""), stamp)
        report = StockPollReport(seen=seen, products=len(changed), watermark=watermark)
        if not changed:
            return report
        ids = sorted(changed)
        with self.store.transaction():
            for start in range(0, len(ids), self.batch_size):
                chunk = ids[start : start + self.batch_size]
                digest = hashlib.sha256(
                    json.dumps([[i, changed[i]] for i in chunk]).encode()
                ).hexdigest()[:32]
                _, created = self.store.enqueue(
                    FLOW,
                    f"{FLOW}:push:{digest}",
                    {"action": "push", "product_ids": chunk, "name": f"{len(chunk)} products"},
                )
                report.enqueued += created
            report.watermark = max(stamps.values())
            self.store.set_watermark(self.name, report.watermark)
            at_mark = sorted(r for r, w in stamps.items() if w == report.watermark)
            self.store.set_watermark(self.name + ":seen", json.dumps(at_mark))
        return report

    def _read(self, model: str, domain: list[Any], product_field: str) -> Iterable[dict[str, Any]]:
        offset = 0
        fields = sorted({"write_date", product_field})
        while True:
            rows = self.odoo.search_read(
                model, domain, fields, limit=self.page, offset=offset, order="id asc"
            )
            yield from rows
            if len(rows) < self.page:
                return
            offset += self.page


@dataclass(frozen=True)
class Refusal:
    """A record the shop refused (a 4xx): its SKU, the error and the template it shows on."""

    sku: str
    error: PermanentError
    template_id: int
    name: str


@dataclass
class PushReport:
    sent: int = 0
    unchanged: int = 0
    prices: int = 0
    created: list[str] = field(default_factory=list)
    not_in_shop: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # SKU -> why it is not in the shop
    refusals: list[Refusal] = field(default_factory=list)  # new variants the shop refused


class CatalogueStockFlow:
    """``worker.register("catalogue_stock", flow)``: a handler ``(job, context) -> None``."""

    def __init__(
        self,
        odoo: OdooAdapter,
        shop: ShopAdapter,
        store: JobStore,
        locations: Mapping[int, int],
        *,
        journal: Journal | None = None,
        sync_prices: bool = True,
        refresh_every: timedelta = timedelta(minutes=15),
        create_missing: bool = True,
        create_or_find: bool = True,
    ) -> None:
        self.odoo = odoo
        self.shop = shop
        self.store = store
        self.locations = dict(locations)
        self.journal = journal if journal is not None else odoo.journal
        self.sync_prices = sync_prices
        self.refresh_every = refresh_every
        self._refreshed_at: Any = None
        self.create_missing = create_missing
        # the deliberate bug create_without_lookup turns the look-up off (engine/bugs.py)
        self.create_or_find = create_or_find and not DEFECTS.create_without_lookup
        self.templates = Binder(odoo, store, system="shop", model="product.template")
        self._product_of: dict[int, int] = {}  # variant id -> product id, seen this process
        self.products = Binder(odoo, store, system="shop", model="product.product")
        store.add_schema(SCHEMA)

    def __call__(self, job: Job, context: JobContext) -> None:
        if job.payload.get("action") != "push":
            raise PermanentError(f"catalogue_stock: unknown action {job.payload.get('action')!r}")
        report = self.push([int(i) for i in job.payload["product_ids"]], context)
        self.journal.record(
            "StockPushed",
            SYSTEM,
            {
                "job_id": job.id,
                "flow": FLOW,
                "sent": report.sent,
                "unchanged": report.unchanged,
                "prices": report.prices,
                "created": len(report.created),
                "not_in_shop": len(report.not_in_shop),
                **({"reasons": dict(report.reasons)} if report.reasons else {}),
            },
            correlation_id=f"job-{job.id}",
        )

    # -- the push -------------------------------------------------------------------------
    def push(self, product_ids: Sequence[int], context: JobContext | None = None) -> PushReport:
        report = PushReport()
        products = self.odoo.read(
            "product.product",
            list(product_ids),
            [*PRODUCT_FIELDS, "active"],
        )
        quants = self.odoo.search_read(
            "stock.quant",
            [("product_id", "in", list(product_ids)), ("location_id", "in", list(self.locations))],
            ["product_id", "location_id", "quantity", "reserved_quantity"],
        )
        free: dict[tuple[int, int], float] = {}
        for q in quants:
            key = (_id(q["product_id"]), _id(q["location_id"]))
            free[key] = free.get(key, 0.0) + q["quantity"] - q["reserved_quantity"]
        skus = [str(p["default_code"]) for p in products if p.get("default_code")]
        before = self._refreshed_at
        index = self.variants(skus)
        if self.create_missing and any(s not in index for s in skus):
            fresh = self._refreshed_at is not before
            index.update(self.create_products(products, index, report, context, fresh=fresh))
        sent = self._sent({index[s][1] for s in skus if s in index})
        levels: list[tuple[int, int, int]] = []
        owner: dict[int, dict[str, Any]] = {}
        for product in products:
            sku = str(product.get("default_code") or "")
            if sku not in index:
                report.not_in_shop.append(sku)
                continue
            variant_id, item_id, price = index[sku]
            owner[item_id] = product
            for odoo_loc, shop_loc in self.locations.items():
                available = max(0, int(free.get((product["id"], odoo_loc), 0.0)))
                if sent.get((item_id, shop_loc)) == available:
                    report.unchanged += 1
                    continue
                levels.append((item_id, shop_loc, available))
            if self.sync_prices and _price_differs(price, product.get("lst_price")):
                updated = self.shop.update_variant(variant_id, {"price": _money(product)})
                self._remember_variant(sku, updated)
                report.prices += 1
        done, refused = self.shop.set_levels(levels)
        now = self.store.clock.now().isoformat()
        with self.store.transaction():
            for level in done:
                self.store.execute(
                    "INSERT INTO shop_stock_sent (inventory_item_id, location_id, available, "
                    "sent_at) VALUES (?, ?, ?, ?) ON CONFLICT (inventory_item_id, location_id) "
                    "DO UPDATE SET available = excluded.available, sent_at = excluded.sent_at",
                    (level["inventory_item_id"], level["location_id"], level["available"], now),
                )
        report.sent = len(done)
        levels_refused = [
            Refusal(
                str(owner[item_id]["default_code"]),
                error,
                _id(owner[item_id]["product_tmpl_id"]),
                str(owner[item_id].get("display_name") or owner[item_id]["default_code"]),
            )
            for (item_id, _, _), error in refused
        ]
        if report.refusals or levels_refused:
            raise _refused(report, levels_refused, context)
        return report

    # -- products the shop lacks ----------------------------------------------------------
    def create_products(
        self,
        products: Sequence[Mapping[str, Any]],
        index: Mapping[str, tuple[int, int, str | None]],
        report: PushReport,
        context: JobContext | None = None,
        *,
        fresh: bool = False,
    ) -> dict[str, tuple[int, int, str | None]]:
        """Create in the shop the templates of ``products`` whose SKUs it lacks (looked up
        first unless ``fresh``); the new variants' index entries by SKU."""
        wanted = [
            p
            for p in products
            if p.get("default_code")
            and str(p["default_code"]) not in index
            and p.get("sale_ok", True)
            and p.get("active", True)
            and p.get("type") not in NOT_GOODS
        ]
        if not wanted:
            return {}
        found: dict[str, tuple[int, int, str | None]] = {}
        if self.create_or_find and not fresh:
            self.refresh_index()  # the look-up: a product created by a lost answer is found
            found = self._index(sorted({str(p["default_code"]) for p in wanted}))
            for product in wanted:  # found after all (e.g. created by a lost answer): bind
                if (sku := str(product["default_code"])) in found:
                    self.products.bind(str(found[sku][0]), int(product["id"]))
                    self._bind_template(_id(product["product_tmpl_id"]), found[sku][0])
            wanted = [p for p in wanted if str(p["default_code"]) not in found]
        templates = sorted({_id(p["product_tmpl_id"]) for p in wanted})
        in_shop: dict[int, int] = {}  # template -> its shop product: new variants go there
        for template_id in templates:
            if (external := self.templates.to_external(template_id)) is not None:
                in_shop[template_id] = int(external)
        templates = [t for t in templates if t not in in_shop]
        if templates:
            found.update(self._create_templates(templates, report, context, in_shop))
        if in_shop:
            adding = [p for p in wanted if _id(p["product_tmpl_id"]) in in_shop]
            found.update(self.add_variants(adding, in_shop, report, context))
        return found

    def _create_templates(
        self,
        templates: Sequence[int],
        report: PushReport,
        context: JobContext | None,
        in_shop: dict[int, int],
    ) -> dict[str, tuple[int, int, str | None]]:
        """One shop product per template with its variants; a template one of whose SKUs
        the shop has already is not created but goes into ``in_shop`` when its product is
        known."""
        found: dict[str, tuple[int, int, str | None]] = {}
        siblings = self.odoo.search_read(
            "product.product",
            [
                ("product_tmpl_id", "in", templates),
                ("default_code", "!=", False),
                ("sale_ok", "=", True),
                ("type", "not in", list(NOT_GOODS)),
            ],
            PRODUCT_FIELDS,
            order="id asc",
        )
        known = self._index(sorted({str(p["default_code"]) for p in siblings}))
        by_template: dict[int, list[Mapping[str, Any]]] = {}
        for product in siblings:
            by_template.setdefault(_id(product["product_tmpl_id"]), []).append(product)
        for template_id, variants in list(by_template.items()):
            there = [known[s][0] for p in variants if (s := str(p["default_code"])) in known]
            if there:
                del by_template[template_id]  # in the shop already: not a second product
                if self._bind_template(template_id, there[0]):
                    in_shop[template_id] = int(str(self.templates.to_external(template_id)))
        new_templates: dict[str, int] = {}
        new_variants: dict[str, int] = {}
        try:
            for template_id, variants in sorted(by_template.items()):
                try:
                    created = self.shop.create_product(_new_product(variants))
                except PermanentError:
                    if context is not None:
                        context.affects(
                            "product.template", template_id, str(variants[0].get("name") or "")
                        )
                    raise
                new_templates[str(created["id"])] = template_id
                by_sku = {str(p["default_code"]): int(p["id"]) for p in variants}
                with self.store.transaction():
                    for variant in created["variants"]:
                        sku = str(variant["sku"])
                        self._remember_variant(sku, variant)
                        new_variants[str(variant["id"])] = by_sku[sku]
                        found[sku] = _index_entry(variant)
                        report.created.append(sku)
        finally:  # what was created is bound even when a later create fails
            self.templates.bind_new(new_templates)
            self.products.bind_new(new_variants)
        return found

    def add_variants(
        self,
        products: Sequence[Mapping[str, Any]],
        in_shop: Mapping[int, int],
        report: PushReport,
        context: JobContext | None = None,
    ) -> dict[str, tuple[int, int, str | None]]:
        """Add ``products`` (new variants of templates whose shop product is ``in_shop``)
        to that product, one ``POST /products/{id}/variants.json`` each; the new index
        entries by SKU. A refusal (a 422: a repeated option, 100 variants) goes to
        ``report.refusals`` and the others go on; a variant the product cannot take gets a
        reason in ``report.reasons``."""
        by_template: dict[int, list[Mapping[str, Any]]] = {}
        for product in products:
            by_template.setdefault(_id(product["product_tmpl_id"]), []).append(product)
        found: dict[str, tuple[int, int, str | None]] = {}
        new_variants: dict[str, int] = {}
        try:
            for template_id, variants in sorted(by_template.items()):
                product_id = in_shop[template_id]
                options = _options(self.shop.product(product_id), variants, report.reasons)
                for product in variants:
                    sku = str(product["default_code"])
                    if sku not in options:
                        continue
                    body = {
                        "option1": options[sku],
                        "sku": sku,
                        "price": _money(product),
                        "inventory_management": "shopify",
                    }
                    try:
                        variant = self.shop.create_variant(product_id, body)
                    except PermanentError as error:
                        name = str(product.get("display_name") or sku)
                        report.refusals.append(Refusal(sku, error, template_id, name))
                        continue
                    with self.store.transaction():
                        self._remember_variant(sku, variant)
                    self._product_of[int(variant["id"])] = product_id
                    new_variants[str(variant["id"])] = int(product["id"])
                    found[sku] = _index_entry(variant)
                    report.created.append(sku)
        finally:  # what was added is bound even when a later call fails
            self.products.bind_new(new_variants)
        return found

    def _bind_template(self, template_id: int, variant_id: int) -> bool:
        """Bind an unbound template to the shop product of one of its variants (known from
        this process's index rebuilds); whether the template is bound now."""
        if self.templates.to_external(template_id) is not None:
            return True
        product_id = self._product_of.get(int(variant_id))
        if product_id is None:
            return False
        self.templates.bind(str(product_id), template_id)
        return True

    # -- the shop's variants by SKU -------------------------------------------------------
    def variants(self, skus: Iterable[str]) -> dict[str, tuple[int, int, str | None]]:
        """(variant id, inventory item id, price) by SKU, from the local index; the index
        is rebuilt from the shop when a SKU is missing (at most every ``refresh_every``)."""
        wanted = sorted(set(skus))
        found = self._index(wanted)
        missing = [s for s in wanted if s not in found]
        now = self.store.clock.now()
        if missing and (
            self._refreshed_at is None or now - self._refreshed_at >= self.refresh_every
        ):
            self.refresh_index()
            found = self._index(wanted)
        return found

    def refresh_index(self) -> int:
        """Walk every product of the shop (pages of 250) and index its variants by SKU."""
        variants = [v for v in self.shop.variants() if v.get("sku")]
        with self.store.transaction():
            for variant in variants:
                self._remember_variant(str(variant["sku"]), variant)
        self._product_of.update({int(v["id"]): int(v["product_id"]) for v in variants})
        self._refreshed_at = self.store.clock.now()
        return len(variants)

    def _remember_variant(self, sku: str, variant: Mapping[str, Any]) -> None:
        self.store.execute(
            "INSERT INTO shop_variants (sku, variant_id, inventory_item_id, price) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (sku) DO UPDATE SET variant_id = "
            "excluded.variant_id, inventory_item_id = excluded.inventory_item_id, "
            "price = excluded.price",
            (sku, *_index_entry(variant)),
        )

    def _index(self, skus: Sequence[str]) -> dict[str, tuple[int, int, str | None]]:
        out: dict[str, tuple[int, int, str | None]] = {}
        for start in range(0, len(skus), 500):
            chunk = skus[start : start + 500]
            rows = self.store.execute(
                "SELECT sku, variant_id, inventory_item_id, price FROM shop_variants "
                f"WHERE sku IN ({','.join('?' * len(chunk))})",
                tuple(chunk),
            )
            out.update({r[0]: (int(r[1]), int(r[2]), r[3]) for r in rows})
        return out

    def _sent(self, item_ids: Iterable[int]) -> dict[tuple[int, int], int]:
        items = sorted(item_ids)
        out: dict[tuple[int, int], int] = {}
        for start in range(0, len(items), 500):
            chunk = items[start : start + 500]
            rows = self.store.execute(
                "SELECT inventory_item_id, location_id, available FROM shop_stock_sent "
                f"WHERE inventory_item_id IN ({','.join('?' * len(chunk))})",
                tuple(chunk),
            )
            out.update({(int(r[0]), int(r[1])): int(r[2]) for r in rows})
        return out


PRODUCT_FIELDS = [
    "default_code",
    "lst_price",
    "product_tmpl_id",
    "display_name",
    "name",
    "sale_ok",
    "type",
]
NOT_GOODS = ("service", "combo")  # nothing to stock: never created in the shop


def _new_product(variants: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The shop product of one template: only what Odoo owns (name, SKU, price) and stock
    tracking. Variants are told apart by their attribute values (the part of Odoo's
    display name in parentheses), or by SKU when those are missing or repeat."""
    name = str(variants[0].get("name") or variants[0]["default_code"])
    body: dict[str, Any] = {"title": name, "status": "active", "variants": []}
    options = [_option(p) for p in variants]
    if len(variants) > 1 and (None in options or len(set(options)) < len(options)):
        options = [str(p["default_code"]) for p in variants]
    for product, option in zip(variants, options, strict=True):
        variant = {
            "sku": str(product["default_code"]),
            "price": _money(product),
            "inventory_management": "shopify",
        }
        if len(variants) > 1:
            variant["option1"] = option
        body["variants"].append(variant)
    return body


def _index_entry(variant: Mapping[str, Any]) -> tuple[int, int, str | None]:
    """A shop variant as the SKU index holds it: (variant id, inventory item id, price)."""
    return int(variant["id"]), int(variant["inventory_item_id"]), variant.get("price")


def _options(
    shop_product: Mapping[str, Any] | None,
    variants: Sequence[Mapping[str, Any]],
    reasons: dict[str, str],
) -> dict[str, str]:
    """``option1`` by SKU for new variants of ``shop_product``, told apart as
    ``_new_product`` does: by SKU when the product's variants are (each titled with its
    SKU), else by attribute values. A variant the product cannot take gets a reason."""
    skus = [str(p["default_code"]) for p in variants]
    existing = list((shop_product or {}).get("variants") or [])
    reason = None
    if shop_product is None:
        reason = "its template's shop product no longer exists"
    elif [v["title"] for v in existing] == ["Default Title"]:
        reason = "its shop product has one variant and no option to tell a second one apart"
    if reason is not None:
        reasons.update(dict.fromkeys(skus, reason))
        return {}
    by_sku = bool(existing) and all(v["title"] == v["sku"] for v in existing)
    out: dict[str, str] = {}
    for sku, product in zip(skus, variants, strict=True):
        option = sku if by_sku else _option(product)
        if option is None:
            reasons[sku] = "it has no attribute values to tell it apart from the shop's variants"
        else:
            out[sku] = option
    return out


def _refused(
    report: PushReport, levels: Sequence[Refusal], context: JobContext | None
) -> PermanentError:
    """The job's failure for what the shop refused (new variants, then stock levels),
    shown on the first refused record's template."""
    refusals = [*report.refusals, *levels]
    report.refused = [r.sku for r in refusals]
    first = refusals[0]
    if context is not None:
        context.affects("product.template", first.template_id, first.name)
    what = [
        f"{n} {label}"
        for n, label in ((len(report.refusals), "new variant(s)"), (len(levels), "stock level(s)"))
        if n
    ]
    return PermanentError(
        f"the shop refused {' and '.join(what)} ({', '.join(report.refused[:5])}): {first.error}",
        user_message=first.error.user_message,
    )


def _option(product: Mapping[str, Any]) -> str | None:
    label = str(product.get("display_name") or "")
    if label.endswith(")") and "(" in label:
        text = label[label.rindex("(") + 1 : -1].strip()
        return text[:255] or None
    return None


def _id(value: Any) -> int:
    return int(value[0] if isinstance(value, list | tuple) else value)


def _money(product: Mapping[str, Any]) -> str:
    return f"{float(product.get('lst_price') or 0):.2f}"


def _price_differs(shop_price: str | None, odoo_price: Any) -> bool:
    if odoo_price is None or odoo_price is False:
        return False
    try:
        return abs(float(shop_price or 0) - float(odoo_price)) >= 0.005
    except ValueError:
        return True


__all__ = ["FLOW", "CatalogueStockFlow", "PushReport", "Refusal", "StockPollReport", "StockPoller"]
