"""``StockSnapshot``: stock availability per SKU and warehouse, kept in SQLite (WAL) and
mirrored in memory, refreshed from Odoo over the external API only.

``full_refresh`` reads every product's ``qty_available`` / ``free_qty`` / ``incoming_qty`` in
each warehouse's context, in pages of ids; ``refresh`` reads the ``stock.quant``,
``stock.move`` and ``product.product`` records written after the last watermark (a
``write_date|id`` cursor per model; a second that may still see writes is read again) and
re-reads only those products. Each item keeps its JSON pre-encoded, so serving is look-ups
and joining bytes; a refresh swaps one immutable ``SnapshotState``, so readers never lock.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..clock import Clock
from ..errors import ConfigError
from .odoo_adapter import OdooAdapter

Levels = tuple[float, float, float]  # free, on_hand, incoming
Progress = Callable[[str], None]
ODOO_STAMP = "%Y-%m-%d %H:%M:%S"
QTY_FIELDS = ("qty_available", "free_qty", "incoming_qty")
# product ids come from these models' changes; product.product itself for new / renamed SKUs
CHANGE_SOURCES = (
    ("stock.quant", "product_id"),
    ("stock.move", "product_id"),
    ("product.product", "id"),
)
MAX_CHANGE_LOG = 512

SCHEMA = """
CREATE TABLE IF NOT EXISTS stock_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stock_items (
    product_id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL,
    seq INTEGER NOT NULL,
    free REAL NOT NULL,
    on_hand REAL NOT NULL,
    incoming REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS stock_items_sku ON stock_items (sku);
CREATE INDEX IF NOT EXISTS stock_items_seq ON stock_items (seq);
CREATE TABLE IF NOT EXISTS stock_levels (
    product_id INTEGER NOT NULL,
    warehouse TEXT NOT NULL,
    free REAL NOT NULL,
    on_hand REAL NOT NULL,
    incoming REAL NOT NULL,
    PRIMARY KEY (product_id, warehouse)
) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class Warehouse:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class StockItem:
    """One SKU: its levels per warehouse (in the snapshot's warehouse order), its totals,
    the change sequence it last changed at, and its JSON, pre-encoded."""

    sku: str
    product_id: int
    levels: tuple[Levels, ...]
    seq: int
    total: Levels
    encoded: bytes = field(repr=False)
    parts: tuple[bytes, ...] = field(repr=False)


@dataclass(frozen=True)
class SnapshotState:
    """What one request reads; replaced whole by a refresh (readers never see half)."""

    items: Mapping[str, StockItem]
    skus: Sequence[str]  # sorted
    warehouses: tuple[Warehouse, ...]
    seq: int
    version: int  # bumped by every refresh (as_of moves): part of every ETag
    as_of: datetime | None
    epoch: str
    changes: tuple[tuple[int, frozenset[str]], ...] = ()  # (seq, skus changed at it)
    changes_floor: int = 0  # the change log covers every seq above this

    @property
    def watermark(self) -> str:
        return f"w1.{self.epoch}.{self.seq}"

    def changed_since(self, seq: int) -> list[str]:
        """The SKUs whose figures changed after ``seq``, sorted."""
        if seq >= self.changes_floor:
            found: set[str] = set()
            for at, skus in reversed(self.changes):
                if at <= seq:
                    break
                found |= skus
            return sorted(s for s in found if s in self.items)
        return [s for s in self.skus if self.items[s].seq > seq]


@dataclass
class RefreshReport:
    full: bool
    read: int = 0  # products read from Odoo
    changed: int = 0  # items whose figures changed
    removed: int = 0
    calls: int = 0
    seconds: float = 0.0


def _open(path: str) -> sqlite3.Connection:
    """The snapshot's database, its schema in place; sqlite3's errors become one
    ``ConfigError`` naming the file."""
    if path != ":memory:" and Path(path).is_dir():
        raise ConfigError(f"{path}: a folder, not a snapshot store; name a file")
    try:
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    except sqlite3.Error as exc:
        raise ConfigError(f"{path}: cannot open the snapshot store ({exc})") from None
    try:
        if path != ":memory:":
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(SCHEMA)
    except sqlite3.Error as exc:
        db.close()
        what = "cannot open" if isinstance(exc, sqlite3.OperationalError) else "not"
        raise ConfigError(f"{path}: {what} a snapshot store ({exc})") from None
    return db


class StockSnapshot:
    """The snapshot; thread-safe (one refresh at a time, readers lock-free)."""

    def __init__(
        self,
        odoo: OdooAdapter,
        path: str | Path | None = None,
        *,
        clock: Clock | None = None,
        settle: timedelta = timedelta(seconds=5),
        batch: int = 1000,
        page: int = 5000,
    ) -> None:
        self.odoo = odoo
        self.clock = clock or Clock()
        self.settle = settle
        self.batch = batch
        self.page = page
        self.path = str(path) if path is not None else ":memory:"
        self._db = _open(self.path)
        self._refresh_lock = threading.Lock()
        self.state = self._load()
        self.last_report: RefreshReport | None = None

    # -- reading ----------------------------------------------------------------------------
    @property
    def as_of(self) -> datetime | None:
        return self.state.as_of

    @property
    def watermark(self) -> str:
        return self.state.watermark

    @property
    def warehouses(self) -> tuple[Warehouse, ...]:
        return self.state.warehouses

    @property
    def items(self) -> Mapping[str, StockItem]:
        return self.state.items

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> StockSnapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- refreshing ---------------------------------------------------------------------------
    def refresh(self) -> RefreshReport:
        """Read what changed in Odoo since the last watermark (all of it when empty)."""
        with self._refresh_lock:
            if self.state.as_of is None:
                return self._full(None)
            return self._incremental()

    def full_refresh(self, progress: Progress | None = None) -> RefreshReport:
        """Read every product's quantities in every warehouse again."""
        with self._refresh_lock:
            return self._full(progress)

    def _full(self, progress: Progress | None) -> RefreshReport:
        started, calls = self.clock.now(), self.odoo.calls
        report = RefreshReport(full=True)
        warehouses = self._read_warehouses()
        marks = {model: self._last_mark(model) for model, _ in CHANGE_SOURCES}
        levels: dict[int, list[Levels]] = {}
        skus: dict[int, str] = {}
        for index, warehouse in enumerate(warehouses):
            last, count = 0, 0
            while True:
                rows = self.odoo.search_read(
                    "product.product",
                    [("id", ">", last), ("default_code", "!=", False)],
                    ["default_code", *QTY_FIELDS],
                    limit=self.page,
                    order="id",
                    context=warehouse_context(warehouse),
                )
                for row in rows:
                    pid = int(row["id"])
                    skus[pid] = str(row["default_code"])
                    levels.setdefault(pid, [(0.0, 0.0, 0.0)] * len(warehouses))[index] = levels_of(
                        row
                    )
                count += len(rows)
                if progress is not None:
                    progress(f"warehouse {warehouse.code}: {count} product(s) read")
                if len(rows) < self.page:
                    break
                last = int(rows[-1]["id"])
        report.read = len(skus)
        rows_by_pid = {pid: (skus[pid], tuple(levels[pid])) for pid in skus}
        self._apply(rows_by_pid, set(), warehouses, marks, started, report, replace=True)
        report.calls = self.odoo.calls - calls
        report.seconds = (self.clock.now() - started).total_seconds()
        return report

    def _incremental(self) -> RefreshReport:
        started, calls = self.clock.now(), self.odoo.calls
        warehouses = self._read_warehouses()
        if warehouses != self.state.warehouses:
            return self._full(None)
        report = RefreshReport(full=False)
        marks = self._marks()
        product_ids: set[int] = set()
        for model, product_field in CHANGE_SOURCES:
            for row in self._changed(model, product_field, marks.get(model)):
                if row.get(product_field):
                    product_ids.add(_id(row[product_field]))
                marks[model] = f"{row['write_date']}|{row['id']}"
        found: dict[int, tuple[str, tuple[Levels, ...]]] = {}
        for chunk in _chunks(sorted(product_ids), self.batch):
            found.update(self._read_products(chunk, warehouses))
        gone = product_ids - set(found)
        report.read = len(found)
        self._apply(found, gone, warehouses, marks, started, report, replace=False)
        report.calls = self.odoo.calls - calls
        report.seconds = (self.clock.now() - started).total_seconds()
        return report

    # -- Odoo reads ---------------------------------------------------------------------------
    def _read_warehouses(self) -> tuple[Warehouse, ...]:
        rows = self.odoo.search_read("stock.warehouse", [], ["code", "name"], order="id")
        return tuple(Warehouse(int(r["id"]), str(r["code"]), str(r["name"])) for r in rows)

    def _last_mark(self, model: str) -> str | None:
        """The cursor of ``model``'s last write: ``write_date|id``."""
        rows = self.odoo.search_read(
            model, [], ["write_date"], limit=1, order="write_date desc, id desc"
        )
        return f"{rows[0]['write_date']}|{rows[0]['id']}" if rows else None

    def _changed(
        self, model: str, product_field: str, mark: str | None
    ) -> Iterator[dict[str, Any]]:
        """Records of ``model`` written after the cursor, in (write_date, id) order.

        A cursor in a second that may still see writes (less than ``settle`` ago) is read
        from the start of its second again: two writes in one second have one stamp."""
        stamp, _, last = (mark or "").partition("|")
        if not stamp:
            domain: list[Any] = []
        elif self.clock.now() - _parse(stamp) > self.settle:
            domain = _after(stamp, int(last or 0))
        else:
            domain = [("write_date", ">=", stamp)]
        context = {"active_test": False} if model == "product.product" else {}
        fields = sorted({product_field, "write_date"} - {"id"})
        while True:
            rows = self.odoo.search_read(
                model, domain, fields, limit=self.page, order="write_date, id", context=context
            )
            yield from rows
            if len(rows) < self.page:
                return
            domain = _after(str(rows[-1]["write_date"]), int(rows[-1]["id"]))

    def _read_products(
        self, ids: Sequence[int], warehouses: Sequence[Warehouse]
    ) -> dict[int, tuple[str, tuple[Levels, ...]]]:
        """Current SKU and levels of ``ids`` (archived, SKU-less or deleted ones absent)."""
        levels: dict[int, list[Levels]] = {}
        skus: dict[int, str] = {}
        for index, warehouse in enumerate(warehouses):
            rows = self.odoo.search_read(
                "product.product",
                [("id", "in", list(ids)), ("default_code", "!=", False)],
                ["default_code", *QTY_FIELDS],
                context=warehouse_context(warehouse),
            )
            for row in rows:
                pid = int(row["id"])
                skus[pid] = str(row["default_code"])
                levels.setdefault(pid, [(0.0, 0.0, 0.0)] * len(warehouses))[index] = levels_of(row)
        return {pid: (skus[pid], tuple(levels[pid])) for pid in skus}

    # -- applying -----------------------------------------------------------------------------
    def _apply(
        self,
        found: Mapping[int, tuple[str, tuple[Levels, ...]]],
        gone: set[int],
        warehouses: tuple[Warehouse, ...],
        marks: Mapping[str, str | None],
        started: datetime,
        report: RefreshReport,
        *,
        replace: bool,
    ) -> None:
        old = self.state
        seq = old.seq + 1
        by_pid = {item.product_id: item for item in old.items.values()}
        items = {} if replace else dict(old.items)
        for pid in gone:
            item = by_pid.get(pid)
            if item is not None and items.get(item.sku) is item:
                del items[item.sku]
                report.removed += 1
        changed: list[tuple[int, str, tuple[Levels, ...]]] = []
        for pid in sorted(found):
            sku, levels = found[pid]
            previous = by_pid.get(pid)
            if previous is not None and previous.sku != sku and items.get(previous.sku) is previous:
                del items[previous.sku]  # the SKU was renamed
            holder = items.get(sku)
            if holder is not None and holder.product_id < pid:
                continue  # two products share a SKU: the older one is served
            if previous is not None and previous.sku == sku and previous.levels == levels:
                items[sku] = previous
                continue
            items[sku] = make_item(sku, pid, levels, seq, warehouses)
            changed.append((pid, sku, levels))
        if replace:
            report.removed = len(set(old.items) - set(items))
        report.changed = len(changed)
        as_of = started if old.as_of is None or started > old.as_of else old.as_of
        changed_skus = frozenset(sku for _, sku, _ in changed)
        new_seq = seq if changed or report.removed else old.seq
        log = old.changes + ((seq, changed_skus),) if changed else old.changes
        floor = old.changes_floor if not replace else old.seq
        if len(log) > MAX_CHANGE_LOG:
            floor, log = log[-MAX_CHANGE_LOG - 1][0], log[-MAX_CHANGE_LOG:]
        skus = sorted(items) if (replace or len(items) != len(old.items) or changed) else old.skus
        state = SnapshotState(
            items=items,
            skus=skus,
            warehouses=warehouses,
            seq=new_seq,
            version=old.version + 1,
            as_of=as_of,
            epoch=old.epoch,
            changes=log,
            changes_floor=floor,
        )
        self._save(state, changed, gone, marks, replace=replace)
        self.state = state
        self.last_report = report

    # -- SQLite -------------------------------------------------------------------------------
    def _save(
        self,
        state: SnapshotState,
        changed: Sequence[tuple[int, str, tuple[Levels, ...]]],
        gone: Iterable[int],
        marks: Mapping[str, str | None],
        *,
        replace: bool,
    ) -> None:
        db = self._db
        codes = [w.code for w in state.warehouses]
        db.execute("BEGIN IMMEDIATE")
        try:
            if replace:
                db.execute("DELETE FROM stock_items")
                db.execute("DELETE FROM stock_levels")
            else:
                for pid in gone:
                    db.execute("DELETE FROM stock_items WHERE product_id = ?", (pid,))
                    db.execute("DELETE FROM stock_levels WHERE product_id = ?", (pid,))
            if replace:
                changed = [(i.product_id, i.sku, i.levels) for i in state.items.values()]
            db.executemany(
                "INSERT OR REPLACE INTO stock_items VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (pid, sku, state.items[sku].seq, *state.items[sku].total)
                    for pid, sku, _ in changed
                ],
            )
            db.executemany(
                "INSERT OR REPLACE INTO stock_levels VALUES (?, ?, ?, ?, ?)",
                [
                    (pid, code, *level)
                    for pid, _, levels in changed
                    for code, level in zip(codes, levels, strict=True)
                ],
            )
            meta = {
                "seq": str(state.seq),
                "version": str(state.version),
                "as_of": state.as_of.isoformat() if state.as_of else "",
                "epoch": state.epoch,
                "warehouses": json.dumps([[w.id, w.code, w.name] for w in state.warehouses]),
                **{f"mark:{model}": value or "" for model, value in marks.items()},
            }
            db.executemany("INSERT OR REPLACE INTO stock_meta VALUES (?, ?)", meta.items())
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _marks(self) -> dict[str, str | None]:
        rows = self._db.execute("SELECT key, value FROM stock_meta WHERE key LIKE 'mark:%'")
        return {key.removeprefix("mark:"): value or None for key, value in rows}

    def _load(self) -> SnapshotState:
        meta = dict(self._db.execute("SELECT key, value FROM stock_meta").fetchall())
        epoch = meta.get("epoch") or secrets.token_hex(4)
        if not meta.get("as_of"):
            return SnapshotState({}, [], (), 0, 0, None, epoch)
        warehouses = tuple(Warehouse(i, c, n) for i, c, n in json.loads(meta["warehouses"]))
        index = {w.code: n for n, w in enumerate(warehouses)}
        levels: dict[int, list[Levels]] = {}
        for pid, code, *figures in self._db.execute("SELECT * FROM stock_levels"):
            row = levels.setdefault(pid, [(0.0, 0.0, 0.0)] * len(warehouses))
            row[index[code]] = (figures[0], figures[1], figures[2])
        items: dict[str, StockItem] = {}
        for pid, sku, seq, *_ in self._db.execute("SELECT * FROM stock_items ORDER BY product_id"):
            if sku not in items:
                items[sku] = make_item(sku, pid, tuple(levels.get(pid, ())), seq, warehouses)
        seq = int(meta["seq"])
        return SnapshotState(
            items=items,
            skus=sorted(items),
            warehouses=warehouses,
            seq=seq,
            version=int(meta["version"]),
            as_of=datetime.fromisoformat(meta["as_of"]),
            epoch=epoch,
            changes_floor=seq,
        )


