"""schemathesis against the CRM mock over a real socket: every default check, the
examples, coverage and fuzzing phases per operation, then stateful sequences along the
contract's OpenAPI links. It must find nothing.

Limits are raised so the fuzzer explores behaviour rather than the 429 path (which the
behaviour tests cover); example counts are bounded to keep the run short.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from odoo_harness.providers.crm import Credentials, CrmMock, Limits

CONTRACT = Path(__file__).parents[3] / "contracts" / "providers" / "crm.openapi.yaml"
pytestmark = pytest.mark.wire
CREDENTIALS = Credentials()
PRODUCTION_TOKEN = next(t for t, p in CREDENTIALS.private_app_tokens.items() if p == "production")
UNLIMITED = Limits(burst=10**9, daily=10**9, search_per_second=10**9)


def _config(max_examples: int) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": 1,
            "generation": {"max-examples": max_examples},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": True, "max-steps": 8},
            },
            "auth": {
                "openapi": {
                    "privateAppToken": {"bearer": PRODUCTION_TOKEN},
                    "developerApiKey": {"api_key": CREDENTIALS.developer_api_key},
                }
            },
        }
    )


schema = schemathesis.openapi.from_path(CONTRACT, config=_config(15))


def _fresh(mock: CrmMock) -> None:
    """Back to the same seeded state: replays of a stateful run see the same answers."""
    mock.reset()
    mock.seed(
        {
            "contacts": [
                {"email": f"seed{i}@example.com", "firstname": f"Seed {i}"} for i in range(3)
            ],
            "companies": [{"name": "Acme", "odoo_partner_id": "7"}],
            "deals": [{"dealname": "First", "amount": "100"}],
        }
    )


@pytest.fixture(scope="module")
def crm_mock() -> Iterator[tuple[CrmMock, str]]:
    mock = CrmMock(limits={"production": UNLIMITED, "sandbox": UNLIMITED})
    _fresh(mock)
    with mock.server() as server:
        yield mock, server.url


@schema.parametrize()
@hypothesis.settings(deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_operations_conform(case: Any, crm_mock: tuple[CrmMock, str]) -> None:
    case.call_and_validate(base_url=crm_mock[1])


def test_stateful_sequences_conform(crm_mock: tuple[CrmMock, str]) -> None:
    mock, url = crm_mock
    schema.config.update(base_url=url)

    class Sequences(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            _fresh(mock)

    Sequences.run(
        settings=hypothesis.settings(
            max_examples=20,
            deadline=None,
            stateful_step_count=8,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
