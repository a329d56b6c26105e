"""Reading a contract file (YAML or JSON) into data plus a map of JSON pointers to lines.

Every problem found later names ``file:line`` through ``Document.line_of(pointer)``; a file
that cannot be read or parsed raises ``ContractError`` naming the file, line and reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError


class ContractError(ConfigError):
    """A contract file that cannot be used: unreadable, not YAML/JSON, or not a mapping."""

    def __init__(self, file: str, line: int | None, where: str, reason: str) -> None:
        self.file, self.line, self.where, self.reason = file, line, where, reason
        place = f"{file}:{line}" if line else file
        super().__init__(f"{place}: {where or '/'}: {reason}")


def escape(token: str) -> str:
    """One JSON-pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def pointer(*tokens: object) -> str:
    return "".join("/" + escape(str(t)) for t in tokens)


def split_pointer(ptr: str) -> list[str]:
    return [unescape(t) for t in ptr.split("/")[1:]] if ptr else []


@dataclass(frozen=True)
class DuplicateKey:
    pointer: str
    line: int


@dataclass
class Document:
    """A parsed contract file: ``data`` and the line (1-based) of each JSON pointer."""

    path: str
    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    duplicates: list[DuplicateKey] = field(default_factory=list)

    def line_of(self, ptr: str) -> int | None:
        """The line of ``ptr`` or of its nearest ancestor present in the file."""
        while True:
            if ptr in self.lines:
                return self.lines[ptr]
            if not ptr:
                return None
            ptr = ptr.rsplit("/", 1)[0]


def load_document(path: str | Path) -> Document:
    """Read and parse a contract file; ``ContractError`` when that is impossible."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContractError(name, None, "", "no such file") from None
    except OSError as exc:
        raise ContractError(
            name, None, "", f"cannot read the file: {exc.strerror or exc}"
        ) from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ContractError(
            name, line, "", f"not UTF-8 text (byte {exc.object[exc.start]:#04x})"
        ) from None
    return parse_document(text, name)


def parse_document(text: str, name: str = "<contract>") -> Document:
    doc = _parse_json(text, name) if name.endswith(".json") else _parse_yaml(text, name)
    if not isinstance(doc.data, dict):
        raise ContractError(name, 1, "", "the document must be a mapping (an OpenAPI object)")
    return doc


def _parse_json(text: str, name: str) -> Document:
    try:
        data = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        raise ContractError(name, line, "", f"not valid JSON: {getattr(exc, 'msg', exc)}") from None
    try:  # JSON is YAML: take the line numbers from the YAML node tree when it agrees
        doc = _parse_yaml(text, name)
        doc.data = data
        return doc
    except ContractError:
        return Document(name, data)


def _parse_yaml(text: str, name: str) -> Document:
    loader: yaml.SafeLoader | None = None
    try:  # the loader's constructor already reads the text: a NUL byte fails there
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ContractError(name, line, "", f"not valid YAML: {exc.problem or exc}") from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        reason = f"not valid YAML: character #x{exc.character:04x} is not allowed"
        raise ContractError(name, line, "", reason) from None
    except yaml.YAMLError as exc:
        raise ContractError(
            name, None, "", f"not valid YAML: {' '.join(str(exc).split())}"
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    doc = Document(name, _string_keys(data))
    if node is not None:
        _index(node, "", node.start_mark.line + 1, doc, set())
    return doc


def _string_keys(value: Any) -> Any:
    """YAML reads ``200:`` as an int key; OpenAPI (JSON) keys are strings."""
    if isinstance(value, dict):
        return {str(k): _string_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_string_keys(v) for v in value]
    return value


def _index(node: yaml.Node, ptr: str, line: int, doc: Document, seen: set[int]) -> None:
    doc.lines.setdefault(ptr, line)
    if id(node) in seen:  # an alias already indexed
        return
    seen.add(id(node))
    for child_ptr, child, child_line in _children(node, ptr, doc):
        _index(child, child_ptr, child_line, doc, seen)


def _children(node: yaml.Node, ptr: str, doc: Document) -> Iterator[tuple[str, yaml.Node, int]]:
    """Child nodes with their pointer and line (a mapping entry's line is its key's)."""
    if isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield f"{ptr}/{i}", item, item.start_mark.line + 1
    elif isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value in node.value:
            key, line = str(key_node.value), key_node.start_mark.line + 1
            child = f"{ptr}/{escape(key)}"
            if key in keys and key != "<<":
                doc.duplicates.append(DuplicateKey(child, line))
            keys.add(key)
            yield child, value, line
