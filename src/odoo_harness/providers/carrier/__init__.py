"""ParcelHub, the shipping carrier mock (EasyPost / ShipStation flavour): addresses,
rates, shipments and labels with idempotent buys, voids, trackers that move with the
mock's clock, signed webhooks and OAuth client-credentials tokens.
Contract: ``contracts/providers/carrier.openapi.yaml``; guide: ``docs/provider-mocks.md``."""

from .accounts import DEFAULT_ACCOUNTS, PRODUCTION, TEST, Account, Limit, Settings
from .mock import CarrierMock
from .signing import EASYPOST_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, sign, verify

__all__ = [
    "DEFAULT_ACCOUNTS",
    "EASYPOST_HEADER",
    "EVENT_ID_HEADER",
    "PRODUCTION",
    "SIGNATURE_HEADER",
    "TEST",
    "Account",
    "CarrierMock",
    "Limit",
    "Settings",
    "sign",
    "verify",
]
