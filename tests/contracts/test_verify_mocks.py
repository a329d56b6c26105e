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
from odoo_harness.contracts._verify import _config, _query_schemes, _rejections, parse_query
from odoo_harness.errors import ConfigError
from odoo_harness.journal import Journal
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
    result = _verify(tmp_path, name, base_url, "--header", header)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    suites = ElementTree.parse(junit).getroot()
    assert int(suites.get("tests", 0)) > 0
    assert int(suites.get("failures", 0)) == 0 and int(suites.get("errors", 0)) == 0, output
    secret = header.partition(":")[2].strip().removeprefix("Bearer ")
    for text in (output, junit.read_text(encoding="utf-8")):
        assert secret not in text


def _verify(
    tmp_path: Path, name: str, base_url: str, *options: str
) -> subprocess.CompletedProcess[str]:
    """``odoo-harness contracts verify`` of one provider contract, reports in tmp/out."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo_harness.cli.main",
            "contracts",
            "verify",
            str(CONTRACTS / f"{name}.openapi.yaml"),
            "--base-url",
            base_url,
            *options,
            "--max-examples",
            "2",
            "--seed",
            "1",
            "--junit",
            str(tmp_path / "out" / f"{name}.junit.xml"),
            "--html",
            str(tmp_path / "out" / f"{name}.html"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )


WEBHOOK_OPERATIONS = {
    ("GET", "settings"),
    ("PUT", "settings"),
    ("GET", "subscriptions"),
    ("POST", "subscriptions"),
    ("DELETE", "subscription"),
}


def _webhook_operation(method: str, path: str) -> tuple[str, str] | None:
    """(method, resource) of a request to the CRM's webhooks API (``hapikey`` auth)."""
    parts = path.strip("/").split("/")
    if parts[:2] != ["webhooks", "v3"] or len(parts) not in (4, 5):
        return None
    resource = parts[3] if len(parts) == 4 else "subscription"
    return (method, resource) if (method, resource) in WEBHOOK_OPERATIONS else None


@pytest.mark.wire
def test_verify_sends_a_query_credential_and_never_shows_it(tmp_path: Path) -> None:
    """``--query hapikey=...`` authenticates the CRM's webhooks API (its ``developerApiKey``
    scheme): each of its 5 operations gets answers other than 401, and the key appears
    neither in the output nor in the JUnit and HTML reports (the mock's journal masks it)."""
    unlimited = Limits(burst=MANY, daily=MANY, search_per_second=MANY)
    journal = Journal(max_entries=10**6)
    mock = CrmMock(limits={"production": unlimited, "sandbox": unlimited}, journal=journal)
    credentials = Credentials()
    token = next(t for t, p in credentials.private_app_tokens.items() if p == "sandbox")
    key = credentials.developer_api_key
    with mock.server(port=0) as served:
        result = _verify(
            tmp_path,
            "crm",
            served.url,
            "--header",
            f"Authorization: Bearer {token}",
            "--query",
            f"hapikey={key}",
        )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    requests = {
        e.correlation_id: _webhook_operation(e.data["method"], e.data["path"])
        for e in journal.entries(kind="mock.request")
    }
    statuses: dict[tuple[str, str], set[int]] = {op: set() for op in WEBHOOK_OPERATIONS}
    for entry in journal.entries(kind="mock.response"):
        operation = requests.get(entry.correlation_id)
        if operation is not None:
            statuses[operation].add(entry.data["status"])
    for operation, seen in statuses.items():
        assert seen - {401}, f"{operation}: only {sorted(seen)}"
    assert any(
        200 <= s < 300 for s in statuses[("GET", "settings")] | statuses[("PUT", "settings")]
    )
    reports = [
        (tmp_path / "out" / f"crm.{ext}").read_text(encoding="utf-8")
        for ext in ("junit.xml", "html")
    ]
    for text in (output, *reports):
        assert key not in text
    sent = [e.data["query"].get("hapikey") for e in journal.entries(kind="mock.request")]
    assert "***" in sent and key not in sent


def test_a_query_credential_is_parsed_and_refused_without_showing_its_value() -> None:
    assert parse_query("hapikey=abc=def") == ("hapikey", "abc=def")
    for bad in ("hapikey", "=value", "two words=x", "hapikey="):
        with pytest.raises(ConfigError) as caught:
            parse_query(bad)
        assert "--query" in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        parse_query("bad name=s3cr3t-value")
    assert "s3cr3t-value" not in str(caught.value)


def test_query_credentials_reach_the_child_by_environment_variable_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name the contract has as an ``apiKey`` scheme in the query is that scheme's key;
    another name is a fixed query parameter; the values are in the environment only."""
    contract = CONTRACTS / "crm.openapi.yaml"
    path, env = _config(
        tmp_path,
        [],
        query=[("hapikey", "k-123456"), ("portal", "v-654321")],
        schemes=_query_schemes(Contract.load(contract)),
    )
    text = path.read_text(encoding="utf-8")
    assert "k-123456" not in text and "v-654321" not in text
    for name, value in env.items():
        if name.startswith("ODOO_HARNESS_VERIFY_"):
            monkeypatch.setenv(name, value)
    project = SchemathesisConfig.from_path(path).projects.get_default()
    assert project.auth.openapi.schemes["developerApiKey"].api_key == "k-123456"
    assert project.parameters == {"query.portal": "v-654321"}
