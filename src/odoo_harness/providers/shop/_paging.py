"""Cursor pagination as Shopify's REST API does it: an opaque ``page_info`` in ``Link``.

A cursor remembers the list's filters, the direction and the key it continues from, so a
walk that follows ``rel="next"`` sees every record exactly once even while records are
added. A request with ``page_info`` may only add ``limit`` (anything else is a 400, as on
Shopify).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ._params import bad_request, query_int

DEFAULT_LIMIT = 50
MAX_LIMIT = 250
PAGING_KEYS = frozenset({"limit", "page_info"})
Key = tuple[int, ...]


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (``next``) or before (``previous``) ``anchor``."""

    direction: str
    anchor: Key
    filters: dict[str, Any]

    def encode(self) -> str:
        data = {"d": self.direction, "a": list(self.anchor), "f": self.filters}
        raw = json.dumps(data, separators=(",", ":"), sort_keys=True)
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str, allowed: frozenset[str]) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            data = json.loads(raw)
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise bad_request("page_info", "Invalid value.") from None
        if not _valid_cursor(data, allowed):
            raise bad_request("page_info", "Invalid value.")
        return cls(data["d"], tuple(data["a"]), data["f"])


def _valid_cursor(data: Any, allowed: frozenset[str]) -> bool:
    return (
        isinstance(data, dict)
        and data.get("d") in ("next", "previous")
        and isinstance(data.get("a"), list)
        and all(type(a) is int for a in data["a"])
        and isinstance(data.get("f"), dict)
        and set(data["f"]) <= allowed
    )


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    link: str | None


def _by_id(record: dict[str, Any]) -> Key:
    return (record["id"],)


@dataclass(frozen=True)
class Listing:
    """A list endpoint's own filters: their names, how to read them from a query
    (validated, JSON-able), whether a record passes them, and the sort key."""

    names: frozenset[str]
    read: Callable[[Mapping[str, str]], dict[str, Any]]
    keep: Callable[[dict[str, Any], dict[str, Any]], bool]
    key: Callable[[dict[str, Any]], Key] = _by_id


def paginate(
    records: Sequence[dict[str, Any]], query: Mapping[str, str], listing: Listing, url: str
) -> Page:
    """One page of ``records`` (sorted by ``listing.key``) for ``query``; ``url`` is the
    absolute URL of the list, for the ``Link`` header."""
    limit = query_int(query, "limit", minimum=1, maximum=MAX_LIMIT, default=DEFAULT_LIMIT)
    assert limit is not None
    token = query.get("page_info")
    if token is None:
        cursor = Cursor("next", (), listing.read(query))
    else:
        if set(query) - PAGING_KEYS:
            raise bad_request("page_info", "page_info cannot be combined with other filters")
        cursor = Cursor.decode(token, listing.names)
    keyed = [(listing.key(r), r) for r in records if listing.keep(r, cursor.filters)]
    keyed.sort(key=lambda pair: pair[0])
    return _slice(keyed, cursor, limit, url)


def _slice(keyed: list[tuple[Key, dict[str, Any]]], cursor: Cursor, limit: int, url: str) -> Page:
    if cursor.direction == "next":
        after = [(k, r) for k, r in keyed if k > cursor.anchor]
        page = after[:limit]
        has_next = len(after) > limit
        has_previous = bool(cursor.anchor) and any(k <= cursor.anchor for k, _ in keyed)
    else:
        before = [(k, r) for k, r in keyed if k < cursor.anchor]
        page = before[-limit:]
        has_previous, has_next = len(before) > limit, True
    links = []
    if page and has_previous:
        links.append(_link(url, limit, Cursor("previous", page[0][0], cursor.filters), "previous"))
    if page and has_next:
        links.append(_link(url, limit, Cursor("next", page[-1][0], cursor.filters), "next"))
    return Page([r for _, r in page], ", ".join(links) or None)


def _link(url: str, limit: int, cursor: Cursor, rel: str) -> str:
    return f'<{url}?{urlencode({"limit": limit, "page_info": cursor.encode()})}>; rel="{rel}"'


__all__ = ["Cursor", "Listing", "Page", "paginate"]
