"""The computed quantities of products: ``qty_available``, ``free_qty``, ``incoming_qty``,
``outgoing_qty`` and ``virtual_available`` on product.product and product.template.

They follow Odoo's ``_compute_quantities_dict``: scoped by the ``location`` context key and
the warehouse key of the version (``warehouse`` in 17, ``warehouse_id`` from 18), all
warehouses otherwise, and computed for all the requested products at once (one grouped
query over quants and one over open moves per chunk of products).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..exceptions import UserError
from ..orm import fields as F
from ..orm.models import BaseModel, chunks
from .base import V18_19

MOVE_OPEN_STATES = ("waiting", "confirmed", "assigned", "partially_available")


def storable_ids(env: Any, product_ids: Iterable[int]) -> set[int]:
    """The products among ``product_ids`` whose stock is tracked (17: type 'product';
    18+: ``is_storable``)."""
    ids = sorted(set(product_ids))
    flag = "t.is_storable = 1" if env.profile.major >= 18 else "t.type = 'product'"
    found: set[int] = set()
    for chunk in chunks(ids):
        marks = ",".join("?" * len(chunk))
        found.update(
            r[0]
            for r in env.cr.execute(
                f'SELECT p.id FROM "product_product" p JOIN "product_template" t ON '
                f"t.id = p.product_tmpl_id WHERE p.id IN ({marks}) AND {flag}",
                chunk,
            )
        )
    return found


# -- product quantities ----------------------------------------------------------------------
def scoped_locations(env: Any) -> list[int]:
    """The locations the context scopes quantities to (Odoo's ``_get_domain_locations``)."""
    context = env.context
    warehouse_key = "warehouse" if env.profile.major < 18 else "warehouse_id"
    location = context.get("location")
    warehouse = context.get(warehouse_key)
    if env.profile.major >= 19:
        location = location or context.get("search_location")
        warehouse = warehouse or context.get("search_warehouse")
    roots: list[int] = []
    if location:
        roots = _resolve(env, "stock.location", location, "complete_name")
    elif warehouse:
        wh_ids = _resolve(env, "stock.warehouse", warehouse, "name")
        roots = _view_locations(env, wh_ids)
    else:
        roots = _view_locations(env, None)
    return env["stock.location"].sudo().browse(roots)._descendants()


def _resolve(env: Any, model: str, value: Any, name_field: str) -> list[int]:
    values = value if isinstance(value, (list, tuple)) else [value]
    ids: list[int] = []
    for item in values:
        if isinstance(item, int) and not isinstance(item, bool):
            ids.append(item)
        elif isinstance(item, str):
            ids.extend(env[model].sudo()._search([(name_field, "ilike", item)]))
    return ids


def _view_locations(env: Any, warehouse_ids: list[int] | None) -> list[int]:
    sql = 'SELECT view_location_id FROM "stock_warehouse" WHERE active = 1'
    params: list[Any] = []
    if warehouse_ids is not None:
        if not warehouse_ids:
            return []
        sql += f" AND id IN ({','.join('?' * len(warehouse_ids))})"
        params = list(warehouse_ids)
    return [r[0] for r in env.cr.execute(sql, params) if r[0]]


def quantities(env: Any, product_ids: list[int]) -> dict[int, dict[str, float]]:
    """qty_available, free_qty, incoming_qty, outgoing_qty, virtual_available per product.

    Two grouped queries per chunk of products, whatever their number: the quants of the
    scoped locations (on hand, reserved) and the open moves into or out of them.
    """
    ids = list(dict.fromkeys(product_ids))
    on_hand: dict[int, tuple[float, float]] = {}
    moving: dict[int, tuple[float, float]] = {}
    locations = scoped_locations(env) if ids else []
    if locations:
        cr = env.cr
        cr.execute("CREATE TEMP TABLE IF NOT EXISTS _scope_loc (id INTEGER PRIMARY KEY)")
        cr.execute("DELETE FROM _scope_loc")
        cr.executemany(
            "INSERT OR IGNORE INTO _scope_loc (id) VALUES (?)", [(i,) for i in locations]
        )
        states = ",".join(f"'{s}'" for s in MOVE_OPEN_STATES)
        for chunk in chunks(ids):
            marks = ",".join("?" * len(chunk))
            for pid, qty, reserved in cr.execute(
                # ``+location_id``: look quants up by product (a few each), not by location
                # (every quant of the warehouse)
                f'SELECT product_id, SUM(quantity), SUM(reserved_quantity) FROM "stock_quant" '
                f"WHERE product_id IN ({marks}) AND +location_id IN (SELECT id FROM _scope_loc) "
                f"GROUP BY product_id",
                chunk,
            ):
                qty = qty or 0.0
                on_hand[pid] = (round(qty, 4), round(qty - (reserved or 0.0), 4))
            for pid, incoming, outgoing in cr.execute(
                f"SELECT product_id, "
                f"SUM(CASE WHEN location_dest_id IN (SELECT id FROM _scope_loc) AND location_id "
                f"NOT IN (SELECT id FROM _scope_loc) THEN product_qty ELSE 0 END), "
                f"SUM(CASE WHEN location_id IN (SELECT id FROM _scope_loc) AND location_dest_id "
                f"NOT IN (SELECT id FROM _scope_loc) THEN product_qty ELSE 0 END) "
                f'FROM "stock_move" WHERE product_id IN ({marks}) AND state IN ({states}) '
                f"GROUP BY product_id",
                chunk,
            ):
                moving[pid] = (round(incoming or 0.0, 4), round(outgoing or 0.0, 4))
    out: dict[int, dict[str, float]] = {}
    none = (0.0, 0.0)
    for pid in ids:
        qty, free = on_hand.get(pid, none)
        incoming, outgoing = moving.get(pid, none)
        out[pid] = {
            "qty_available": qty,
            "free_qty": free,
            "incoming_qty": incoming,
            "outgoing_qty": outgoing,
            "virtual_available": round(qty + incoming - outgoing, 4)
            if incoming or outgoing
            else qty,
        }
    return out


_QTY_FIELDS = ("qty_available", "virtual_available", "free_qty", "incoming_qty", "outgoing_qty")

_QTY_LABELS = {
    "qty_available": "Quantity On Hand",
    "virtual_available": "Forecasted Quantity",
    "free_qty": "Free To Use Quantity ",
    "incoming_qty": "Incoming",
    "outgoing_qty": "Outgoing",
}


def _qty_field(name: str) -> F.Float:
    return F.Float(
        _QTY_LABELS[name], compute="_compute_" + name, search="_search_" + name, digits=(16, 2)
    )


def bump_stock(env: Any) -> None:
    """Quantities changed: forget the quantities computed earlier in this transaction."""
    env.state["stock_generation"] = env.state.get("stock_generation", 0) + 1


class _QuantityMixin(BaseModel):
    """Shared by product.product and product.template (sums over variants)."""

    qty_available = _qty_field("qty_available")
    virtual_available = _qty_field("virtual_available")
    free_qty = _qty_field("free_qty")
    incoming_qty = _qty_field("incoming_qty")
    outgoing_qty = _qty_field("outgoing_qty")

    def _variant_map(self) -> dict[int, list[int]] | None:
        """The variants of each record; None when the records are the variants."""
        raise NotImplementedError

    def _quantities_by_id(self) -> dict[int, dict[str, float]]:
        """All five quantities of these records, computed once per read."""
        context = repr(sorted(self.env.context.items(), key=lambda kv: kv[0]))
        key = (self._name, tuple(self._ids), context, self.env.state.get("stock_generation", 0))
        cache = self.env.state.setdefault("qty_cache", {})
        if key not in cache:
            variant_map = self._variant_map()
            cache.clear()
            if variant_map is None:  # the records are the variants
                cache[key] = quantities(self.env, list(self._ids))
            else:
                qtys = quantities(self.env, [v for vs in variant_map.values() for v in vs])
                cache[key] = {
                    rid: {f: round(sum(qtys[v][f] for v in vs), 4) for f in _QTY_FIELDS}
                    for rid, vs in variant_map.items()
                }
        return cache[key]  # type: ignore[no-any-return]

    def _qty(self, name: str) -> dict[int, Any]:
        values = self._quantities_by_id()
        return {i: values[i][name] if i in values else 0.0 for i in self._ids}

    def _compute_qty_available(self) -> dict[int, Any]:
        return self._qty("qty_available")

    def _compute_virtual_available(self) -> dict[int, Any]:
        return self._qty("virtual_available")

    def _compute_free_qty(self) -> dict[int, Any]:
        return self._qty("free_qty")

    def _compute_incoming_qty(self) -> dict[int, Any]:
        return self._qty("incoming_qty")

    def _compute_outgoing_qty(self) -> dict[int, Any]:
        return self._qty("outgoing_qty")

    def _search_qty(self, name: str, operator: str, value: Any) -> list[Any]:
        import operator as op

        ops = {"<": op.lt, ">": op.gt, "<=": op.le, ">=": op.ge, "=": op.eq, "!=": op.ne}
        if operator not in ops:
            raise UserError(f"Invalid domain operator {operator}")
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise UserError(f"Invalid domain right operand {value}")
        ids = self._search([])
        values = self.browse(ids)._qty(name)
        return [("id", "in", [i for i in ids if ops[operator](values[i], value)])]

    def _search_qty_available(self, operator: str, value: Any) -> list[Any]:
        return self._search_qty("qty_available", operator, value)

    def _search_virtual_available(self, operator: str, value: Any) -> list[Any]:
        return self._search_qty("virtual_available", operator, value)

    def _search_free_qty(self, operator: str, value: Any) -> list[Any]:
        return self._search_qty("free_qty", operator, value)

    def _search_incoming_qty(self, operator: str, value: Any) -> list[Any]:
        return self._search_qty("incoming_qty", operator, value)

    def _search_outgoing_qty(self, operator: str, value: Any) -> list[Any]:
        return self._search_qty("outgoing_qty", operator, value)


class ProductProductStock(_QuantityMixin):
    _inherit = "product.product"

    def _variant_map(self) -> dict[int, list[int]] | None:
        return None


class ProductTemplateStock(_QuantityMixin):
    _inherit = "product.template"

    is_storable = F.Boolean("Track Inventory", default=False, versions=V18_19)
    tracking = F.SelectionField(
        [("serial", "By Unique Serial Number"), ("lot", "By Lots"), ("none", "By Quantity")],
        "Tracking",
        required=True,
        default="none",
    )
    sale_delay = F.Float("Customer Lead Time", default=0.0)

    def _variant_map(self) -> dict[int, list[int]] | None:
        return self._variants_by_template()  # type: ignore[attr-defined,no-any-return]


MODELS: list[type[BaseModel]] = [ProductTemplateStock, ProductProductStock]
