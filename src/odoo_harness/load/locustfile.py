"""Locust users asking a stock availability endpoint the query mix of ``workload.py``.

Run by ``odoo-harness load stock`` (``locust -f <this file> StockUser ...``), or by hand,
e.g. a worker on another machine: ``locust -f <this file> --worker --master-host HOST``.
Importing this module imports locust, which monkey-patches the process with gevent: only
Locust's own processes import it. Settings come from the environment (the runner sets them):

- ``ODOO_HARNESS_LOAD_CATALOGUE``: ``VARIANTSxWAREHOUSES`` of the catalogue (default 1000x4)
- ``ODOO_HARNESS_LOAD_CONTRACT``: the contract file (default the repository's)
- ``ODOO_HARNESS_LOAD_API_KEY_ENV``: the variable holding the API key
  (default ``ODOO_HARNESS_STOCK_API_KEY``)
- ``ODOO_HARNESS_LOAD_SEED``: seeds each user's draws (default 0)
- ``ODOO_HARNESS_LOAD_WORKERS_FILE``: where a master writes each worker's request count
- ``ODOO_HARNESS_LOAD_FINAL_PREFIX``: where the final stats and failures are written on quit
  (``<prefix>_stats.csv``, ``<prefix>_failures.csv``; Locust's own ``--csv`` files are
  rewritten once a second only, so a short run can end before their last rewrite)

Each task is tagged with its kind (``one``, ``fifty``, ``delta``, ``pages``): Locust's
``--tags fifty`` runs the 50-SKU question alone.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import FastHttpUser, constant, events, tag, task
from locust.runners import MasterRunner, WorkerRunner
from locust.stats import PERCENTILES_TO_REPORT, StatsCSV

# Absolute imports: Locust loads this file by path, outside its package.
from odoo_harness.load.contract import DEFAULT_CONTRACT, load_contract
from odoo_harness.load.workload import (
    DELTA,
    FIFTY_SKUS,
    FULL_CHECK_EVERY,
    LIGHT_CHECK_ABOVE,
    ONE_SKU,
    PAGE,
    Catalogue,
    QueryMix,
    check_answer,
    light_check,
)

WORKER_COUNT_KEY = "odoo_harness_requests"

_size = os.environ.get("ODOO_HARNESS_LOAD_CATALOGUE", "1000x4")
_match = re.fullmatch(r"\s*(\d+)\s*x\s*(\d+)\s*", _size)
if not _match:
    raise SystemExit(f"ODOO_HARNESS_LOAD_CATALOGUE must look like 1000x4 (got {_size!r})")
CATALOGUE = Catalogue(variants=int(_match[1]), warehouses=int(_match[2]))
CONTRACT = load_contract(os.environ.get("ODOO_HARNESS_LOAD_CONTRACT") or DEFAULT_CONTRACT)
API_KEY = os.environ.get(
    os.environ.get("ODOO_HARNESS_LOAD_API_KEY_ENV") or "ODOO_HARNESS_STOCK_API_KEY", ""
)
SEED = int(os.environ.get("ODOO_HARNESS_LOAD_SEED", "0"))
_user_numbers = itertools.count(1)


class _StockUser(FastHttpUser):
    """The mix on one route; subclasses pick the route."""

    abstract = True
    route = "reference"
    wait_time = constant(0)  # closed loop: each user asks again as soon as it has an answer

    def on_start(self) -> None:
        self.page_token: str | None = None
        self.large_answers = 0
        worker = (
            getattr(self.environment.runner, "worker_index", 0) or 0
        )  # distinct draws per worker
        self.mix = QueryMix(CATALOGUE, seed=SEED * 100_003 + worker * 10_007 + next(_user_numbers))
        self.path = CONTRACT.route_path(self.route)
        self.headers = {CONTRACT.api_key_header: API_KEY}

    def _ask(self, name: str, params: dict[str, str]) -> Any:
        asked = params["sku"].split(",") if "sku" in params else ()
        url = f"{self.path}?{urlencode(params, safe=',')}"
        with self.client.get(url, name=name, headers=self.headers, catch_response=True) as resp:
            body = resp.content or b""
            answer = None
            if len(body) > LIGHT_CHECK_ABOVE:
                self.large_answers += 1
                if self.large_answers % FULL_CHECK_EVERY:
                    answer = light_check(resp.status_code, body)
            if answer is None:
                answer = check_answer(CONTRACT, self.route, resp.status_code, body, asked)
            if answer.error:
                resp.failure(answer.error)
            else:
                resp.success()
            if answer.watermark:
                self.mix.watermark = answer.watermark
            return answer

    @tag("one")
    @task(50)
    def one_sku(self) -> None:
        query = self.mix.query(ONE_SKU)
        self._ask(query.name, query.params)

    @tag("fifty")
    @task(30)
    def fifty_skus(self) -> None:
        query = self.mix.query(FIFTY_SKUS)
        self._ask(query.name, query.params)

    @tag("delta")
    @task(15)
    def warehouse_delta(self) -> None:
        query = self.mix.query(DELTA)
        if self.route != "reference":  # only the snapshot keeps watermarks: a full listing
            query.params.pop("changed_since", None)
        self._ask(query.name, query.params)

    @tag("pages")
    @task(5)
    def full_pages(self) -> None:
        """One page of a catalogue walk per task: the walk goes on where this user's last
        page ended and starts over at the end, so every page request carries 1,000 items
        whatever the catalogue's size (the mix costs the same at 1,000 and 200,000)."""
        query = self.mix.query(PAGE)
        params = dict(query.params)
        if self.page_token:
            params["page_token"] = self.page_token
        answer = self._ask(query.name, params)
        self.page_token = None if answer.error else answer.next_page_token


