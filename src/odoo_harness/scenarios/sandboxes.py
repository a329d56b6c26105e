"""Fresh, isolated sandboxes for one scenario: the embedded Odoo and the CRM mock on
ephemeral loopback ports, a fresh database each, one frozen clock and one journal.

``Sandboxes`` also plays the people in a scenario: an Odoo user (admin over XML-RPC) and
a CRM user (the private-app token over the CRM API). Their own calls are not the system
under test's, so they go to a private journal; the servers still journal what arrives.
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import yaml

from ..clock import Clock
from ..engine import OdooAdapter, OdooConnection
from ..engine.crm_adapter import CrmAdapter
from ..errors import ConfigError
from ..journal import Journal
from ..odoo.http.server import SandboxServer
from ..odoo.sandbox import Sandbox
from ..providers.crm import CrmMock
from .model import Scenario

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CRM_TOKEN = "pat-na1-crmock-production-0001"


@dataclass(frozen=True)
class Systems:
    """Where each system is and how to log in: all a system under test gets."""

    clock: Clock
    journal: Journal
    odoo_url: str
    odoo_db: str
    odoo_login: str
    odoo_password: str
    crm_url: str
    crm_token: str
    crm_client_secret: str
    crm_developer_key: str
    crm_app_id: int
    known_secrets: tuple[str, ...] = ()  # must never appear in a journal, report or log


class Sandboxes:
    def __init__(self, scenario: Scenario, *, start: datetime = START) -> None:
        self.scenario = scenario
        self.clock = Clock(start, frozen=True)
        self.journal = Journal(self.clock.now)
        self._stack = ExitStack()

    def __enter__(self) -> Sandboxes:
        try:
            self._start()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _start(self) -> None:
        sandbox = Sandbox(self.scenario.odoo_version, clock=self.clock)
        self.odoo = self._stack.enter_context(SandboxServer(sandbox=sandbox, journal=self.journal))
        self.crm_mock = CrmMock(clock=self.clock, journal=self.journal)
        self.crm_server = self._stack.enter_context(self.crm_mock.server(port=0))
        login, password = self.odoo.credentials["integration"]
        creds = self.crm_mock.credentials
        self.systems = Systems(
            clock=self.clock,
            journal=self.journal,
            odoo_url=self.odoo.url,
            odoo_db=self.odoo.db,
            odoo_login=login,
            odoo_password=password,
            crm_url=self.crm_server.url,
            crm_token=CRM_TOKEN,
            crm_client_secret=creds.client_secret,
            crm_developer_key=creds.developer_api_key,
            known_secrets=tuple(creds.secrets()),
            crm_app_id=creds.app_id,
        )
        admin, admin_password = self.odoo.credentials["admin"]
        connection = OdooConnection(self.odoo.url, self.odoo.db, admin, password=admin_password)
        self.odoo_user = self._stack.enter_context(_closing(OdooAdapter(connection)))
        self.crm_user = self._stack.enter_context(
            _closing(CrmAdapter(self.crm_server.url, token=CRM_TOKEN, journal=Journal()))
        )

    def load_given(self) -> None:
        """The scenario's starting records: Odoo fixtures (as the superuser) and CRM seed."""
        given = self.scenario.given
        records = (given.get("odoo") or {}).get("records")
        if records:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"{self.scenario.name}.given.yaml"
                path.write_text(yaml.safe_dump({"records": records}), encoding="utf-8")
                try:
                    self.odoo.sandbox.load_fixtures([path])
                except ConfigError as exc:
                    line = self.scenario.line("given", "odoo", "records")
                    raise ConfigError(
                        f"{self.scenario.path}:{line}: given.odoo.records: {exc}"
                    ) from None
        if given.get("crm"):
            self.crm_mock.seed(dict(given["crm"]))

    def inject_faults(self) -> None:
        urls = {"odoo": self.odoo.url, "crm": self.crm_server.url}
        for i, fault in enumerate(self.scenario.faults):
            spec = {k: v for k, v in fault.items() if k != "system"}
            response = httpx.post(f"{urls[fault['system']]}/_control/faults", json=spec)
            if response.is_error:
                line = self.scenario.line("faults", i)
                raise ConfigError(
                    f"{self.scenario.path}:{line}: faults[{i}]: {fault['system']} refused "
                    f"the fault: {response.text}"
                )

    def deliver_crm_webhooks(self) -> Any:
        response = httpx.post(f"{self.crm_server.url}/_control/webhooks/deliver")
        response.raise_for_status()
        return response.json()


class _closing:
    def __init__(self, thing: Any) -> None:
        self.thing = thing

    def __enter__(self) -> Any:
        return self.thing

    def __exit__(self, *exc: object) -> None:
        self.thing.close()


__all__ = ["START", "Sandboxes", "Systems"]
