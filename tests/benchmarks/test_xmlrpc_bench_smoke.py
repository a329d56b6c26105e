"""Smoke run of ``benchmarks/xmlrpc_sandbox.py`` with tiny counts: it starts the sandbox in
its own process, measures the four operations and prints a table. No timing is asserted."""

from __future__ import annotations

import xmlrpc.client
from dataclasses import replace
from typing import Any

import pytest
from benchscript import load

pytestmark = pytest.mark.wire


def test_quick_run_reports_the_four_operations() -> None:
    bench = load("xmlrpc_sandbox")
    settings, strict = bench.parse_args(["--quick"])
    assert not strict
    settings = replace(settings, iterations=3, warmup=1, seed=20, batch_size=10, batch_repeats=1)

    rows = bench.run_with_server(settings)

    names = [row.operation for row in rows]
    for operation in bench.OPERATIONS:
        assert operation in names
    assert bench.DECODE_OP in names
    assert all(row.n >= 1 for row in rows)
    for operation in bench.FLOOR_OPS:  # both zero-work servers answered the same calls
        for stack in bench.ZERO_WORK_STACKS:
            assert bench.zero_work_op(operation, stack) in names
    text = bench.table(rows)
    for operation in bench.OPERATIONS:
        assert operation in text
    floor = "\n".join(bench.floor_lines(rows))
    for operation in bench.FLOOR_OPS:
        assert f"  {operation}: target p50 <= " in floor


@pytest.mark.parametrize("stack", ["uvicorn", "socket"])
def test_the_zero_work_server_answers_each_method_with_its_recorded_bytes(
    stack: str, tmp_path: Any
) -> None:
    bench = load("xmlrpc_sandbox")
    (tmp_path / "search_read.xml").write_text(
        xmlrpc.client.dumps(([{"id": 7, "name": "Recorded"}],), methodresponse=True)
    )
    (tmp_path / "read_group.xml").write_text(
        xmlrpc.client.dumps(([{"city": "Gent", "city_count": 3}],), methodresponse=True)
    )
    with bench.replay_process(stack, tmp_path, 30) as url:
        proxy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
        for _ in range(2):  # one kept-alive connection, several calls
            assert proxy.execute_kw("db", 2, "pw", "res.partner", "read_group", [[]], {}) == [
                {"city": "Gent", "city_count": 3}
            ]
            assert proxy.execute_kw("db", 2, "pw", "res.partner", "search_read", [[]], {}) == [
                {"id": 7, "name": "Recorded"}
            ]
        with pytest.raises(xmlrpc.client.ProtocolError, match="404"):  # nothing recorded
            proxy.execute_kw("db", 2, "pw", "res.partner", "name_search", [], {})


def _row(bench: Any, operation: str, p50: float) -> Any:
    return bench.Row(operation, 10, p50, p50, 1000 / p50)


def test_floor_lines_say_whether_a_target_is_reachable_at_all() -> None:
    bench = load("xmlrpc_sandbox")
    rows = [
        _row(bench, "search_read", 5.0),  # target 21.5 / 5 = 4.30 ms
        _row(bench, bench.zero_work_op("search_read", "uvicorn"), 4.0),
        _row(bench, bench.zero_work_op("search_read", "socket"), 3.8),
        _row(bench, "read_group", 2.5),  # target 15.1 / 10 = 1.51 ms
        _row(bench, bench.zero_work_op("read_group", "uvicorn"), 1.9),
        _row(bench, bench.zero_work_op("read_group", "socket"), 1.7),
    ]
    search_line, group_line = bench.floor_lines(rows)[1:]
    assert "target p50 <= 4.30 ms" in search_line
    assert "reachable here: it leaves 0.50 ms" in search_line
    assert "adds 1.00 ms" in search_line  # 5.0 - 4.0 (the same stack)
    assert "target p50 <= 1.51 ms" in group_line
    assert "NOT reachable on this client by any server" in group_line
    assert "0.19 ms more than the target" in group_line  # 1.7 - 1.51
    assert "adds 0.60 ms" in group_line
    faster = [_row(bench, "read_group", 1.8), *rows[4:]]  # under the uvicorn floor: noise
    assert "measured 0.10 ms under the same stack's floor" in bench.floor_lines(faster)[1]