class StockUser(_StockUser):
    """The reference endpoint (served from the snapshot)."""

    route = "reference"


class NaiveStockUser(_StockUser):
    """The naive baseline (computed from Odoo on each request)."""

    route = "naive"


class TrivialUser(_StockUser):
    """The trivial route (a constant body): the server stack's ceiling."""

    route = "trivial"


@events.init.add_listener
def _count_per_worker(environment: Any, **_kwargs: Any) -> None:
    """Workers send their request count with every stats report; the master keeps the last
    count of each worker in ``ODOO_HARNESS_LOAD_WORKERS_FILE`` (Locust's custom report data)."""
    runner = environment.runner
    if isinstance(runner, WorkerRunner):
        sent = {"requests": 0}

        def on_request(**_kw: Any) -> None:
            sent["requests"] += 1

        def on_report(client_id: str, data: dict[str, Any]) -> None:
            data[WORKER_COUNT_KEY] = sent["requests"]

        environment.events.request.add_listener(on_request)
        environment.events.report_to_master.add_listener(on_report)
    elif isinstance(runner, MasterRunner):
        target = os.environ.get("ODOO_HARNESS_LOAD_WORKERS_FILE")
        counts: dict[str, int] = {}

        def on_worker_report(client_id: str, data: dict[str, Any]) -> None:
            if WORKER_COUNT_KEY in data and target:
                counts[client_id] = max(counts.get(client_id, 0), int(data[WORKER_COUNT_KEY]))
                path = Path(target)
                path.with_suffix(".tmp").write_text(json.dumps(counts), encoding="utf-8")
                path.with_suffix(".tmp").replace(path)

        environment.events.worker_report.add_listener(on_worker_report)


@events.init.add_listener
def _final_stats_on_quit(environment: Any, **_kwargs: Any) -> None:
    prefix = os.environ.get("ODOO_HARNESS_LOAD_FINAL_PREFIX")
    if not prefix or isinstance(environment.runner, WorkerRunner):
        return

    def on_quit(**_kw: Any) -> None:
        writer = StatsCSV(environment, PERCENTILES_TO_REPORT)
        for suffix, write in (("stats", writer.requests_csv), ("failures", writer.failures_csv)):
            with open(f"{prefix}_{suffix}.csv", "w", newline="", encoding="utf-8") as handle:
                write(csv.writer(handle))

    environment.events.quit.add_listener(on_quit)
