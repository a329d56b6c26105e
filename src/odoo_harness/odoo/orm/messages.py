"""Odoo's error texts, per version, in one place.

Integrations often match on these strings (or show them to users), so they are copied in
shape from what real servers answer (see fixtures/conformance).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..exceptions import UserError, ValidationError

if TYPE_CHECKING:
    from ..profiles import Profile
    from . import fields as F
    from .models import BaseModel
    from .registry import Environment


def record_repr(model: str, ids: tuple[int, ...] | list[int]) -> str:
    return f"{model}{tuple(ids)!r}"


def missing_record(model: str, ids: tuple[int, ...], uid: int) -> str:
    return (
        "Record does not exist or has been deleted.\n"
        f"(Record: {record_repr(model, ids)}, User: {uid})"
    )


def invalid_field_read(profile: Profile, name: str, model: str) -> str:
    if profile.major >= 19:
        return f"Invalid field {name!r} on {model!r}"
    return f"Invalid field {name!r} on model {model!r}"


def invalid_field_write(profile: Profile, name: str, model: str) -> str:
    if profile.major >= 19:
        return f"Invalid field {name!r} in {model!r}"
    return f"Invalid field {name!r} on model {model!r}"


def _cannot(profile: Profile) -> str:
    return "The operation cannot be completed:"


def fk_violation(env: Environment, model: BaseModel, field: F.Field) -> str:
    """A foreign key refused the operation (missing target, or a restricted delete)."""
    description = model._description or model._name
    if env.profile.major >= 19:
        return (
            f"{_cannot(env.profile)} Another model is using the record you are trying to delete."
            f"\n\nThe troublemaker is: '{description}' ({model._name})"
            f"\nThanks to the following constraint: '{field.string}' ({field.name})"
            "\nHow about archiving the record instead?"
        )
    return (
        f"{_cannot(env.profile)} another model requires the record being deleted."
        " If possible, archive it instead.\n\n"
        f"Model: {description} ({model._name})\n"
        f"Constraint: {model._table}_{field.name}_fkey\n"
    )


def fk_missing_target(env: Environment, model: BaseModel, field: F.Field) -> str:
    return fk_violation(env, model, field)


def fk_restrict(env: Environment, model: BaseModel, field: F.Field) -> str:
    return fk_violation(env, model, field)


def fk_missing_relation(record: BaseModel, field: F.Field) -> UserError:
    return UserError(fk_violation(record.env, record, field))


def required_missing(profile: Profile, model: BaseModel, field: F.Field) -> str:
    description = model._description or model._name
    if profile.major >= 19:
        return (
            f"{_cannot(profile)} Missing required value for the field "
            f"'{field.string}' ({field.name}).\n"
            f"Model: '{description}' ({model._name})\n"
            "- create/update: a mandatory field is not set\n"
            "- delete: another model requires the record being deleted, you can archive it instead\n"
        )
    return (
        f"{_cannot(profile)}\n"
        "- Create/update: a mandatory field is not set.\n"
        "- Delete: another model requires the record being deleted. If possible, archive it instead."
        f"\n\nModel: {description} ({model._name})\n"
        f"Field: {field.string} ({field.name})\n"
    )


def integrity_error(model: BaseModel, text: str) -> Exception:
    """Translate SQLite's integrity errors as Odoo translates PostgreSQL's."""
    profile = model.env.profile
    match = re.match(r"NOT NULL constraint failed: (\w+)\.(\w+)", text)
    if match:
        table, column = match.groups()
        owner = _model_for_table(model, table)
        field = owner._fields.get(column)
        if field is not None:
            return ValidationError(required_missing(profile, owner, field))
    match = re.match(r"CHECK constraint failed: (\w+)", text)
    if match:
        message = _constraint_message(model, match.group(1))
        if message:
            return ValidationError(f"{_cannot(profile)} {message}")
    match = re.match(r"UNIQUE constraint failed: (.+)", text)
    if match:
        columns = [c.split(".")[-1].strip() for c in match.group(1).split(",")]
        message = _unique_message(model, columns)
        if message:
            return ValidationError(f"{_cannot(profile)} {message}")
        return ValidationError(
            f"{_cannot(profile)} duplicate key value violates unique constraint "
            f'"{model._table}_{"_".join(columns)}_uniq"'
        )
    return ValidationError(f"{_cannot(profile)} {text}")


def _model_for_table(model: BaseModel, table: str) -> BaseModel:
    for name, cls in model.env.registry.models.items():
        if cls._table == table:
            return model.env[name]
    return model


def _constraint_message(model: BaseModel, constraint: str) -> str | None:
    for cls in model.env.registry.models.values():
        for name, _definition, message in cls._sql_constraints:
            if f"{cls._table}_{name}" == constraint:
                return message
    return None


def _unique_message(model: BaseModel, columns: list[str]) -> str | None:
    for _name, definition, message in model._sql_constraints:
        match = re.match(r"\s*UNIQUE\s*\((.*)\)", definition, re.I)
        if match and [c.strip().strip('"') for c in match.group(1).split(",")] == columns:
            return message
    return None
