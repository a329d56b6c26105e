"""Scenarios against an external Odoo (``--odoo url=...``): no fresh database, no control API.

Such an Odoo keeps its records between scenarios, so ``given`` records are created through
the API (as the configured user, in file order, ``{ref: ...}`` resolved to this scenario's
records or to the server's external ids) and a scenario that needs the Odoo control API
(faults on odoo, ``time passes`` steps: Odoo's clock stamps ``write_date`` and cannot be
moved, a marker ``needs_odoo_control``) is skipped with the reason. Scenarios meant for a
shared Odoo use unique names and emails: records stay from one run to the next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..engine import OdooAdapter
from ..engine.errors import SyncError
from ..errors import ConfigError
from .config import OdooTarget
from .model import Scenario

NEEDS_CONTROL = "needs_odoo_control"


@dataclass(frozen=True)
class ExternalOdoo:
    """Looks like the parts of ``SandboxServer`` that scenarios use; ``sandbox`` is None."""

    target: OdooTarget
    sandbox: None = None

    @property
    def url(self) -> str:
        assert self.target.url
        return self.target.url

    @property
    def db(self) -> str:
        return self.target.db or ""

    @property
    def credentials(self) -> dict[str, tuple[str, str]]:
        login, secret = self.target.login or "", self.target.secret or ""
        return {"admin": (login, secret), "integration": (login, secret)}


def skip_reason(scenario: Scenario) -> str | None:
    """Why ``scenario`` cannot run against an external Odoo, or None."""
    if any(fault.get("system") == "odoo" for fault in scenario.faults):
        return "injects faults on odoo: an external Odoo has no control API (use --odoo embedded)"
    if any(step.action == "time.pass" for step in scenario.when):
        return "moves the clock: an external Odoo's clock cannot be moved (use --odoo embedded)"
    if NEEDS_CONTROL in scenario.markers:
        return f"marked {NEEDS_CONTROL}: needs a fresh embedded Odoo (use --odoo embedded)"
    return None


def create_given(odoo: OdooAdapter, records: list[Mapping[str, Any]], where: str) -> None:
    """Create ``given.odoo.records`` through the API, resolving ``{ref: ...}``."""
    made: dict[str, int] = {}
    for i, record in enumerate(records):
        model = record.get("model")
        values = record.get("values") or {}
        if not isinstance(model, str) or not isinstance(values, Mapping):
            raise ConfigError(f"{where}[{i}]: expected {{model: ..., values: {{...}}}}")
        try:
            resolved = {
                k: _resolve(odoo, made, v, f"{where}[{i}].values.{k}") for k, v in values.items()
            }
            record_id = odoo.create(model, resolved)
        except SyncError as exc:  # Odoo refused: say which record, in one line
            first = str(exc).splitlines()[0]
            raise ConfigError(
                f"{where}[{i}]: {model}: the external Odoo refused: {first}"
            ) from None
        if record.get("id"):
            made[str(record["id"])] = record_id


def _resolve(odoo: OdooAdapter, made: dict[str, int], value: Any, where: str) -> Any:
    if isinstance(value, Mapping) and set(value) == {"ref"}:
        ref = str(value["ref"])
        if ref in made:
            return made[ref]
        found = odoo.external_id(ref)
        if found is None:
            raise ConfigError(f"{where}: no record {ref!r} in this scenario or on the server")
        return found[1]
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        return [(6, 0, [_resolve(odoo, made, v, where) for v in value])]
    return value


__all__ = ["NEEDS_CONTROL", "ExternalOdoo", "create_given", "skip_reason"]
