"""The fast validation path never accepts what the JSON Schema refuses (and accepts
well-formed bodies, so jsonschema only runs to explain a refusal)."""

from __future__ import annotations

from typing import Any

import pytest
from carrier_support import ADDRESS, shipment_request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from odoo_harness.providers.carrier.addresses import verify
from odoo_harness.providers.carrier.validation import SCHEMAS, conforms

VALID = {
    "address_validation": {"address": ADDRESS, "strict": True},
    "rates": {k: v for k, v in shipment_request().items() if k != "reference"},
    "shipment": shipment_request(
        customs={
            "contents_type": "gift",
            "items": [
                {
                    "description": "chair",
                    "quantity": 2,
                    "value": "10.00",
                    "currency": "USD",
                    "weight": 1.5,
                    "hs_code": "940161",
                    "origin_country": "US",
                }
            ],
        },
        options={"label_format": "ZPL", "signature": False, "insurance_amount": "100.00"},
    ),
    "buy": {"rate_id": "rate_000001", "label_format": "PNG", "insurance_amount": "5.00"},
    "webhook": {
        "url": "http://127.0.0.1:8069/hook",
        "secret": "s3cret-key",
        "events": ["tracker.updated", "shipment.voided"],
    },
}

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _mutated(value: Any) -> st.SearchStrategy[Any]:
    """The value with one nested member replaced by arbitrary JSON."""
    if isinstance(value, dict) and value:
        return st.sampled_from(sorted(value)).flatmap(
            lambda key: st.one_of(_mutated(value[key]), JSON).map(lambda new: {**value, key: new})
        )
    if isinstance(value, list) and value:
        return st.integers(0, len(value) - 1).flatmap(
            lambda i: st.one_of(_mutated(value[i]), JSON).map(
                lambda new: value[:i] + [new] + value[i + 1 :]
            )
        )
    return JSON


@pytest.mark.parametrize("name", sorted(SCHEMAS))
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fast_path_agrees_with_jsonschema(name: str, data: st.DataObject) -> None:
    schema = SCHEMAS[name]
    assert conforms(schema, VALID[name])
    assert Draft202012Validator(schema).is_valid(VALID[name])
    other = data.draw(_mutated(VALID[name]))
    if conforms(schema, other):
        assert Draft202012Validator(schema).is_valid(other)


@given(
    st.fixed_dictionaries(
        {
            "street1": st.text(min_size=1, max_size=100),
            "city": st.text(min_size=1, max_size=60),
            "zip": st.text(min_size=1, max_size=20),
            "state": st.text(max_size=60),
            "country": st.just("US"),
        }
    )
)
def test_a_verified_address_is_still_a_valid_address(address: dict[str, str]) -> None:
    """Standardising (spaces collapsed, upper case) never yields what the schema refuses:
    a blank required field makes the address unverified, and upper case never lengthens
    a value past what was sent (``ß`` -> ``SS``)."""
    result = verify(address, "test")
    blank = [key for key in ("street1", "city", "zip") if not address[key].strip()]
    if blank:
        assert result["status"] == "unverified"
        assert {m["field"] for m in result["messages"]} >= set(blank)
    if result["matched_address"] is not None:
        schema = {**SCHEMAS["address_validation"]["properties"]["address"]}
        assert conforms(schema, result["matched_address"]) or not list(
            Draft202012Validator(schema).iter_errors(result["matched_address"])
        )
