"""``odoo-harness run``: the main job. Runs the business-flow scenarios (default
``scenarios/``) through pytest and the scenario plugin, one line per scenario, writes the
reports and exits as pytest does. ``--self-check`` instead starts the embedded sandbox and
checks it over the network (version, login, create/search/read/write a partner).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import xmlrpc.client
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import SandboxError
from ..odoo.http.server import SandboxServer
from ..odoo.profiles import DEFAULT_VERSION, PROFILES
from ..scenarios.config import load_config

PLUGIN = "odoo_harness.scenarios.plugin"
NO_AUTOLOAD = "PYTEST_DISABLE_PLUGIN_AUTOLOAD"


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("run", help="run the business-flow scenarios, write reports")
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="scenario files or folders (default scenarios/)"
    )
    parser.add_argument("-k", dest="keyword", metavar="EXPR", help="only scenarios matching EXPR")
    parser.add_argument("-x", "--exitfirst", action="store_true", help="stop at the first failure")
    parser.add_argument(
        "--report",
        default=None,
        metavar="DIR",
        help="where reports go (default: report_dir of the configuration, else reports/)",
    )
    parser.add_argument(
        "--odoo",
        metavar="SPEC",
        help="embedded (default) or url=URL[,db=DB,login=L]: run against an external Odoo; "
        "its password or API key comes from ODOO_HARNESS_ODOO_PASSWORD / _API_KEY or the "
        "configuration file, never from the command line",
    )
    parser.add_argument(
        "--workers",
        type=_workers,
        default=1,
        metavar="N",
        help="run scenarios in N processes (pytest-xdist); each has its own sandboxes",
    )
    parser.add_argument("--junitxml", metavar="FILE", help="also write JUnit XML to FILE")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="only start the embedded Odoo and check it over the network",
    )
    parser.add_argument(
        "--odoo-version",
        default=DEFAULT_VERSION,
        choices=sorted(PROFILES),
        help=f"Odoo version profile of the self-check (default {DEFAULT_VERSION})",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.self_check:
        return run_self_check(args.odoo_version)
    return run_scenarios(args)


def run_scenarios(args: argparse.Namespace) -> int:
    import pytest

    from ..scenarios.progress import ScenarioProgress

    harness = load_config()
    if args.odoo:
        harness = harness.with_odoo(args.odoo)  # a bad SPEC is a usage error, before pytest
    harness.require_external_odoo()
    if not harness.odoo.embedded:
        _check_reachable(harness.odoo.url)
    report = args.report or harness.report_dir
    for part in (Path(report), *Path(report).absolute().parents):  # before any scenario runs
        if part.exists():
            if not part.is_dir():
                raise SandboxError(f"--report {report}: {part} is a file, not a folder")
            break
    paths = args.paths or ["scenarios"]
    # pytest's terminal output is replaced by the one line per scenario of ScenarioProgress;
    # the repository's addopts may hold terminal options, so they are reset here.
    # no .pytest_cache left in the user's folder (the run has no --lf to feed)
    pytest_args = [*paths, "-p", "no:terminal", "-p", "no:cacheprovider", "-o", "addopts="]
    pytest_args.append("--strict-markers")
    pytest_args += ["--odoo-harness-report", report]
    if args.odoo:
        pytest_args += ["--odoo-harness-odoo", args.odoo]
    # Only the plugins a scenario run needs: the others installed in the environment
    # (schemathesis', hypothesis', ...) cost each xdist worker seconds to load.
    pytest_args += ["-p", PLUGIN]
    if args.workers > 1:
        pytest_args += ["-p", "xdist.plugin", "-n", str(args.workers)]
    if args.keyword:
        pytest_args += ["-k", args.keyword]
    if args.exitfirst:
        pytest_args.append("-x")
    if args.junitxml:
        pytest_args.append(f"--junitxml={args.junitxml}")
    progress = ScenarioProgress(print, Path(report))
    autoload = os.environ.get(NO_AUTOLOAD)
    os.environ[NO_AUTOLOAD] = "1"  # workers inherit it
    try:
        code = int(pytest.main(pytest_args, plugins=[progress]))
    finally:
        if autoload is None:
            del os.environ[NO_AUTOLOAD]
        else:
            os.environ[NO_AUTOLOAD] = autoload
    sys.stdout.flush()
    return code


def _check_reachable(url: str, timeout: float = 10.0) -> None:
    """One line before any scenario when the external Odoo does not answer at all (not
    one failure per scenario): ``common.version`` needs no credentials."""
    import httpx

    body = xmlrpc.client.dumps((), "version")
    try:
        response = httpx.post(
            f"{url}/xmlrpc/2/common",
            content=body,
            headers={"Content-Type": "text/xml"},
            timeout=timeout,
        )
        response.raise_for_status()
        xmlrpc.client.loads(response.content)
    except (httpx.HTTPError, xmlrpc.client.Error, ValueError) as exc:
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())
        raise SandboxError(
            f"--odoo: the Odoo at {url} does not answer XML-RPC ({reason})"
        ) from None


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def run_self_check(version: str) -> int:
    started = time.monotonic()
    with SandboxServer(version=version) as server:
        print(f"embedded Odoo {server.sandbox.profile.server_version} at {server.url}", flush=True)
        failures = self_check(server, print)
    elapsed = time.monotonic() - started
    verdict = "passed" if not failures else f"{failures} failed"
    print(f"self-check {verdict} in {elapsed:.2f} s")
    return 0 if not failures else 1


def self_check(server: SandboxServer, say: Callable[[str], Any]) -> int:
    """Version, login and a partner's create/search/read/write over XML-RPC."""
    common = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common")
    models = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")
    db = server.db
    login, password = server.credentials["admin"]
    state: dict[str, Any] = {}

    def call(model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return models.execute_kw(db, state["uid"], password, model, method, list(args), kwargs)

    steps: list[tuple[str, Callable[[], Any], Callable[[Any], bool]]] = [
        ("version", lambda: common.version()["server_version"], bool),
        (
            "login as admin",
            lambda: state.setdefault("uid", common.login(db, login, password)),
            lambda uid: isinstance(uid, int) and uid > 0,
        ),
        (
            "create a partner",
            lambda: state.setdefault(
                "pid", call("res.partner", "create", {"name": "Self-check Ltd", "is_company": True})
            ),
            lambda pid: isinstance(pid, int),
        ),
        (
            "search it by name",
            lambda: call("res.partner", "search", [["name", "=", "Self-check Ltd"]]),
            lambda ids: ids == [state["pid"]],
        ),
        (
            "write its email",
            lambda: call("res.partner", "write", [state["pid"]], {"email": "check@example.com"}),
            lambda ok: ok is True,
        ),
        (
            "read it back",
            lambda: call("res.partner", "read", [state["pid"]], ["name", "email"]),
            lambda rows: rows[0]["email"] == "check@example.com",
        ),
    ]
    failures = 0
    for title, action, check in steps:
        try:
            value = action()
            ok = check(value)
        except (xmlrpc.client.Error, OSError, KeyError, IndexError) as exc:
            value, ok = f"{type(exc).__name__}: {exc}", False
        failures += not ok
        say(f"  {'ok  ' if ok else 'FAIL'} {title}: {value!r}")
        if not ok:
            break
    sys.stdout.flush()
    return failures
