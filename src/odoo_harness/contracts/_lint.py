"""``lint``: is a contract file valid OpenAPI 3.1 and does it follow the project's rules?

OpenAPI validity comes from ``openapi-spec-validator``; the project's rules are ours (see
``_rules``). Every finding names the file, the line and the JSON pointer of the problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._document import ContractError, Document, load_document, pointer
from ._openapi import iter_refs, resolve_pointer
from ._rules import check_rules, schema_roots

TOP_KEYS = frozenset(
    {
        "openapi",
        "info",
        "jsonSchemaDialect",
        "servers",
        "paths",
        "webhooks",
        "components",
        "security",
        "tags",
        "externalDocs",
    }
)
_OPERATION_IN = re.compile(r"for '(\w+)'(?: operation)? in '([^']*)'")
_UNEXPECTED = re.compile(r"\('([^']+)' was unexpected\)")
_MAX_REASON = 300
DUPLICATE = "duplicate key (the later value silently replaces the earlier one)"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem of a contract file: ``file:line: where: reason``."""

    file: str
    line: int | None
    where: str
    reason: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place}: {self.where or '/'}: {self.reason}"


def lint(path: str | Path) -> list[Finding]:
    """Every problem of one contract file, sorted by line; empty when it is clean."""
    try:
        doc = load_document(path)
    except ContractError as exc:
        return [Finding(exc.file, exc.line, exc.where, exc.reason)]
    return lint_document(doc)


def lint_document(doc: Document) -> list[Finding]:
    unique = dict.fromkeys(_structure(doc))
    findings = [Finding(doc.path, doc.line_of(p), p, _trim(r)) for p, r in unique]
    findings += [Finding(doc.path, d.line, d.pointer, DUPLICATE) for d in doc.duplicates]
    return sorted(findings, key=lambda f: (f.line or 0, f.where, f.reason))


def _structure(doc: Document) -> Iterator[tuple[str, str]]:
    version = doc.data.get("openapi")
    if not (isinstance(version, str) and version.startswith("3.1")):
        yield "/openapi", f"contracts here are OpenAPI 3.1: 'openapi: 3.1.0' (got {version!r})"
        return
    broken = list(_broken_refs(doc.data))
    yield from broken
    schema_problems = list(_schema_meta(doc.data))
    yield from schema_problems
    if not broken:
        yield from _spec_validator(doc.data, {r for _, r in schema_problems})
    yield from check_rules(doc.data)


def _broken_refs(data: Any) -> Iterator[tuple[str, str]]:
    for ptr, ref in iter_refs(data):
        if not ref.startswith("#"):
            yield ptr, f"external reference {ref!r}: contracts are one file; use '#/components/...'"
            continue
        try:
            resolve_pointer(data, ref[1:])
        except KeyError:
            yield ptr, f"$ref {ref!r} points nowhere"


def _schema_meta(data: Any) -> Iterator[tuple[str, str]]:
    """Each schema against the JSON Schema 2020-12 meta-schema, with exact locations."""
    from jsonschema import Draft202012Validator

    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    for ptr, schema in schema_roots(data):
        for error in meta.iter_errors(schema):
            best = _best(error)
            yield ptr + pointer(*best.absolute_path), best.message


def _spec_validator(data: Any, known: set[str]) -> Iterator[tuple[str, str]]:
    from openapi_spec_validator import OpenAPIV31SpecValidator

    try:
        for error in OpenAPIV31SpecValidator(data).iter_errors():
            if type(error).__name__ == "DuplicateOperationIDError":
                continue  # reported by our own rule, with both places
            best = _best(error)
            message = str(best.message).split("\n\n")[0]
            if message not in known:
                yield _locate(best, message), message
    except Exception as exc:  # the validator gave up on this document
        yield "", f"the OpenAPI validator could not check this file: {exc}"


def _best(error: Any) -> Any:
    """The most specific error of a oneOf/anyOf failure (jsonschema's own choice)."""
    if not getattr(error, "context", None):
        return error
    from jsonschema.exceptions import best_match

    return best_match(error.context) or error


def _locate(error: Any, message: str) -> str:
    path = list(getattr(error, "absolute_path", None) or [])
    unexpected = _UNEXPECTED.search(message)
    if unexpected:
        path.append(unexpected.group(1))
    if path and str(path[0]) in TOP_KEYS | {unexpected and unexpected.group(1)}:
        return pointer(*path)
    match = _OPERATION_IN.search(message)
    if match:
        return pointer("paths", match.group(2), match.group(1))
    return ""


def _trim(reason: str) -> str:
    reason = " ".join(reason.split())
    return reason if len(reason) <= _MAX_REASON else reason[: _MAX_REASON - 3] + "..."


def default_contracts(root: str | Path = ".") -> list[Path]:
    """Every ``contracts/**/*.openapi.yaml`` under ``root``, sorted."""
    return sorted(Path(root, "contracts").glob("**/*.openapi.yaml"))
