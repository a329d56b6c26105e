"""The stock query mix: which SKUs and warehouses a simulated shop asks about, and the cheap
check of each answer's shape. Plain Python (no locust), so it is unit-tested directly.

The catalogue fixture is the generator's (docs/catalogue.md): variants ``SKU-000001``...,
warehouses ``WH`` (the default one), ``WH2``, ``WH3``...; the same SIZE names the same SKUs.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .contract import StockContract

# Request names in Locust's stats: one per kind of question, so each gets its percentiles.
ONE_SKU, FIFTY_SKUS, DELTA, PAGE = "1 sku", "50 skus", "warehouse delta", "page 1000"
# A shop mostly asks about one product (a product page), then carts and listings (50),
# then deltas since its last sync, and seldom a full catalogue walk.
MIX: dict[str, int] = {ONE_SKU: 50, FIFTY_SKUS: 30, DELTA: 15, PAGE: 5}
PAGE_LIMIT = 1000


@dataclass(frozen=True)
class Catalogue:
    """The SKUs and warehouse codes of a generated catalogue of ``variants`` x ``warehouses``."""

    variants: int
    warehouses: int

    def sku(self, number: int) -> str:
        return f"SKU-{number:06d}"

    @property
    def warehouse_codes(self) -> tuple[str, ...]:
        return ("WH",) + tuple(f"WH{n}" for n in range(2, self.warehouses + 1))

    def sample_skus(self, rng: random.Random, count: int) -> list[str]:
        numbers = rng.sample(range(1, self.variants + 1), min(count, self.variants))
        return [self.sku(n) for n in numbers]


@dataclass(frozen=True)
class Query:
    name: str  # the request name in the stats (one of MIX)
    params: dict[str, str]


class QueryMix:
    """Draws queries with the weights of ``MIX`` from a seeded generator."""

    def __init__(self, catalogue: Catalogue, seed: int, mix: dict[str, int] | None = None) -> None:
        self.catalogue = catalogue
        self.rng = random.Random(seed)
        self.mix = dict(mix or MIX)
        self.watermark: str | None = None  # of the last answer: where the next delta starts

    def next_kind(self) -> str:
        kinds = list(self.mix)
        return self.rng.choices(kinds, weights=[self.mix[k] for k in kinds])[0]

    def query(self, kind: str) -> Query:
        if kind == ONE_SKU:
            return Query(kind, {"sku": self.catalogue.sample_skus(self.rng, 1)[0]})
        if kind == FIFTY_SKUS:
            return Query(kind, {"sku": ",".join(self.catalogue.sample_skus(self.rng, 50))})
        if kind == DELTA:
            params = {"warehouse": self.rng.choice(self.catalogue.warehouse_codes)}
            params["limit"] = str(PAGE_LIMIT)
            if self.watermark is not None:
                params["changed_since"] = self.watermark
            return Query(kind, params)
        if kind == PAGE:
            return Query(kind, {"limit": str(PAGE_LIMIT)})
        raise ValueError(f"unknown query kind {kind!r}")


@dataclass(frozen=True)
class Answer:
    """What the check found: an error message (a contract mismatch) or the useful fields."""

    error: str | None = None
    watermark: str | None = None
    next_page_token: str | None = None


# Answers above this size (a page of 1,000 items is ~370 KB) are parsed in full only every
# FULL_CHECK_EVERY-th time per user: parsing one costs the load generator ~6 ms, several
# times what the endpoint spends on it, and would make Locust the bottleneck it measures.
LIGHT_CHECK_ABOVE = 64 * 1024
FULL_CHECK_EVERY = 10
_TAIL = 4096
_TAIL_FIELD = re.compile(rb'"(next_page_token|watermark)"\s*:\s*("(?:[^"\\]|\\.)*"|null)')


def light_check(status: int, body: bytes) -> Answer | None:
    """Status, a JSON object's first and last bytes, and the paging fields read from its
    first and last 4 KB; None when they do not hold both (the caller parses in full then)."""
    if status != 200:
        return Answer(error=f"status {status}, expected 200")
    stripped = body.strip()
    if not (stripped.startswith(b"{") and stripped.endswith(b"}")):
        return Answer(error="the body is not a JSON object")
    found: dict[str, Any] = {}
    for part in (body[:_TAIL], body[-_TAIL:]):  # the envelope's fields, before or after items
        for m in _TAIL_FIELD.finditer(part):
            found.setdefault(m.group(1).decode(), json.loads(m.group(2)))
    if "next_page_token" not in found or "watermark" not in found:
        return None
    token, watermark = found.get("next_page_token"), found.get("watermark")
    return Answer(
        watermark=str(watermark) if watermark is not None else None,
        next_page_token=str(token) if token else None,
    )


def check_answer(
    contract: StockContract, route: str, status: int, body: bytes, asked_skus: Sequence[str] = ()
) -> Answer:
    """A cheap shape check: status 200, a JSON object with the contract's required fields,
    an ``items`` list whose first item has the item fields, no more items than SKUs asked."""
    if status != 200:
        return Answer(error=f"status {status}, expected 200")
    try:
        data = json.loads(body)
    except ValueError:
        return Answer(error="the body is not JSON")
    if route == "trivial":  # a constant body: only its being JSON is checked
        return Answer()
    if not isinstance(data, dict):
        return Answer(error="the body is not a JSON object")
    missing = [name for name in contract.required_fields if name not in data]
    if missing:
        return Answer(error=f"contract: missing field(s) {', '.join(missing)}")
    items = data.get("items")
    if not isinstance(items, list):
        return Answer(error="contract: 'items' is not a list")
    if items:
        first = items[0]
        if not isinstance(first, dict):
            return Answer(error="contract: items[0] is not an object")
        absent = [name for name in contract.required_item_fields if name not in first]
        if absent:
            return Answer(error=f"contract: items[0] lacks {', '.join(absent)}")
    if asked_skus and len(items) > len(asked_skus):
        return Answer(error=f"contract: {len(items)} items for {len(asked_skus)} SKUs asked")
    token = data.get("next_page_token")
    watermark = data.get("watermark")
    return Answer(
        watermark=str(watermark) if watermark is not None else None,
        next_page_token=str(token) if token else None,
    )
