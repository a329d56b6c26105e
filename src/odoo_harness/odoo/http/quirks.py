"""Protocol-layer differences between Odoo versions that ``Profile`` does not carry yet.

Derived from the profile in one place so the transports never compare version strings;
each flag names the recording that fixes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..profiles import Profile


@dataclass(frozen=True)
class WireQuirks:
    # protocol.jsonrpc.wrong-content-type: 400 up to 18, 415 on 19.
    wrong_content_type_status: int
    # protocol.web.call_kw.unknown-model: 17 "builtins.KeyError", 18+ werkzeug NotFound.
    web_unknown_model_not_found: bool
    # protocol.common.login.empty-password: 18 raises AssertionError("scope and key required").
    login_empty_password_asserts: bool
    # serialize_exception key order: 19 puts "debug" last.
    debug_last: bool


def quirks_for(profile: Profile) -> WireQuirks:
    major = profile.major
    return WireQuirks(
        wrong_content_type_status=415 if major >= 19 else 400,
        web_unknown_model_not_found=major >= 18,
        login_empty_password_asserts=major == 18,
        debug_last=major >= 19,
    )


__all__ = ["WireQuirks", "quirks_for"]
