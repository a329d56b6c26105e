"""The CRM mock's data: records per object type with their unique-value index, and the
associations between records (stored both ways, each direction with its own type id)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .catalog import ASSOCIATION_TYPES, INDEXED_PROPERTIES
from .validation import is_decimal, iso

Key = tuple[str, int]  # (object type, id)


@dataclass
class Record:
    """One contact, company or deal. Property values are strings, as HubSpot returns them."""

    id: int
    object_type: str
    properties: dict[str, str]
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None = None

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    def public(self, names: list[str] | tuple[str, ...]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": str(self.id),
            "properties": {name: self.properties.get(name) or None for name in names},
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.updated_at),
            "archived": self.archived,
        }
        if self.archived_at is not None:
            body["archivedAt"] = iso(self.archived_at)
        return body


@dataclass
class ObjectStore:
    """The records of one object type, with an index of each unique property's values."""

    object_type: str
    records: dict[int, Record] = field(default_factory=dict)
    index: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))

    def get(self, record_id: int, *, archived: bool = False) -> Record | None:
        record = self.records.get(record_id)
        if record is None or record.archived != archived:
            return None
        return record

    def find(self, prop: str, value: str) -> Record | None:
        """The active record whose unique ``prop`` equals ``value`` (emails ignore case)."""
        if prop == "hs_object_id":
            return self.get(int(value)) if is_decimal(value) else None
        key = value.lower() if prop == "email" else value
        record_id = self.index[prop].get(key)
        return None if record_id is None else self.records[record_id]

    def holder(self, prop: str, value: str) -> int | None:
        """The id of the active record holding a unique value, if any."""
        found = self.find(prop, value) if value else None
        return None if found is None else found.id

    def add(self, record: Record) -> None:
        self.records[record.id] = record
        self._index(record, {})

    def update(self, record: Record, values: dict[str, str]) -> dict[str, str]:
        """Apply ``values``; returns the properties whose value changed."""
        before = dict(record.properties)
        changed = {k: v for k, v in values.items() if before.get(k, "") != v}
        for name, value in changed.items():
            if value == "":
                record.properties.pop(name, None)
            else:
                record.properties[name] = value
        self._index(record, before)
        return changed

    def archive(self, record: Record, at: datetime) -> None:
        self._unindex(record.properties)
        record.archived_at = at

    def active(self) -> list[Record]:
        return [r for _, r in sorted(self.records.items()) if not r.archived]

    def archived(self) -> list[Record]:
        return [r for _, r in sorted(self.records.items()) if r.archived]

    def _index(self, record: Record, before: dict[str, str]) -> None:
        self._unindex(before)
        for prop in INDEXED_PROPERTIES[self.object_type]:
            value = record.properties.get(prop)
            if value:
                self.index[prop][value.lower() if prop == "email" else value] = record.id

    def _unindex(self, properties: dict[str, str]) -> None:
        for prop in INDEXED_PROPERTIES[self.object_type]:
            value = properties.get(prop)
            if value:
                self.index[prop].pop(value.lower() if prop == "email" else value, None)


class Associations:
    """Directional links between records; adding one direction adds its inverse."""

    def __init__(self) -> None:
        self._links: dict[Key, dict[Key, set[int]]] = defaultdict(_targets)

    def add(self, source: Key, target: Key, type_id: int) -> None:
        kind = ASSOCIATION_TYPES[type_id]
        self._links[source][target].add(type_id)
        self._links[target][source].add(kind.inverse)

    def targets(self, source: Key, target_type: str) -> list[tuple[int, list[int]]]:
        """(target id, sorted type ids) of ``source``'s links to ``target_type``."""
        links = self._links.get(source, {})
        return sorted(
            (key[1], sorted(types)) for key, types in links.items() if key[0] == target_type
        )

    def drop(self, key: Key) -> None:
        """Forget every link of a record (it was archived)."""
        for other in self._links.pop(key, {}):
            self._links.get(other, {}).pop(key, None)

    def count(self) -> int:
        return sum(len(v) for v in self._links.values()) // 2

    def public(self, source: Key, target_type: str) -> dict[str, Any]:
        """The v3 ``associations`` block of one target type."""
        results = [
            {"id": str(target_id), "type": ASSOCIATION_TYPES[t].name}
            for target_id, types in self.targets(source, target_type)
            for t in types
        ]
        return {"results": results}


def _targets() -> defaultdict[Key, set[int]]:
    """A named factory (not a lambda), so that a mock's state file can store the links."""
    return defaultdict(set)


__all__ = ["Associations", "Key", "ObjectStore", "Record"]
