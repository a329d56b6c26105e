"""The replay runner's own tests: placeholders, matchers, failure messages and transports.

Transports run over a real socket against ``fake_odoo``, a stub that speaks each protocol, so
these tests do not depend on the sandbox.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .fake_odoo import API_KEY, FakeOdooServer
from .matching import PlaceholderError, Scope, compare, resolve
from .replay import (
    CONFORMANCE_DIR,
    Case,
    CaseFormatError,
    CaseRunner,
    ReplayFailure,
    Target,
    check,
    expected_failures,
    load_cases,
    load_topic,
)
from .transports import HttpOutcome, final_exception_text

SPECIALS = {"db": "sandbox", "login": "admin", "uid": 2, "xmlid:base.user_admin": 2}


def _special(token: str) -> Any:
    if token not in SPECIALS:
        raise PlaceholderError(f"unknown ${token}")
    return SPECIALS[token]


@pytest.fixture
def scope() -> Scope:
    bindings = {
        "p1": 42,
        "ps": [7, 8],
        "r": [{"id": 5, "picking_ids": [11, 12], "web.base.url": "u"}],
    }
    return Scope(special=_special, bindings=bindings)


# --- placeholders -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "resolved"),
    [
        ("$p1", 42),
        ("$ps.1", 8),
        ("$r.0.picking_ids.0", 11),
        ("$r.0.web.base.url", "u"),
        ("$db", "sandbox"),
        ("$uid", 2),
        ("$xmlid:base.user_admin", 2),
        ("$$ 5", "$ 5"),
        ("name {$p1}", "name 42"),
        ("User: {$xmlid:base.user_admin})", "User: 2)"),
        ("plain", "plain"),
        ([["id", "in", "$ps"]], [["id", "in", [7, 8]]]),
        ({"k{$p1}": "$p1", "n": None}, {"k42": 42, "n": None}),
    ],
)
def test_resolve(scope: Scope, raw: Any, resolved: Any) -> None:
    assert resolve(raw, scope) == resolved


@pytest.mark.parametrize(
    "raw", ["$nope", "$ps.5", "$p1.0", "$r.0.missing", "{$nope}", "$xmlid:x.y"]
)
def test_resolve_unknown_placeholder_is_an_error(scope: Scope, raw: str) -> None:
    with pytest.raises(PlaceholderError):
        resolve(raw, scope)


# --- matchers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ("$any", None),
        ("$any", {"a": 1}),
        ("$int", 0),
        ("$str", ""),
        ("$date", "2024-01-15"),
        ("$datetime", "2024-01-15 10:20:30"),
        ("$re:S\\d{5}", "S00012"),
        ("$re:CF {$p1}\\.x", "CF 42.x"),
        ("$p1", 42),
        ("$$x", "$x"),
        ("id {$p1}", "id 42"),
        (1.0, 1.0),
        (False, False),
        (None, None),
        ({"id": "$p1", "name": "A"}, {"name": "A", "id": 42}),
        (["$ps.1", "$ps.0"], [8, 7]),
    ],
)
def test_compare_accepts(scope: Scope, expected: Any, actual: Any) -> None:
    assert compare(expected, actual, scope) is None


@pytest.mark.parametrize(
    ("expected", "actual", "message"),
    [
        (1, 1.0, "result: expected 1 (int) got 1.0 (float)"),
        (1.0, 1, "result: expected 1.0 (float) got 1 (int)"),
        (1, True, "result: expected 1 (int) got true (bool)"),
        (False, 0, "result: expected false (bool) got 0 (int)"),
        (False, None, "result: expected false (bool) got null (null)"),
        ("$int", True, "result: expected $int (an integer) got true (bool)"),
        ("$int", 1.0, "result: expected $int (an integer) got 1.0 (float)"),
        ("$str", 5, "result: expected $str (a string) got 5 (int)"),
        ("$date", "2024-01-15 10:00:00", "result: expected $date (YYYY-MM-DD) got"),
        ("$datetime", "2024-01-15", "result: expected $datetime (YYYY-MM-DD HH:MM:SS) got"),
        ("$re:S\\d{5}", "S0001", "result: expected $re:S\\d{5} got 'S0001' (str)"),
        ("$re:S\\d{5}", "xS00001", "result: expected $re:"),
        ("$p1", 43, "result: expected 42 got 43 (expected is $p1)"),
        ("$$x", "$$x", "result: expected '$x' got '$$x'"),
        ({"a": 1}, {"a": 1, "b": 2}, "result: unexpected key(s) 'b'"),
        ({"a": 1, "b": 2}, {"a": 1}, "result: missing key(s) 'b'"),
        ([1, 2], [2, 1], "result[0]: expected 1 got 2"),
        ([1, 2], [1], "result: expected 2 items got 1 (missing: [2])"),
        (["$ps.0"], [7, 9], "result: expected 1 items got 2 (unexpected: [9])"),
        (
            [{"parent_id": [1, "Acme"]}],
            [{"parent_id": [1, "ACME"]}],
            "result[0].parent_id[1]: expected 'Acme' got 'ACME'",
        ),
        ({"web.base.url": "x"}, {"web.base.url": "y"}, 'result["web.base.url"]: expected'),
        ([1], {"0": 1}, "result: expected a list got"),
        ({"a": 1}, [1], "result: expected an object got"),
    ],
)
def test_compare_rejects(scope: Scope, expected: Any, actual: Any, message: str) -> None:
    difference = compare(expected, actual, scope)
    assert difference is not None
    assert str(difference).startswith(message)


def test_compare_bound_value_is_literal(scope: Scope) -> None:
    """A bound value that looks like a matcher is compared as it is, not as a matcher."""
    scope.bindings["s"] = "$int"
    assert compare("$s", 5, scope) is not None
    assert compare("$s", "$int", scope) is None


def test_compare_any_still_needs_the_key(scope: Scope) -> None:
    assert str(compare({"a": "$any"}, {}, scope)) == "result: missing key(s) 'a'"


# --- tracebacks -------------------------------------------------------------------------------

TRACE = 'Traceback (most recent call last):\n  File "x.py", line 1, in f\n    g()\n'


@pytest.mark.parametrize(
    ("fault_string", "message"),
    [
        (
            TRACE + "ValueError: Invalid field 'x' on model 'res.partner'\n",
            "ValueError: Invalid field 'x' on model 'res.partner'",
        ),
        (TRACE + "    ^^^^\nKeyError: 'cf'\n", "KeyError: 'cf'"),
        (
            TRACE + "odoo.exceptions.UserError: two\n\tlines\n- and more\n",
            "odoo.exceptions.UserError: two\n\tlines\n- and more",
        ),
        (
            TRACE
            + "KeyError: 'a'\n\nThe above exception was the direct cause of the following exception:\n\n"
            + TRACE
            + "ValueError: b\n",
            "ValueError: b",
        ),
        ("Access Denied", "Access Denied"),
        ("", ""),
        ("Message\nwith lines\n", "Message\nwith lines\n"),
    ],
)
def test_final_exception_text(fault_string: str, message: str) -> None:
    assert final_exception_text(fault_string) == message


# --- cases ------------------------------------------------------------------------------------


def test_every_recording_loads_with_unique_ids() -> None:
    cases = load_cases()
    assert cases
    ids = [case.test_id for case in cases]
    assert len(ids) == len(set(ids))


def test_expected_failures_name_real_cases() -> None:
    known = {case.test_id for case in load_cases()}
    listed = expected_failures(Path(__file__).with_name("expected_failures.txt"))
    assert listed <= known, f"stale ids in expected_failures.txt: {sorted(listed - known)}"


def test_expected_failures_file_format(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("# comment\n\n18.0-orm-a  # why\n  19.0-orm-b\n")
    assert expected_failures(path) == {"18.0-orm-a", "19.0-orm-b"}


def test_malformed_case_names_file_and_step(tmp_path: Path) -> None:
    folder = tmp_path / "odoo-18.0"
    folder.mkdir()
    bad = {"id": "x.bad", "transport": "xmlrpc2", "user": "admin", "steps": [{"result": 1}]}
    (folder / "orm.json").write_text(f'{{"odoo": "18.0", "cases": [{_json(bad)}]}}')
    with pytest.raises(CaseFormatError, match=r"orm.json: case 'x.bad', step 0: needs exactly one"):
        load_topic("18.0", "orm", tmp_path)


def _json(value: Any) -> str:
    import json

    return json.dumps(value)


# --- the runner over a real socket ------------------------------------------------------------


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOdooServer]:
    server = FakeOdooServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def runner(fake: FakeOdooServer) -> CaseRunner:
    target = Target("18.0", fake.url, fake.db, fake.credentials, {"admin": API_KEY})
    return CaseRunner(target)


def _case(transport: str, *steps: dict[str, Any], user: str = "admin") -> Case:
    source = CONFORMANCE_DIR / "odoo-18.0" / "unit.json"
    return Case("18.0", "unit", "unit.case", "a unit case", transport, user, steps, source)


CREATE = {"call": ["res.partner", "create", [{"name": "CF u"}], {}], "result": "$int", "as": "p1"}
READ = {
    "call": ["res.partner", "read", [["$p1", 999999], ["name"]], {}],
    "result": [{"id": "$p1", "name": "CF u"}],
}


@pytest.mark.parametrize("transport", ["xmlrpc2", "xmlrpc", "jsonrpc", "web"])
def test_runner_binds_and_compares(runner: CaseRunner, transport: str) -> None:
    runner.run(_case(transport, CREATE, READ))


def test_runner_json2(runner: CaseRunner) -> None:
    create = {
        "call": ["res.partner", "create", [], {"vals_list": {"name": "CF j"}}],
        "result": "$int",
        "as": "p1",
    }
    read = {
        "call": ["res.partner", "read", [["$p1"]], {"fields": ["name"]}],
        "result": [{"id": "$p1", "name": "CF j"}],
    }
    runner.run(_case("json2", create, read))


@pytest.mark.parametrize(
    ("transport", "error"),
    [
        ("xmlrpc2", {"fault_code": 2, "message": "Record does not exist or has been deleted."}),
        (
            "xmlrpc",
            {
                "fault_code": "warning -- MissingError\n\nRecord does not exist or has been deleted.",
                "message": "",
            },
        ),
        (
            "jsonrpc",
            {
                "code": 200,
                "name": "odoo.exceptions.MissingError",
                "message": "Record does not exist or has been deleted.",
            },
        ),
        (
            "web",
            {
                "code": 200,
                "name": "odoo.exceptions.MissingError",
                "message": "Record does not exist or has been deleted.",
            },
        ),
        (
            "json2",
            {
                "status": 422,
                "name": "odoo.exceptions.MissingError",
                "message": "Record does not exist or has been deleted.",
            },
        ),
    ],
)
def test_runner_error_shapes(runner: CaseRunner, transport: str, error: dict[str, Any]) -> None:
    args = [[999999], {"name": "x"}] if transport != "json2" else [[999999]]
    kwargs = {} if transport != "json2" else {"values": {"name": "x"}}
    runner.run(_case(transport, {"call": ["res.partner", "write", args, kwargs], "error": error}))


@pytest.mark.parametrize(
    ("transport", "error"),
    [
        ("xmlrpc2", {"fault_code": 1, "message": "ValueError: first line\n  indented second line"}),
        (
            "xmlrpc",
            {
                "fault_code": "first line\n  indented second line",
                "message": "ValueError: first line\n  indented second line",
            },
        ),
    ],
)
def test_runner_traceback_faults(runner: CaseRunner, transport: str, error: dict[str, Any]) -> None:
    runner.run(_case(transport, {"call": ["res.partner", "boom", [], {}], "error": error}))


def test_runner_service_and_xmlid(runner: CaseRunner) -> None:
    login = {
        "service": ["common", "login", ["$db", "$login", "$password"]],
        "result": "$xmlid:base.user_admin",
    }
    runner.run(_case("xmlrpc2", login))
    runner.run(_case("jsonrpc", login))


def test_runner_raw_http_with_session_cookie(runner: CaseRunner) -> None:
    call_kw = {
        "http": {
            "method": "POST",
            "path": "/web/dataset/call_kw",
            "body": {
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "model": "res.partner",
                    "method": "read",
                    "args": [[], ["name"]],
                    "kwargs": {},
                },
                "id": 4,
            },
        },
        "status": 200,
        "headers": {"CONTENT-TYPE": "$re:application/json.*"},
        "body": {"jsonrpc": "2.0", "id": 4, "result": []},
    }
    runner.run(_case("web", call_kw))  # logged in: carries the cookie
    expired = call_kw | {"body": {"jsonrpc": "2.0", "id": 4, "error": "$any"}}
    runner.run(_case("web", expired, user="none"))


def test_failure_message_is_precise(runner: CaseRunner) -> None:
    wrong = READ | {"result": [{"id": "$p1", "name": "CF U"}]}
    with pytest.raises(ReplayFailure) as caught:
        runner.run(_case("xmlrpc2", CREATE, wrong))
    message = str(caught.value)
    assert 'step 2 of 2: call res.partner.read(["$p1", 999999], ["name"], {})' in message
    assert "difference:      result[0].name: expected 'CF U' got 'CF u'" in message
    assert "/xmlrpc/2/object execute_kw(" in message
    assert 'actual result:   [{"id": ' in message
    assert caught.value.step_index == 1


def test_failure_when_an_error_was_expected(runner: CaseRunner) -> None:
    step = CREATE | {"error": {"fault_code": 2, "message": "nope"}}
    del step["result"]
    with pytest.raises(ReplayFailure, match=r"error: expected an error, got result \d+"):
        runner.run(_case("xmlrpc2", step))


def test_failure_shows_the_servers_traceback(runner: CaseRunner) -> None:
    step = {"call": ["res.partner", "boom", [], {}], "result": True}
    with pytest.raises(
        ReplayFailure, match=r"(?s)expected a result, got error.*server said:.*File \"/odoo"
    ):
        runner.run(_case("xmlrpc2", step))


def test_unbound_placeholder_fails_the_step(runner: CaseRunner) -> None:
    step = {"call": ["res.partner", "read", [["$nope"], ["name"]], {}], "result": []}
    with pytest.raises(ReplayFailure, match=r"could not send: \$nope is not bound"):
        runner.run(_case("xmlrpc2", step))


def test_header_values_compare_without_surrounding_whitespace(scope: Scope) -> None:
    """Odoo sends ``WWW-Authenticate: Bearer ``; HTTP parsers drop the trailing space."""
    outcome = HttpOutcome("GET /", 401, httpx.Headers({"www-authenticate": "Bearer"}), {})
    step = {"http": {"path": "/"}, "status": 401, "headers": {"WWW-Authenticate": "Bearer "}}
    assert check(step, outcome, scope) is None
    wrong = step | {"headers": {"WWW-Authenticate": "Basic"}}
    assert (
        str(check(wrong, outcome, scope))
        == "headers[\"WWW-Authenticate\"]: expected 'Basic' got 'Bearer'"
    )
    missing = step | {"headers": {"X-Other": "1"}}
    assert str(check(missing, outcome, scope)) == 'headers["X-Other"]: missing header'
