"""Bad input on the command line: one ``odoo-harness: error:`` line naming the flag or
file, exit 4, never a traceback (and nothing written that was not asked for)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from odoo_harness.cli.main import main
from odoo_harness.engine import FailedQueue, JobStore, PermanentError, Worker

NOT_UTF8 = b"records:\n  - model: res.partner\n    values: {name: \xff\xfe}\n"
NOT_A_DATABASE = b"these bytes are not an SQLite database, whatever their length " * 4


def usage_error(argv: Sequence[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the command in this process; the one error line it printed."""
    try:
        code = main(list(argv))
    except SystemExit as exited:  # argparse refuses a bad value this way
        code = exited.code
    err = capsys.readouterr().err
    assert code == 4, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("odoo-harness: error:")]
    assert len(lines) == 1, err
    return lines[0]


def run_process(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "odoo_harness.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def not_a_database(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_bytes(NOT_A_DATABASE)
    return path


# -- ports and durations ------------------------------------------------------------------
ODOO = ("--odoo-url", "http://127.0.0.1:9", "--db", "d", "--login", "u")


@pytest.mark.parametrize(
    "command",
    [["sandbox", "up"], ["engine", "run"], ["engine", "stock-endpoint", *ODOO]],
    ids=["sandbox-up", "engine-run", "stock-endpoint"],
)
@pytest.mark.parametrize("value", ["99999", "-1", "http"])
def test_a_port_out_of_range_is_refused_before_anything_starts(
    command: list[str],
    value: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    line = usage_error([*command, "--port", value], capsys)
    assert "argument --port:" in line and value in line
    assert list(tmp_path.iterdir()) == []  # engine run's default store was not made


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["sandbox", "up", "--for", "nan"], "--for"),
        (["sandbox", "up", "--for", "-1"], "--for"),
        (["engine", "run", "--for", "inf"], "--for"),
        (["engine", "run", "--tick", "0"], "--tick"),
        (["engine", "run", "--tick", "-1"], "--tick"),
        (["engine", "run", "--poll-every", "0"], "--poll-every"),
        (["engine", "stock-endpoint", *ODOO, "--refresh-every", "nan"], "--refresh-every"),
    ],
)
def test_durations_that_cannot_be_are_refused(
    argv: list[str], flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert f"argument {flag}:" in usage_error(argv, capsys)


# -- files that are not text, or not valid YAML ---------------------------------------------
def test_a_fixture_that_is_not_utf8_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixture = tmp_path / "data.yaml"
    fixture.write_bytes(NOT_UTF8)
    argv = ["sandbox", "up", "--port", "0", "--no-mocks", "--for", "0", "--fixture", str(fixture)]
    line = usage_error(argv, capsys)
    assert line == f"odoo-harness: error: {fixture}:3: not UTF-8 text (byte 0xff)"


@pytest.mark.parametrize("flag", ["--catalogue", "--contract"])
def test_a_load_input_that_is_not_utf8_names_the_file(
    flag: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(b"variants: 10\nwarehouses: \xe9\n")
    line = usage_error(["load", "stock", flag, str(spec)], capsys)
    assert line == f"odoo-harness: error: {spec}:2: not UTF-8 text (byte 0xe9)"


@pytest.mark.parametrize("flag", ["--catalogue", "--contract"])
def test_a_yaml_error_is_one_line_with_file_and_line(
    flag: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("variants: [1,\n  2\nwarehouses: {\n", encoding="utf-8")
    line = usage_error(["load", "stock", flag, str(spec)], capsys)
    assert line.startswith(f"odoo-harness: error: {spec}:3: not valid YAML: ")


def test_a_nul_byte_in_a_contract_is_one_finding(tmp_path: Path) -> None:
    contract = tmp_path / "c.openapi.yaml"
    contract.write_text("openapi: 3.1.0\ninfo: {title: \x00}\n", encoding="utf-8")
    result = run_process("contracts", "lint", str(contract))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines() == [
        f"{contract}:2: /: not valid YAML: character #x0000 is not allowed"
    ]


# -- engine stores ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "action", [["status"], ["failed"], ["retry", "1"], ["run", "--port", "0", "--for", "0"]]
)
def test_a_store_that_is_not_a_database(
    action: list[str], not_a_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = usage_error(["engine", *action, "--store", str(not_a_database)], capsys)
    assert f"--store {not_a_database}: not an engine store (file is not a database)" in line
    assert not_a_database.read_bytes() == NOT_A_DATABASE


@pytest.mark.parametrize("action", [["status"], ["run", "--port", "0", "--for", "0"]])
def test_a_store_that_is_a_folder(
    action: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = usage_error(["engine", *action, "--store", str(tmp_path)], capsys)
    assert f"--store {tmp_path}: a folder" in line


def test_run_names_a_store_whose_folder_cannot_be_made(
    not_a_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = not_a_database / "engine.sqlite"
    line = usage_error(
        ["engine", "run", "--port", "0", "--for", "0", "--store", str(store)], capsys
    )
    assert f"--store {store}: cannot make the folder {not_a_database}" in line


def test_run_names_a_contracts_folder_without_flow_plans(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODOO_HARNESS_ODOO_PASSWORD", "not-used-here")
    store = tmp_path / "engine.sqlite"
    argv = ["engine", "run", "--port", "0", "--for", "0", "--store", str(store)]
    argv += ["--odoo-url", "http://127.0.0.1:1", "--odoo-db", "x", "--odoo-login", "y"]
    line = usage_error([*argv, "--contracts", str(tmp_path)], capsys)
    assert f"--contracts {tmp_path}: no flow plans in {tmp_path / 'flows'}" in line


@pytest.mark.parametrize("action", [["status"], ["failed"], ["retry", "--flow", "shop_orders"]])
def test_status_failed_retry_leave_an_empty_file_empty(
    action: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "engine.sqlite"
    empty.touch()
    line = usage_error(["engine", *action, "--store", str(empty)], capsys)
    assert f"--store {empty}: not an engine store" in line
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["engine.sqlite"]


def test_stock_endpoint_names_a_store_that_is_not_a_database(
    not_a_database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODOO_HARNESS_ODOO_PASSWORD", "x")
    result = run_process("engine", "stock-endpoint", *ODOO, "--store", str(not_a_database))
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert errors == [
        f"odoo-harness: error: --store {not_a_database}: not a snapshot store "
        "(file is not a database)"
    ]


@pytest.fixture
def store_with_done_and_failed(tmp_path: Path) -> Path:
    """shop_orders: one done job; crm_contacts: one failed job."""
    path = tmp_path / "engine.sqlite"
    store = JobStore(path)
    worker = Worker(store)
    worker.register("shop_orders", lambda job, context: None)

    def refuse(job, context):  # type: ignore[no-untyped-def]
        raise PermanentError("refused")

    worker.register("crm_contacts", refuse)
    store.enqueue("shop_orders", "shop:order:1")
    store.enqueue("crm_contacts", "odoo:partner:1")
    for job in store.due():
        worker.run_job(job.id)
    store.close()
    return path


def test_retry_of_an_unknown_flow_is_a_usage_error(
    store_with_done_and_failed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["engine", "retry", "--flow", "nope", "--store", str(store_with_done_and_failed)]
    line = usage_error(argv, capsys)
    assert "--flow nope: no job of that flow" in line
    assert "(flows there: crm_contacts, shop_orders)" in line


def test_retry_of_a_flow_with_nothing_failed_is_a_usage_error(
    store_with_done_and_failed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["engine", "retry", "--flow", "shop_orders", "--store", str(store_with_done_and_failed)]
    assert "--flow shop_orders: no failed or paused job" in usage_error(argv, capsys)
    store = JobStore(store_with_done_and_failed)
    assert FailedQueue(store).records("crm_contacts")  # the other flow's job is untouched
    store.close()


# -- folders --------------------------------------------------------------------------------
@pytest.mark.parametrize("flag", ["--data-dir", "--mock-state-dir"])
@pytest.mark.parametrize("below", [False, True], ids=["the-file", "below-the-file"])
def test_sandbox_folders_that_are_files(
    flag: str, below: bool, not_a_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = not_a_database / "sub" if below else not_a_database
    argv = ["sandbox", "up", "--port", "0", "--for", "0", flag, str(folder)]
    assert usage_error(argv, capsys).startswith(f"odoo-harness: error: {flag} {folder}: ")
    assert not_a_database.read_bytes() == NOT_A_DATABASE


@pytest.mark.parametrize("below", [False, True], ids=["the-file", "below-the-file"])
def test_flows_docs_out_naming_a_file(
    below: bool, not_a_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = not_a_database / "pages" if below else not_a_database
    line = usage_error(["flows", "docs", "--out", str(out)], capsys)
    assert f"argument --out: {out}: not a folder" in line
    assert not_a_database.read_bytes() == NOT_A_DATABASE


@pytest.mark.parametrize("contracts", [False, True], ids=["no-folder", "no-plans"])
def test_flows_docs_root_without_plans(
    contracts: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "project"
    if contracts:
        (root / "contracts" / "flows").mkdir(parents=True)
    out = tmp_path / "pages"
    line = usage_error(["flows", "docs", "--root", str(root), "--out", str(out)], capsys)
    assert f"--root {root}: no " in line
    assert not out.exists()


def test_contracts_lint_of_a_folder_without_contracts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.yaml").write_text("a: 1\n", encoding="utf-8")
    line = usage_error(["contracts", "lint", str(tmp_path)], capsys)
    assert f"{tmp_path}: no *.openapi.yaml|yml|json file" in line


SCENARIO = """\
scenario: Only the clock moves
flow: crm_contacts
when:
  - time passes 1 minute
then:
  failed_records: none
"""


def test_run_report_naming_a_file_is_refused_before_any_scenario(
    tmp_path: Path, not_a_database: Path
) -> None:
    scenario = tmp_path / "clock.scenario.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    result = run_process("run", str(scenario), "--report", str(not_a_database))
    assert result.returncode == 4, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert f"odoo-harness: error: --report {not_a_database}: " in result.stderr
    assert "is a file, not a folder" in result.stderr
    assert "Only the clock moves" not in result.stdout  # no scenario ran
    assert not_a_database.read_bytes() == NOT_A_DATABASE
