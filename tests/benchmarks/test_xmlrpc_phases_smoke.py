"""Smoke run of ``benchmarks/xmlrpc_phases.py``: every phase runs and is printed, and the
two app paths it compares give the same answer. No timing is asserted."""

from __future__ import annotations

import xmlrpc.client

import pytest
from benchscript import load


def test_quick_run_prints_every_phase(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load("xmlrpc_phases")
    assert bench.main(["--quick"]) == 0
    printed = capsys.readouterr().out
    for operation in bench.OPERATIONS:
        for phase in ("loads_request", "execute_kw", "dumps_result+encode", "app (router)"):
            assert f"{operation}: {phase}" in printed
    assert "version: app (fast route)" in printed


def test_both_app_paths_answer_alike() -> None:
    bench = load("xmlrpc_phases")
    sandbox = bench.seeded_sandbox(30)
    client = bench.InProcess(bench.create_app(sandbox))
    params = (sandbox.db_name, sandbox.admin_uid, "admin", "res.partner", "read_group")
    body = xmlrpc.client.dumps((*params, [bench.DOMAIN, ["city"], ["city"]]), "execute_kw").encode()
    fast, routed = client.post("/xmlrpc/2/object", body), client.routed("/xmlrpc/2/object", body)
    assert fast == routed
    (groups,), _ = xmlrpc.client.loads(fast)
    assert sum(group["city_count"] for group in groups) == 30
