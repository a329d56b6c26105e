"""ParcelHub accounts, their credentials and the mock's tunable settings.

The key decides the mode (EasyPost/ShipStation style): ``test_...`` is the sandbox,
``live_...`` production. Sandbox rate limits are stricter (ShipStation: 20 vs 200 a minute).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from ...controlapi import ControlError

TEST, PRODUCTION = "test", "production"


@dataclass(frozen=True)
class Account:
    id: str
    mode: str
    api_key: str
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class Limit:
    """A token bucket: ``requests`` per ``per_seconds`` (the bucket's size and refill)."""

    requests: int
    per_seconds: float

    @property
    def refill(self) -> float:
        return self.requests / self.per_seconds


DEFAULT_ACCOUNTS = (
    Account(
        "acct_test",
        TEST,
        "test_pk_5f1c8e2a9b7d4c36",
        "test_client_parcelhub",
        "test_cs_0a9b8c7d6e5f4a3b",
    ),
    Account(
        "acct_live",
        PRODUCTION,
        "live_pk_8d3e6b1f0a2c7e59",
        "live_client_parcelhub",
        "live_cs_1b2c3d4e5f6a7b8c",
    ),
)


@dataclass(frozen=True)
class Settings:
    """What a scenario may tune: limits per mode, token and rate lifetimes, accounts."""

    accounts: tuple[Account, ...] = DEFAULT_ACCOUNTS
    limits: dict[str, Limit] = field(
        default_factory=lambda: {TEST: Limit(20, 60.0), PRODUCTION: Limit(200, 60.0)}
    )
    token_ttl: timedelta = timedelta(seconds=300)
    rate_ttl: timedelta = timedelta(hours=24)

    def with_json(self, data: dict[str, Any]) -> Settings:
        """These settings changed by a seed's ``settings`` object (``ControlError`` if bad)."""
        unknown = set(data) - {"accounts", "rate_limits", "token_ttl", "rate_ttl"}
        if unknown:
            raise ControlError(
                f"unknown setting(s) {sorted(unknown)}; allowed: accounts, "
                "rate_limits, token_ttl, rate_ttl (seconds)"
            )
        changed = self
        if "accounts" in data:
            changed = replace(changed, accounts=_accounts(data["accounts"]))
        if "rate_limits" in data:
            changed = replace(changed, limits={**self.limits, **_limits(data["rate_limits"])})
        for key in ("token_ttl", "rate_ttl"):
            if key in data:
                changed = replace(changed, **{key: timedelta(seconds=_seconds(key, data[key]))})
        return changed


def mode_of(credential: str) -> str | None:
    if credential.startswith("test_"):
        return TEST
    if credential.startswith("live_"):
        return PRODUCTION
    return None


def _accounts(items: object) -> tuple[Account, ...]:
    if not isinstance(items, list) or not items:
        raise ControlError("'accounts' is a non-empty list of {api_key, client_id, client_secret}")
    accounts = []
    for index, item in enumerate(items, 1):
        keys = ("api_key", "client_id", "client_secret")
        if (
            not isinstance(item, dict)
            or set(item) != set(keys)
            or not all(isinstance(item[k], str) and mode_of(item[k]) for k in keys)
        ):
            raise ControlError(
                f"account {index}: give exactly {', '.join(keys)}, each "
                "starting with test_ (sandbox) or live_ (production)"
            )
        modes = {mode_of(item[k]) for k in keys}
        if len(modes) != 1:
            raise ControlError(f"account {index}: mix of test_ and live_ credentials")
        accounts.append(Account(f"acct_{index}", modes.pop() or TEST, *(item[k] for k in keys)))
    return tuple(accounts)


def _limits(data: object) -> dict[str, Limit]:
    if not isinstance(data, dict) or not set(data) <= {TEST, PRODUCTION}:
        raise ControlError("'rate_limits' maps test/production to {requests, per_seconds}")
    limits = {}
    for mode, spec in data.items():
        if (
            not isinstance(spec, dict)
            or set(spec) != {"requests", "per_seconds"}
            or not isinstance(spec["requests"], int)
            or spec["requests"] < 1
        ):
            raise ControlError(f"rate_limits.{mode}: {{requests: int >= 1, per_seconds: > 0}}")
        limits[mode] = Limit(
            spec["requests"], _seconds(f"rate_limits.{mode}.per_seconds", spec["per_seconds"])
        )
    return limits


def _seconds(name: str, value: object) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise ControlError(f"'{name}' must be a number of seconds > 0")
    return float(value)


__all__ = ["DEFAULT_ACCOUNTS", "PRODUCTION", "TEST", "Account", "Limit", "Settings", "mode_of"]
