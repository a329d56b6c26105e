"""One load run of a stock availability endpoint, from start to verdict.

Without a target it starts the sandbox (with the generated catalogue) and the reference
stock endpoint as child processes on loopback; it runs Locust headless in its own
process(es) (a master and K workers with ``workers``), stops everything within the duration
plus a grace period, reads Locust's CSV output, writes the summary and judges ``x-slo``.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import secrets
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import ConfigError, SandboxError
from .contract import ROUTES, StockContract
from .services import Child, free_port
from .slo import Verdict, evaluate
from .stats import AGGREGATED, RequestStats, read_history, read_stats
from .summary import write_summary

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
USER_CLASSES = {"reference": "StockUser", "naive": "NaiveStockUser", "trivial": "TrivialUser"}
API_KEY_ENV = "ODOO_HARNESS_STOCK_API_KEY"
CSV_PREFIX = "stock"
FINAL_PREFIX = "final"  # the locustfile's final stats, moved over Locust's own CSV files
SANDBOX_READY = r"sandbox ready: (http://\S+)"
ENDPOINT_READY = r"stock endpoint ready: (http://\S+)"
START_TIMEOUT = 300.0  # seeding 200,000 variants and the first snapshot take a while
GRACE = 45.0  # beyond --duration: Locust's start, the workers' joining, the reports
Say = Callable[[str], None]


@dataclass(frozen=True)
class LoadSettings:
    contract: StockContract
    slo: dict[str, float]
    slo_source: str
    report: Path
    target: str | None = None
    api_key_env: str = API_KEY_ENV
    catalogue: str = "1000x4"
    variants: int = 1000
    warehouses: int = 4
    users: int = 10
    spawn_rate: float = 10.0
    duration: float = 15.0
    workers: int = 0
    route: str = "reference"
    seed: int = 0
    tags: tuple[str, ...] = ()  # Locust task tags (locustfile.py): only these kinds of query

    def __post_init__(self) -> None:
        if self.users < 1:
            raise ConfigError(f"--users must be at least 1 (got {self.users})")
        if not self.spawn_rate > 0:
            raise ConfigError(f"--spawn-rate must be above 0 (got {self.spawn_rate:g})")
        if not 1 <= self.duration <= 24 * 3600:
            raise ConfigError(f"--duration must be 1 s to 24 h (got {self.duration:g} s)")
        if not 0 <= self.workers <= 64:
            raise ConfigError(f"--workers must be 0 (no distribution) to 64 (got {self.workers})")
        if self.route not in ROUTES:
            raise ConfigError(f"--route must be one of {', '.join(ROUTES)} (got {self.route!r})")
        if self.target is not None:
            check_target(self.target)
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", self.api_key_env):
            raise ConfigError(
                f"--api-key-env {self.api_key_env!r}: not an environment variable name"
            )


@dataclass
class LoadResult:
    target: str
    stats: dict[str, RequestStats]
    verdicts: list[Verdict]
    worker_requests: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # besides SLO breaches

    @property
    def passed(self) -> bool:
        return not self.problems and all(v.met for v in self.verdicts)


def check_target(url: str) -> None:
    if "@" in url:  # user:password@host: it would land in every report; never echoed
        raise ConfigError(
            "--target: no credentials in the URL; the endpoint's API key goes in the "
            "environment variable --api-key-env names (default $ODOO_HARNESS_STOCK_API_KEY)"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"--target {url!r}: expected an http(s) URL such as http://127.0.0.1:8080"
        )


def _check_answers(url: str, timeout: float = 5.0) -> None:
    """Before a load run: something accepts connections at ``url`` (else every request
    would fail in no time, and the run would say nothing useful)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname or "", port), timeout).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(f"--target {url}: nothing answers there ({reason})") from None


def parse_duration(text: str) -> float:
    """``15``, ``15s``, ``2m``, ``1m30s``, ``1h`` -> seconds."""
    match = re.fullmatch(r"\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+(?:\.\d+)?)s?)?\s*", text)
    if not text.strip() or not match or not any(match.groups()):
        raise ConfigError(f"--duration {text!r}: expected seconds or a time like 30s, 2m, 1m30s")
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)


def run_load(settings: LoadSettings, say: Say = print) -> LoadResult:
    settings.report.mkdir(parents=True, exist_ok=True)
    if settings.target is not None:
        if not os.environ.get(settings.api_key_env):
            raise ConfigError(
                f"--api-key-env: ${settings.api_key_env} is not set; put the endpoint's API key there"
            )
        _check_answers(settings.target)
        return _measure(settings, settings.target, {})
    bound = settings.duration + START_TIMEOUT + 2 * GRACE
    with serve_endpoint(settings.catalogue, bound, say) as (url, env):
        return _measure(settings, url, env)


