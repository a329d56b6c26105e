"""Query parameters of the stock availability routes, and answers from a snapshot state.

``parse_query`` turns a request's query string into a ``Query`` or raises
``ParameterError`` naming the parameter; ``select`` picks a page of SKUs; ``render`` joins
their pre-encoded JSON into the answer's bytes.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from .stock_snapshot import SnapshotState, Warehouse, compact_json, encode_total

MAX_SKUS = 200
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
_WATERMARK = re.compile(r"^w1\.([0-9a-f]{8})\.([0-9]{1,18})$")


class ParameterError(Exception):
    """A bad query parameter: answered 400, the message names it."""


@dataclass(frozen=True)
class Query:
    skus: tuple[str, ...] | None  # sorted, distinct
    warehouses: tuple[int, ...] | None  # indices into the snapshot's warehouses
    changed_since: int | None
    limit: int
    after: str | None

    def key(self) -> str:
        return repr((self.skus, self.warehouses, self.changed_since, self.limit, self.after))


# -- parsing ---------------------------------------------------------------------------------
def parse_query(
    request: Request, warehouses: Sequence[Warehouse], known: Sequence[str], epoch: str, seq: int
) -> Query:
    values: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        if name not in known:
            raise ParameterError(f"{name}: unknown query parameter; known: {', '.join(known)}")
        values.setdefault(name, []).append(value)
    skus = _list(values, "sku")
    if skus is not None and len(skus) > MAX_SKUS:
        raise ParameterError(f"sku: at most {MAX_SKUS} SKUs per request; got {len(skus)}")
    return Query(
        skus=tuple(sorted(set(skus))) if skus is not None else None,
        warehouses=_warehouses(_list(values, "warehouse"), warehouses),
        changed_since=_watermark(_single(values, "changed_since"), epoch, seq),
        limit=_limit(_single(values, "limit")),
        after=_page_token(_single(values, "page_token")),
    )


def _single(values: Mapping[str, list[str]], name: str) -> str | None:
    found = values.get(name)
    if not found:
        return None
    if len(found) > 1:
        raise ParameterError(f"{name}: given {len(found)} times; give it once")
    return found[0]


def _list(values: Mapping[str, list[str]], name: str) -> list[str] | None:
    if name not in values:
        return None
    items = [part.strip() for value in values[name] for part in value.split(",")]
    if not items or any(not item for item in items):
        raise ParameterError(f"{name}: an empty value in {','.join(values[name])!r}")
    return items


def _warehouses(codes: list[str] | None, warehouses: Sequence[Warehouse]) -> tuple[int, ...] | None:
    if codes is None:
        return None
    index = {w.code: n for n, w in enumerate(warehouses)}
    unknown = [code for code in codes if code not in index]
    if unknown:
        raise ParameterError(
            f"warehouse: unknown warehouse {unknown[0]!r}; known: {', '.join(index) or 'none'}"
        )
    chosen = tuple(sorted({index[code] for code in codes}))
    return None if len(chosen) == len(warehouses) else chosen


def _watermark(text: str | None, epoch: str, seq: int) -> int | None:
    if text is None:
        return None
    match = _WATERMARK.match(text)
    if not match:
        raise ParameterError(
            "changed_since: not a watermark of this endpoint (pass the 'watermark' of an "
            "earlier answer)"
        )
    if match[1] != epoch or int(match[2]) > seq:
        raise ParameterError(
            "changed_since: a watermark of another snapshot; read without changed_since once"
        )
    return int(match[2])


def _limit(text: str | None) -> int:
    if text is None:
        return DEFAULT_LIMIT
    try:
        value = int(text)
    except ValueError:
        raise ParameterError(f"limit: not an integer: {text[:40]!r}") from None
    if not 1 <= value <= MAX_LIMIT:
        raise ParameterError(f"limit: must be between 1 and {MAX_LIMIT}; got {value}")
    return value


def page_token(sku: str) -> str:
    return "p1." + base64.urlsafe_b64encode(sku.encode()).decode().rstrip("=")


def _page_token(text: str | None) -> str | None:
    if text is None:
        return None
    body = text.removeprefix("p1.")
    try:
        if body == text or not body:
            raise ValueError
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ParameterError(
            "page_token: not a page token of this endpoint (pass the 'next_page_token' of "
            "the previous page)"
        ) from None


# -- answering -------------------------------------------------------------------------------
def rfc3339(instant: datetime | None) -> str | None:
    if instant is None:
        return None
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def select(state: SnapshotState, query: Query) -> tuple[list[str], list[str], str | None]:
    """(the SKUs of this page, the unknown SKUs asked for, the next page's token)."""
    items = state.items
    unknown: list[str] = []
    if query.skus is not None:
        candidates = [s for s in query.skus if s in items]
        unknown = [s for s in query.skus if s not in items]
        if query.changed_since is not None:
            since = query.changed_since
            candidates = [s for s in candidates if items[s].seq > since]
    elif query.changed_since is not None:
        candidates = state.changed_since(query.changed_since)
    else:
        candidates = state.skus  # type: ignore[assignment]
    start = bisect.bisect_right(candidates, query.after) if query.after is not None else 0
    page = list(candidates[start : start + query.limit])
    more = start + query.limit < len(candidates)
    return page, unknown, page_token(page[-1]) if more and page else None


def render(
    state: SnapshotState,
    query: Query,
    page: Sequence[str],
    unknown: Sequence[str],
    token: str | None,
) -> bytes:
    items = state.items
    if query.warehouses is None:
        encoded = [items[sku].encoded for sku in page]
    else:
        encoded = [_filtered(items[sku], query.warehouses) for sku in page]
    return envelope(rfc3339(state.as_of), state.watermark, encoded, unknown, token)


def envelope(
    as_of: str | None,
    watermark: str,
    encoded: Sequence[bytes],
    unknown: Sequence[str],
    token: str | None,
) -> bytes:
    return b"".join(
        (
            b'{"as_of":',
            compact_json(as_of),
            b',"watermark":',
            compact_json(watermark),
            b',"items":[',
            b",".join(encoded),
            b'],"unknown_skus":',
            compact_json(list(unknown)),
            b',"next_page_token":',
            compact_json(token),
            b"}",
        )
    )


def _filtered(item: Any, indices: Sequence[int]) -> bytes:
    chosen = [item.levels[i] for i in indices]
    total = tuple(round(sum(level[k] for level in chosen), 4) for k in range(3))
    return (
        b'{"sku":'
        + compact_json(item.sku)
        + b',"warehouses":['
        + b",".join(item.parts[i] for i in indices)
        + b'],"total":'
        + encode_total(total)  # type: ignore[arg-type]
        + b"}"
    )


__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "MAX_SKUS",
    "ParameterError",
    "Query",
    "envelope",
    "page_token",
    "parse_query",
    "render",
    "rfc3339",
    "select",
]
