"""Options pytest must know before it collects subfolders (only this conftest is loaded early)."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("conformance").addoption(
        "--conformance-all",
        action="store_true",
        default=False,
        help="conformance: also replay the business topics (products, sales, stock, crm, mail)",
    )
