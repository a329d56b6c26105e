"""The engine's exchange log: every request it sends and every answer, in the journal.

Each exchange gets a correlation id (also sent as ``X-Correlation-Id``, so the other
side's journal entry carries the same id) and the id of the job being run (a context
variable set by the worker). Values are redacted with the shared policy, and the
adapter's own secrets (password, API key) are masked wherever they appear in logged
values, e.g. echoed in an error text (secrets under 6 characters are not searched for:
masking ``admin`` in every login would hide more than it protects; the envelopes that
carry the password are never logged at all).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from ..journal import MASK, Journal, JournalEntry, redact

MIN_SCRUBBED = 6
_CURRENT_JOB: ContextVar[int | None] = ContextVar("odoo_harness_engine_job", default=None)


@contextmanager
def running_job(job_id: int | None) -> Iterator[None]:
    """Exchanges made inside belong to ``job_id``."""
    token = _CURRENT_JOB.set(job_id)
    try:
        yield
    finally:
        _CURRENT_JOB.reset(token)


def current_job() -> int | None:
    return _CURRENT_JOB.get()


class ExchangeLog:
    """Journals ``exchange.request`` / ``exchange.response`` pairs for one remote system."""

    def __init__(
        self,
        journal: Journal,
        system: str,
        *,
        secrets: Iterable[str | None] = (),
        prefix: str | Callable[[], str] = "engine",
    ) -> None:
        """``prefix`` starts every correlation id (``engine-000001``): who is calling. A
        callable is asked at each exchange (the scenario harness is sometimes the people a
        scenario plays, ``users``, sometimes itself setting up and checking, ``harness``)."""
        self.journal = journal
        self.system = system
        self.prefix = prefix
        self._secrets: list[str] = []
        for secret in secrets:
            self.add_secret(secret)

    def add_secret(self, secret: str | None) -> None:
        if secret and len(secret) >= MIN_SCRUBBED and secret not in self._secrets:
            self._secrets = sorted([*self._secrets, secret], key=len, reverse=True)

    def new_correlation_id(self) -> str:
        prefix = self.prefix() if callable(self.prefix) else self.prefix
        return self.journal.new_correlation_id(prefix)

    def request(self, correlation_id: str, data: Mapping[str, Any]) -> JournalEntry:
        return self._record("exchange.request", correlation_id, data)

    def response(self, correlation_id: str, data: Mapping[str, Any]) -> JournalEntry:
        return self._record("exchange.response", correlation_id, data)

    def _record(self, kind: str, correlation_id: str, data: Mapping[str, Any]) -> JournalEntry:
        clean = self.scrub(redact(dict(data)))
        clean["job_id"] = current_job()
        return self.journal.record(kind, self.system, clean, correlation_id=correlation_id)

    def scrub(self, value: Any) -> Any:
        """``value`` with every occurrence of a known secret replaced by ``MASK``."""
        if isinstance(value, str):
            for secret in self._secrets:
                value = value.replace(secret, MASK)
            return value
        if isinstance(value, Mapping):
            return {k: self.scrub(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrub(v) for v in value]
        return value


__all__ = ["ExchangeLog", "current_job", "running_job"]
