"""Known secrets masked in what HTTP libraries log about a scenario's traffic.

httpx logs every request's URL at INFO (``HTTP Request: PUT ...?hapikey=...``) and
uvicorn's access log does the same on the server side: a credential a provider takes in
the query string (the CRM's developer API key) would land in the captured log, the
terminal and the JUnit XML. ``masked_logs(secrets)`` filters those loggers' records for the
duration of a scenario. The engine's and the harness's own loggers are not filtered: they
must never log a secret in the first place (the seeded-secret scan checks it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from ..journal import mask_secrets

LOGGERS = ("httpx", "uvicorn.access", "uvicorn.error")
MIN_LENGTH = 6  # as the exchange log: shorter values would mask ordinary words


class SecretMask(logging.Filter):
    """``secrets``: the values, or a callable giving them at each record (secrets handed
    out while a scenario runs, like a token a mock issues, join the list)."""

    def __init__(self, secrets: Iterable[str] | Callable[[], Iterable[str]]) -> None:
        super().__init__()
        self._source = secrets if callable(secrets) else tuple(secrets)

    @property
    def secrets(self) -> list[str]:
        found = self._source() if callable(self._source) else self._source
        return [s for s in found if s and len(s) >= MIN_LENGTH]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message, self.secrets)
        if masked != message:
            record.msg, record.args = masked, None
        return True


@contextmanager
def masked_logs(
    secrets: Iterable[str] | Callable[[], Iterable[str]], loggers: Iterable[str] = LOGGERS
) -> Iterator[SecretMask]:
    mask = SecretMask(secrets)
    targets = [logging.getLogger(name) for name in loggers]
    for logger in targets:
        logger.addFilter(mask)
    try:
        yield mask
    finally:
        for logger in targets:
            logger.removeFilter(mask)


__all__ = ["LOGGERS", "SecretMask", "masked_logs"]
