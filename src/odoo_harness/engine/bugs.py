"""Deliberate engine bugs, off by default: the proof that the scenario suite catches them.

``DEFECTS`` is the one switch board the engine consults. Each switch turns one guarantee
off, the way a careless integration would; the bug table (``tests/scenarios/
test_bug_table.py``, ``docs/scenarios.md``) switches each on and shows which scenario then
fails and with what message. Production code never sets them.

| switch | what the engine then does wrong |
|---|---|
| ``create_without_lookup`` | creates without looking the record up first (a plain CRM create; the ``Binder``'s create-or-find look-ups off; no SKU look-up before creating a shop product) |
| ``ignore_retry_after`` | waits its own backoff even when the provider's ``Retry-After`` asks for longer |
| ``overwrite_owned_fields`` | writes fields the other system owns (CRM names into Odoo, Odoo's lifecycle tag into the CRM) |
| ``accept_bad_signature`` | accepts a webhook whose signature does not verify |
| ``secret_in_log`` | logs request headers, bearer token included, in the journal and the Python log |
| ``enqueue_outside_outbox`` | moves the poller's watermark and queues the jobs in two transactions |

Switch them on in a test with ``switched_on("secret_in_log")``, or for a whole process
(e.g. ``odoo-harness run`` in a subprocess) with ``ODOO_HARNESS_ENGINE_BUGS=secret_in_log,...``.

Crash points: ``crash_point(name)`` raises ``SimulatedCrash`` (a ``BaseException``, so no
handler swallows it) when a test armed that point with ``arm_crash(name, after=n)``: the
process "dies" there. The scenario runtime uses them for ``engine crashes ...`` steps.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, fields

from ..errors import ConfigError

ENV = "ODOO_HARNESS_ENGINE_BUGS"


@dataclass
class Defects:
    """One flag per deliberate bug; all False is the correct engine."""

    create_without_lookup: bool = False
    ignore_retry_after: bool = False
    overwrite_owned_fields: bool = False
    accept_bad_signature: bool = False
    secret_in_log: bool = False
    enqueue_outside_outbox: bool = False

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def switch(self, *names: str, on: bool = True) -> None:
        for name in names:
            if name not in self.names():
                raise ValueError(
                    f"no engine bug {name!r}; the switches are: {', '.join(self.names())}"
                )
            setattr(self, name, on)

    def active(self) -> tuple[str, ...]:
        return tuple(n for n in self.names() if getattr(self, n))


DEFECTS = Defects()


def from_env(value: str | None = None) -> None:
    """Switch on the bugs named in ``ODOO_HARNESS_ENGINE_BUGS`` (comma-separated).

    An unknown name is a ``ConfigError`` naming the variable and the known switches; at
    import it switches nothing on, and the pytest plugin and ``odoo-harness engine``
    call this again to report it as a usage error.
    """
    text = os.environ.get(ENV, "") if value is None else value
    names = [n.strip() for n in text.split(",") if n.strip()]
    try:
        DEFECTS.switch(*names)
    except ValueError as exc:
        raise ConfigError(f"{ENV}: {exc}") from None


@contextmanager
def switched_on(*names: str) -> Iterator[Defects]:
    """The named bugs on inside the block, back to their previous state after."""
    before = {n: getattr(DEFECTS, n) for n in DEFECTS.names()}
    DEFECTS.switch(*names)
    try:
        yield DEFECTS
    finally:
        for name, value in before.items():
            setattr(DEFECTS, name, value)


# -- crash points ---------------------------------------------------------------------------
class SimulatedCrash(BaseException):  # noqa: N818 (a process death, not an error to handle)
    """The engine process dies here (a test armed this crash point)."""

    def __init__(self, point: str) -> None:
        super().__init__(f"simulated crash at {point}")
        self.point = point


_ARMED: dict[str, int] = {}
CRASH_POINTS = {
    "poller.before_enqueue": "the poller read changes; their jobs are not queued yet (outbox)",
    "worker.after_handler": "a job's work is done but the job is not yet marked done",
}


def arm_crash(point: str, *, after: int = 0) -> None:
    """Crash the ``after + 1``-th time ``point`` is reached (once)."""
    if point not in CRASH_POINTS:
        raise ValueError(f"no crash point {point!r}; the points are: {', '.join(CRASH_POINTS)}")
    _ARMED[point] = after


def disarm_crashes() -> None:
    _ARMED.clear()


def crash_point(point: str) -> None:
    """Die here if a test armed this point (and its count is reached)."""
    if point not in _ARMED:
        return
    if _ARMED[point] > 0:
        _ARMED[point] -= 1
        return
    del _ARMED[point]
    raise SimulatedCrash(point)


with suppress(ConfigError):  # reported as a usage error by the CLI and the pytest plugin
    from_env()

__all__ = [
    "CRASH_POINTS",
    "DEFECTS",
    "ENV",
    "Defects",
    "SimulatedCrash",
    "arm_crash",
    "crash_point",
    "disarm_crashes",
    "from_env",
    "switched_on",
]
