"""What a load test reads from the stock availability contract: the route and its query
parameters, the API-key header, the fields every answer must carry, and ``x-slo``.

Plain YAML reading, no locust: the CLI, the benchmark and the locustfile all use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError
from ..yamlsource import not_utf8, not_yaml

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_CONTRACT = REPO_ROOT / "contracts" / "engine" / "stock_availability.openapi.yaml"
QUERY_PARAMETERS = ("sku", "warehouse", "changed_since", "limit", "page_token")
SLO_KEYS = ("p50_ms", "p95_ms", "p99_ms", "error_rate")
# Route variants the same query mix can run on (the baseline and ceiling routes are
# served by the same app as the reference; only the reference is in the contract).
ROUTES = ("reference", "naive", "trivial")


@dataclass(frozen=True)
class StockContract:
    """The availability operation as a load test needs it."""

    source: str
    path: str
    api_key_header: str = "X-API-Key"
    required_fields: tuple[str, ...] = ("as_of", "watermark", "items")
    required_item_fields: tuple[str, ...] = ("sku", "warehouses", "total")
    slo: dict[str, float] = field(default_factory=dict)

    def route_path(self, route: str) -> str:
        if route == "reference":
            return self.path
        if route == "naive":
            return self.path + "-naive"
        if route == "trivial":
            return "/v1/trivial"
        raise ConfigError(f"route must be one of {', '.join(ROUTES)} (got {route!r})")


def load_contract(path: str | Path = DEFAULT_CONTRACT) -> StockContract:
    """Read ``path``; a missing file, operation or parameter is a ConfigError naming it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the contract ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(not_utf8(path, exc)) from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(not_yaml(path, text, exc)) from None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise ConfigError(f"{path}: not an OpenAPI document (no 'paths' mapping)")
    route, operation = _availability_operation(document, path)
    names = {p.get("name") for p in _parameters(document, operation, document["paths"][route])}
    missing = [name for name in QUERY_PARAMETERS if name not in names]
    if missing:
        raise ConfigError(
            f"{path}: paths.{route}.get lacks the query parameter(s) {', '.join(missing)}"
        )
    slo = parse_slo(document.get("x-slo") or {}, f"{path}: x-slo")
    slo.update(parse_slo(operation.get("x-slo") or {}, f"{path}: paths.{route}.get.x-slo"))
    top, item = _required_fields(document, operation)
    return StockContract(
        source=str(path),
        path=route,
        api_key_header=_api_key_header(document, operation) or "X-API-Key",
        required_fields=top or StockContract.required_fields,
        required_item_fields=item or StockContract.required_item_fields,
        slo=slo,
    )


def parse_slo(data: Any, where: str) -> dict[str, float]:
    """``{p50_ms, p95_ms, p99_ms, error_rate}`` (any subset), each a number >= 0."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: x-slo is a mapping of {', '.join(SLO_KEYS)} to numbers")
    slo: dict[str, float] = {}
    for key, value in data.items():
        if key not in SLO_KEYS:
            raise ConfigError(f"{where}: unknown objective {key!r}; known: {', '.join(SLO_KEYS)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(f"{where}: {key} must be a number >= 0 (got {value!r})")
        if key == "error_rate" and value > 1:
            raise ConfigError(f"{where}: error_rate is a share between 0 and 1 (got {value})")
        slo[key] = float(value)
    return slo


def _availability_operation(document: dict[str, Any], path: Path) -> tuple[str, dict[str, Any]]:
    for route, item in document["paths"].items():
        if (
            isinstance(item, dict)
            and str(route).rstrip("/").endswith("/stock/availability")
            and isinstance(item.get("get"), dict)
        ):
            return str(route), item["get"]
    raise ConfigError(f"{path}: no 'get' operation on a path ending in /stock/availability")


def _resolve(document: dict[str, Any], node: Any, depth: int = 0) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 20:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return {}
        node = document
        for part in ref[2:].split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        depth += 1
    return node


def _parameters(
    document: dict[str, Any], operation: dict[str, Any], path_item: dict[str, Any]
) -> list[dict[str, Any]]:
    raw = list(path_item.get("parameters") or []) + list(operation.get("parameters") or [])
    return [p for p in (_resolve(document, r) for r in raw) if isinstance(p, dict)]


def _api_key_header(document: dict[str, Any], operation: dict[str, Any]) -> str | None:
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    wanted = [
        name
        for req in operation.get("security") or document.get("security") or []
        for name in (req or {})
    ]
    for name in wanted or list(schemes):
        scheme = _resolve(document, schemes.get(name))
        if (
            isinstance(scheme, dict)
            and scheme.get("type") == "apiKey"
            and scheme.get("in") == "header"
        ):
            return str(scheme.get("name"))
    return None


def _required_fields(
    document: dict[str, Any], operation: dict[str, Any]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    response = _resolve(document, (operation.get("responses") or {}).get("200")) or {}
    content = (response.get("content") or {}) if isinstance(response, dict) else {}
    media = content.get("application/json") or {}
    schema = _resolve(document, media.get("schema")) if isinstance(media, dict) else {}
    if not isinstance(schema, dict):
        return (), ()
    top = tuple(str(name) for name in schema.get("required") or ())
    items = _resolve(document, (schema.get("properties") or {}).get("items")) or {}
    item = _resolve(document, items.get("items")) if isinstance(items, dict) else {}
    return top, tuple(str(n) for n in (item or {}).get("required") or ())
