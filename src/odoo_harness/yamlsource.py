"""YAML files that remember where each value came from, for errors that name the line.

``load_yaml(path)`` returns a ``Source``: the plain Python data and ``line(path)`` for any
key path (``("retry", "attempts")``). ``SourceError`` messages read
``file:line: key.path: what is wrong``; every user-edited file (flow plans, ownership,
scenarios, fixtures) reports mistakes this way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError

KeyPath = tuple[str | int, ...]


class SourceError(ConfigError):
    """A mistake in a user's file; the message names the file, line and key."""


@dataclass
class Source:
    path: Path
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, keypath: Sequence[str | int]) -> int:
        """The line of ``keypath``, or of its nearest parent that has one."""
        path = tuple(keypath)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def error(self, keypath: Sequence[str | int], message: str) -> SourceError:
        where = dotted(keypath) or "(top level)"
        return SourceError(f"{self.path}:{self.line(keypath)}: {where}: {message}")


def dotted(keypath: Sequence[str | int]) -> str:
    out = ""
    for part in keypath:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_yaml(path: str | Path) -> Source:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise SourceError(not_utf8(path, exc)) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise SourceError(not_yaml(path, text, exc)) from None
    source = Source(path, None)
    source.data = _convert(node, (), source) if node is not None else None
    return source


def not_utf8(path: str | Path, exc: UnicodeDecodeError) -> str:
    """``file:line: not UTF-8 text (byte 0x..)``: one line for a file that is not text."""
    data = exc.object if isinstance(exc.object, bytes) else b""
    line = data[: exc.start].count(b"\n") + 1
    byte = f" (byte {data[exc.start]:#04x})" if exc.start < len(data) else ""
    return f"{path}:{line}: not UTF-8 text{byte}"


def not_yaml(path: str | Path, text: str, exc: yaml.YAMLError) -> str:
    """``file:line: not valid YAML: the problem``, on one line, for any PyYAML error."""
    line: int | None = None
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or type(exc).__name__
    elif isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow
        line = text[: exc.position].count("\n") + 1
        reason = f"character {_char(exc.character)} is not allowed"
    else:
        reason = str(exc)
    where = f"{path}:{line}" if line else str(path)
    return f"{where}: not valid YAML: {' '.join(str(reason).split())}"


def _char(character: int | str | bytes) -> str:
    """PyYAML's offending character (a code point, or the character) as ``#x0000``."""
    code = character if isinstance(character, int) else ord(character[:1] or "\0")
    return f"#x{code:04x}"


def _convert(node: yaml.Node, keypath: KeyPath, source: Source) -> Any:
    source.lines.setdefault(keypath, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.safe_load(yaml.serialize(key_node))
            if key in out:
                raise SourceError(
                    f"{source.path}:{key_node.start_mark.line + 1}: "
                    f"{dotted((*keypath, key))}: duplicate key"
                )
            source.lines[(*keypath, key)] = key_node.start_mark.line + 1
            out[key] = _convert(value_node, (*keypath, key), source)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*keypath, i), source) for i, item in enumerate(node.value)]
    return yaml.safe_load(yaml.serialize(node))


__all__ = ["KeyPath", "Source", "SourceError", "dotted", "load_yaml", "not_utf8", "not_yaml"]
