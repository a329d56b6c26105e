"""Compiled JSON Schema (Draft 2020-12) validators for the schemas inside one contract.

A schema is named by its JSON pointer in the document; its ``$ref`` links resolve against
the document itself. Validators are built once per pointer and cached: the scenario runner
checks every exchange of every scenario with them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from ._document import pointer

BASE_URI = "urn:odoo-harness:contract"
MAX_ERRORS = 20
_SHORT = 120
_SAFE = "/~{}$@!*'()+,;=:"


def short(value: Any) -> str:
    """A one-line rendering of a value, cut to a readable length."""
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=repr)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _SHORT else text[: _SHORT - 3] + "..."


class SchemaSet:
    """The validators of one contract document, compiled on first use."""

    def __init__(self, data: Any) -> None:
        self._data = data
        self._registry: Any = None
        self._validators: dict[str, Any] = {}
        self._lock = threading.Lock()

    def errors(self, ptr: str, instance: Any) -> Iterator[tuple[str, str, str, str]]:
        """(instance pointer, what, expected, got) for each way ``instance`` fails."""
        validator = self._validator(ptr)
        for count, error in enumerate(validator.iter_errors(instance)):
            if count >= MAX_ERRORS:
                return
            error = _most_specific(error)
            yield (
                pointer(*error.absolute_path),
                " ".join(str(error.message).split())[:300],
                f"{error.validator}: {short(error.validator_value)}",
                short(error.instance),
            )

    def _validator(self, ptr: str) -> Any:
        validator = self._validators.get(ptr)
        if validator is None:
            with self._lock:
                validator = self._validators.get(ptr) or self._compile(ptr)
                self._validators[ptr] = validator
        return validator

    def _compile(self, ptr: str) -> Any:
        from jsonschema import Draft202012Validator

        if self._registry is None:
            from referencing import Registry
            from referencing.jsonschema import DRAFT202012

            resource = DRAFT202012.create_resource(self._data)
            self._registry = Registry().with_resource(BASE_URI, resource)
        return Draft202012Validator(
            {"$ref": f"{BASE_URI}#{quote(ptr, safe=_SAFE)}"},
            registry=self._registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )


def _most_specific(error: Any) -> Any:
    if not error.context:
        return error
    from jsonschema.exceptions import best_match

    return best_match(error.context) or error
