"""Model access rights (``ir.model.access``) for users other than the superuser.

Rows come from each version's master data, so a restricted user meets the same
AccessError as on a real database. A model without any row is open to Settings users
only (on a real database every installed model has rows; we seed those the recordings
list and let administrators through the rest).

A user's groups and a model's rows are cached in the sandbox's ``DerivedCache`` (passed as
``env.state["derived"]``), which forgets them as soon as any row of the database changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..exceptions import AccessError

if TYPE_CHECKING:
    from .derived import DerivedCache
    from .models import BaseModel

VERBS = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}
SETTINGS_GROUP = "base.group_system"


def _cache(model: BaseModel, name: str) -> dict[Any, Any]:
    """The sandbox's ``DerivedCache`` section ``name`` (kept across calls until any row
    changes), or a per-transaction dict for environments made without one."""
    env = model.env
    derived: DerivedCache | None = env.state.get("derived")
    if derived is None:
        return env.state.setdefault(name, {})
    return derived.section(env.cr, name)


def user_group_ids(model: BaseModel, uid: int) -> frozenset[int]:
    cache = _cache(model, "user_groups")
    if uid not in cache:
        rows = model._sql('SELECT gid FROM "res_groups_users_rel" WHERE uid = ?', (uid,))
        cache[uid] = frozenset(r[0] for r in rows)
    return cache[uid]


def _access_rows(model: BaseModel, operation: str) -> list[tuple[int | None, int]]:
    cache = _cache(model, "access_rows")
    key = (model._name, operation)
    if key not in cache:
        cache[key] = model._sql(
            f'SELECT a.group_id, a.perm_{operation} FROM "ir_model_access" a '
            'JOIN "ir_model" m ON m.id = a.model_id WHERE m.model = ? AND a.active = 1',
            (model._name,),
        )
    return cache[key]


def allowed(model: BaseModel, uid: int, operation: str) -> bool:
    groups = user_group_ids(model, uid)
    rows = _access_rows(model, operation)
    if not rows:
        settings = model.env.xmlid_id(SETTINGS_GROUP)
        return settings in groups
    return any(perm and (gid is None or gid in groups) for gid, perm in rows)


def check_model_access(model: BaseModel, operation: str) -> None:
    if operation not in VERBS:
        raise ValueError(f"Invalid access mode {operation!r}")
    if allowed(model, model.env.uid, operation):
        return
    raise AccessError(access_error_message(model, operation))


def access_error_message(model: BaseModel, operation: str) -> str:
    description = model._description or model._name
    group_ids = sorted({gid for gid, perm in _access_rows(model, operation) if perm and gid})
    labels = sorted(group_label(model, gid) for gid in group_ids)
    head = f"You are not allowed to {VERBS[operation]} '{description}' ({model._name}) records."
    if labels:
        body = "This operation is allowed for the following groups:\n" + "\n".join(
            f"\t- {label}" for label in labels
        )
    else:
        body = "No group currently allows this operation."
    return f"{head}\n\n{body}\n\nContact your administrator to request access if necessary."


def group_label(model: BaseModel, gid: int) -> str:
    """``Category/Name`` as Odoo's access errors write it (the full name minus spaces
    around the category separator)."""
    rows = model._sql('SELECT name, full_name FROM "res_groups" WHERE id = ?', (gid,))
    if not rows:
        return str(gid)
    name, full_name = rows[0]
    name = name or ""
    full_name = full_name or name
    if full_name != name and full_name.endswith(name):
        prefix = full_name[: -len(name)].rstrip().rstrip("/").rstrip()
        return f"{prefix}/{name}"
    return full_name
