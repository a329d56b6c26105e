"""Fresh, isolated sandboxes for one scenario: the embedded Odoo and the provider mocks it
uses (CRM, shop, carrier: ``commerce.systems_needed``) on ephemeral loopback ports, a fresh
database each, one frozen clock and one journal.

``Sandboxes`` also plays the people in a scenario: an Odoo user (admin over XML-RPC) and
a CRM user (the private-app token over the CRM API). Their own calls are not the system
under test's, so they go to a private journal; the servers still journal what arrives.
The same two clients serve the harness itself (setting up, watching states, checking
expectations, a Python scenario's own reads). Their correlation ids say which: ``users-``
inside ``acting(USERS)`` (the runner wraps each step's action in it), ``harness-``
otherwise; the reports keep the harness's calls out of the flow's diagram.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from ..clock import Clock
from ..engine import OdooAdapter, OdooConnection
from ..engine.crm_adapter import CrmAdapter
from ..errors import ConfigError
from ..journal import Journal
from ..odoo.http.server import SandboxServer
from ..odoo.sandbox import Sandbox
from ..providers.crm import CrmMock
from .commerce import CarrierSandbox, ShopSandbox, systems_needed
from .config import HarnessConfig
from .external import ExternalOdoo, create_given
from .logmask import masked_logs
from .loopback import new_client, shared_client
from .model import Scenario

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CRM_TOKEN = "pat-na1-crmock-production-0001"
ACTOR_HEADER = "X-Harness-Actor"
USERS = "users"  # the people a scenario plays (its steps)
HARNESS = "harness"  # the harness setting up, watching and checking


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
    crm_client_id: str = ""
    crm_refresh_token: str = ""  # set: the engine refreshes its CRM token on a 401
    known_secrets: tuple[str, ...] = ()  # must never appear in a journal, report or log
    # the shop and the carrier ("" when the scenario does not start them)
    shop_url: str = ""
    shop_token: str = ""
    shop_client_secret: str = ""
    carrier_url: str = ""
    carrier_client_id: str = ""
    carrier_client_secret: str = ""
    carrier_webhook_secret: str = ""  # what the system under test signs up with
    engine_settings: dict[str, Any] = field(default_factory=dict)  # given.engine


class Sandboxes:
    def __init__(
        self, scenario: Scenario, *, start: datetime = START, config: HarnessConfig | None = None
    ) -> None:
        self.scenario = scenario
        self.config = config or HarnessConfig()
        self.clock = Clock(start, frozen=True)
        self.journal = Journal(self.clock.now)
        self._stack = ExitStack()
        self.actor = HARNESS

    @contextmanager
    def acting(self, actor: str) -> Iterator[None]:
        """Calls of the Odoo and CRM users made inside are ``actor``'s."""
        previous, self.actor = self.actor, actor
        try:
            yield
        finally:
            self.actor = previous

    def _actor(self) -> str:
        return self.actor

    def known_secrets(self) -> tuple[str, ...]:
        """The secrets no journal, report or log may hold: the systems' own, and those the
        mocks handed out since they started (tokens the carrier issues, the CRM's refreshed
        access tokens)."""
        issued = [
            secret
            for mock in (
                self.crm_mock,
                *(getattr(s, "mock", None) for s in (self.shop, self.carrier)),
            )
            if mock is not None
            for secret in tuple(mock.secrets)
        ]
        return tuple(dict.fromkeys((*self.systems.known_secrets, *issued)))

    def __enter__(self) -> Sandboxes:
        try:
            self._start()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.request_stop()
        self._stack.close()

    def request_stop(self) -> None:
        """Ask every server to wind down now, together (``__exit__`` waits for them)."""
        for name in ("odoo", "crm_server", "shop", "carrier"):
            server = getattr(getattr(self, name, None), "server", getattr(self, name, None))
            if hasattr(server, "request_stop"):
                server.request_stop()

    def _start(self) -> None:
        if self.config.odoo.embedded:
            sandbox = Sandbox(self.scenario.odoo_version, clock=self.clock)
            self.odoo = self._stack.enter_context(
                SandboxServer(sandbox=sandbox, journal=self.journal)
            )
        else:  # --odoo url=...: see external.py for what changes
            self.odoo = ExternalOdoo(self.config.odoo)
        needed = systems_needed(self.scenario)
        self.crm_mock = self.crm_server = self.crm_user = None
        if "crm" in needed:
            self.crm_mock = CrmMock(clock=self.clock, journal=self.journal)
            self.crm_server = self._stack.enter_context(self.crm_mock.server(port=0))
        self.shop = ShopSandbox(self.clock, self.journal, self._stack) if "shop" in needed else None
        self.carrier = (
            CarrierSandbox(self.clock, self.journal, self._stack) if "carrier" in needed else None
        )
        login, password = self.odoo.credentials["integration"]
        creds = self.crm_mock.credentials if self.crm_mock is not None else None
        self.systems = Systems(
            clock=self.clock,
            journal=self.journal,
            odoo_url=self.odoo.url,
            odoo_db=self.odoo.db,
            odoo_login=login,
            odoo_password=password,
            crm_url=self.crm_server.url if self.crm_server else "",
            crm_token=CRM_TOKEN if creds else "",
            crm_client_secret=creds.client_secret if creds else "",
            crm_developer_key=creds.developer_api_key if creds else "",
            known_secrets=(
                *(creds.secrets() if creds else ()),
                *(self.shop.secrets if self.shop else ()),
                *(self.carrier.secrets if self.carrier else ()),
                *self.config.secrets(),
            ),
            crm_app_id=creds.app_id if creds else 0,
            crm_client_id=creds.client_id if creds else "",
            crm_refresh_token=next(iter(creds.refresh_tokens)) if creds else "",
            shop_url=self.shop.url if self.shop else "",
            shop_token=self.shop.token if self.shop else "",
            shop_client_secret=self.shop.client_secret if self.shop else "",
            carrier_url=self.carrier.url if self.carrier else "",
            carrier_client_id=self.carrier.account.client_id if self.carrier else "",
            carrier_client_secret=self.carrier.account.client_secret if self.carrier else "",
            carrier_webhook_secret=self.carrier.hook_secret if self.carrier else "",
            engine_settings=dict(self.scenario.given.get("engine") or {}),
        )
        self._stack.enter_context(masked_logs(self.known_secrets))
        admin, admin_password = self.odoo.credentials["admin"]
        connection = OdooConnection(self.odoo.url, self.odoo.db, admin, password=admin_password)
        self.odoo_user = self._stack.enter_context(
            _closing(
                OdooAdapter(
                    connection,
                    client=self._stack.enter_context(new_client()),
                    correlation_prefix=self._actor,
                )
            )
        )
        self._grant_integration_rights()  # the harness's own call (the default actor)
        if self.crm_server is not None:
            self.crm_user = self._stack.enter_context(
                _closing(
                    CrmAdapter(
                        self.crm_server.url,
                        token=CRM_TOKEN,
                        journal=Journal(),
                        headers={ACTOR_HEADER: "scenario"},  # not the system under test's calls
                        correlation_prefix=self._actor,
                    )
                )
            )

    def _grant_integration_rights(self) -> None:
        """What docs/engine.md asks of a deployment: the integration user is in
        Administration / Access Rights, so it may read ``ir.model`` (the activities of the
        failed-record notices) and write ``ir.model.data`` (mirrored bindings)."""
        if getattr(self.odoo, "sandbox", None) is None:  # a real Odoo: set up by its admin
            return
        found = self.odoo_user.external_id("base.group_erp_manager")
        if found is None:
            return
        field = "group_ids" if self.scenario.odoo_version >= "19.0" else "groups_id"
        uid = self.odoo.sandbox.integration_uid
        self.odoo_user.write("res.users", [uid], {field: [(4, found[1])]})

    def load_given(self) -> None:
        """The scenario's starting records: Odoo fixtures (as the superuser) and CRM seed.
        Called before any step, so its calls are the harness's (the default actor)."""
        given = self.scenario.given
        records = (given.get("odoo") or {}).get("records")
        if records and self.odoo.sandbox is None:
            where = f"{self.scenario.path}:{self.scenario.line('given', 'odoo', 'records')}"
            create_given(self.odoo_user, records, f"{where}: given.odoo.records")
        elif records:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"{self.scenario.name}.given.yaml"
                path.write_text(yaml.safe_dump({"records": records}), encoding="utf-8")
                try:
                    self.odoo.sandbox.load_fixtures([path])
                except ConfigError as exc:
                    raise self._given_error(str(exc), path) from None
        if given.get("crm") and self.crm_mock is not None:
            self.crm_mock.seed(dict(given["crm"]))
        for name in ("shop", "carrier"):
            seeded = getattr(self, name)
            if given.get(name) and seeded is not None:
                try:
                    seeded.seed(dict(given[name]))
                except (ConfigError, ValueError, KeyError, TypeError) as exc:
                    line = self.scenario.line("given", name)
                    raise ConfigError(
                        f"{self.scenario.path}:{line}: given.{name}: the {name} mock refused "
                        f"the seed: {exc}"
                    ) from None

    def _given_error(self, text: str, copy: Path) -> ConfigError:
        """A fixture error about the temporary copy of ``given.odoo.records``, told at the
        scenario's own line: ``<copy>:<n>: records[i].model: ...`` names record i."""
        text = text.removeprefix(f"{copy}:")
        rest = text.split(": ", 1)[1] if text[:1].isdigit() and ": " in text else text
        found = re.match(r"records\[(\d+)\]", rest)
        keys: tuple[str | int, ...] = ("given", "odoo", "records")
        if found:
            keys = (*keys, int(found.group(1)))
        line = self.scenario.line(*keys)
        return ConfigError(f"{self.scenario.path}:{line}: given.odoo.{rest}")

    def inject_faults(self) -> None:
        for i, fault in enumerate(self.scenario.faults):
            line = self.scenario.line("faults", i)
            self.inject_fault(fault, f"{self.scenario.path}:{line}: faults[{i}]")

    def inject_fault(self, fault: dict[str, Any], where: str) -> None:
        """Arm one fault (``system`` and the control API's fields); a refusal or a system
        this scenario did not start is a ``ConfigError`` starting with ``where``."""
        urls = {"odoo": self.odoo.url}
        for name, up in (("crm", self.crm_server), ("shop", self.shop), ("carrier", self.carrier)):
            if up is not None:
                urls[name] = up.url
        if fault["system"] not in urls:
            raise ConfigError(f"{where}: this scenario did not start {fault['system']}")
        spec = {k: v for k, v in fault.items() if k != "system"}
        response = shared_client().post(f"{urls[fault['system']]}/_control/faults", json=spec)
        if response.is_error:
            raise ConfigError(f"{where}: {fault['system']} refused the fault: {response.text}")

    def deliver_crm_webhooks(self) -> Any:
        response = shared_client().post(f"{self.crm_server.url}/_control/webhooks/deliver")
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
