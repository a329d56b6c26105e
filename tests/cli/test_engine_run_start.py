"""What ``odoo-harness engine run`` does on start, as a subprocess over real sockets:
it subscribes its webhook receiver at the providers (once, however often it starts) so
a provider event reaches it and becomes a job; and ``--initial-sync`` decides whether
the first poll of a new store queues every existing record."""

from __future__ import annotations

import contextlib
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from odoo_harness.engine import JobStore, OdooAdapter, OdooConnection
from odoo_harness.engine.crm_adapter import CrmAdapter
from odoo_harness.engine.failed_queue import FailedQueue
from odoo_harness.odoo.http.server import SandboxServer
from odoo_harness.providers.carrier import CarrierMock
from odoo_harness.providers.crm import CrmMock
from odoo_harness.providers.shop import CLIENT_SECRET, TEST_TOKEN, ShopMock

pytestmark = pytest.mark.wire
ROOT = Path(__file__).resolve().parents[2]
CRM_TOKEN = "pat-na1-crmock-production-0001"
LOGIN, PASSWORD = "integration", "odoo-pw-start-5c1e-do-not-print"
ADMIN, ADMIN_PASSWORD = "admin", "odoo-admin-pw-8d2b-do-not-print"
SHOP_HOOKS = "/admin/api/2024-07/webhooks.json"
CRM_CLIENT_SECRET = "crmock-client-secret-0001"
CRM_DEVELOPER_KEY = "crmock-developer-key-0001"
CARRIER_KEY = "test_pk_5f1c8e2a9b7d4c36"
CARRIER_HOOK_SECRET = "engine-carrier-hook-secret-42"


@contextlib.contextmanager
def _sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(version="18.0") as server:
        admin = OdooAdapter(_connection(server, *server.credentials["admin"]))
        for login, password in ((LOGIN, PASSWORD), (ADMIN, ADMIN_PASSWORD)):
            users = admin.search("res.users", [("login", "=", login)])
            admin.write("res.users", users, {"password": password})
        admin.close()
        yield server


@pytest.fixture(scope="module")
def odoo_server() -> Iterator[SandboxServer]:
    with _sandbox() as server:
        yield server


@pytest.fixture
def fresh_odoo() -> Iterator[tuple[SandboxServer, OdooAdapter]]:
    """A sandbox of its own: shop order ids restart with each shop mock, and the engine
    rightly finds an order already imported under the same id."""
    with _sandbox() as server:
        adapter = OdooAdapter(_connection(server, ADMIN, ADMIN_PASSWORD))
        yield server, adapter
        adapter.close()


def _connection(server: SandboxServer, login: str, password: str) -> OdooConnection:
    return OdooConnection(server.url, server.db, login, password=password)


@pytest.fixture
def odoo(odoo_server: SandboxServer) -> Iterator[OdooAdapter]:
    adapter = OdooAdapter(_connection(odoo_server, ADMIN, ADMIN_PASSWORD))
    yield adapter
    adapter.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _odoo_args(server: SandboxServer, store: Path, login: str = LOGIN, port: int = 0) -> list[str]:
    return [
        "--port",
        str(port),
        "--tick",
        "0.1",
        "--store",
        str(store),
        "--odoo-url",
        server.url,
        "--odoo-db",
        server.db,
        "--odoo-login",
        login,
    ]


def _command(args: list[str], verbose: bool = False) -> list[str]:
    loud = ["-vv"] if verbose else []
    return [sys.executable, "-u", "-m", "odoo_harness.cli.main", *loud, "engine", "run", *args]


def _env(extra: dict[str, str]) -> dict[str, str]:
    return {**os.environ, "ODOO_HARNESS_ODOO_PASSWORD": PASSWORD, **extra}


# The shop import mirrors its bindings as Odoo external ids (ir.model.data), which Odoo
# allows to Settings users only (docs/engine.md): that test runs as the administrator.


