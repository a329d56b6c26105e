"""Checking one request/response pair against a ``Contract``.

The request: its operation (method + path template), path, query and header parameters
(coerced from text by their schema's type) and its body. The response: a documented status,
required headers and the body against the schema of its media type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from ._document import escape
from ._openapi import deref, merged_parameters
from ._schemas import short
from ._violations import Violation

if TYPE_CHECKING:
    from ._contract import Contract, Operation

_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_INT = re.compile(r"[+-]?\d+")


class _Body:
    """A body as given (bytes, text or decoded JSON); ``decoded()`` parses it lazily."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    @property
    def empty(self) -> bool:
        return self.raw is None or (isinstance(self.raw, bytes | str) and not self.raw)

    def decoded(self) -> Any:
        """The JSON value; ValueError when the text is not JSON."""
        if isinstance(self.raw, bytes | bytearray | memoryview):
            return json.loads(bytes(self.raw).decode("utf-8"))
        if isinstance(self.raw, str):
            return json.loads(self.raw)
        return self.raw


def check_exchange(
    contract: Contract,
    method: str,
    url: str,
    request_headers: Any,
    request_body: Any,
    status: int | None,
    response_headers: Any,
    response_body: Any,
) -> list[Violation]:
    parts = urlsplit(str(url))
    path = parts.path or "/"
    found = contract.find(str(method), path)
    if found is None:
        return [_unmatched(contract, str(method).upper(), path)]
    operation, path_params = found
    checker = _Checker(contract, operation)
    checker.request(
        path_params,
        parse_qs(parts.query, keep_blank_values=True),
        _headers(request_headers),
        _Body(request_body),
    )
    if status is not None:
        checker.response(status, _headers(response_headers), _Body(response_body))
    return checker.violations


def check_webhook(
    contract: Contract,
    name: str,
    request_headers: Any,
    request_body: Any,
    status: int | None,
    response_headers: Any,
    response_body: Any,
) -> list[Violation]:
    operation = contract.webhooks.get(str(name))
    if operation is None:
        known = ", ".join(sorted(contract.webhooks)) or "none"
        return [
            Violation(
                "webhook", "the contract documents no such webhook", f"one of {known}", str(name)
            )
        ]
    checker = _Checker(contract, operation)
    checker.request({}, {}, _headers(request_headers), _Body(request_body))
    if status is not None:
        checker.response(status, _headers(response_headers), _Body(response_body))
    return checker.violations


def _unmatched(contract: Contract, method: str, path: str) -> Violation:
    allowed = contract.allowed_methods(path)
    if allowed:
        return Violation(
            "request.method",
            f"{method} is not documented for this path",
            f"one of {', '.join(allowed)}",
            method,
        )
    return Violation(
        "request.path",
        "no path of the contract matches the request",
        "a documented path",
        f"{method} {path}",
    )


def _headers(headers: Any) -> dict[str, str]:
    """Lower-case names; a mapping, a list of pairs or None; repeated names joined by ', '."""
    if headers is None:
        return {}
    items = headers.items() if isinstance(headers, Mapping) else headers
    result: dict[str, str] = {}
    for name, value in items:
        name, value = _text(name).lower(), _text(value)
        result[name] = f"{result[name]}, {value}" if name in result else value
    return result


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


