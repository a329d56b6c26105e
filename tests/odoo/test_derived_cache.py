"""Credentials, user contexts, groups and access rows are cached between calls
(``orm.derived.DerivedCache``); any change must take effect on the very next call."""

from __future__ import annotations

import sqlite3
import xmlrpc.client
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from odoo_harness.clock import Clock
from odoo_harness.odoo.exceptions import AccessDenied
from odoo_harness.odoo.http import SandboxServer
from odoo_harness.odoo.orm.access import user_group_ids
from odoo_harness.odoo.orm.derived import DerivedCache
from odoo_harness.odoo.sandbox import Sandbox

DB = "sandbox"


@pytest.fixture(scope="module", params=["17.0", "18.0", "19.0"])
def server(request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    with SandboxServer(version=request.param) as running:
        yield running


@pytest.fixture
def fresh(server: SandboxServer) -> SandboxServer:
    server.sandbox.reset()
    return server


class Rpc:
    """``execute_kw`` as one user over a real loopback socket."""

    def __init__(self, server: SandboxServer, uid: int, password: str) -> None:
        self.proxy = xmlrpc.client.ServerProxy(server.url + "/xmlrpc/2/object")
        self.uid, self.password = uid, password

    def __call__(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.proxy.execute_kw(DB, self.uid, self.password, model, method, list(args), kwargs)


def admin(server: SandboxServer) -> Rpc:
    return Rpc(server, server.sandbox.admin_uid, server.sandbox.ADMIN_PASSWORD)


def integration(server: SandboxServer, password: str | None = None) -> Rpc:
    sandbox = server.sandbox
    return Rpc(server, sandbox.integration_uid, password or sandbox.INTEGRATION_PASSWORD)


def denied(call: Rpc) -> bool:
    try:
        call("res.partner", "search_count", [])
    except xmlrpc.client.Fault as fault:
        assert "Access Denied" in fault.faultString or "AccessDenied" in fault.faultString
        return True
    return False


def rename_first_partner(call: Rpc) -> str:
    """``ok`` or the fault's first line (an AccessError when the right is missing)."""
    (pid,) = call("res.partner", "search", [], limit=1)
    try:
        call("res.partner", "write", [pid], {"comment": "x"})
    except xmlrpc.client.Fault as fault:
        return "AccessError" if "not allowed to modify" in fault.faultString else fault.faultString
    return "ok"


@pytest.mark.wire
def test_a_changed_password_takes_effect_on_the_next_call(fresh: SandboxServer) -> None:
    old = integration(fresh)
    assert not denied(old)  # cached as valid now
    admin(fresh)("res.users", "write", [fresh.sandbox.integration_uid], {"password": "n3w-pass"})
    assert denied(old)
    assert not denied(integration(fresh, "n3w-pass"))
    assert denied(old)


@pytest.mark.wire
def test_an_archived_user_is_denied_on_the_next_call(fresh: SandboxServer) -> None:
    user = integration(fresh)
    assert not denied(user)
    admin(fresh)("res.users", "write", [fresh.sandbox.integration_uid], {"active": False})
    assert denied(user)


@pytest.mark.wire
def test_a_deleted_api_key_stops_working_on_the_next_call(fresh: SandboxServer) -> None:
    sandbox = fresh.sandbox
    by_key = Rpc(fresh, sandbox.admin_uid, sandbox.admin_api_key())
    assert not denied(by_key)
    with sandbox.lock:  # revoked as Odoo's wizard does it: the row goes (no RPC unlink)
        sandbox._query('DELETE FROM "res_users_apikeys" WHERE user_id = ?', (sandbox.admin_uid,))
    assert denied(by_key)
    assert not denied(admin(fresh))


@pytest.mark.wire
def test_a_removed_access_right_takes_effect_on_the_next_call(fresh: SandboxServer) -> None:
    user, boss = integration(fresh), admin(fresh)
    assert rename_first_partner(user) == "ok"
    granting = boss(
        "ir.model.access",
        "search",
        [("model_id.model", "=", "res.partner"), ("perm_write", "=", True)],
    )
    boss("ir.model.access", "write", granting, {"perm_write": False})
    assert rename_first_partner(user) == "AccessError"
    boss("ir.model.access", "write", granting, {"perm_write": True})
    assert rename_first_partner(user) == "ok"


@pytest.mark.wire
def test_a_removed_group_takes_effect_on_the_next_call(fresh: SandboxServer) -> None:
    user, boss = integration(fresh), admin(fresh)
    assert rename_first_partner(user) == "ok"
    uid = fresh.sandbox.integration_uid
    field = "groups_id" if fresh.sandbox.profile.major < 19 else "group_ids"
    (before,) = boss("res.users", "read", [uid], [field])
    writers = boss(
        "ir.model.access",
        "search_read",
        [("model_id.model", "=", "res.partner"), ("perm_write", "=", True)],
        fields=["group_id"],
    )
    granting = {row["group_id"][0] for row in writers if row["group_id"]} & set(before[field])
    assert granting  # the integration user may write partners through these groups
    boss("res.users", "write", [uid], {field: [(3, gid) for gid in granting]})
    assert rename_first_partner(user) == "AccessError"
    boss("res.users", "write", [uid], {field: [(4, gid) for gid in granting]})
    assert rename_first_partner(user) == "ok"


@pytest.mark.wire
def test_a_changed_language_shows_in_the_next_context(fresh: SandboxServer) -> None:
    user = integration(fresh)
    assert user("res.users", "context_get")["tz"] is False
    admin(fresh)("res.users", "write", [fresh.sandbox.integration_uid], {"tz": "Europe/Brussels"})
    assert user("res.users", "context_get")["tz"] == "Europe/Brussels"


def test_another_process_changing_the_file_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "odoo.sqlite"
    sandbox = Sandbox("18.0", path=path)
    try:
        uid = sandbox.integration_uid
        sandbox.check_credentials(uid, sandbox.INTEGRATION_PASSWORD)  # now cached
        other = sqlite3.connect(path)
        with other:
            other.execute('UPDATE "res_users" SET password = ? WHERE id = ?', ("changed", uid))
        other.close()
        with pytest.raises(AccessDenied):
            sandbox.check_credentials(uid, sandbox.INTEGRATION_PASSWORD)
        sandbox.check_credentials(uid, "changed")
    finally:
        sandbox.close()


def test_the_cache_forgets_on_any_row_change_and_what_a_rollback_undid() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE t (x INTEGER)")
    cache = DerivedCache()
    cache.section(conn, "s")["k"] = "before"
    assert cache.section(conn, "s") == {"k": "before"}
    conn.execute("UPDATE t SET x = 2")  # changes no row
    assert cache.section(conn, "s") == {"k": "before"}
    conn.execute("BEGIN")
    assert cache.section(conn, "s") == {"k": "before"}  # nothing written yet
    conn.execute("INSERT INTO t VALUES (1)")
    assert cache.section(conn, "s") == {}  # seen inside the same transaction
    cache.section(conn, "s")["k"] = "uncommitted"
    assert cache.section(conn, "s") == {"k": "uncommitted"}
    conn.execute("ROLLBACK")
    cache.settle(conn)
    assert cache.section(conn, "s") == {}  # the rolled-back state is not kept
    cache.section(conn, "s")["k"] = "after"
    conn.execute("BEGIN")
    conn.execute("INSERT INTO t VALUES (3)")
    conn.execute("COMMIT")
    assert cache.section(conn, "s") == {}
    other = sqlite3.connect(":memory:")
    cache.section(conn, "s")["k"] = "this connection"
    assert cache.section(other, "s") == {}  # another connection (a reset sandbox)


def test_a_call_that_fails_after_a_write_leaves_no_cached_rights(fresh: SandboxServer) -> None:
    """Groups computed after a write that is then rolled back are not kept."""
    sandbox = fresh.sandbox
    uid = sandbox.integration_uid
    field = "groups_id" if sandbox.profile.major < 19 else "group_ids"
    system = sandbox._env(uid).xmlid_id("base.group_system")
    assert system not in user_group_ids(sandbox._env(uid)["res.partner"], uid)
    seen: list[frozenset[int]] = []

    def grant_then_fail(users: Any) -> None:
        users.browse(uid).write({field: [(4, system)]})
        seen.append(user_group_ids(users, uid))
        raise RuntimeError("fails after the write")

    with pytest.raises(RuntimeError):
        sandbox._transaction(sandbox.admin_uid, "res.users", grant_then_fail)
    assert seen and system in seen[0]
    assert system not in user_group_ids(sandbox._env(uid)["res.partner"], uid)


@pytest.mark.parametrize("frozen", [False, True])
def test_a_reset_brings_back_the_seeded_password(frozen: bool) -> None:
    """Also when the reset copies a seeded template (frozen clock): rows replaced that way
    are not counted as changes by SQLite."""
    clock = Clock(datetime(2024, 5, 1, tzinfo=UTC), frozen=True) if frozen else None
    sandbox = Sandbox("18.0", clock=clock)
    sandbox.reset()  # the second reset at this instant copies the template
    uid, seeded = sandbox.integration_uid, sandbox.INTEGRATION_PASSWORD
    sandbox.execute_kw(sandbox.admin_uid, "res.users", "write", [[uid], {"password": "x2"}], {})
    sandbox.check_credentials(uid, "x2")  # cached as valid
    with pytest.raises(AccessDenied):
        sandbox.check_credentials(uid, seeded)
    sandbox.reset()
    sandbox.check_credentials(uid, seeded)
    with pytest.raises(AccessDenied):
        sandbox.check_credentials(uid, "x2")
