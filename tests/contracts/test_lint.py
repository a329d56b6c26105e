"""``lint``: OpenAPI 3.1 validity and the project's rules, each finding with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from odoo_harness.contracts import ContractError, Finding, lint, load_document

from .conftest import DATA

GOOD = DATA / "items.openapi.yaml"
BAD = DATA / "bad.openapi.yaml"


def _write(tmp_path: Path, text: str, name: str = "c.openapi.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _minimal(paths: str) -> str:
    return f"openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}"


def _where(findings: list[Finding]) -> dict[str, tuple[int | None, str]]:
    return {f.where: (f.line, f.reason) for f in findings}


def test_a_good_contract_is_clean() -> None:
    assert lint(GOOD) == []


@pytest.mark.parametrize(
    ("where", "line", "reason"),
    [
        ("/paths/~1orders/get/x-slo/error_rate", 9, "fraction between 0 and 1"),
        ("/paths/~1orders/get/x-slo/p90_ms", 9, "unknown x-slo key 'p90_ms'"),
        ("/paths/~1orders/get/x-slo/p95_ms", 9, "p95_ms (10) is below p50_ms (30)"),
        ("/paths/~1orders/get/x-slo/p99_ms", 9, "must be a number"),
        (
            "/paths/~1orders/get/responses/200/content/application~1json/schema",
            15,
            "does not say additionalProperties",
        ),
        ("/components/schemas/Order", 47, "does not say additionalProperties"),
        ("/paths/~1orders/get/responses/429", 21, "response 429 has no schema"),
        (
            "/paths/~1orders/post/responses/201/content/application~1json",
            29,
            "application/json has no schema",
        ),
        ("/paths/~1orders/post/operationId", 24, "'listOrders' is already used by GET /orders"),
        ("/paths/~1orders~1{order_id}/get/parameters/0/schema/type", 34, "'integr' is not one of"),
        (
            "/paths/~1orders~1{order_id}/get/responses/200/content/application~1json/schema/$ref",
            40,
            "'#/components/schemas/Missing' points nowhere",
        ),
        ("/paths/~1bare/delete", 42, "DELETE /bare documents no responses"),
    ],
)
def test_each_rule_is_reported_with_its_line(where: str, line: int, reason: str) -> None:
    found = _where(lint(BAD))
    assert where in found, sorted(found)
    assert found[where][0] == line
    assert reason in found[where][1]


def test_findings_print_as_file_line_where_reason() -> None:
    first = lint(BAD)[0]
    assert str(first) == f"{BAD}:9: {first.where}: {first.reason}"


def test_openapi_errors_come_from_the_spec_validator_with_a_location(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _minimal("  /a:\n    get:\n      responses: {'200': {content: {}}}\n")
        + "x-y: 1\nextra: 1\n",
    )
    findings = lint(path)
    assert (
        Finding(
            str(path), 6, "/paths/~1a/get/responses/200", '"description" is a required property'
        )
        in findings
    )
    assert _where(findings)["/extra"][0] == 8


def test_unresolved_path_parameter(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _minimal("  /a/{id}:\n    get:\n      responses:\n        '204': {description: gone}\n"),
    )
    found = _where(lint(path))
    assert "Path parameter 'id'" in found["/paths/~1a~1{id}/get"][1]
    assert found["/paths/~1a~1{id}/get"][0] == 5


def test_duplicate_yaml_keys_and_external_refs(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _minimal(
            "  /a:\n    get:\n      responses:\n        '200':\n          description: x\n"
            "          description: y\n          content:\n            application/json:\n"
            "              schema: {$ref: 'other.yaml#/X'}\n"
        ),
    )
    found = _where(lint(path))
    assert found["/paths/~1a/get/responses/200/description"][0] == 9
    assert "duplicate key" in found["/paths/~1a/get/responses/200/description"][1]
    ref = "/paths/~1a/get/responses/200/content/application~1json/schema/$ref"
    assert "external reference" in found[ref][1]


def test_closed_allof_with_unevaluated_properties_passes(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _minimal(
            "  /a:\n    get:\n      responses:\n        '200':\n          description: x\n"
            "          content:\n            application/json:\n              schema:\n"
            "                unevaluatedProperties: false\n                allOf:\n"
            "                  - {type: object, properties: {a: {type: string}}}\n"
            "                  - {type: object, properties: {b: {type: string}}}\n"
            "        '204': {description: no body needed}\n"
        ),
    )
    assert lint(path) == []


def test_openapi_3_0_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n")
    assert [(f.line, f.where) for f in lint(path)] == [(1, "/openapi")]


@pytest.mark.parametrize(
    ("text", "name", "line", "reason"),
    [
        ("openapi: 3.1.0\ninfo: [\n", "c.openapi.yaml", 3, "not valid YAML"),
        ("openapi: 3.1.0\ninfo: {title: \x00}\n", "c.openapi.yaml", 2, "character #x0000"),
        ("- a list\n", "c.openapi.yaml", 1, "must be a mapping"),
        ('{"openapi": "3.1.0",\n "info": }', "c.openapi.json", 2, "not valid JSON"),
    ],
)
def test_unreadable_files_name_file_line_and_reason(
    tmp_path: Path, text: str, name: str, line: int, reason: str
) -> None:
    path = _write(tmp_path, text, name)
    [finding] = lint(path)
    assert (finding.file, finding.line) == (str(path), line)
    assert reason in finding.reason
    with pytest.raises(ContractError, match=reason):
        load_document(path)


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "c.openapi.yaml"
    path.write_bytes(b"openapi: 3.1.0\ninfo: {title: caf\xe9}\n")
    [finding] = lint(path)
    assert str(finding) == f"{path}:2: /: not UTF-8 text (byte 0xe9)"


def test_a_missing_file() -> None:
    [finding] = lint("nowhere.openapi.yaml")
    assert str(finding) == "nowhere.openapi.yaml: /: no such file"


def test_json_contracts_get_lines_too(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '{"openapi": "3.1.0",\n "info": {"title": "t", "version": "1"},\n'
        ' "paths": {"/a": {"get": {"responses": {}}}}}',
        "c.openapi.json",
    )
    assert _where(lint(path))["/paths/~1a/get"][0] == 3


def _with_rejections(tmp_path: Path, value: str) -> Path:
    return _write(
        tmp_path,
        _minimal(
            "  /a:\n    post:\n      operationId: makeA\n"
            f"      x-schema-valid-rejections: {value}\n"
            "      responses:\n        '204': {description: done}\n"
            "        '4XX':\n          description: refused\n"
            "          content: {application/json: {schema: {type: string}}}\n"
            "        '500':\n          description: broken\n"
            "          content: {application/json: {schema: {type: string}}}\n"
        ),
    )


def test_schema_valid_rejections_list_documented_statuses(tmp_path: Path) -> None:
    assert lint(_with_rejections(tmp_path, "[400, '422', 500]")) == []


@pytest.mark.parametrize(
    ("value", "where", "reason"),
    [
        ("422", "", "must be a non-empty list of status codes"),
        ("[]", "", "must be a non-empty list of status codes"),
        ("[bad]", "/0", "'bad' is not a status code"),
        ("[true]", "/0", "True is not a status code"),
        ("[4220]", "/0", "4220 is not a status code"),
        ("[422, 422]", "/1", "lists 422 twice"),
        (
            "[409, 503]",
            "/1",
            "POST /a lists 503 in x-schema-valid-rejections but does not document",
        ),
    ],
)
def test_schema_valid_rejections_shape(tmp_path: Path, value: str, where: str, reason: str) -> None:
    found = _where(lint(_with_rejections(tmp_path, value)))
    ptr = "/paths/~1a/post/x-schema-valid-rejections" + where
    assert list(found) == [ptr], found
    assert found[ptr][0] == 7
    assert reason in found[ptr][1]
