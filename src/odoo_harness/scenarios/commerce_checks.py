"""Expectations and built-in checks for the shop, the carrier and what users see in Odoo.

``then``: ``shop`` (orders, variants, inventory_levels, fulfillments), ``carrier``
(shipments) and ``odoo_notices`` (the open activities and chatter messages on a record).
Built-in: ``no_duplicate_records`` for the new systems (one Odoo sale order per shop
order, one bought label per picking reference, one fulfilment per order and tracking
number) and ``allowed_transitions`` (every state change the scenario saw is one the flow
plan allows: ``StateWatch`` reads the states after each step).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.notices import SUMMARY
from ..errors import HarnessError
from .checks import Failure, _notable, _records
from .commerce_engine import flow_plans
from .model import Scenario
from .sandboxes import HARNESS

if TYPE_CHECKING:
    from .sandboxes import Sandboxes

TAGS = re.compile(r"<[^>]+>")


def text_of(value: Any) -> str:
    """An HTML note or body as the plain text a user reads."""
    return " ".join(html.unescape(TAGS.sub(" ", str(value or ""))).split())


# -- then ---------------------------------------------------------------------------------
def commerce_expectations(scenario: Scenario, sandboxes: Sandboxes) -> list[Failure]:
    then = scenario.then
    failures: list[Failure] = []
    for system in ("shop", "carrier"):
        for kind, spec in (then.get(system) or {}).items():
            rows = _provider_rows(sandboxes, system, kind)
            for i, exp in enumerate(spec if isinstance(spec, list) else [spec]):
                key = ("then", system, kind) + ((i,) if isinstance(spec, list) else ())
                matching = [r for r in rows if _matches(r, exp["where"])]
                failures += _records(scenario, key, exp, matching, sandboxes, _plain)
    if "odoo_notices" in then:
        failures += _notices(scenario, sandboxes, then["odoo_notices"])
    if "odoo_calls" in then:
        failures += _odoo_calls(scenario, sandboxes, then["odoo_calls"])
    return failures


def _odoo_calls(
    scenario: Scenario, sandboxes: Sandboxes, wanted: Mapping[str, int]
) -> list[Failure]:
    """Model calls Odoo received from the system under test (its user), by
    ``model.method``."""
    uids = set(
        sandboxes.odoo_user.search("res.users", [("login", "=", sandboxes.systems.odoo_login)])
    )
    seen = Counter(
        f"{e.data.get('model')}.{e.data.get('method')}"
        for e in sandboxes.journal
        if e.kind == "odoo.call" and e.data.get("uid") in uids
    )
    return [
        Failure(
            f"then.odoo_calls.{name}",
            scenario.line("then", "odoo_calls", name),
            count,
            seen[name],
            f"calls of {name} the system under test made",
            _notable(sandboxes),
        )
        for name, count in wanted.items()
        if seen[name] != count
    ]


def _provider_rows(sandboxes: Sandboxes, system: str, kind: str) -> list[dict[str, Any]]:
    provider = getattr(sandboxes, system, None)
    if provider is None:
        return []
    return list(getattr(provider, kind)())


def _matches(row: Mapping[str, Any], where: Mapping[str, Any]) -> bool:
    return all(_plain(k, row.get(k), v) == v for k, v in where.items())


def _plain(name: str, value: Any, expected: Any) -> Any:
    """A provider's value as the scenario wrote it: numbers as numbers, money as text."""
    if isinstance(expected, bool) or expected is None:
        return value if isinstance(value, bool) or value is None else bool(value)
    if isinstance(expected, int | float) and value is not None:
        try:
            return type(expected)(value)
        except (TypeError, ValueError):
            return value
    if isinstance(expected, str) and value is not None and not isinstance(value, str):
        return str(value)
    return value


def _notices(scenario: Scenario, sandboxes: Sandboxes, wanted: Any) -> list[Failure]:
    odoo = sandboxes.odoo_user
    line = scenario.line("then", "odoo_notices")
    if wanted == "none":
        open_ = odoo.search_read(
            "mail.activity", [("summary", "=", SUMMARY)], ["res_model", "note"]
        )
        if not open_:
            return []
        return [
            Failure(
                "then.odoo_notices",
                line,
                "no open integration activity in Odoo",
                [f"{a['res_model']}: {text_of(a['note'])}" for a in open_],
                "users were asked to act",
                _notable(sandboxes),
            )
        ]
    failures = []
    for i, want in enumerate(wanted):
        model, where = want["model"], want["where"]
        ids = odoo.search(model, [(k, "=", v) for k, v in where.items()])
        here = scenario.line("then", "odoo_notices", i)
        if not ids:
            failures.append(
                Failure(f"then.odoo_notices[{i}]", here, where, [], f"no {model} matches")
            )
            continue
        activities = odoo.search_read(
            "mail.activity",
            [("res_model", "=", model), ("res_id", "in", ids)],
            ["summary", "note"],
        )
        notes = [text_of(a["note"]) for a in activities]
        if "count" in want and len(activities) != want["count"]:
            failures.append(
                Failure(
                    f"then.odoo_notices[{i}].count",
                    scenario.line("then", "odoo_notices", i, "count"),
                    want["count"],
                    notes,
                    f"open activities on {model} where {where}",
                    _notable(sandboxes),
                )
            )
        if "activity" in want and not any(_contains(n, want["activity"]) for n in notes):
            failures.append(
                Failure(
                    f"then.odoo_notices[{i}].activity",
                    scenario.line("then", "odoo_notices", i, "activity"),
                    f"an open activity saying: {want['activity']}",
                    notes,
                    f"what users see on {model} where {where}",
                    _notable(sandboxes),
                )
            )
        if "message" in want:
            messages = odoo.search_read(
                "mail.message", [("model", "=", model), ("res_id", "in", ids)], ["body"]
            )
            bodies = [text_of(m["body"]) for m in messages]
            if not any(_contains(b, want["message"]) for b in bodies):
                failures.append(
                    Failure(
                        f"then.odoo_notices[{i}].message",
                        scenario.line("then", "odoo_notices", i, "message"),
                        f"a message saying: {want['message']}",
                        bodies,
                        f"the chatter of {model} where {where}",
                    )
                )
    return failures