def engine_run(args: list[str], env: dict[str, str], verbose: bool = False) -> str:
    result = subprocess.run(
        _command(args, verbose),
        capture_output=True,
        text=True,
        timeout=90,
        cwd=ROOT,
        env=_env(env),
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


class Running:
    """``engine run`` in the background; its output line by line."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            _command(args),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,
            env=_env(env),
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} not printed; output:\n{''.join(self.seen)}")

    def finish(self, timeout: float = 60) -> str:
        self.process.wait(timeout=timeout)
        time.sleep(0.2)  # let the reader drain the pipe
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "".join(self.seen)


def test_engine_run_subscribes_at_the_shop_once_and_a_shop_event_becomes_a_job(
    odoo_server: SandboxServer, odoo: OdooAdapter, tmp_path: Path
) -> None:
    odoo.create("product.product", {"name": "Lamp", "default_code": "LAMP-1", "type": "consu"})
    shop = ShopMock(seed=5)
    shop.seed({"products": [{"title": "Lamp", "variants": [{"sku": "LAMP-1", "price": "9.00"}]}]})
    store = tmp_path / "engine.sqlite"
    env = {
        "ODOO_HARNESS_ODOO_PASSWORD": ADMIN_PASSWORD,
        "ODOO_HARNESS_SHOP_TOKEN": TEST_TOKEN,
        "ODOO_HARNESS_SHOP_CLIENT_SECRET": CLIENT_SECRET,
    }
    with shop.server(port=0) as server:
        args = [
            *_odoo_args(odoo_server, store, ADMIN, _free_port()),  # the same URL twice
            *("--shop-url", server.url, "--poll-every", "600"),
        ]
        engine = Running(["--for", "12", *args], env)
        try:
            said = engine.wait_for("engine: subscribed")
            engine.wait_for("engine: running")
            order = httpx.post(
                f"{server.url}/_control/shop/checkout",
                json={
                    "email": "lee@example.com",
                    "customer": {"email": "lee@example.com", "first_name": "Lee"},
                    "line_items": [{"sku": "LAMP-1", "quantity": 1}],
                },
            )
            order.raise_for_status()
            shop_order = order.json()["order"]["id"]
            httpx.post(f"{server.url}/_control/webhooks/deliver").raise_for_status()
            engine.wait_for("done")
        finally:
            output = engine.finish()
        assert engine.process.returncode == 0, output
        assert "/webhooks/shop at the shop: 2 new" in said
        assert "webhooks accepted 1" in output
        for secret in (TEST_TOKEN, CLIENT_SECRET, ADMIN_PASSWORD):
            assert secret not in output
        # the event became the import job, which ran: the order is in Odoo
        jobs = JobStore(store)
        try:
            job = jobs.get_by_key(f"shop:order:{shop_order}")
        finally:
            jobs.close()
        assert job is not None and job.state == "done"
        assert odoo.search("sale.order", [("client_order_ref", "=", str(shop_order))])
        # a second start finds its subscriptions instead of making them again
        again = engine_run(["--for", "0.5", *args], env)
        assert "/webhooks/shop at the shop: 0 new (-), 2 found" in again
        hooks = httpx.get(
            f"{server.url}{SHOP_HOOKS}", headers={"X-Shopify-Access-Token": TEST_TOKEN}
        ).json()["webhooks"]
        assert sorted(h["topic"] for h in hooks) == ["orders/cancelled", "orders/create"]


def test_engine_run_subscribes_at_the_carrier_and_the_crm_once(
    odoo_server: SandboxServer, tmp_path: Path
) -> None:
    env = {
        "ODOO_HARNESS_ODOO_PASSWORD": ADMIN_PASSWORD,
        "ODOO_HARNESS_SHOP_TOKEN": TEST_TOKEN,
        "ODOO_HARNESS_SHOP_CLIENT_SECRET": CLIENT_SECRET,
        "ODOO_HARNESS_CARRIER_API_KEY": CARRIER_KEY,
        "ODOO_HARNESS_CARRIER_WEBHOOK_SECRET": CARRIER_HOOK_SECRET,
        "ODOO_HARNESS_CRM_TOKEN": CRM_TOKEN,
        "ODOO_HARNESS_CRM_CLIENT_SECRET": CRM_CLIENT_SECRET,
        "ODOO_HARNESS_CRM_DEVELOPER_KEY": CRM_DEVELOPER_KEY,
    }
    with (
        ShopMock().server(port=0) as shop,
        CarrierMock().server(port=0) as carrier,
        CrmMock().server(port=0) as crm,
    ):
        args = [
            *_odoo_args(odoo_server, tmp_path / "engine.sqlite", ADMIN, _free_port()),
            *("--shop-url", shop.url, "--carrier-url", carrier.url, "--crm-url", crm.url),
            *("--crm-app-id", "4001", "--initial-sync", "none", "--for", "0.5"),
        ]
        first = engine_run(args, env)
        second = engine_run(args, env, verbose=True)  # httpx logs every URL at INFO
    assert "HTTP Request: GET" in second and "settings?hapikey=***" in second
    assert "engine: flows crm_contacts, shop_orders, catalogue_stock, shipping" in first
    assert "/webhooks/carrier at the carrier: 1 new (tracker.updated), 0 found" in first
    assert "/webhooks/crm at the crm: 9 new" in first
    assert "/webhooks/carrier at the carrier: 0 new (-), 1 found" in second
    assert "/webhooks/crm at the crm: 0 new (-), 9 found" in second
    for secret in (CARRIER_KEY, CARRIER_HOOK_SECRET, CRM_DEVELOPER_KEY, CRM_CLIENT_SECRET):
        assert secret not in first + second


def test_initial_sync_all_exports_the_existing_partners(
    odoo_server: SandboxServer, odoo: OdooAdapter, tmp_path: Path
) -> None:
    partner = odoo.create("res.partner", {"name": "Old Customer", "email": "old-a@example.com"})
    with CrmMock().server(port=0) as server:
        args = [*_odoo_args(odoo_server, tmp_path / "engine.sqlite"), "--crm-url", server.url]
        output = engine_run(["--for", "2", *args], {"ODOO_HARNESS_CRM_TOKEN": CRM_TOKEN})
        crm = CrmAdapter(server.url, token=CRM_TOKEN)
        try:
            exported = crm.search("contacts", {"odoo_partner_id": partner})
        finally:
            crm.close()
    assert "initial sync all" in output  # the default
    assert len(exported) == 1, output


def test_initial_sync_none_exports_only_later_changes(
    odoo_server: SandboxServer, odoo: OdooAdapter, tmp_path: Path
) -> None:
    partner = odoo.create("res.partner", {"name": "Old Customer", "email": "old-n@example.com"})
    env = {"ODOO_HARNESS_CRM_TOKEN": CRM_TOKEN}
    with CrmMock().server(port=0) as server:
        crm = CrmAdapter(server.url, token=CRM_TOKEN)
        args = [
            *_odoo_args(odoo_server, tmp_path / "engine.sqlite"),
            *("--crm-url", server.url, "--poll-every", "0.2", "--initial-sync", "none"),
        ]
        try:
            first = engine_run(["--for", "2", *args], env)
            assert "initial sync none: crm_contacts (Odoo partners) starts after" in first
            assert crm.search("contacts", {"odoo_partner_id": partner}) == []
            # a change after the start is synced (a second later: write_date is per second)
            time.sleep(1.1)
            odoo.write("res.partner", [partner], {"city": "Lyon"})
            second = engine_run(["--for", "2", *args], env)
            assert "continues from its watermark" in second
            [contact] = crm.search("contacts", {"odoo_partner_id": partner}, properties=["city"])
        finally:
            crm.close()
    assert contact["properties"]["city"] == "Lyon"


def test_engine_run_ships_a_shop_order_and_fulfils_it_in_the_shop(
    fresh_odoo: tuple[SandboxServer, OdooAdapter], tmp_path: Path
) -> None:
    """Shop order -> Odoo (webhook) -> label bought (carrier) -> fulfilment with tracking
    in the shop, all by ``engine run`` from URLs and credentials."""
    odoo_server, odoo = fresh_odoo
    us = odoo.search("res.country", [("code", "=", "US")])[0]
    [company] = odoo.read("res.company", [1], ["partner_id"])
    odoo.write(
        "res.partner",
        [company["partner_id"][0]],
        {"street": "400 Depot Road", "city": "Chicago", "zip": "60607", "country_id": us},
    )
    product = odoo.create(
        "product.product",
        {
            "name": "Crate",
            "default_code": "CRATE-1",
            "type": "consu",
            "is_storable": True,
            "weight": 2.0,
        },
    )
    stock = odoo.external_id("stock.stock_location_stock")
    assert stock is not None
    odoo.call(
        "stock.quant",
        "create",
        {"product_id": product, "location_id": stock[1], "inventory_quantity_auto_apply": 5},
        context={"inventory_mode": True},
    )
    fee = odoo.create("product.product", {"name": "Shipping", "type": "service"})
    delivery = odoo.create("delivery.carrier", {"name": "ParcelPost Ground", "product_id": fee})
    shop = ShopMock(seed=9)
    shop.seed(
        {
            "products": [
                {
                    "title": "Crate",
                    "variants": [{"sku": "CRATE-1", "price": "20", "stock": {"70001": 0}}],
                }
            ]
        }
    )
    env = {
        "ODOO_HARNESS_ODOO_PASSWORD": ADMIN_PASSWORD,
        "ODOO_HARNESS_SHOP_TOKEN": TEST_TOKEN,
        "ODOO_HARNESS_SHOP_CLIENT_SECRET": CLIENT_SECRET,
        "ODOO_HARNESS_CARRIER_API_KEY": CARRIER_KEY,
    }
    with shop.server(port=0) as shop_server, CarrierMock().server(port=0) as carrier:
        args = [
            *_odoo_args(odoo_server, tmp_path / "engine.sqlite", ADMIN),
            *("--shop-url", shop_server.url, "--carrier-url", carrier.url),
            *("--poll-every", "0.3", "--initial-sync", "none", "--for", "30"),
        ]
        engine = Running(args, env)
        fulfilments: list[dict[str, Any]] = []
        try:
            engine.wait_for("engine: running")
            checkout = httpx.post(
                f"{shop_server.url}/_control/shop/checkout",
                json={
                    "email": "sam@example.com",
                    "customer": {"email": "sam@example.com", "first_name": "Sam"},
                    "line_items": [{"sku": "CRATE-1", "quantity": 2}],
                },
            )
            checkout.raise_for_status()
            order = checkout.json()["order"]["id"]
            httpx.post(f"{shop_server.url}/_control/webhooks/deliver").raise_for_status()
            engine.wait_for("done in one batch")
            [sale] = odoo.search_read(
                "sale.order", [("client_order_ref", "=", str(order))], ["partner_id"]
            )
            # what a warehouse user completes: the address and the carrier
            odoo.write(
                "res.partner",
                [sale["partner_id"][0]],
                {"street": "12 Market Street", "city": "Springfield", "zip": "62701"}
                | {"country_id": us},
            )
            [picking] = odoo.search_read("stock.picking", [("sale_id", "=", sale["id"])], ["state"])
            assert picking["state"] == "assigned"
            odoo.write("stock.picking", [picking["id"]], {"carrier_id": delivery})
            url = f"{shop_server.url}/admin/api/2024-07/orders/{order}/fulfillments.json"
            for _ in range(40):  # bounded: up to ~20 s, gently (the shop has a rate limit)
                time.sleep(0.5)
                answer = httpx.get(url, headers={"X-Shopify-Access-Token": TEST_TOKEN})
                fulfilments = answer.json().get("fulfillments") or []
                if fulfilments:
                    break
        finally:
            engine.process.terminate()
            output = engine.finish()
    jobs = JobStore(tmp_path / "engine.sqlite")
    try:
        failed = [f"{r.identity_key}: {r.detail}" for r in FailedQueue(jobs).records()]
    finally:
        jobs.close()
    assert not failed, output
    [row] = odoo.read("stock.picking", [picking["id"]], ["carrier_tracking_ref"])
    assert row["carrier_tracking_ref"], output
    assert [f["tracking_number"] for f in fulfilments] == [row["carrier_tracking_ref"]], output
    for secret in (TEST_TOKEN, CLIENT_SECRET, ADMIN_PASSWORD, CARRIER_KEY):
        assert secret not in output


def test_engine_run_says_which_odoo_right_the_shop_flows_need(
    odoo_server: SandboxServer, tmp_path: Path
) -> None:
    with ShopMock().server(port=0) as shop:
        result = subprocess.run(
            _command(
                [
                    *_odoo_args(odoo_server, tmp_path / "engine.sqlite"),
                    *("--shop-url", shop.url, "--for", "5"),
                ]
            ),
            capture_output=True,
            text=True,
            timeout=90,
            cwd=ROOT,
            env=_env(
                {
                    "ODOO_HARNESS_SHOP_TOKEN": TEST_TOKEN,
                    "ODOO_HARNESS_SHOP_CLIENT_SECRET": CLIENT_SECRET,
                }
            ),
            check=False,
        )
    output = result.stdout + result.stderr
    assert result.returncode == 4, output
    assert "may not read ir.model.data" in output and "base.group_erp_manager" in output, output
    assert "Traceback" not in output and PASSWORD not in output
