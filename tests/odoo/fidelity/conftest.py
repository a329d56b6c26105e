"""Fidelity cases: one embedded sandbox per version for the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.conformance.servers import RunnerPool


@pytest.fixture(scope="session")
def fidelity_pool() -> Iterator[RunnerPool]:
    """Sandboxes of their own: the fidelity cases never share a database with the recordings."""
    with RunnerPool() as pool:
        yield pool
