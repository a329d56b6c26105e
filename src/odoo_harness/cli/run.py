"""``odoo-harness run``: the main job.

Until the scenario runner lands it starts the embedded sandbox and runs a built-in
self-check against it over the network (version, login, create/search/read/write a
partner), printing each step.
"""

from __future__ import annotations

import argparse
import sys
import time
import xmlrpc.client
from collections.abc import Callable
from typing import Any

from ..odoo.http.server import SandboxServer
from ..odoo.profiles import DEFAULT_VERSION, PROFILES


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("run", help="start the embedded sandboxes and run the checks")
    parser.add_argument(
        "--odoo-version",
        default=DEFAULT_VERSION,
        choices=sorted(PROFILES),
        help=f"Odoo version profile (default {DEFAULT_VERSION})",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    with SandboxServer(version=args.odoo_version) as server:
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