def _contains(text: str, wanted: str) -> bool:
    return " ".join(wanted.split()).lower() in text.lower()


# -- built-in checks ----------------------------------------------------------------------
def commerce_checks(scenario: Scenario, sandboxes: Sandboxes) -> list[Failure]:
    failures = no_duplicate_orders_labels_fulfilments(scenario, sandboxes)
    watch = getattr(sandboxes, "state_watch", None)
    if watch is not None:
        watch.observe()
        failures += watch.failures(scenario)
    return failures


def no_duplicate_orders_labels_fulfilments(
    scenario: Scenario, sandboxes: Sandboxes
) -> list[Failure]:
    failures = []
    if sandboxes.shop is not None:
        orders = sandboxes.odoo_user.search_read(
            "sale.order", [("client_order_ref", "!=", False)], ["client_order_ref"]
        )
        failures += _duplicates(
            scenario,
            [o["client_order_ref"] for o in orders],
            "one Odoo sale order per shop order (client_order_ref)",
            "sale orders created more than once for a shop order",
        )
        failures += _duplicates(
            scenario,
            [
                f"order {f.get('order_name')} tracking {f.get('tracking_number')}"
                for f in sandboxes.shop.fulfillments()
                if f.get("status") != "cancelled"
            ],
            "one shop fulfilment per order and tracking number",
            "fulfilments created more than once",
        )
    if sandboxes.carrier is not None:
        failures += _duplicates(
            scenario,
            [s["reference"] for s in sandboxes.carrier.shipments() if s["status"] == "purchased"],
            "one bought label per picking (shipment reference)",
            "labels bought more than once for a picking",
        )
    return failures


def _duplicates(
    scenario: Scenario, values: list[Any], expected: str, message: str
) -> list[Failure]:
    twice = {v: n for v, n in Counter(str(v) for v in values if v).items() if n > 1}
    if not twice:
        return []
    return [Failure("no_duplicate_records", scenario.line(), expected, twice, message)]


class StateWatch:
    """The states of the records a flow plan's ``transitions`` name, read after each
    step; every change seen must be one the plan allows."""

    def __init__(self, scenario: Scenario, sandboxes: Sandboxes, flows: Path) -> None:
        plan = flow_plans(flows).get(scenario.flow)
        self.sandboxes = sandboxes
        self.allowed = {
            key: set(pairs) for key, pairs in (plan.transitions if plan else {}).items()
        }
        self.states: dict[tuple[str, int], str] = {}
        self.seen: list[tuple[str, int, str, str, str]] = []  # key, id, name, from, to
        self.floor: dict[str, int] = {}  # on an external Odoo: records older than the run

    def observe(self) -> None:
        odoo = self.sandboxes.odoo_user
        shared = getattr(getattr(self.sandboxes, "odoo", None), "sandbox", True) is None
        for key in self.allowed:
            model, field = key.rsplit(".", 1)
            try:
                if shared and key not in self.floor:  # an external Odoo: only this run's
                    last = odoo.search(model, [], order="id desc", limit=1)
                    self.floor[key] = last[0] if last else 0
                domain = [("id", ">", self.floor[key])] if key in self.floor else []
                rows = odoo.search_read(model, domain, [field, "display_name"], order="id asc")
            except HarnessError:
                continue  # a model this Odoo lacks: nothing to watch
            for row in rows:
                before = self.states.get((key, row["id"]))
                now = str(row[field])
                if before is not None and before != now:
                    self.seen.append((key, row["id"], str(row["display_name"]), before, now))
                self.states[(key, row["id"])] = now

    def failures(self, scenario: Scenario) -> list[Failure]:
        wrong = [s for s in self.seen if (s[3], s[4]) not in self.allowed[s[0]]]
        if not wrong:
            return []
        return [
            Failure(
                "allowed_transitions",
                scenario.line(),
                {k: sorted(f"{a} -> {b}" for a, b in v) for k, v in self.allowed.items()},
                [f"{key} of {name} (id {rid}): {a} -> {b}" for key, rid, name, a, b in wrong],
                "a record moved to a state its flow plan does not allow",
            )
        ]


def observe_states(sandboxes: Sandboxes) -> None:
    """Read the watched states now (the runner calls it before the first step and after
    each one)."""
    watch = getattr(sandboxes, "state_watch", None)
    if watch is None:
        from .sut import repository_root

        watch = StateWatch(sandboxes.scenario, sandboxes, repository_root() / "contracts" / "flows")
        sandboxes.state_watch = watch
    with sandboxes.acting(HARNESS):
        watch.observe()


__all__ = ["StateWatch", "observe_states", "commerce_checks", "commerce_expectations", "text_of"]
