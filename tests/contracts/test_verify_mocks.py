"""``odoo-harness contracts verify`` from the command line against each running provider mock:
exit 0 and a JUnit report without failures.

Each mock is started as its docs say (``.server(port=0)``) with limits raised so the run
explores behaviour rather than the 429 path, and is reached with a valid sandbox credential
passed as ``--header``. Schema-valid requests refused by documented rules are accepted
because the contracts list them (``x-schema-valid-rejections``), not by tuning here. Two
examples per operation and phase keep the three runs around half a minute.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from xml.etree import ElementTree

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from odoo_harness.clock import Clock
from odoo_harness.contracts import Contract
from odoo_harness.contracts._verify import _config, _rejections
from odoo_harness.providers.carrier import DEFAULT_ACCOUNTS, CarrierMock, Limit, Settings
from odoo_harness.providers.crm import Credentials, CrmMock, Limits
from odoo_harness.providers.shop import TEST_TOKEN, Plan, ShopMock
from odoo_harness.serving import LoopbackServer

CONTRACTS = Path(__file__).parents[2] / "contracts" / "providers"
MANY = 10**9


def test_the_child_config_widens_acceptance_only_where_the_contract_says(tmp_path: Path) -> None:
    contract = CONTRACTS / "carrier.openapi.yaml"
    path, _ = _config(tmp_path, [], _rejections(Contract.load(contract)))
    schema = schemathesis.openapi.from_path(contract, config=SchemathesisConfig.from_path(path))
    accepted = {
        op.label: schema.config.checks_config_for(operation=op).positive_data_acceptance
        for op in (result.ok() for result in schema.get_all_operations())
    }
    assert "422" in accepted["POST /v1/shipments/{shipment_id}/buy"].expected_statuses
    others = [label for label, check in accepted.items() if "422" in check.expected_statuses]
    assert others == ["POST /v1/shipments/{shipment_id}/buy"]


def _carrier() -> tuple[AbstractContextManager[LoopbackServer], str, str]:
    mock = CarrierMock(
        clock=Clock(frozen=True),
        seed=3,
        settings=Settings(limits={"test": Limit(MANY, 1.0), "production": Limit(MANY, 1.0)}),
    )
    return mock.server(port=0), "", f"Authorization: Bearer {DEFAULT_ACCOUNTS[0].api_key}"


def _shop() -> tuple[AbstractContextManager[LoopbackServer], str, str]:
    mock = ShopMock(seed=3, plans={"test": Plan(MANY, MANY), "live": Plan(400, 20.0)})
    mock.seed({"generate": {"products": 4, "customers": 3, "orders": 12}})
    return mock.server(port=0), "/admin/api/2024-07", f"X-Shopify-Access-Token: {TEST_TOKEN}"


def _crm() -> tuple[AbstractContextManager[LoopbackServer], str, str]:
    unlimited = Limits(burst=MANY, daily=MANY, search_per_second=MANY)
    mock = CrmMock(limits={"production": unlimited, "sandbox": unlimited})
    token = next(t for t, p in Credentials().private_app_tokens.items() if p == "sandbox")
    return mock.server(port=0), "", f"Authorization: Bearer {token}"


MOCKS = {"carrier": _carrier, "shop": _shop, "crm": _crm}


@pytest.fixture(params=sorted(MOCKS))
def running(request: pytest.FixtureRequest) -> Iterator[tuple[str, str, str]]:
    """(contract name, base URL, credential header) of a served mock."""
    server, base_path, header = MOCKS[request.param]()
    with server as served:
        yield request.param, served.url + base_path, header


@pytest.mark.wire
def test_verify_passes_against_the_running_mock(
    running: tuple[str, str, str], tmp_path: Path
) -> None:
    name, base_url, header = running
    junit = tmp_path / "out" / f"{name}.junit.xml"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo_harness.cli.main",
            "contracts",
            "verify",
            str(CONTRACTS / f"{name}.openapi.yaml"),
            "--base-url",
            base_url,
            "--header",
            header,
            "--max-examples",
            "2",
            "--seed",
            "1",
            "--junit",
            str(junit),
            "--html",
            str(tmp_path / "out" / f"{name}.html"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    suites = ElementTree.parse(junit).getroot()
    assert int(suites.get("tests", 0)) > 0
    assert int(suites.get("failures", 0)) == 0 and int(suites.get("errors", 0)) == 0, output
    secret = header.partition(":")[2].strip().removeprefix("Bearer ")
    for text in (output, junit.read_text(encoding="utf-8")):
        assert secret not in text
