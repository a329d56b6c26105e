"""schemathesis against the carrier mock over a real socket: every default check, the
examples, coverage and fuzzing phases per operation, then stateful sequences along the
contract's OpenAPI links (create -> get / find by reference / buy -> track / void;
webhook create -> get / delete). It must find nothing.

Limits are raised so the fuzzer explores behaviour rather than the 429 path (the
behaviour tests cover it); example counts are bounded to keep the run short.

One tuning, stated in the contract: a well-formed request may be refused by a business
rule (a rate of another shipment, an expired rate, a reused idempotency key: 422), so
``positive_data_acceptance`` also accepts, per operation, the statuses the contract lists
in ``x-schema-valid-rejections``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from odoo_harness.clock import Clock
from odoo_harness.contracts import Contract
from odoo_harness.contracts._rules import schema_valid_rejections
from odoo_harness.providers.carrier import DEFAULT_ACCOUNTS, CarrierMock, Limit, Settings

CONTRACT = Path(__file__).parents[3] / "contracts" / "providers" / "carrier.openapi.yaml"
pytestmark = pytest.mark.wire
SANDBOX = DEFAULT_ACCOUNTS[0]
UNLIMITED = Limit(10**9, 1.0)
ACCEPTED = ["2xx", "401", "402", "404", "409", "429"]
REJECTIONS = {
    op.operation["operationId"]: statuses
    for op, statuses in schema_valid_rejections(Contract.load(CONTRACT).data)
}


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
                    "BearerAuth": {"bearer": SANDBOX.api_key},
                    "BasicAuth": {"username": SANDBOX.api_key, "password": ""},
                }
            },
            "operations": [
                {
                    "include-operation-id": [operation_id],
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": [*ACCEPTED, *map(str, statuses)]
                        }
                    },
                }
                for operation_id, statuses in REJECTIONS.items()
            ],
        }
    )


schema = schemathesis.openapi.from_path(CONTRACT, config=_config(25))


def test_the_contract_names_the_rule_rejections() -> None:
    assert REJECTIONS == {"buyShipment": [422]}


@pytest.fixture(scope="module")
def carrier_mock() -> Iterator[tuple[CarrierMock, str]]:
    mock = CarrierMock(
        clock=Clock(frozen=True),
        seed=3,
        settings=Settings(limits={"test": UNLIMITED, "production": UNLIMITED}),
    )
    with mock.server() as server:
        yield mock, server.url


@pytest.fixture(scope="module")
def carrier_server(carrier_mock: tuple[CarrierMock, str]) -> str:
    return carrier_mock[1]


@schema.parametrize()
@hypothesis.settings(deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_operations_conform(case: Any, carrier_server: str) -> None:
    case.call_and_validate(base_url=carrier_server)


def test_stateful_sequences_conform(carrier_mock: tuple[CarrierMock, str]) -> None:
    mock, url = carrier_mock
    schema.config.update(base_url=url)

    class Sequences(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Each sequence starts from the same state: draws that follow links depend on
            # earlier answers, and Hypothesis replays prefixes (FlakyStrategyDefinition).
            mock.reset()

    Sequences.run(
        settings=hypothesis.settings(
            max_examples=20,
            deadline=None,
            stateful_step_count=8,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
