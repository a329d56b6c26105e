"""The error table rendered for each transport, without a server."""

from __future__ import annotations

import pytest

from odoo_harness.odoo.exceptions import (
    AccessDenied,
    AccessError,
    ConcurrencyError,
    MissingError,
    RedirectWarning,
    SessionExpired,
    UserError,
    ValidationError,
)
from odoo_harness.odoo.http.errors import (
    NotFound,
    UnprocessableEntity,
    json2_error,
    jsonrpc_error,
    xmlrpc2_fault,
    xmlrpc_legacy_fault,
)
from odoo_harness.odoo.profiles import get_profile


def _raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (UserError("u"), 2),
        (ValidationError("v"), 2),
        (MissingError("m"), 2),
        (RedirectWarning("r"), 2),
        (AccessError("a"), 4),
        (AccessDenied(), 3),
    ],
)
def test_xmlrpc2_codes_of_odoo_errors(exc: BaseException, code: int) -> None:
    assert xmlrpc2_fault(exc) == (code, str(exc))


@pytest.mark.parametrize(
    ("exc", "last_line"),
    [
        (
            ValueError("Invalid field 'x' on model 'res.partner'"),
            "ValueError: Invalid field 'x' on model 'res.partner'",
        ),
        (KeyError("foo"), "KeyError: 'foo'"),
        (
            ConcurrencyError(),
            "psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update",
        ),
        (SessionExpired(), "odoo.http.SessionExpiredException: Session expired"),
    ],
)
def test_application_errors_are_fault_1_with_a_traceback(
    exc: BaseException, last_line: str
) -> None:
    code, text = xmlrpc2_fault(_raised(exc))
    assert code == 1
    assert text.startswith("Traceback (most recent call last):\n  File ")
    assert text.rstrip("\n").splitlines()[-1] == last_line


def test_legacy_string_codes() -> None:
    assert xmlrpc_legacy_fault(ValidationError("bad")) == ("warning -- UserError\n\nbad", "")
    assert xmlrpc_legacy_fault(MissingError("gone")) == ("warning -- MissingError\n\ngone", "")
    assert xmlrpc_legacy_fault(AccessError("no")) == ("warning -- AccessError\n\nno", "")
    assert xmlrpc_legacy_fault(RedirectWarning("go")) == ("warning -- Warning\n\ngo", "")
    assert xmlrpc_legacy_fault(AccessDenied()) == ("AccessDenied", "Access Denied")
    code, text = xmlrpc_legacy_fault(_raised(ValueError("Invalid field 'f' on model 'm'")))
    assert code == "Invalid field 'f' on model 'm'"
    assert text.rstrip().endswith("ValueError: Invalid field 'f' on model 'm'")


@pytest.mark.parametrize(("version", "code"), [("17.0", 200), ("18.0", 200), ("19.0", 0)])
def test_jsonrpc_error_object(version: str, code: int) -> None:
    error = jsonrpc_error(_raised(AccessDenied()), get_profile(version))
    assert error["code"] == code
    assert error["message"] == "Odoo Server Error"
    data = error["data"]
    assert data["name"] == "odoo.exceptions.AccessDenied"
    assert (data["message"], data["arguments"], data["context"]) == (
        "Access Denied",
        ["Access Denied"],
        {},
    )
    assert "Traceback" in data["debug"]
    expected_order = (
        ["name", "message", "arguments", "context", "debug"]
        if version == "19.0"
        else ["name", "debug", "message", "arguments", "context"]
    )
    assert list(data) == expected_order


def test_jsonrpc_special_codes() -> None:
    profile = get_profile("18.0")
    expired = jsonrpc_error(SessionExpired(), profile)
    assert (expired["code"], expired["message"]) == (100, "Odoo Session Expired")
    assert expired["data"]["name"] == "odoo.http.SessionExpiredException"
    not_found = jsonrpc_error(NotFound(), profile)
    assert (not_found["code"], not_found["message"]) == (404, "404: Not Found")
    assert not_found["data"]["name"] == "werkzeug.exceptions.NotFound"
    assert not_found["data"]["message"].startswith("404 Not Found: The requested URL")
    key = jsonrpc_error(KeyError("cf.model"), profile)["data"]
    assert (key["name"], key["message"]) == ("builtins.KeyError", "cf.model")


@pytest.mark.parametrize(
    ("exc", "status", "name"),
    [
        (UserError("u"), 422, "odoo.exceptions.UserError"),
        (ValidationError("v"), 422, "odoo.exceptions.ValidationError"),
        (AccessError("a"), 403, "odoo.exceptions.AccessError"),
        (AccessDenied(), 403, "odoo.exceptions.AccessDenied"),
        (MissingError("m"), 404, "odoo.exceptions.MissingError"),
        (ValueError("x"), 500, "builtins.ValueError"),
        (ConcurrencyError(), 500, "psycopg2.errors.SerializationFailure"),
        (
            UnprocessableEntity("missing a required argument: 'domain'"),
            422,
            "werkzeug.exceptions.UnprocessableEntity",
        ),
    ],
)
def test_json2_statuses(exc: BaseException, status: int, name: str) -> None:
    got_status, body, _ = json2_error(exc)
    assert (got_status, body["name"]) == (status, name)
    assert list(body) == ["name", "message", "arguments", "context", "debug"]


def test_json2_http_exception_arguments() -> None:
    status, body, _ = json2_error(NotFound("Did you mean POST /json/2/<model>/<method>?"))
    assert status == 404
    assert body["message"] == "Did you mean POST /json/2/<model>/<method>?"
    assert body["arguments"] == ["Did you mean POST /json/2/<model>/<method>?", 404]
