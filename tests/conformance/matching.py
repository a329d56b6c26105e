"""Placeholders and comparison rules of the conformance recordings.

Implements `fixtures/conformance/README.md`, "Placeholders and comparison": inputs are
*resolved* (``"$p1.0"`` becomes the bound value), expected values are *compared* with actual
ones (matchers such as ``"$int"`` accept a class of values, the rest must be equal in value and
JSON type) and every difference is reported with the path that leads to it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Names that are not bound by ``as`` but come from the server and the case's user.
SPECIAL_NAMES = frozenset({"db", "login", "password", "uid", "apikey"})
#: Prefixes of special names with an argument: ``$xmlid:base.main_company``, ``$uid:integration``.
SPECIAL_PREFIXES = ("xmlid:", "uid:")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_INTERPOLATION = re.compile(r"\{\$([^{}\s]+)\}")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class PlaceholderError(Exception):
    """A placeholder names nothing: an unbound name, a bad path or an unknown external id."""


@dataclass
class Scope:
    """What placeholders resolve against while one case runs.

    ``special`` resolves the names the server provides (``db``, ``uid``, ``xmlid:...``); it may
    call the server, so it is only asked when a placeholder needs it.
    """

    special: Callable[[str], Any]
    bindings: dict[str, Any] = field(default_factory=dict)

    def lookup(self, token: str) -> Any:
        """Value of the placeholder ``"$" + token``."""
        if token in SPECIAL_NAMES or token.startswith(SPECIAL_PREFIXES):
            return self.special(token)
        name, *path = token.split(".")
        if name not in self.bindings:
            bound = ", ".join(f"${n}" for n in self.bindings) or "nothing"
            raise PlaceholderError(f"${name} is not bound (bound so far: {bound})")
        return walk(self.bindings[name], path, token)


def walk(value: Any, parts: list[str], token: str) -> Any:
    """Follow ``parts`` (list indexes, object keys) into ``value``."""
    index = 0
    while index < len(parts):
        if isinstance(value, list):
            value = _item(value, parts[index], token)
            index += 1
        elif isinstance(value, dict):
            value, used = _member(value, parts[index:], token)
            index += used
        else:
            raise PlaceholderError(f"${token}: cannot take {parts[index]!r} of {_show(value)}")
    return value


def _item(value: list[Any], part: str, token: str) -> Any:
    if not part.isdigit() or int(part) >= len(value):
        raise PlaceholderError(f"${token}: no item {part!r} in a list of {len(value)}")
    return value[int(part)]


def _member(value: dict[str, Any], parts: list[str], token: str) -> tuple[Any, int]:
    """Key lookup; a key may itself contain dots (``web.base.url``), longest match wins."""
    for used in range(len(parts), 0, -1):
        key = ".".join(parts[:used])
        if key in value:
            return value[key], used
    raise PlaceholderError(f"${token}: no key {parts[0]!r} in {_show(value)}")


def interpolate(text: str, scope: Scope, escape: Callable[[str], str] = str) -> str:
    """Replace each ``{$name}`` inside ``text`` by the bound value."""
    return _INTERPOLATION.sub(lambda m: escape(_as_text(scope.lookup(m[1]))), text)


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def resolve(value: Any, scope: Scope) -> Any:
    """An input value with every placeholder replaced (request args, bodies, headers)."""
    if isinstance(value, str):
        return _resolve_text(value, scope)
    if isinstance(value, list):
        return [resolve(item, scope) for item in value]
    if isinstance(value, dict):
        return {interpolate(key, scope): resolve(item, scope) for key, item in value.items()}
    return value


def _resolve_text(text: str, scope: Scope) -> Any:
    if text.startswith("$$"):
        return interpolate(text[1:], scope)
    if text.startswith("$"):
        return scope.lookup(text[1:])
    return interpolate(text, scope)


# --- comparison -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """The first place where an actual value departs from the recorded one."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def compare(expected: Any, actual: Any, scope: Scope, path: str = "result") -> Difference | None:
    """Compare a recorded (expected) value with an actual one; None when they agree."""
    if isinstance(expected, str):
        return _compare_text(expected, actual, scope, path)
    if isinstance(expected, list):
        return _compare_list(
            expected,
            actual,
            path,
            lambda e, a, p: compare(e, a, scope, p),
            lambda items: render_expected(items, scope),
        )
    if isinstance(expected, dict):
        keys = {interpolate(key, scope): value for key, value in expected.items()}
        return _compare_dict(keys, actual, path, lambda e, a, p: compare(e, a, scope, p))
    return compare_literal(expected, actual, path)


def compare_literal(expected: Any, actual: Any, path: str = "result") -> Difference | None:
    """Exact comparison with JSON types; strings are literal (no matchers, no placeholders)."""
    if isinstance(expected, list):
        return _compare_list(expected, actual, path, compare_literal)
    if isinstance(expected, dict):
        return _compare_dict(expected, actual, path, compare_literal)
    if json_type(expected) != json_type(actual):
        return Difference(path, f"expected {_typed(expected)} got {_typed(actual)}")
    if expected != actual:
        return Difference(path, _value_message(expected, actual))
    return None


