"""x2many commands: Odoo's (0, 0, vals) ... (6, 0, ids) tuples applied to one record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import fields as F

if TYPE_CHECKING:
    from .models import BaseModel

CREATE, UPDATE, DELETE, UNLINK, LINK, CLEAR, SET = range(7)


def apply_x2many_commands(record: BaseModel, field: F.Field, commands: Any) -> None:
    """Apply ``commands`` to ``field`` of the single ``record``."""
    if commands is None or commands is False:
        commands = [(CLEAR,)] if isinstance(field, F.Many2many) else []
    if not isinstance(commands, (list, tuple)):
        raise ValueError(f"Wrong value for {field.model_name}.{field.name}: {commands!r}")
    if commands and all(isinstance(c, int) and not isinstance(c, bool) for c in commands):
        commands = [(SET, 0, list(commands))]  # a plain list of ids means SET
    comodel = record.env[field.comodel_name]  # type: ignore[attr-defined]
    for command in commands:
        if not isinstance(command, (list, tuple)) or not command:
            raise ValueError(f"Wrong value for {field.model_name}.{field.name}: {command!r}")
        _apply_one(record, field, comodel, list(command))


def _apply_one(record: BaseModel, field: F.Field, comodel: BaseModel, command: list[Any]) -> None:
    code = command[0]
    arg1 = command[1] if len(command) > 1 else 0
    arg2 = command[2] if len(command) > 2 else None
    if code == CREATE:
        vals = dict(arg2 or {})
        if isinstance(field, F.One2many):
            vals[field.inverse_name] = record.id
            comodel.create(vals)
        else:
            new = comodel.create(vals)
            _link(record, field, [new.id])
    elif code == UPDATE:
        # writes the record only: on a many2many it does not add a link (Odoo's write_real)
        comodel.browse(arg1).write(dict(arg2 or {}))
    elif code == DELETE:
        comodel.browse(arg1).unlink()
    elif code == UNLINK:
        _unlink(record, field, comodel, [arg1])
    elif code == LINK:
        _link(record, field, [arg1])
    elif code == CLEAR:
        _unlink(record, field, comodel, None)
    elif code == SET:
        ids = list(arg2 or [])
        _unlink(record, field, comodel, None, keep=ids)
        _link(record, field, ids)
    else:
        raise ValueError(f"Unknown x2many command {code!r} for {field.model_name}.{field.name}")


def _link(record: BaseModel, field: F.Field, ids: list[int]) -> None:
    if not ids:
        return
    if isinstance(field, F.One2many):
        record.env[field.comodel_name].browse(ids).write({field.inverse_name: record.id})
        return
    assert isinstance(field, F.Many2many)
    existing = record.env[field.comodel_name]._existing_ids(ids)
    missing = [i for i in ids if i not in set(existing)]
    if missing:
        from .messages import fk_missing_relation

        raise fk_missing_relation(record, field)
    record.env.cr.executemany(
        f'INSERT OR IGNORE INTO "{field.relation}" ("{field.column1}", "{field.column2}") '
        "VALUES (?, ?)",
        [(record.id, i) for i in ids],
    )


def _unlink(
    record: BaseModel,
    field: F.Field,
    comodel: BaseModel,
    ids: list[int] | None,
    keep: list[int] | None = None,
) -> None:
    if isinstance(field, F.One2many):
        current = [
            r[0]
            for r in record.env.cr.execute(
                f'SELECT id FROM "{comodel._table}" WHERE "{field.inverse_name}" = ?', (record.id,)
            )
        ]
        targets = [i for i in current if (ids is None or i in ids) and not (keep and i in keep)]
        if not targets:
            return
        inverse = comodel._fields[field.inverse_name]
        if getattr(inverse, "ondelete", None) == "cascade" or inverse.required:
            comodel.browse(targets).unlink()
        else:
            comodel.browse(targets).write({field.inverse_name: False})
        return
    assert isinstance(field, F.Many2many)
    sql = f'DELETE FROM "{field.relation}" WHERE "{field.column1}" = ?'
    params: list[Any] = [record.id]
    if ids is not None:
        sql += f' AND "{field.column2}" IN ({",".join("?" * len(ids))})'
        params += ids
    if keep:
        sql += f' AND "{field.column2}" NOT IN ({",".join("?" * len(keep))})'
        params += keep
    record.env.cr.execute(sql, params)