class _Checker:
    """Collects the violations of one exchange for one operation."""

    def __init__(self, contract: Contract, operation: Operation) -> None:
        self.contract = contract
        self.data = contract.data
        self.op = operation
        self.violations: list[Violation] = []

    def add(self, where: str, what: str, expected: str, got: str) -> None:
        self.violations.append(Violation(where, what, expected, got, self.op.label))

    # -- request ------------------------------------------------------------------------
    def request(
        self,
        path_params: dict[str, str],
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: _Body,
    ) -> None:
        for param, ptr in merged_parameters(self.data, self.op.ref):
            location, name = param.get("in"), param["name"]
            if location == "path":
                raw: str | list[str] | None = path_params.get(name)
            elif location == "query":
                raw = query.get(name)
            elif location == "header" and name.lower() not in _IGNORED_HEADERS:
                raw = headers.get(name.lower())
            else:
                continue
            self._parameter(param, ptr, f"request.{location}.{name}", raw)
        self._request_body(headers, body)

    def _parameter(
        self, param: dict[str, Any], ptr: str, where: str, raw: str | list[str] | None
    ) -> None:
        if raw is None:
            if param.get("required"):
                noun = "header" if ".header." in where else "parameter"
                self.add(where, f"a required {noun} is missing", "present", "absent")
            return
        schema, schema_ptr = deref(self.data, param.get("schema"), f"{ptr}/schema")
        if isinstance(schema, dict | bool):
            self._schema(where, schema_ptr, coerce(raw, schema, self.data))

    def _request_body(self, headers: dict[str, str], body: _Body) -> None:
        spec, ptr = deref(
            self.data,
            self.op.ref.operation.get("requestBody"),
            f"{self.op.ref.pointer}/requestBody",
        )
        if not isinstance(spec, dict):
            if not body.empty:
                self.add(
                    "request.body",
                    "the operation takes no request body",
                    "no body",
                    short(_preview(body)),
                )
            return
        if body.empty:
            if spec.get("required"):
                self.add("request.body", "the required request body is missing", "a body", "none")
            return
        self._content(
            "request", spec.get("content"), f"{ptr}/content", headers.get("content-type"), body
        )

    # -- response -----------------------------------------------------------------------
    def response(self, status: int, headers: dict[str, str], body: _Body) -> None:
        responses = self.op.ref.operation.get("responses")
        responses = responses if isinstance(responses, dict) else {}
        key = _response_key(responses, status)
        if key is None:
            documented = ", ".join(k for k in responses if not k.startswith("x-")) or "none"
            self.add(
                "response.status",
                f"status {status} is not documented",
                f"one of {documented}",
                str(status),
            )
            return
        ptr = f"{self.op.ref.pointer}/responses/{escape(key)}"
        spec, ptr = deref(self.data, responses[key], ptr)
        if not isinstance(spec, dict):
            return
        self._response_headers(spec, ptr, headers)
        if self.op.method == "HEAD" or status in (204, 304):
            return
        content = spec.get("content")
        if not content:
            if not body.empty:
                self.add(
                    "response.body",
                    f"response {key} documents no body",
                    "no body",
                    short(_preview(body)),
                )
            return
        if body.empty:
            self.add("response.body", f"response {key} has no body", "a body", "none")
            return
        self._content("response", content, f"{ptr}/content", headers.get("content-type"), body)

    def _response_headers(self, spec: dict[str, Any], ptr: str, headers: dict[str, str]) -> None:
        documented = spec.get("headers")
        for name, header in documented.items() if isinstance(documented, dict) else ():
            if name.lower() == "content-type":
                continue
            header, header_ptr = deref(self.data, header, f"{ptr}/headers/{escape(name)}")
            if not isinstance(header, dict):
                continue
            self._parameter(
                header, header_ptr, f"response.header.{name}", headers.get(name.lower())
            )

    # -- bodies and schemas -------------------------------------------------------------
    def _content(
        self, side: str, content: Any, ptr: str, content_type: str | None, body: _Body
    ) -> None:
        content = content if isinstance(content, dict) else {}
        media = match_media(list(content), content_type)
        if media is None:
            self.add(
                f"{side}.content-type",
                "the content type is not documented",
                f"one of {', '.join(content) or 'none'}",
                content_type or "none",
            )
            return
        media_ptr = f"{ptr}/{escape(media)}"
        spec, media_ptr = deref(self.data, content[media], media_ptr)
        if not isinstance(spec, dict) or "schema" not in spec or not _is_json(media, content_type):
            return
        try:
            value = body.decoded()
        except (ValueError, UnicodeDecodeError) as exc:
            if "*" not in media:  # a wildcard media type promises no JSON
                self.add(f"{side}.body", "the body is not valid JSON", "JSON", f"{exc}")
            return
        self._schema(f"{side}.body", f"{media_ptr}/schema", value)

    def _schema(self, where: str, schema_ptr: str, value: Any) -> None:
        try:
            errors = list(self.contract.schemas.errors(schema_ptr, value))
        except Exception as exc:  # a schema of the contract that cannot be compiled
            self.add(
                where,
                "the contract's schema cannot be checked",
                "a valid schema",
                f"{type(exc).__name__}: {exc}",
            )
            return
        for instance_ptr, what, expected, got in errors:
            self.add(f"{where}{instance_ptr}", what, expected, got)


def _response_key(responses: dict[str, Any], status: int) -> str | None:
    for key in (str(status), f"{status // 100}XX", f"{status // 100}xx", "default"):
        if key in responses:
            return key
    return None


def match_media(documented: list[str], actual: str | None) -> str | None:
    """The documented media type serving ``actual`` (exact, then ``type/*``, then ``*/*``)."""
    if not documented:
        return None
    if not actual:
        return documented[0] if len(documented) == 1 else None
    essence = actual.split(";", 1)[0].strip().lower()
    by_essence = {d.split(";", 1)[0].strip().lower(): d for d in documented}
    for key in (essence, essence.split("/", 1)[0] + "/*", "*/*"):
        if key in by_essence:
            return by_essence[key]
    return None


def _is_json(media: str, actual: str | None) -> bool:
    essence = (actual or media).split(";", 1)[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json") or media == "*/*"


def _preview(body: _Body) -> Any:
    try:
        return body.decoded()
    except (ValueError, UnicodeDecodeError):
        return _text(body.raw)


# -- parameter coercion -------------------------------------------------------------------
def coerce(raw: str | list[str], schema: Any, data: Any) -> Any:
    """A parameter's text as the JSON value its schema's type asks for (best effort)."""
    types = _types(schema)
    if "array" in types:
        values = raw if isinstance(raw, list) else raw.split(",")
        items, _ = deref(data, schema.get("items") if isinstance(schema, dict) else None, "")
        return [_scalar(v, _types(items)) for v in values]
    return _scalar(raw[0] if isinstance(raw, list) else raw, types)


def _types(schema: Any) -> set[str]:
    if not isinstance(schema, dict):
        return set()
    kind = schema.get("type")
    return set(kind) if isinstance(kind, list) else {kind} if isinstance(kind, str) else set()


def _scalar(text: str, types: set[str]) -> Any:
    if "integer" in types and _INT.fullmatch(text):
        return int(text)
    if "number" in types:
        try:
            return float(text) if not _INT.fullmatch(text) else int(text)
        except ValueError:
            pass
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    if "null" in types and text in ("", "null"):
        return None
    return text


__all__ = ["check_exchange", "check_webhook", "coerce", "match_media"]