@contextlib.contextmanager
def serve_endpoint(
    catalogue: str, bound: float, say: Say = print
) -> Iterator[tuple[str, dict[str, str]]]:
    """The sandbox with ``catalogue`` and the reference endpoint on loopback, each stopping by
    itself after ``bound`` seconds at most: yields the endpoint's URL and the environment
    holding its (fresh, random) API key in ``$ODOO_HARNESS_STOCK_API_KEY``."""
    api_key = secrets.token_urlsafe(24)
    python = [sys.executable, "-m", "odoo_harness.cli.main"]
    with (
        tempfile.TemporaryDirectory(prefix="odoo-harness-load-") as tmp,
        contextlib.ExitStack() as stack,
    ):
        say(f"starting the sandbox with catalogue {catalogue}...")
        sandbox_argv = ["sandbox", "up", "--catalogue", catalogue, "--no-mocks",
                        "--port", str(free_port()), "--for", f"{bound:.0f}"]  # fmt: skip
        sandbox = stack.enter_context(Child("sandbox", python + sandbox_argv))
        url = sandbox.wait_ready(SANDBOX_READY, START_TIMEOUT)[1]
        lines = "\n".join(sandbox.lines)
        db = _field(lines, r"database\s+(\S+)", "database")
        login = _field(lines, r"admin\s+login '([^']*)'", "admin login")
        password = _field(lines, r"admin\s+login '[^']*', password '([^']*)'", "admin password")
        say(f"sandbox ready at {url}; starting the stock endpoint...")
        env = dict(os.environ, ODOO_HARNESS_ODOO_PASSWORD=password, **{API_KEY_ENV: api_key})
        endpoint_argv = ["engine", "stock-endpoint", "--odoo-url", url, "--db", db,
                         "--login", login, "--port", str(free_port()),
                         "--store", str(Path(tmp) / "stock.sqlite"),
                         "--for", f"{bound:.0f}"]  # fmt: skip
        endpoint = stack.enter_context(
            Child("stock endpoint", python + endpoint_argv, env=env, secrets=(api_key, password))
        )
        endpoint_url = endpoint.wait_ready(ENDPOINT_READY, START_TIMEOUT)[1]
        say(f"stock endpoint ready at {endpoint_url}")
        yield endpoint_url, {API_KEY_ENV: api_key}


def _field(text: str, pattern: str, what: str) -> str:
    match = re.search(pattern, text)
    if not match:
        raise SandboxError(f"the sandbox did not print its {what}")
    return match[1]


def locust_env(settings: LoadSettings, extra: dict[str, str], workers_file: Path) -> dict[str, str]:
    return dict(
        os.environ,
        **extra,
        ODOO_HARNESS_LOAD_CATALOGUE=f"{settings.variants}x{settings.warehouses}",
        ODOO_HARNESS_LOAD_CONTRACT=settings.contract.source,
        ODOO_HARNESS_LOAD_API_KEY_ENV=settings.api_key_env if not extra else API_KEY_ENV,
        ODOO_HARNESS_LOAD_SEED=str(settings.seed),
        ODOO_HARNESS_LOAD_WORKERS_FILE=str(workers_file),
        ODOO_HARNESS_LOAD_FINAL_PREFIX=str(settings.report / FINAL_PREFIX),
    )


def locust_commands(settings: LoadSettings, target: str, master_port: int) -> list[list[str]]:
    """Locust's command lines: the headless runner (or master) first, then the workers."""
    report = settings.report
    base = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), USER_CLASSES[settings.route]]
    main = base + [
        "--headless", "--users", str(settings.users), "--spawn-rate", f"{settings.spawn_rate:g}",
        "--run-time", f"{math.ceil(settings.duration)}s", "--host", target,
        "--csv", str(report / CSV_PREFIX), "--csv-full-history",
        "--html", str(report / "locust.html"), "--only-summary", "--stop-timeout", "2",
        "--exit-code-on-error", "0", "--loglevel", "WARNING",
    ]  # fmt: skip
    if settings.tags:
        main += ["--tags", *settings.tags]
    if not settings.workers:
        return [main]
    main += [
        "--master", "--master-bind-host", "127.0.0.1", "--master-bind-port", str(master_port),
        "--expect-workers", str(settings.workers), "--expect-workers-max-wait", "30",
    ]  # fmt: skip
    worker = base + [
        "--worker", "--master-host", "127.0.0.1", "--master-port", str(master_port),
        "--loglevel", "WARNING",
    ]  # fmt: skip
    return [main] + [worker] * settings.workers


