"""``odoo-harness engine run`` wired by URL and credentials: a subprocess against the Odoo
sandbox and the CRM mock over real sockets exports a new partner to the CRM."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from odoo_harness.engine import OdooAdapter, OdooConnection
from odoo_harness.engine.crm_adapter import CrmAdapter
from odoo_harness.odoo.http.server import SandboxServer
from odoo_harness.providers.crm import CrmMock

pytestmark = pytest.mark.wire
ROOT = Path(__file__).resolve().parents[2]
CRM_TOKEN = "pat-na1-crmock-production-0001"
CRM_CLIENT_SECRET = "crmock-client-secret-0001"


@pytest.fixture(scope="module")
def odoo_server() -> Iterator[SandboxServer]:
    with SandboxServer(version="18.0") as server:
        yield server


@pytest.fixture
def crm_url() -> Iterator[str]:
    with CrmMock().server(port=0) as server:
        yield server.url


def engine_run(
    *args: str, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "odoo_harness.cli.main", "engine", "run", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, **env},
        check=False,
    )


def test_engine_run_exports_a_partner_to_the_crm(
    odoo_server: SandboxServer, crm_url: str, tmp_path: Path
) -> None:
    admin, admin_password = odoo_server.credentials["admin"]
    odoo = OdooAdapter(
        OdooConnection(odoo_server.url, odoo_server.db, admin, password=admin_password)
    )
    # a password that cannot be mistaken for anything else the engine prints
    login, password = "integration", "odoo-pw-7f3a9c-do-not-print"
    odoo.write(
        "res.users", odoo.search("res.users", [("login", "=", login)]), {"password": password}
    )
    partner = odoo.create(
        "res.partner", {"name": "Ada Lovelace", "email": "ada@example.com", "city": "London"}
    )
    odoo.close()

    result = engine_run(
        "--for",
        "3",
        "--tick",
        "0.1",
        "--port",
        "0",
        "--store",
        str(tmp_path / "engine.sqlite"),
        "--odoo-url",
        odoo_server.url,
        "--odoo-db",
        odoo_server.db,
        "--odoo-login",
        login,
        "--crm-url",
        crm_url,
        env={
            "ODOO_HARNESS_ODOO_PASSWORD": password,
            "ODOO_HARNESS_CRM_TOKEN": CRM_TOKEN,
            "ODOO_HARNESS_CRM_CLIENT_SECRET": CRM_CLIENT_SECRET,
        },
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "engine: flows crm_contacts" in output
    assert "engine: poll crm_contacts (Odoo partners):" in output
    assert "done" in output and "engine: stopped" in output
    for secret in (password, CRM_TOKEN, CRM_CLIENT_SECRET):
        assert secret not in output

    crm = CrmAdapter(crm_url, token=CRM_TOKEN)
    try:
        [contact] = crm.search(
            "contacts", {"odoo_partner_id": partner}, properties=["firstname", "lastname", "city"]
        )
    finally:
        crm.close()
    assert contact["properties"]["firstname"] == "Ada"
    assert contact["properties"]["lastname"] == "Lovelace"
    assert contact["properties"]["city"] == "London"


def test_engine_run_needs_the_odoo_credential_from_the_environment(
    crm_url: str, tmp_path: Path
) -> None:
    env = {k: "" for k in ("ODOO_HARNESS_ODOO_PASSWORD", "ODOO_HARNESS_ODOO_API_KEY")}
    result = engine_run(
        "--for",
        "1",
        "--port",
        "0",
        "--store",
        str(tmp_path / "engine.sqlite"),
        "--odoo-url",
        "http://127.0.0.1:9",
        "--odoo-db",
        "db",
        "--odoo-login",
        "integration",
        "--crm-url",
        crm_url,
        env=env,
    )
    assert result.returncode == 4, result.stdout + result.stderr
    assert "ODOO_HARNESS_ODOO_PASSWORD" in result.stderr + result.stdout
