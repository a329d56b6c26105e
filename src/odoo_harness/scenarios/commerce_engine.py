"""The reference engine's shop and carrier flows in a scenario, wired by URL and
credentials only (``Systems``), as ``odoo-harness engine run`` wires them.

- ``shop_orders``: the shop's ``orders/create`` and ``orders/cancelled`` webhooks (the
  receiver checks the app's signature) -> imports and cancellations; the fallback poll
  of the shop's orders runs when the scenario says ``schedule fires shop_orders``.
- ``catalogue_stock``: the Odoo stock/product poller (every ``engine runs due jobs``, and
  ``schedule fires catalogue_stock``) -> ``push`` jobs of ``batch_size`` products (the
  plan's, or ``given.engine.batch_size``) sent to the shop's first location.
- ``shipping``: the ready/cancelled picking poller (every ``engine runs due jobs``) ->
  labels and voids; the carrier's ``tracker.updated`` webhooks -> tracking notes.

``contract(path)`` loads each provider contract once per process: parsing an OpenAPI file
costs most of a second, and every scenario would otherwise pay it again.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from functools import cache
from pathlib import Path
from typing import Any

from ..contracts import Contract
from ..contracts.flows import FlowPlan, load_flows
from ..engine import JobStore, OdooAdapter, Worker
from ..engine.carrier_adapter import CarrierAdapter
from ..engine.catalogue_stock import CatalogueStockFlow, StockPoller
from ..engine.receiver import Router
from ..engine.shipping import ShippingFlow, carrier_router, shipping_poller
from ..engine.shop_adapter import ShopAdapter
from ..engine.shop_fulfilment import ShopFulfilment
from ..engine.shop_orders import ShopOrderPoller, ShopOrdersFlow, shop_router
from ..errors import ConfigError
from ..journal import Journal
from .loopback import new_client
from .sandboxes import Systems

COMMERCE_FLOWS = ("shop_orders", "catalogue_stock", "shipping")
SHOP_TOPICS = ("orders/create", "orders/cancelled")
DEFAULT_BATCH = 250


@cache
def _contract(path: str, mtime_ns: int) -> Contract:
    return Contract.load(path)


def contract(path: Path) -> Contract:
    """The parsed contract at ``path`` (once per process and file version)."""
    return _contract(str(path), path.stat().st_mtime_ns)


@cache
def _flow_plans(folder: str, stamps: tuple[tuple[str, int], ...]) -> dict[str, FlowPlan]:
    return dict(load_flows(Path(folder)))


def flow_plans(folder: Path) -> dict[str, FlowPlan]:
    """The flow plans in ``folder`` (parsed once per process and version of the files;
    a copy, so a caller may change its own)."""
    stamps = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.y*ml")))
    return dict(_flow_plans(str(folder), stamps))


class CommerceWiring:
    """One scenario flow of the shop or the carrier: its handler registered on
    ``worker``; ``pollers`` (run on every ``engine runs due jobs``), ``schedules`` (by
    flow name), and the receiver's ``secrets`` and ``routers``."""

    def __init__(
        self,
        flow: str,
        systems: Systems,
        *,
        odoo: OdooAdapter,
        store: JobStore,
        worker: Worker,
        plans: dict[str, FlowPlan],
        journal: Journal,
        contracts: Path,
        stack: ExitStack,
    ) -> None:
        self.flow = flow
        self.pollers: list[Callable[[], int]] = []
        self.schedules: dict[str, Callable[[], int]] = {}
        self.secrets: dict[str, str] = {}
        self.routers: dict[str, Router] = {}
        self.shop: ShopAdapter | None = None
        self.carrier: CarrierAdapter | None = None
        providers = contracts / "providers"
        # a shipping scenario that starts the shop also imports its orders and fulfils them
        with_shop = flow in ("shop_orders", "catalogue_stock") or bool(systems.shop_url)
        if with_shop:
            self.shop = ShopAdapter(
                systems.shop_url,
                token=systems.shop_token,
                journal=journal,
                contract=contract(providers / "shop.openapi.yaml"),
                client=stack.enter_context(
                    new_client(timeout=10.0, headers={"X-Shopify-Access-Token": systems.shop_token})
                ),
            )
            stack.callback(self.shop.close)
            self.secrets["shop"] = systems.shop_client_secret
            self.routers["shop"] = shop_router
        if self.shop is not None and flow in ("shop_orders", "shipping"):
            worker.register("shop_orders", ShopOrdersFlow(odoo, store, journal=journal))
            orders = ShopOrderPoller(self.shop, store)
            self.schedules["shop_orders"] = orders.poll
        if flow == "catalogue_stock":
            assert self.shop is not None
            found = odoo.external_id("stock.stock_location_stock")
            locations = self.shop.locations()
            if not found or not locations:
                raise ConfigError("catalogue_stock needs Odoo's WH/Stock and a shop location")
            mapping = {int(found[1]): int(locations[0]["id"])}
            plan = plans.get(flow)
            batch = int(
                systems.engine_settings.get("batch_size")
                or (plan.batch_size if plan else None)
                or DEFAULT_BATCH
            )
            worker.register(
                flow, CatalogueStockFlow(odoo, self.shop, store, mapping, journal=journal)
            )
            stock = StockPoller(odoo, store, mapping, batch_size=batch)
            self.pollers.append(lambda: stock.poll().enqueued)
            self.schedules[flow] = self.pollers[-1]
        elif flow == "shipping":
            self.carrier = CarrierAdapter(
                systems.carrier_url,
                client_id=systems.carrier_client_id,
                client_secret=systems.carrier_client_secret,
                clock=store.clock,
                journal=journal,
                contract=contract(providers / "carrier.openapi.yaml"),
                client=stack.enter_context(new_client(timeout=10.0)),
            )
            stack.callback(self.carrier.close)
            fulfil = (
                ShopFulfilment(odoo, self.shop, store, journal=journal)
                if self.shop is not None
                else None
            )
            worker.register(
                flow, ShippingFlow(odoo, self.carrier, store, journal=journal, on_shipped=fulfil)
            )
            self.secrets["carrier"] = systems.carrier_webhook_secret
            self.routers["carrier"] = carrier_router
            pickings = shipping_poller(odoo, store)
            self.pollers.append(lambda: pickings.poll().enqueued)
            self.schedules[flow] = self.pollers[-1]

    def subscribe(self, urls: dict[str, str], systems: Systems) -> None:
        """Sign up for the providers' webhooks at the receiver's ``urls``."""
        if self.shop is not None and "shop_orders" in self.schedules:
            for topic in SHOP_TOPICS:
                self.shop.call(
                    "POST",
                    "/webhooks.json",
                    json={"webhook": {"topic": topic, "address": urls["shop"]}},
                )
        if self.carrier is not None:
            self.carrier.subscribe(
                urls["carrier"], systems.carrier_webhook_secret, ["tracker.updated"]
            )

    def fire(self, name: str) -> int:
        schedule = self.schedules.get(name)
        if schedule is None:
            known = ", ".join(self.schedules) or "none"
            raise ConfigError(f"no schedule {name!r} in this scenario (schedules: {known})")
        return int(schedule())


def route(routers: dict[str, Router], provider: str, event: Any) -> list[Any]:
    router = routers.get(provider)
    return list(router(event)) if router else []


__all__ = ["COMMERCE_FLOWS", "CommerceWiring", "contract", "flow_plans"]
