"""``Contract``: one OpenAPI 3.1 file, ready to check traffic against.

``Contract.load(path)`` reads the file (``ContractError`` names file, line and reason);
``find(method, path)`` maps a request onto an operation by method and path template;
``validate_exchange(...)`` returns the ``Violation`` list of one request/response pair.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ._document import Document, load_document, parse_document
from ._openapi import OperationRef, iter_operations
from ._schemas import SchemaSet
from ._violations import Violation

log = logging.getLogger(__name__)
_TEMPLATE_VAR = re.compile(r"\{([^{}/]+)\}")


@dataclass(frozen=True)
class Operation:
    """One operation of a contract: what the runner needs to name and match it."""

    method: str  # upper case
    path: str  # the template, e.g. /orders/{order_id}
    operation_id: str | None
    slo: Mapping[str, float] | None
    ref: OperationRef = field(repr=False, compare=False)

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class _Route:
    operation: Operation
    regex: re.Pattern[str]
    names: tuple[str, ...]


class Contract:
    """A loaded contract and the compiled validators of its schemas."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.schemas = SchemaSet(document.data)
        self.operations = [_operation(ref) for ref in iter_operations(document.data)]
        self.webhooks = {
            ref.path: _operation(ref) for ref in iter_operations(document.data, "webhooks")
        }
        self._routes = _routes(self.operations)
        self._prefixes = _server_prefixes(document.data)

    @classmethod
    def load(cls, path: str | Path) -> Contract:
        return cls(load_document(path))

    @classmethod
    def from_text(cls, text: str, name: str = "<contract>") -> Contract:
        return cls(parse_document(text, name))

    @classmethod
    def from_dict(cls, data: dict[str, Any], name: str = "<contract>") -> Contract:
        return cls(Document(name, data))

    @property
    def path(self) -> str:
        return self.document.path

    @property
    def data(self) -> Any:
        return self.document.data

    def __repr__(self) -> str:
        return f"<Contract {self.path} ({len(self.operations)} operations)>"

    def find(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation serving ``method path`` and its raw path parameters."""
        for candidate in self._candidates(path):
            found = self._match(method.upper(), candidate)
            if found is not None:
                return found
        return None

    def allowed_methods(self, path: str) -> list[str]:
        """The documented methods of the first path template matching ``path``."""
        for candidate in self._candidates(path):
            methods = [
                r.operation.method
                for rs in self._routes.values()
                for r in rs
                if r.regex.fullmatch(candidate)
            ]
            if methods:
                return sorted(set(methods))
        return []

    def validate_exchange(
        self,
        method: str,
        url_or_path: str,
        request_headers: Any = None,
        request_body: Any = None,
        status: int | None = None,
        response_headers: Any = None,
        response_body: Any = None,
    ) -> list[Violation]:
        """Every way one request/response pair departs from the contract (never raises).

        ``status=None`` checks the request only (no response was received). Bodies may be
        bytes, text or already-decoded JSON; headers a mapping or a list of pairs.
        """
        from ._exchange import check_exchange

        try:
            return check_exchange(
                self,
                method,
                url_or_path,
                request_headers,
                request_body,
                status,
                response_headers,
                response_body,
            )
        except Exception as exc:  # odd input must never break a scenario run
            log.debug("validator failed on %s %s", method, url_or_path, exc_info=True)
            return [
                Violation(
                    "exchange",
                    "the validator could not check this exchange",
                    "a checkable request/response",
                    f"{type(exc).__name__}: {exc}",
                )
            ]

    def validate_webhook(
        self,
        name: str,
        request_headers: Any = None,
        request_body: Any = None,
        status: int | None = None,
        response_headers: Any = None,
        response_body: Any = None,
    ) -> list[Violation]:
        """A delivery of the webhook ``name`` (``webhooks:`` of the contract) and, when
        given, the receiver's answer; never raises."""
        from ._exchange import check_webhook

        try:
            return check_webhook(
                self, name, request_headers, request_body, status, response_headers, response_body
            )
        except Exception as exc:  # odd input must never break a scenario run
            log.debug("validator failed on webhook %s", name, exc_info=True)
            return [
                Violation(
                    "exchange",
                    "the validator could not check this delivery",
                    "a checkable delivery",
                    f"{type(exc).__name__}: {exc}",
                )
            ]

    def _candidates(self, path: str) -> list[str]:
        found = [path]
        for prefix in self._prefixes:
            match = prefix.match(path)
            if match and match.end() < len(path):
                found.append(path[match.end() :])
        return found

    def _match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        for route in self._routes.get(method, ()):
            match = route.regex.fullmatch(path)
            if match:
                params = {
                    name: unquote(value)
                    for name, value in zip(route.names, match.groups(), strict=True)
                }
                return route.operation, params
        return None


def _operation(ref: OperationRef) -> Operation:
    slo = ref.operation.get("x-slo")
    op_id = ref.operation.get("operationId")
    return Operation(
        ref.method.upper(),
        ref.path,
        op_id if isinstance(op_id, str) else None,
        slo if isinstance(slo, dict) else None,
        ref,
    )


def _routes(operations: list[Operation]) -> dict[str, list[_Route]]:
    """Routes per method, concrete paths before templated ones (OpenAPI's matching rule)."""
    routes: dict[str, list[_Route]] = {}
    for op in operations:
        regex, names = _template_regex(op.path)
        routes.setdefault(op.method, []).append(_Route(op, regex, names))
    for method_routes in routes.values():
        method_routes.sort(
            key=lambda r: (len(r.names), -len(_TEMPLATE_VAR.sub("", r.operation.path)))
        )
    return routes


def _template_regex(template: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    parts, names, last = [], [], 0
    for match in _TEMPLATE_VAR.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        parts.append("([^/]+)")
        names.append(match.group(1))
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts)), tuple(names)


def _server_prefixes(data: Any) -> list[re.Pattern[str]]:
    """The base paths of the contract's servers (``/admin/api/{version}``) as regexes."""
    prefixes = []
    servers = data.get("servers") if isinstance(data, dict) else None
    for server in servers if isinstance(servers, list) else []:
        url = server.get("url") if isinstance(server, dict) else None
        if not isinstance(url, str):
            continue
        base = urlsplit(url).path if "://" in url else url.split("?")[0]
        base = base.rstrip("/")
        if base:
            regex, _ = _template_regex(base)
            prefixes.append(re.compile(regex.pattern + "(?=/)"))
    return prefixes