def _compare_text(expected: str, actual: Any, scope: Scope, path: str) -> Difference | None:
    matcher = MATCHERS.get(expected)
    if matcher is not None:
        return None if matcher(actual) else _mismatch(expected, actual, path)
    if expected.startswith("$re:"):
        return _compare_regex(expected, actual, scope, path)
    if expected.startswith("$") and not expected.startswith("$$"):
        diff = compare_literal(scope.lookup(expected[1:]), actual, path)
        return diff and Difference(diff.path, f"{diff.message} (expected is {expected})")
    return compare_literal(_resolve_text(expected, scope), actual, path)


def _compare_regex(expected: str, actual: Any, scope: Scope, path: str) -> Difference | None:
    pattern = interpolate(expected[4:], scope, escape=re.escape)
    if isinstance(actual, str) and re.fullmatch(pattern, actual):
        return None
    return _mismatch(f"$re:{pattern}", actual, path)


def _mismatch(matcher: str, actual: Any, path: str) -> Difference:
    hint = MATCHER_HINTS.get(matcher, "")
    return Difference(path, f"expected {matcher}{hint} got {_typed(actual)}")


def _compare_list(
    expected: list[Any],
    actual: Any,
    path: str,
    item: Callable[[Any, Any, str], Difference | None],
    render: Callable[[Any], Any] = lambda items: items,
) -> Difference | None:
    if not isinstance(actual, list):
        return Difference(path, f"expected a list got {_typed(actual)}")
    for index, (want, got) in enumerate(zip(expected, actual, strict=False)):
        diff = item(want, got, f"{path}[{index}]")
        if diff is not None:
            return diff
    if len(expected) != len(actual):
        extra = actual[len(expected) :] or render(expected[len(actual) :])
        side = "unexpected" if len(actual) > len(expected) else "missing"
        return Difference(
            path,
            f"expected {len(expected)} items got {len(actual)} ({side}: {_show(extra)})",
        )
    return None


def _compare_dict(
    expected: dict[str, Any],
    actual: Any,
    path: str,
    item: Callable[[Any, Any, str], Difference | None],
) -> Difference | None:
    if not isinstance(actual, dict):
        return Difference(path, f"expected an object got {_typed(actual)}")
    missing = [key for key in expected if key not in actual]
    extra = [key for key in actual if key not in expected]
    if missing or extra:
        problems = [f"missing key(s) {_keys(missing)}"] if missing else []
        problems += [f"unexpected key(s) {_keys(extra)}"] if extra else []
        return Difference(path, "; ".join(problems))
    for key, want in expected.items():
        diff = item(want, actual[key], join_path(path, key))
        if diff is not None:
            return diff
    return None


def join_path(path: str, key: str) -> str:
    """``result[0]`` + ``name`` -> ``result[0].name``; odd keys are quoted."""
    if _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key)}]"


# --- matchers ---------------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return type(value) is int


MATCHERS: dict[str, Callable[[Any], bool]] = {
    "$any": lambda value: True,
    "$int": _is_int,
    "$str": lambda value: isinstance(value, str),
    "$date": lambda value: isinstance(value, str) and bool(_DATE.fullmatch(value)),
    "$datetime": lambda value: isinstance(value, str) and bool(_DATETIME.fullmatch(value)),
}
MATCHER_HINTS = {
    "$int": " (an integer)",
    "$str": " (a string)",
    "$date": " (YYYY-MM-DD)",
    "$datetime": " (YYYY-MM-DD HH:MM:SS)",
}


# --- rendering --------------------------------------------------------------------------------


def json_type(value: Any) -> str:
    """The JSON type name of a value: an int is not a float, a bool is not an int."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _value_message(expected: Any, actual: Any) -> str:
    message = f"expected {_show(expected)} got {_show(actual)}"
    if isinstance(expected, str) and isinstance(actual, str):
        at = next(
            (i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b), None
        )
        at = min(len(expected), len(actual)) if at is None else at
        if at > 20:
            message += f" (they differ from character {at}: {expected[at : at + 30]!r} vs {actual[at : at + 30]!r})"
    return message


def _typed(value: Any) -> str:
    return f"{_show(value)} ({json_type(value)})"


def _keys(keys: list[str]) -> str:
    return ", ".join(repr(key) for key in keys)


def _show(value: Any, limit: int = 300) -> str:
    text = repr(value) if isinstance(value, str) else show_json(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def show_json(value: Any) -> str:
    """Compact JSON for messages (falls back to repr for values JSON cannot hold)."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def render_expected(expected: Any, scope: Scope) -> Any:
    """The recorded value with resolvable placeholders filled in, matchers kept (for messages)."""
    if isinstance(expected, list):
        return [render_expected(item, scope) for item in expected]
    if isinstance(expected, dict):
        return {_try_interpolate(k, scope): render_expected(v, scope) for k, v in expected.items()}
    if not isinstance(expected, str) or expected in MATCHERS or expected.startswith("$re:"):
        return expected
    try:
        return _resolve_text(expected, scope)
    except PlaceholderError:
        return expected


def _try_interpolate(text: str, scope: Scope) -> str:
    try:
        return interpolate(text, scope)
    except PlaceholderError:
        return text
