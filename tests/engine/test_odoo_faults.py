"""The classification table on its own: names, fault codes, statuses -> engine errors."""

from __future__ import annotations

import pytest

from odoo_harness.engine import CredentialsError, PermanentError, RetryableError
from odoo_harness.engine.odoo_faults import (
    classify,
    from_http_status,
    from_jsonrpc_error,
    from_xmlrpc_fault,
    retry_after,
)
from odoo_harness.engine.odoo_rpc import json2_body

TRACEBACK = 'Traceback (most recent call last):\n  File "x.py", line 1, in f\n    g()\n{last}\n'


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("psycopg2.errors.SerializationFailure", RetryableError),
        ("psycopg2.extensions.TransactionRollbackError", RetryableError),
        ("odoo.exceptions.ConcurrencyError", RetryableError),
        ("psycopg2.OperationalError", RetryableError),
        ("odoo.exceptions.AccessDenied", CredentialsError),
        ("odoo.http.SessionExpiredException", CredentialsError),
        ("odoo.exceptions.UserError", PermanentError),
        ("odoo.exceptions.ValidationError", PermanentError),
        ("odoo.exceptions.AccessError", PermanentError),
        ("odoo.exceptions.MissingError", PermanentError),
        ("builtins.ValueError", PermanentError),
        ("builtins.TypeError", PermanentError),
    ],
)
def test_classify_by_exception_name(name: str, expected: type) -> None:
    assert type(classify(name, "text")) is expected


def test_a_missing_database_is_not_worth_retrying() -> None:
    error = classify("psycopg2.OperationalError", 'FATAL:  database "x" does not exist')
    assert isinstance(error, PermanentError)


def test_xmlrpc_codes_and_tracebacks() -> None:
    assert isinstance(from_xmlrpc_fault(3, "Access Denied"), CredentialsError)
    assert isinstance(from_xmlrpc_fault(4, "no rights"), PermanentError)
    assert from_xmlrpc_fault(2, "Bad VAT\nsecond line").user_message == "Bad VAT"
    last = "psycopg2.errors.SerializationFailure: could not serialize access"
    error = from_xmlrpc_fault(1, TRACEBACK.format(last=last), where="sale.order.write: ")
    assert isinstance(error, RetryableError) and error.category == "odoo_concurrency"
    assert str(error).startswith("sale.order.write: psycopg2.errors.SerializationFailure")
    odd = from_xmlrpc_fault(1, "something without a traceback")
    assert isinstance(odd, PermanentError)


def test_jsonrpc_errors() -> None:
    expired = {"code": 100, "message": "Odoo Session Expired", "data": {"name": "", "message": ""}}
    assert isinstance(from_jsonrpc_error(expired), CredentialsError)
    user = {"code": 200, "data": {"name": "odoo.exceptions.UserError", "message": "Nope"}}
    assert from_jsonrpc_error(user).user_message == "Nope"


def test_http_statuses() -> None:
    assert from_http_status(503, {"retry-after": "9"}, "down").retry_after == 9.0
    assert isinstance(
        from_http_status(401, {}, {"name": "werkzeug.Unauthorized"}), CredentialsError
    )
    json2 = from_http_status(422, {}, {"name": "odoo.exceptions.UserError", "message": "No"})
    assert isinstance(json2, PermanentError) and json2.user_message == "No"
    assert isinstance(
        from_http_status(500, {}, {"name": "psycopg2.errors.SerializationFailure"}), RetryableError
    )
    assert isinstance(
        from_http_status(500, {}, {"name": "builtins.ValueError", "message": "x"}), PermanentError
    )
    assert retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) is None


def test_json2_names_positional_arguments() -> None:
    assert json2_body("search_read", [[("a", "=", 1)], ["name"]], {"limit": 1}) == {
        "domain": [("a", "=", 1)],
        "fields": ["name"],
        "limit": 1,
    }
    assert json2_body("write", [[1, 2], {"x": 1}], {}) == {"ids": [1, 2], "vals": {"x": 1}}
    assert json2_body("action_confirm", [5], {}) == {"ids": [5]}
    with pytest.raises(ValueError, match="named arguments"):
        json2_body("message_post", [[1], "body"], {})
