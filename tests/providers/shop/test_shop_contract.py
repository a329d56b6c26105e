"""schemathesis against the running shop mock, over a real socket: the examples, coverage,
fuzzing and stateful phases with every default check, and nothing found.

``positive_data_acceptance`` accepts, per operation, the statuses the contract lists in
``x-schema-valid-rejections``: the answers Shopify gives to schema-valid input that
breaks a documented rule (a ``page_info`` that is not a cursor: 400; over-fulfilment, an
untracked or unstocked item, a cancelled order, a taken webhook address: 422).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from odoo_harness.providers.shop import TEST_TOKEN, Plan, ShopMock

from .conftest import API, CATALOGUE
from .contract_run import run

CONTRACT = Path(__file__).parents[3] / "contracts" / "providers" / "shop.openapi.yaml"
ACCEPTED = ["2xx", "401", "403", "404", "409", "429"]
EXAMPLES = 25  # per operation and phase: about 20 s in all


def _rejections(contract: Path) -> dict[str, list[int]]:
    """operationId -> the statuses schema-valid input may get (``x-schema-valid-rejections``)."""
    document = yaml.safe_load(contract.read_text(encoding="utf-8"))
    found = {}
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "x-schema-valid-rejections" in operation:
                found[operation["operationId"]] = operation["x-schema-valid-rejections"]
    return found


def schemathesis_settings(contract: Path, examples: int) -> dict[str, Any]:
    operations = [
        {
            "include-operation-id": [operation_id],
            "checks": {
                "positive_data_acceptance": {"expected-statuses": [*ACCEPTED, *map(str, statuses)]}
            },
        }
        for operation_id, statuses in _rejections(contract).items()
    ]
    return {
        "seed": 20240701,
        # no example database, no cache: every run starts from the seed alone, and leaves
        # nothing behind that another test could replay
        "generation": {"max-examples": examples, "database": "none"},
        "cache": {"enabled": False},
        "operations": operations,
    }


def test_the_contract_names_the_rule_rejections() -> None:
    assert _rejections(CONTRACT) == {
        "listOrders": [400],
        "listProducts": [400],
        "createProduct": [422],
        "createVariant": [422],
        "listCustomers": [400],
        "listInventoryLevels": [400, 422],
        "cancelOrder": [422],
        "createFulfillment": [422],
        "setInventoryLevel": [422],
        "adjustInventoryLevel": [422],
        "createWebhook": [422],
    }


@pytest.mark.wire
def test_schemathesis_finds_nothing() -> None:
    # a bucket that never empties: the 429 path has its own test; here every call must pass
    shop = ShopMock(seed=3, plans={"test": Plan(10**9, 10**9), "live": Plan(400, 20.0)})
    shop.seed({**CATALOGUE, "generate": {"products": 4, "customers": 3, "orders": 12}})
    with shop.server() as server:
        outcome = run(
            CONTRACT,
            server.url + API,
            {"X-Shopify-Access-Token": TEST_TOKEN},
            schemathesis_settings(CONTRACT, EXAMPLES),
        )
    assert outcome.errors == []
    assert outcome.findings == []
    assert set(outcome.scenarios) >= {"examples", "coverage", "fuzzing", "stateful"}
    assert outcome.checks > 5000
    statuses = {e.data["status"] for e in shop.journal.entries(kind="mock.response")}
    assert 500 not in statuses
    assert {200, 201, 400, 401, 404, 405, 422} <= statuses