def _measure(settings: LoadSettings, target: str, extra_env: dict[str, str]) -> LoadResult:
    report = settings.report
    workers_file = report / "workers.json"
    workers_file.unlink(missing_ok=True)
    for prefix in (CSV_PREFIX, FINAL_PREFIX):
        for old in report.glob(f"{prefix}_*.csv"):
            old.unlink()
    env = locust_env(settings, extra_env, workers_file)
    commands = locust_commands(settings, target, free_port())
    mode = f", {settings.workers} workers" if settings.workers else ""
    print_ = _progress_printer(report / f"{CSV_PREFIX}_stats_history.csv")
    print(
        f"running Locust: {settings.users} users, spawn rate {settings.spawn_rate:g}/s, "
        f"{settings.duration:g} s{mode}, route {settings.route} of {target}",
        flush=True,
    )
    log = report / "locust.log"
    log.write_text("", encoding="utf-8")
    secrets_ = [*extra_env.values(), os.environ.get(settings.api_key_env, "")]
    deadline = time.monotonic() + settings.duration + GRACE + (30 if settings.workers else 0)
    with contextlib.ExitStack() as stack:
        children = [
            stack.enter_context(
                Child(
                    f"locust {'master' if i == 0 and settings.workers else 'worker' if i else 'runner'}",
                    cmd,
                    env=env,
                    secrets=secrets_,
                    log=log,
                )
            )
            for i, cmd in enumerate(commands)
        ]
        main = children[0]
        while main.wait(min(5.0, max(0.1, deadline - time.monotonic()))) is None:
            print_()
            if time.monotonic() >= deadline:
                print("Locust did not stop by itself in time: stopping it", flush=True)
                main.stop()
                break
        code = main.process.returncode if main.process else None
    for suffix in ("stats", "failures"):
        final = report / f"{FINAL_PREFIX}_{suffix}.csv"
        if final.exists():
            final.replace(report / f"{CSV_PREFIX}_{suffix}.csv")
    stats_file = report / f"{CSV_PREFIX}_stats.csv"
    if not stats_file.exists():
        raise SandboxError(
            f"Locust exited with code {code} without writing {stats_file}; see {log}"
        )
    return _judge(settings, target, stats_file, workers_file)


def _progress_printer(history: Path) -> Callable[[], None]:
    started = time.monotonic()

    def show() -> None:
        points = read_history(history)
        if not points:
            return
        p = points[-1]
        if not p.users:
            return
        p50 = "-" if p.p50_ms is None else f"{p.p50_ms:g} ms"
        p95 = "-" if p.p95_ms is None else f"{p.p95_ms:g} ms"
        print(
            f"  {time.monotonic() - started:4.0f} s: {p.users} users, {p.rps:.0f} req/s, "
            f"{p.failures_per_s:.1f} failures/s, p50 {p50}, p95 {p95}",
            flush=True,
        )

    return show


def _judge(settings: LoadSettings, target: str, stats_file: Path, workers_file: Path) -> LoadResult:
    stats = read_stats(stats_file)
    aggregated = stats.get(AGGREGATED) or RequestStats(AGGREGATED, 0, 0, None, None, None, 0.0)
    result = LoadResult(target=target, stats=stats, verdicts=evaluate(settings.slo, aggregated))
    if aggregated.requests == 0:
        result.problems.append("no request was made")
    if settings.workers:
        counts = json.loads(workers_file.read_text()) if workers_file.exists() else {}
        result.worker_requests = {k: int(v) for k, v in counts.items()}
        active = [n for n in result.worker_requests.values() if n > 0]
        if len(active) < settings.workers:
            result.problems.append(
                f"only {len(active)} of {settings.workers} workers made requests "
                f"(per worker: {result.worker_requests or 'no report'})"
            )
    write_summary(
        settings.report,
        summary_data(settings, result),
        read_history(settings.report / f"{CSV_PREFIX}_stats_history.csv"),
    )
    return result


def summary_data(settings: LoadSettings, result: LoadResult) -> dict[str, Any]:
    return {
        "target": result.target,
        "route": settings.route,
        "settings": {
            "catalogue": settings.catalogue,
            "users": settings.users,
            "spawn_rate": settings.spawn_rate,
            "duration_s": settings.duration,
            "workers": settings.workers,
            "contract": settings.contract.source,
        },
        "requests": [s.as_dict() for s in result.stats.values()],
        "aggregated": result.stats[AGGREGATED].as_dict() if AGGREGATED in result.stats else None,
        "slo": {
            "source": settings.slo_source,
            "objectives": settings.slo,
            "verdicts": [
                {
                    "objective": v.objective,
                    "target": v.target,
                    "measured": v.measured,
                    "met": v.met,
                    "text": v.describe(),
                }
                for v in result.verdicts
            ],
            "result": "met" if all(v.met for v in result.verdicts) else "breached",
        },
        "workers": (
            {
                "expected": settings.workers,
                "requests": result.worker_requests,
                "all_active": len([n for n in result.worker_requests.values() if n > 0])
                >= settings.workers,
            }
            if settings.workers
            else None
        ),
        "problems": result.problems,
        "files": sorted(
            {p.name for p in settings.report.iterdir() if p.is_file()}
            | {"summary.json", "summary.html"}
        ),
    }
