"""``journal.mask_secrets``: the one way known secret values are masked inside text."""

from __future__ import annotations

import json
from html import escape

from hypothesis import given
from hypothesis import strategies as st

from odoo_harness.journal import MASK, mask_secrets

# No "*" around: the mask itself must not spell a secret again.
CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="*")
SECRET = st.text(CHARS, min_size=6, max_size=30)
AROUND = st.text(CHARS, max_size=20)


@given(secret=SECRET, before=AROUND, after=AROUND)
def test_no_spelling_of_a_secret_survives(secret: str, before: str, after: str) -> None:
    for form in (secret, json.dumps(secret)[1:-1], escape(secret)):
        masked = mask_secrets(before + form + after, [secret])
        assert form not in masked


def test_a_longer_secret_containing_a_shorter_one_is_masked_whole() -> None:
    assert mask_secrets("key=abc123456789", ["abc123", "abc123456789"]) == f"key={MASK}"


def test_short_and_empty_values_are_left_when_a_minimum_is_asked() -> None:
    assert mask_secrets("id=42 token=s3cr3t-token", ["42", "", "s3cr3t-token"], min_length=6) == (
        f"id=42 token={MASK}"
    )
