"""Smoke run of ``benchmarks/xmlrpc_phases.py``: every phase runs and is printed, and the
two app paths it compares give the same answer. No timing is asserted."""

from __future__ import annotations

import importlib.util
import sys
import xmlrpc.client
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "xmlrpc_phases.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_xmlrpc_phases", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    return module


def test_quick_run_prints_every_phase(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load_script()
    assert bench.main(["--quick"]) == 0
    printed = capsys.readouterr().out
    for operation in bench.OPERATIONS:
        for phase in ("loads_request", "execute_kw", "dumps_result+encode", "app (router)"):
            assert f"{operation}: {phase}" in printed
    assert "version: app (fast route)" in printed


def test_both_app_paths_answer_alike() -> None:
    bench = load_script()
    sandbox = bench.seeded_sandbox(30)
    client = bench.InProcess(bench.create_app(sandbox))
    params = (sandbox.db_name, sandbox.admin_uid, "admin", "res.partner", "read_group")
    body = xmlrpc.client.dumps((*params, [bench.DOMAIN, ["city"], ["city"]]), "execute_kw").encode()
    fast, routed = client.post("/xmlrpc/2/object", body), client.routed("/xmlrpc/2/object", body)
    assert fast == routed
    (groups,), _ = xmlrpc.client.loads(fast)
    assert sum(group["city_count"] for group in groups) == 30
