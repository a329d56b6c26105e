"""Options pytest must know before it collects subfolders (only this conftest is loaded early)."""

from __future__ import annotations

import os

# pytester's in-process runs (tests/scenarios, tests/reports) drop the modules first
# imported during a run; httpx imports httpcore lazily and maps its exceptions by class, so
# a run that imported httpcore first would leave later runs with unmapped httpcore errors.
import httpcore  # noqa: F401
import pytest
from hypothesis import settings


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("conformance").addoption(
        "--conformance-all",
        action="store_true",
        default=False,
        help="conformance: also replay the business topics (products, sales, stock, crm, mail)",
    )


# CI replays the same examples on every run (a red build must be reproducible); locally,
# hypothesis explores new ones each time. HYPOTHESIS_PROFILE=ci reproduces CI locally.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)
