"""Conformance suite wiring: topic markers and the sandboxes per version.

``--conformance-all`` is declared in ``tests/conftest.py``: pytest reads options before it
loads conftests of subfolders.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .replay import TOPICS, all_topics
from .servers import RunnerPool


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformance: replays a recording of a real Odoo server")
    for topic in dict.fromkeys([*TOPICS, *all_topics()]):
        config.addinivalue_line("markers", f"{topic}: conformance cases of the {topic!r} topic")


@pytest.fixture(scope="session")
def conformance_pool() -> Iterator[RunnerPool]:
    """One embedded sandbox per Odoo version, started when its first case runs."""
    with RunnerPool() as pool:
        yield pool
