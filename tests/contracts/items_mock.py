"""A tiny provider mock that obeys ``data/items.openapi.yaml`` (or, asked to, breaks it)."""

from __future__ import annotations

import json
import re
from typing import Any

from odoo_harness.providers.base import Call, MockProvider, ProviderError, Reply

_TRACE = re.compile(r"[a-z0-9-]+")
_NEW_ITEM_KEYS = {"name", "tags"}


class ItemsMock(MockProvider):
    """GET/POST /items and GET /items/{item_id}; ``violate=True`` answers GET /items with
    an undocumented status."""

    name = "items"

    def __init__(self, *, violate: bool = False) -> None:
        self.violate = violate
        super().__init__()

    def reset_state(self) -> None:
        self.items: dict[int, dict[str, Any]] = {1: {"id": 1, "name": "chair", "tags": ["red"]}}

    def routes(self) -> list[tuple[str, str, Any]]:
        return [
            ("GET", "/items", self.list_items),
            ("POST", "/items", self.create_item),
            ("GET", "/items/{item_id}", self.get_item),
        ]

    def list_items(self, call: Call) -> Reply:
        limit = call.query.get("limit", "10")
        if not limit.isdigit() or not 1 <= int(limit) <= 50:
            raise ProviderError(422, "INVALID_LIMIT", "limit is an integer from 1 to 50")
        items = list(self.items.values())[: int(limit)]
        return Reply(202 if self.violate else 200, {"items": items})

    def create_item(self, call: Call) -> Reply:
        data = _new_item(call.body)
        item_id = max(self.items) + 1
        self.items[item_id] = {"id": item_id, "name": data["name"], "tags": data.get("tags", [])}
        return Reply(201, self.items[item_id])

    def get_item(self, call: Call) -> Reply:
        trace = call.headers.get("x-trace")
        if trace is not None and not _TRACE.fullmatch(trace):
            raise ProviderError(422, "INVALID_HEADER", "X-Trace is lower-case letters and digits")
        raw = call.path_params["item_id"]
        if not raw.isdigit() or int(raw) < 1:
            raise ProviderError(422, "INVALID_ID", "item_id is a positive integer")
        if int(raw) not in self.items:
            raise ProviderError(404, "NOT_FOUND", "no such item")
        return Reply(200, self.items[int(raw)])


def _new_item(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not set(data) <= _NEW_ITEM_KEYS:
        raise ProviderError(422, "INVALID_BODY", "the body is {name, tags?}")
    name, tags = data.get("name"), data.get("tags", [])
    if not isinstance(name, str) or not 1 <= len(name) <= 40:
        raise ProviderError(422, "INVALID_NAME", "name is 1 to 40 characters")
    if (
        not isinstance(tags, list)
        or len(tags) > 5
        or not all(isinstance(t, str) and len(t) <= 20 for t in tags)
    ):
        raise ProviderError(422, "INVALID_TAGS", "tags is up to 5 strings of 20 characters")
    return data
