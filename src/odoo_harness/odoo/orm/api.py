"""``call_kw``: how a remote call reaches a model method, as Odoo's ``odoo.api.call_kw``.

Methods marked ``@rpc`` are public; names starting with ``_`` and a few helpers are
private (AccessError); anything else does not exist (AttributeError). ``@rpc(model=True)``
methods get no ids; the others take the first positional argument as ids.
"""

from __future__ import annotations

import inspect
from typing import Any

from ..exceptions import AccessError, UnprocessableEntity
from .models import BaseModel

# Public in Python but private over RPC, from the version given on.
PRIVATE_SINCE = {"exists": 19}


def public_method(model: BaseModel, name: str) -> Any:
    profile = model.env.profile
    private = name.startswith("_") or "__" in name or name in model._private_names
    if not private and name in PRIVATE_SINCE:
        private = profile.major >= PRIVATE_SINCE[name]
    if private:
        raise AccessError(
            f"Private methods (such as '{model._name}.{name}') cannot be called remotely."
        )
    func = getattr(type(model), f"{name}__v{profile.major}", None) or getattr(
        type(model), name, None
    )
    kind = getattr(func, "_rpc", None)
    versions = getattr(func, "_rpc_versions", None)
    if kind is None or (versions and profile.serie not in versions):
        raise AttributeError(f"The method '{model._name}.{name}' does not exist")
    return func


def call_kw(model: BaseModel, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    func = public_method(model, name)
    kwargs = dict(kwargs or {})
    context = kwargs.pop("context", None)
    if isinstance(context, dict):
        model = model.with_context({**model.env.context, **context})
    kind = func._rpc
    args = list(args or [])
    if kind in ("model", "create"):
        result = func(model, *args, **kwargs)
        if kind == "create":
            single = isinstance(args[0] if args else kwargs.get("vals_list"), dict)
            return _downgrade(result, single)
        return _downgrade(result, False)
    if not args:
        raise IndexError("list index out of range")
    ids, rest = args[0], args[1:]
    records = model.browse(ids)
    single_before = getattr(func, "_rpc_single_before", None)
    single = bool(single_before and model.env.profile.major < single_before)
    return _downgrade(func(records, *rest, **kwargs), single)


def _downgrade(result: Any, single: bool) -> Any:
    if isinstance(result, BaseModel):
        return result.id if single else result.ids
    return result


def call_json2(model: BaseModel, name: str, ids: list[int] | None, params: dict[str, Any]) -> Any:
    """Odoo 19's JSON-2: named arguments bound to the method's signature; ``ids`` only for
    record methods; recordsets come back as id lists (``create`` included)."""
    func = public_method(model, name)
    params = dict(params or {})
    context = params.pop("context", None)
    if isinstance(context, dict):
        model = model.with_context({**model.env.context, **context})
    if ids and func._rpc in ("model", "create"):
        raise UnprocessableEntity(f"cannot call {model._name}.{name} with ids")
    records = model.browse(ids or [])
    try:
        bound = inspect.signature(func).bind(records, **params)
    except TypeError as exc:
        raise UnprocessableEntity(exc.args[0]) from None
    result = func(*bound.args, **bound.kwargs)
    return result.ids if isinstance(result, BaseModel) else result
