"""One HubSpot account (a "portal"): its records, associations and rate limits, and the
business rules of writing them, independent of HTTP.

Rules: unique values stay unique (409 ``CONFLICT`` names the existing id); the lifecycle
stage only moves forward (an earlier stage is ignored unless the value was cleared first);
every change emits the webhook events its subscribers asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from ...clock import Clock
from ..base import ProviderError
from .catalog import (
    ASSOCIATION_TYPES,
    INDEXED_PROPERTIES,
    MODIFIED_PROPERTY,
    OBJECT_TYPES,
    SINGULAR,
    lifecycle_rank,
)
from .limits import Limits, RateLimiter
from .store import Associations, Key, ObjectStore, Record
from .validation import is_decimal, iso


class EventSink(Protocol):
    def __call__(
        self,
        portal: Portal,
        event_type: str,
        object_id: int,
        change: tuple[str, str] | None = None,
        flag: str | None = None,
    ) -> None: ...


class Portal:
    def __init__(
        self,
        name: str,
        portal_id: int,
        clock: Clock,
        limits: Limits,
        new_id: Callable[[str], int],
        emit: EventSink,
    ) -> None:
        self.name = name
        self.portal_id = portal_id
        self.clock = clock
        self.limiter = RateLimiter(clock, limits)
        self.stores = {t: ObjectStore(t) for t in OBJECT_TYPES}
        self.links = Associations()
        self._new_id = new_id
        self._emit = emit

    # -- reads ----------------------------------------------------------------------------
    def lookup(
        self,
        object_type: str,
        object_id: str,
        id_property: str | None = None,
        *,
        archived: bool = False,
    ) -> Record | None:
        store = self.stores[object_type]
        if id_property is None or id_property == "hs_object_id":
            if not is_decimal(object_id):
                return None
            return store.get(int(object_id), archived=archived)
        if archived:
            return None
        return store.find(id_property, object_id)

    # -- writes ---------------------------------------------------------------------------
    def create(
        self,
        object_type: str,
        values: dict[str, str],
        associations: Sequence[tuple[Key, int]] = (),
        *,
        emit: bool = True,
    ) -> Record:
        self._check_unique(object_type, values, None)
        for target, type_id in associations:
            self._require_target(target, type_id)
        now = self.clock.now()
        record_id = self._new_id(f"{self.name}.{object_type}")
        if object_type == "deals" and not values.get("pipeline"):
            values = {**values, "pipeline": "default"}
        record = Record(record_id, object_type, {}, now, now)
        record.properties = {k: v for k, v in values.items() if v != ""}
        record.properties |= {
            "hs_object_id": str(record_id),
            "createdate": iso(now),
            MODIFIED_PROPERTY[object_type]: iso(now),
        }
        self.stores[object_type].add(record)
        for target, type_id in associations:
            self.links.add((object_type, record_id), target, type_id)
        if emit:
            self._emit(self, f"{SINGULAR[object_type]}.creation", record_id, flag="NEW")
        return record

    def update(
        self, record: Record, values: dict[str, str], *, emit: bool = True
    ) -> dict[str, str]:
        """Apply ``values`` under the rules; returns what changed."""
        values = self._forward_only(record, values)
        self._check_unique(record.object_type, values, record.id)
        store = self.stores[record.object_type]
        changed = store.update(record, values)
        if changed:
            record.updated_at = self.clock.now()
            record.properties[MODIFIED_PROPERTY[record.object_type]] = iso(record.updated_at)
        if emit:
            for name, value in changed.items():
                self._emit(
                    self,
                    f"{SINGULAR[record.object_type]}.propertyChange",
                    record.id,
                    change=(name, value),
                )
        return changed

    def archive(self, record: Record) -> None:
        if record.archived:
            return
        self.stores[record.object_type].archive(record, self.clock.now())
        self.links.drop((record.object_type, record.id))
        self._emit(self, f"{SINGULAR[record.object_type]}.deletion", record.id, flag="DELETED")

    def associate(self, source: Key, target: Key, type_id: int) -> None:
        self._require_target(target, type_id)
        self.links.add(source, target, type_id)

    # -- rules ----------------------------------------------------------------------------
    @staticmethod
    def _forward_only(record: Record, values: dict[str, str]) -> dict[str, str]:
        """Drop a lifecycle stage earlier than the current one (HubSpot ignores it)."""
        new = values.get("lifecyclestage")
        current = record.properties.get("lifecyclestage")
        if new and current and lifecycle_rank(new) < lifecycle_rank(current):
            return {k: v for k, v in values.items() if k != "lifecyclestage"}
        return values

    def _check_unique(self, object_type: str, values: dict[str, str], own: int | None) -> None:
        store = self.stores[object_type]
        for prop in INDEXED_PROPERTIES[object_type]:
            holder = store.holder(prop, values.get(prop, ""))
            if holder is not None and holder != own:
                raise conflict(object_type, prop, values[prop], holder)

    def _require_target(self, target: Key, type_id: int) -> None:
        kind = ASSOCIATION_TYPES[type_id]
        if target[0] != kind.target or self.stores[target[0]].get(target[1]) is None:
            raise ProviderError(
                404,
                "OBJECT_NOT_FOUND",
                f"Association target {SINGULAR[kind.target]} {target[1]} does not exist "
                f"(associationTypeId {type_id})",
                errors=[
                    {
                        "message": "association target not found",
                        "code": "OBJECT_NOT_FOUND",
                        "in": "associations",
                    }
                ],
            )

    def counts(self) -> dict[str, int]:
        return {t: len(s.active()) for t, s in self.stores.items()} | {
            "associations": self.links.count()
        }


def conflict(object_type: str, prop: str, value: str, existing: int) -> ProviderError:
    if object_type == "contacts" and prop == "email":
        message = f"Contact already exists. Existing ID: {existing}"
    else:
        message = (
            f"A {SINGULAR[object_type]} with {prop} {value!r} already exists. "
            f"Existing ID: {existing}"
        )
    return ProviderError(
        409,
        "CONFLICT",
        message,
        errors=[{"message": message, "code": "CONFLICT", "in": prop}],
        extra={"context": {"existingId": [str(existing)]}},
    )


__all__ = ["EventSink", "Portal", "conflict"]