def make_item(
    sku: str, product_id: int, levels: tuple[Levels, ...], seq: int, warehouses: Sequence[Warehouse]
) -> StockItem:
    total = tuple(round(sum(level[k] for level in levels), 4) for k in range(3))
    parts = tuple(
        compact_json({"warehouse": w.code, "free": lv[0], "on_hand": lv[1], "incoming": lv[2]})
        for w, lv in zip(warehouses, levels, strict=True)
    )
    encoded = (
        b'{"sku":'
        + compact_json(sku)
        + b',"warehouses":['
        + b",".join(parts)
        + b'],"total":'
        + encode_total(total)  # type: ignore[arg-type]
        + b"}"
    )
    return StockItem(sku, product_id, levels, seq, total, encoded, parts)  # type: ignore[arg-type]


def encode_total(total: Levels) -> bytes:
    return compact_json({"free": total[0], "on_hand": total[1], "incoming": total[2]})


def compact_json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def levels_of(row: Mapping[str, Any]) -> Levels:
    return (
        float(row["free_qty"] or 0.0),
        float(row["qty_available"] or 0.0),
        float(row["incoming_qty"] or 0.0),
    )


def warehouse_context(warehouse: Warehouse) -> dict[str, Any]:
    # 17.0 reads ``warehouse``, 18.0 and later ``warehouse_id``: send both
    return {"warehouse_id": warehouse.id, "warehouse": warehouse.id}


def _parse(stamp: str) -> datetime:
    return datetime.strptime(stamp[:19], ODOO_STAMP).replace(tzinfo=UTC)


def _after(stamp: str, last_id: int) -> list[Any]:
    """Records after (stamp, id) in (write_date, id) order."""
    return ["|", ("write_date", ">", stamp), "&", ("write_date", "=", stamp), ("id", ">", last_id)]


def _id(value: Any) -> int:
    return int(value[0] if isinstance(value, (list, tuple)) else value)


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


__all__ = [
    "RefreshReport",
    "SnapshotState",
    "StockItem",
    "StockSnapshot",
    "Warehouse",
    "compact_json",
    "encode_total",
    "levels_of",
    "make_item",
    "warehouse_context",
]
