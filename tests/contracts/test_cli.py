"""``odoo-harness contracts lint|verify``: output, exit codes, reports, masked secrets."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest

from odoo_harness.cli.main import main

from .conftest import DATA
from .items_mock import ItemsMock

GOOD, BAD = DATA / "items.openapi.yaml", DATA / "bad.openapi.yaml"
SECRET = "Bearer s3cr3t-value-never-printed"


def test_lint_clean_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contracts", "lint", str(GOOD)]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "no problems" in err


def test_lint_findings_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contracts", "lint", str(DATA)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith(f"{BAD}:") for line in lines)
    assert f"{BAD}:42: /paths/~1bare/delete: DELETE /bare documents no responses" in lines


def test_lint_defaults_to_the_contracts_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["contracts", "lint"]) == 4
    assert "no contracts/**/*.openapi.yaml here" in capsys.readouterr().err
    (tmp_path / "contracts" / "providers").mkdir(parents=True)
    (tmp_path / "contracts" / "providers" / "x.openapi.yaml").write_text(GOOD.read_text())
    assert main(["contracts", "lint"]) == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["verify", "missing.openapi.yaml", "--base-url", "http://127.0.0.1:9"],
            "missing.openapi.yaml: /: no such file",
        ),
        (["verify", str(GOOD), "--base-url", "ftp://x"], "--base-url must be an http(s) URL"),
        (
            ["verify", str(GOOD), "--base-url", "http://127.0.0.1:9", "--header", SECRET],
            "--header must be 'Name: value'",
        ),
        (
            ["verify", str(GOOD), "--base-url", "http://u:pw@127.0.0.1:9"],
            "cannot reach http://127.0.0.1:9",
        ),
    ],
)
def test_verify_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["contracts", *argv]) == 4
    err = capsys.readouterr().err
    assert message in err
    assert "s3cr3t" not in err and "pw@" not in err and "Traceback" not in err


def test_verify_without_base_url_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["contracts", "verify", str(GOOD)])
    assert exit_info.value.code == 4
    assert "required: --base-url" in capsys.readouterr().err


@pytest.fixture(params=[False, True], ids=["obeys", "violates"])
def served(request: pytest.FixtureRequest) -> Iterator[tuple[str, bool]]:
    with ItemsMock(violate=request.param).server(port=0) as server:
        yield server.url, request.param


@pytest.mark.wire
def test_verify_runs_schemathesis_over_a_socket(served: tuple[str, bool], tmp_path: Path) -> None:
    url, violates = served
    junit, html = tmp_path / "out" / "items.xml", tmp_path / "out" / "items.html"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo_harness.cli.main",
            "contracts",
            "verify",
            str(GOOD),
            "--base-url",
            url,
            "--header",
            f"Authorization: {SECRET}",
            "--max-examples",
            "10",
            "--seed",
            "1",
            "--junit",
            str(junit),
            "--html",
            str(html),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    output = result.stdout + result.stderr
    assert result.returncode == (1 if violates else 0), output
    suites = ElementTree.parse(junit).getroot()
    assert int(suites.get("failures", 0)) == (1 if violates else 0)
    page = html.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html") and "<script src" not in page
    if violates:
        assert "Undocumented status code" in output and "Received: 202" in output
    for text in (output, junit.read_text(encoding="utf-8"), page):
        assert "s3cr3t" not in text
    assert f"JUnit: {junit}" in output and f"HTML:  {html}" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no caches left in the cwd
