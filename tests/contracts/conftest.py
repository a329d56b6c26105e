"""Shared fixtures of the contracts tooling's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from odoo_harness.contracts import Contract

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def items_contract() -> Contract:
    return Contract.load(DATA / "items.openapi.yaml")
