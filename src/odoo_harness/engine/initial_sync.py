"""What the first poll of a new job store does: ``engine run --initial-sync all|none``.

A poller without a watermark (a new store, or a poller added later) reads every record
it watches. ``all`` (the default) lets it: the first run reconciles everything that
exists (every partner exported to the CRM, every product's stock pushed, every open
shop order imported, every ready delivery shipped) - right when the engine is put in
front of systems that were never synced, and harmless when they were (every write is
create-or-find or an upsert). ``none`` starts from now instead: before the first poll,
``baseline(poller)`` sets the watermark to the newest change the source has, and queues
nothing; only changes made after that are synced.

The baseline is one second after the newest ``write_date`` (Odoo) or ``updated_at``
(shop) found, not the engine's clock: the source's own time, whatever the clock skew
(polls compare with ``>=``; without the second, the newest records would be queued by
the first poll). Known limit, the same as the pollers' (both systems store times to the
second): a change made within the very second of the newest existing change, after the
baseline was read, is not seen.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .catalogue_stock import StockPoller
from .poller import WatermarkPoller
from .shop_orders import ShopOrderPoller

INITIAL_SYNC = ("all", "none")


def baseline(poller: Any) -> str | None:
    """Set ``poller``'s watermark to the source's newest change, unless it has one already
    (then nothing changes). The watermark set, or None when it was already set or the
    source has no record yet (then the first poll reads everything: there is nothing)."""
    if poller.store.watermark(poller.name):
        return None
    newest = _newest(poller)
    if not newest:
        return None
    mark = _next_second(newest)
    poller.store.set_watermark(poller.name, mark)
    return mark


def _newest(poller: Any) -> str | None:
    if isinstance(poller, WatermarkPoller):
        return _newest_write(poller.odoo, poller.model, poller.domain)
    if isinstance(poller, StockPoller):
        stamps = [
            _newest_write(poller.odoo, "stock.quant", []),
            _newest_write(poller.odoo, "product.product", []),
        ]
        found = [s for s in stamps if s]
        return max(found) if found else None
    if isinstance(poller, ShopOrderPoller):
        newest = None
        for page in poller.shop.iter_pages("/orders.json", "orders", {"status": "any"}):
            for order in page:
                stamp = str(order.get("updated_at") or "")
                if stamp and (newest is None or stamp > newest):
                    newest = stamp
        return newest
    raise TypeError(f"no baseline for {type(poller).__name__}")


def _next_second(stamp: str) -> str:
    """``2026-03-02 09:00:05`` -> ``2026-03-02 09:00:06``, in the stamp's own format
    (Odoo's, or the shop's ISO 8601 with its offset)."""
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")) + timedelta(seconds=1)
    if "T" not in stamp:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    text = moment.isoformat(timespec="seconds")
    return text.replace("+00:00", "Z") if stamp.endswith("Z") else text


def _newest_write(odoo: Any, model: str, domain: list[Any]) -> str | None:
    rows = odoo.search_read(model, domain, ["write_date"], limit=1, order="write_date desc")
    return str(rows[0]["write_date"]) if rows else None


__all__ = ["INITIAL_SYNC", "baseline"]
