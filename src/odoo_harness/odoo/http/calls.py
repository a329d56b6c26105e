"""Every model call, whatever the transport, goes through ``ModelCaller.call``.

It applies injected faults (``faults.FaultBook``), runs the call on the sandbox, and
journals it (secrets masked). ``ConnectionDropped`` tells the transport to close the
connection without answering, before the call ran (``drop``) or after it committed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from ...journal import MASK, Journal, redact
from ..sandbox import Sandbox
from .errors import exception_text, qualified_name
from .faults import FaultBook, FaultRule

# The caller's correlation id (``X-Correlation-Id``), set by each transport per request.
CORRELATION_ID: ContextVar[str | None] = ContextVar("odoo_harness_correlation_id", default=None)

# Methods whose positional arguments are secrets: (model, method) -> argument indexes.
_POSITIONAL_SECRETS: dict[tuple[str, str], tuple[int, ...]] = {
    ("res.users", "change_password"): (0, 1),
    ("res.users", "check_credentials"): (0,),
}


class ConnectionDropped(Exception):
    """Close the connection with no response; ``committed`` says whether the call ran."""

    def __init__(self, committed: bool) -> None:
        super().__init__("commit_then_drop" if committed else "drop")
        self.committed = committed


class ModelCaller:
    """Faults, the sandbox call and the journal entry of one model call."""

    def __init__(self, sandbox: Sandbox, faults: FaultBook, journal: Journal) -> None:
        self.sandbox = sandbox
        self.faults = faults
        self.journal = journal

    async def call(
        self,
        transport: str,
        uid: int,
        model: str,
        method: str,
        args: list[Any],
        kwargs: dict[str, Any],
        *,
        invoke: Callable[[], Any] | None = None,
        correlation_id: str | None = None,
    ) -> Any:
        """Run ``model.method`` as ``uid``; ``invoke`` replaces ``sandbox.execute_kw``."""
        fault = self.faults.take(model, method)
        started = time.perf_counter()
        outcome: dict[str, Any] = {"outcome": "ok"}
        try:
            if fault is not None:
                await _before(fault)
            if invoke is None:
                result = self.sandbox.execute_kw(uid, model, method, args, kwargs)
            else:
                result = invoke()
            if fault is not None and fault.kind == "commit_then_drop":
                raise ConnectionDropped(committed=True)
            return result
        except ConnectionDropped as exc:
            outcome = {"outcome": "committed_then_dropped" if exc.committed else "dropped"}
            raise
        except Exception as exc:
            outcome = {"outcome": "error", "error": _error_summary(exc)}
            raise
        finally:
            self._journal(
                transport,
                uid,
                model,
                method,
                args,
                kwargs,
                fault,
                outcome,
                time.perf_counter() - started,
                correlation_id,
            )

    def _journal(
        self,
        transport: str,
        uid: int,
        model: str,
        method: str,
        args: list[Any],
        kwargs: dict[str, Any],
        fault: FaultRule | None,
        outcome: dict[str, Any],
        duration: float,
        correlation_id: str | None,
    ) -> None:
        data = {
            "transport": transport,
            "uid": uid,
            "model": model,
            "method": method,
            "args": _redact_args(model, method, args),
            "kwargs": redact(kwargs),
            **outcome,
            "duration_ms": round(duration * 1000, 3),
        }
        if fault is not None:
            data["fault"] = {"id": fault.id, "kind": fault.kind}
        self.journal.record(
            "odoo.call",
            "odoo",
            data,
            correlation_id=correlation_id or CORRELATION_ID.get(),
            at=self.sandbox.clock.now(),
        )


async def _before(fault: FaultRule) -> None:
    """What a fault does before the call runs (``commit_then_drop`` acts after)."""
    if fault.kind == "latency":
        await asyncio.sleep(fault.seconds)
    elif fault.kind == "drop":
        raise ConnectionDropped(committed=False)
    elif fault.kind in ("error", "concurrency"):
        raise fault.build_exception()


def _redact_args(model: str, method: str, args: list[Any]) -> list[Any]:
    masked = redact(list(args))
    for index in _POSITIONAL_SECRETS.get((model, method), ()):
        if index < len(masked):
            masked[index] = MASK
    return masked


def _error_summary(exc: BaseException) -> dict[str, str]:
    return {"name": qualified_name(exc), "message": exception_text(exc)}


__all__ = ["CORRELATION_ID", "ConnectionDropped", "ModelCaller"]
