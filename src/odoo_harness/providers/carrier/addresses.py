"""Address verification: standardizes an address and says what it could not verify.

Deterministic magic inputs: zip ``00000`` is not found (``E.ADDRESS.NOT_FOUND``), a
``street1`` containing ``NO HOUSE`` misses its house number (``E.HOUSE_NUMBER.MISSING``).
Anything else verifies; a standardized spelling comes back as a warning, as EasyPost does.
"""

from __future__ import annotations

from typing import Any

from ..base import ProviderError

UNVERIFIED, WARNING, VERIFIED = "unverified", "warning", "verified"
_UPPER = ("street1", "street2", "city", "state")


def problems(address: dict[str, Any]) -> list[dict[str, Any]]:
    """The verification errors of an address (empty when it exists)."""
    found = []
    for key in ("street1", "city", "zip"):
        if not address[key].strip():
            found.append(_message("E.ADDRESS.NOT_FOUND", key, f"{key} is blank"))
    if address["zip"].strip() == "00000":
        found.append(_message("E.ADDRESS.NOT_FOUND", "address", "Address not found"))
    if "NO HOUSE" in address["street1"].upper():
        found.append(_message("E.HOUSE_NUMBER.MISSING", "street1", "House number is missing"))
    return found


def standardized(address: dict[str, Any]) -> dict[str, Any]:
    """The address as the postal database spells it: upper case, single spaces."""
    matched = dict(address)
    for key in _UPPER:
        if key in matched:
            matched[key] = _upper(" ".join(matched[key].split()))
    matched["zip"] = _upper(matched["zip"].strip())
    return matched


def _upper(value: str) -> str:
    """Upper case, unless that lengthens the value (``ß`` -> ``SS``) past what was sent."""
    upper = value.upper()
    return upper if len(upper) <= len(value) else value


def verify(address: dict[str, Any], mode: str) -> dict[str, Any]:
    """The verification object of ``POST /v1/addresses/validate``."""
    errors = problems(address)
    matched = None if errors else standardized(address)
    messages = list(errors)
    if matched is not None and matched != address:
        messages.append(
            _message(
                "W.ADDRESS.STANDARDIZED",
                "address",
                "The address was standardized",
                suggestion=matched["street1"],
            )
        )
    status = UNVERIFIED if errors else (WARNING if messages else VERIFIED)
    return {
        "status": status,
        "mode": mode,
        "original_address": address,
        "matched_address": matched,
        "residential": None if errors else not address.get("company"),
        "messages": messages,
    }


def refuse_unverified(verification: dict[str, Any], prefix: str = "address") -> None:
    """Strict mode: 422 ``ADDRESS_VERIFY_FAILURE`` when the address is unverified."""
    if verification["status"] != UNVERIFIED:
        return
    raise ProviderError(
        422,
        "ADDRESS_VERIFY_FAILURE",
        "Unable to verify address.",
        errors=[
            {
                "field": f"{prefix}.{m['field']}" if m["field"] != "address" else prefix,
                "code": m["code"],
                "message": m["message"],
            }
            for m in verification["messages"]
            if m["code"].startswith("E.")
        ],
    )


def _message(code: str, field: str, message: str, suggestion: str | None = None) -> dict[str, Any]:
    return {"code": code, "field": field, "message": message, "suggestion": suggestion}


__all__ = [
    "UNVERIFIED",
    "VERIFIED",
    "WARNING",
    "problems",
    "refuse_unverified",
    "standardized",
    "verify",
]
