"""``Violation``: one way an exchange departs from its contract, as a value."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    """Where (``request.query.limit``, ``response.body/items/0``...), what is wrong, what the
    contract expects and what was there; ``operation`` names it (``GET /orders/{id}``)."""

    where: str
    what: str
    expected: str
    got: str
    operation: str = ""

    def __str__(self) -> str:
        head = f"{self.operation}: " if self.operation else ""
        return f"{head}{self.where}: {self.what} (expected {self.expected}; got {self.got})"
