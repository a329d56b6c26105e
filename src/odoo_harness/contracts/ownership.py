"""Field ownership (``contracts/ownership/*.yaml``): per entity, per field, the owning system.

    entity: partner
    systems: [odoo, crm]
    fields:
      name: odoo          # Odoo owns the legal name: the CRM never overwrites it
      lifecycle_stage: crm

An importer writes only fields the source owns; an exporter sends only fields Odoo owns;
a change by a non-owner is a conflict, recorded, never silently applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..yamlsource import SourceError, load_yaml
from .flows import SYSTEMS


@dataclass(frozen=True)
class Conflict:
    entity: str
    field: str
    owner: str
    writer: str
    value: Any


@dataclass(frozen=True)
class Ownership:
    entity: str
    systems: tuple[str, ...]
    fields: Mapping[str, str]
    path: Path | None = None

    def owner(self, field: str) -> str | None:
        return self.fields.get(field)

    def owned_by(self, system: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """The subset of ``values`` that ``system`` may write (fields it owns)."""
        return {k: v for k, v in values.items() if self.fields.get(k) == system}

    def conflicts(self, writer: str, values: Mapping[str, Any]) -> list[Conflict]:
        """Fields in ``values`` that ``writer`` does not own (unlisted fields included)."""
        return [
            Conflict(self.entity, k, self.fields.get(k, "(unowned)"), writer, v)
            for k, v in values.items()
            if self.fields.get(k) != writer
        ]


def load_ownership(path: str | Path) -> Ownership:
    source = load_yaml(path)
    data = source.data
    if not isinstance(data, dict):
        raise source.error((), "an ownership file is a mapping (entity, systems, fields)")
    for key in data:
        if key not in ("entity", "systems", "fields"):
            raise source.error((key,), "unknown key; an ownership file has entity, systems, fields")
    for key in ("entity", "systems", "fields"):
        if key not in data:
            raise source.error((), f"missing '{key}'")
    systems = data["systems"]
    if not isinstance(systems, list) or not systems or any(s not in SYSTEMS for s in systems):
        raise source.error(("systems",), f"expected a list among {', '.join(SYSTEMS)}")
    fields = data["fields"]
    if not isinstance(fields, dict) or not fields:
        raise source.error(("fields",), "expected a mapping field: owning system")
    for name, owner in fields.items():
        if owner not in systems:
            raise source.error(
                ("fields", name),
                f"owner {owner!r} is not one of this entity's systems ({', '.join(systems)})",
            )
    return Ownership(str(data["entity"]), tuple(systems), dict(fields), source.path)


def load_ownerships(directory: str | Path) -> dict[str, Ownership]:
    out: dict[str, Ownership] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        item = load_ownership(path)
        if item.entity in out:
            raise SourceError(
                f"{path}:1: entity: {item.entity!r} is also defined in {out[item.entity].path}"
            )
        out[item.entity] = item
    return out


__all__ = ["Conflict", "Ownership", "load_ownership", "load_ownerships"]
