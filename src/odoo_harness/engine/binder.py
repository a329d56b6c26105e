"""``Binder``: external ids (system, external id) <-> Odoo ids, and create-or-find.

Bindings live in the job store's SQLite file (table ``bindings``) and are mirrored in
Odoo as external ids (``ir.model.data``, module ``__<system>__``), so a lost local file
can be rebuilt from Odoo. ``create_or_find`` looks a record up before creating it (the
binding, the mirrored external id, then the flow's key domain), so a retry after an
answer lost *after* Odoo committed never creates a duplicate. ``create_or_find=False``
turns the remote look-ups off: it exists so a test can prove they matter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .bugs import DEFECTS
from .jobs import JobStore
from .odoo_adapter import Domain, OdooAdapter

SCHEMA = """
CREATE TABLE IF NOT EXISTS bindings (
    system TEXT NOT NULL,
    model TEXT NOT NULL,
    external_id TEXT NOT NULL,
    odoo_id INTEGER NOT NULL,
    bound_at TEXT NOT NULL,
    PRIMARY KEY (system, model, external_id)
);
CREATE INDEX IF NOT EXISTS bindings_odoo ON bindings (system, model, odoo_id);
"""


def xmlid_name(model: str, external_id: str) -> str:
    """The ``ir.model.data`` name of an external id: ``sale_order_1001``."""
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", str(external_id))
    return f"{model.replace('.', '_')}_{cleaned}"


class Binder:
    """The bindings of one external system's records to one Odoo model."""

    def __init__(
        self,
        adapter: OdooAdapter,
        store: JobStore,
        *,
        system: str,
        model: str,
        mirror: bool = True,
        create_or_find: bool = True,
    ) -> None:
        self.adapter = adapter
        self.store = store
        self.system = system
        self.model = model
        self.module = f"__{system}__"
        self.mirror = mirror
        # the deliberate bug create_without_lookup turns the look-ups off (engine/bugs.py)
        self.create_or_find_enabled = create_or_find and not DEFECTS.create_without_lookup
        store.add_schema(SCHEMA)

    # -- local bindings -------------------------------------------------------------------
    def to_internal(self, external_id: str) -> int | None:
        """The Odoo id bound to ``external_id``: local table first, then Odoo's external
        ids (a binding found there is stored locally again)."""
        local = self._local(str(external_id))
        if local is not None:
            return local
        if not self.mirror:
            return None
        found = self._from_odoo([str(external_id)])
        for ext, odoo_id in found.items():
            self._store(ext, odoo_id)
        return found.get(str(external_id))

    def to_internal_many(self, external_ids: Iterable[str]) -> dict[str, int]:
        """Bindings of many external ids: one Odoo call at most, for those not local."""
        wanted = [str(e) for e in external_ids]
        out = {e: i for e in wanted if (i := self._local(e)) is not None}
        missing = [e for e in wanted if e not in out]
        if missing and self.mirror:
            for ext, odoo_id in self._from_odoo(missing).items():
                self._store(ext, odoo_id)
                out[ext] = odoo_id
        return out

    def to_external(self, odoo_id: int) -> str | None:
        rows = self.store.execute(
            "SELECT external_id FROM bindings WHERE system = ? AND model = ? AND odoo_id = ?",
            (self.system, self.model, odoo_id),
        )
        return rows[0][0] if rows else None

    def bind(self, external_id: str, odoo_id: int) -> None:
        """Remember the pair locally and as an Odoo external id."""
        self._store(str(external_id), odoo_id)
        if self.mirror:
            self._mirror(str(external_id), odoo_id)

    def bind_new(self, pairs: Mapping[str, int]) -> None:
        """Bind records the other system has just created: their external ids are new, so
        the mirror is one ``create`` for all of them, without looking names up first."""
        for external_id, odoo_id in pairs.items():
            self._store(str(external_id), odoo_id)
        if self.mirror and pairs:
            self._mirror_new({str(e): i for e, i in pairs.items()}, checked=True)

    def forget(self, external_id: str) -> None:
        """Drop the local binding only (tests use it to simulate a lost store)."""
        self.store.execute(
            "DELETE FROM bindings WHERE system = ? AND model = ? AND external_id = ?",
            (self.system, self.model, str(external_id)),
        )

    # -- create-or-find -------------------------------------------------------------------
    def create_or_find(
        self, external_id: str, values: Mapping[str, Any], key: Domain | None = None
    ) -> tuple[int, bool]:
        """The bound record of ``external_id``, or the one matching ``key``, or a new
        one from ``values``; and whether this call created it. Binds the result."""
        external_id = str(external_id)
        found = self._local(external_id)
        if found is not None:
            return found, False
        if self.create_or_find_enabled:
            found = self._find_remote(external_id, key)
            if found is not None:
                self.bind(external_id, found)
                return found, False
        odoo_id = self.adapter.create(self.model, values)
        self._store(external_id, odoo_id)
        if self.mirror:
            self._mirror_new({external_id: odoo_id}, checked=self.create_or_find_enabled)
        return odoo_id, True

    def create_or_find_many(
        self, records: Mapping[str, Mapping[str, Any]], key_field: str | None = None
    ) -> dict[str, tuple[int, bool]]:
        """``create_or_find`` for many records in at most four calls: external ids, the
        key field (``values[key_field]`` of each record), one ``create``, one mirror."""
        out = {e: (i, False) for e in records if (i := self._local(str(e))) is not None}
        todo = {str(e): v for e, v in records.items() if e not in out}
        if todo and self.create_or_find_enabled:
            found = self._find_remote_many(todo, key_field)
            for ext, odoo_id in found.items():
                self._store(ext, odoo_id)
                out[ext] = (odoo_id, False)
            if self.mirror and found:
                self._mirror_new({e: i for e, i in found.items()}, checked=False)
            todo = {e: v for e, v in todo.items() if e not in found}
        if todo:
            ids = self.adapter.create_many(self.model, list(todo.values()))
            created = dict(zip(todo, ids, strict=True))
            for ext, odoo_id in created.items():
                self._store(ext, odoo_id)
                out[ext] = (odoo_id, True)
            if self.mirror:
                self._mirror_new(created, checked=self.create_or_find_enabled)
        return out

    def _find_remote(self, external_id: str, key: Domain | None) -> int | None:
        if self.mirror:
            found = self._from_odoo([external_id]).get(external_id)
            if found is not None:
                return found
        return self.adapter.find(self.model, key) if key else None

    def _find_remote_many(
        self, todo: Mapping[str, Mapping[str, Any]], key_field: str | None
    ) -> dict[str, int]:
        found = self._from_odoo(list(todo)) if self.mirror else {}
        rest = {e: v for e, v in todo.items() if e not in found}
        if key_field and rest:
            by_key = {v[key_field]: e for e, v in rest.items() if v.get(key_field)}
            rows = self.adapter.search_read(
                self.model, [(key_field, "in", list(by_key))], [key_field]
            )
            for row in rows:
                ext = by_key.get(row[key_field])
                if ext is not None and ext not in found:
                    found[ext] = int(row["id"])
        return found

    # -- storage --------------------------------------------------------------------------
    def _local(self, external_id: str) -> int | None:
        rows = self.store.execute(
            "SELECT odoo_id FROM bindings WHERE system = ? AND model = ? AND external_id = ?",
            (self.system, self.model, external_id),
        )
        return int(rows[0][0]) if rows else None

    def _store(self, external_id: str, odoo_id: int) -> None:
        self.store.execute(
            "INSERT INTO bindings (system, model, external_id, odoo_id, bound_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (system, model, external_id) "
            "DO UPDATE SET odoo_id = excluded.odoo_id, bound_at = excluded.bound_at",
            (self.system, self.model, external_id, odoo_id, self.store.clock.now().isoformat()),
        )

    def _from_odoo(self, external_ids: Sequence[str]) -> dict[str, int]:
        names = {xmlid_name(self.model, e): e for e in external_ids}
        rows = self.adapter.search_read(
            "ir.model.data",
            [("module", "=", self.module), ("model", "=", self.model), ("name", "in", list(names))],
            ["name", "res_id"],
        )
        return {names[r["name"]]: int(r["res_id"]) for r in rows if r["name"] in names}

    def _mirror(self, external_id: str, odoo_id: int) -> None:
        name = xmlid_name(self.model, external_id)
        rows = self.adapter.search_read(
            "ir.model.data", [("module", "=", self.module), ("name", "=", name)], ["res_id"]
        )
        if not rows:
            self._mirror_new({external_id: odoo_id}, checked=True)
        elif int(rows[0]["res_id"]) != odoo_id:
            self.adapter.write("ir.model.data", rows[0]["id"], {"res_id": odoo_id})

    def _mirror_new(self, pairs: Mapping[str, int], *, checked: bool) -> None:
        """Create the external ids of ``pairs``; ``checked``: we just saw none exists
        (else existing names are looked up first and repointed)."""
        if not checked:
            for ext, odoo_id in pairs.items():
                self._mirror(ext, odoo_id)
            return
        self.adapter.create_many(
            "ir.model.data",
            [
                {
                    "module": self.module,
                    "name": xmlid_name(self.model, e),
                    "model": self.model,
                    "res_id": i,
                    "noupdate": True,
                }
                for e, i in pairs.items()
            ],
        )


__all__ = ["SCHEMA", "Binder", "xmlid_name"]
