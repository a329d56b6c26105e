"""Walking an OpenAPI 3.1 document: its operations and its local ``$ref`` links.

Shared by the linter and the exchange validator. Only local references (``#/...``) are
followed; they are resolved against the document's own data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ._document import pointer, split_pointer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class OperationRef:
    """One operation of the document and where it is."""

    path: str
    method: str  # lower case
    pointer: str
    operation: dict[str, Any]
    path_item: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


def resolve_pointer(data: Any, ptr: str) -> Any:
    """The value at ``ptr`` inside ``data``; KeyError when it points nowhere."""
    node = data
    for token in split_pointer(ptr):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise KeyError(ptr)
    return node


def deref(data: Any, node: Any, ptr: str) -> tuple[Any, str]:
    """Follow local ``$ref`` links from ``node`` (at ``ptr``); ``(None, ref)`` when broken."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if not ref.startswith("#") or ref in seen:
            return None, ref
        seen.add(ref)
        try:
            node, ptr = resolve_pointer(data, ref[1:]), ref[1:]
        except KeyError:
            return None, ref
    return node, ptr


def iter_operations(data: Any, section: str = "paths") -> Iterator[OperationRef]:
    """The operations under ``paths`` (or ``webhooks``: then ``path`` is the webhook's name)."""
    paths = data.get(section) if isinstance(data, dict) else None
    if not isinstance(paths, dict):
        return
    for path, item in paths.items():
        item, item_ptr = deref(data, item, pointer(section, path))
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield OperationRef(path, method, f"{item_ptr}/{method}", operation, item)


def iter_refs(node: Any, ptr: str = "") -> Iterator[tuple[str, str]]:
    """Every ``$ref`` string in the document: (pointer of the ``$ref`` key, its value)."""
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{ptr}/{key.replace('~', '~0').replace('/', '~1')}"
            if key == "$ref" and isinstance(value, str):
                yield child, value
            else:
                yield from iter_refs(value, child)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from iter_refs(value, f"{ptr}/{i}")


def merged_parameters(data: Any, op: OperationRef) -> list[tuple[dict[str, Any], str]]:
    """The parameters of an operation (path-item ones overridden by name and location)."""
    found: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    item_ptr = op.pointer.rsplit("/", 1)[0]
    sources = ((op.path_item, item_ptr), (op.operation, op.pointer))
    for owner, owner_ptr in sources:
        params = owner.get("parameters")
        if not isinstance(params, list):
            continue
        for i, param in enumerate(params):
            param, ptr = deref(data, param, f"{owner_ptr}/parameters/{i}")
            if isinstance(param, dict) and isinstance(param.get("name"), str):
                found[(str(param.get("in")), param["name"])] = (param, ptr)
    return list(found.values())
