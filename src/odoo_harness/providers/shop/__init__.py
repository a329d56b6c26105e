"""The eCommerce shop mock (Shopify Admin REST flavour): ``ShopMock``.

Its contract is ``contracts/providers/shop.openapi.yaml``; ``docs/provider-mocks.md``
says how to seed it, drive its webhooks and what its magic inputs do.
"""

from ._signing import signature, verify
from .mock import CLIENT_SECRET, LIVE_TOKEN, PLANS, TEST_TOKEN, TOPICS, Plan, ShopMock

__all__ = [
    "CLIENT_SECRET",
    "LIVE_TOKEN",
    "PLANS",
    "TEST_TOKEN",
    "TOPICS",
    "Plan",
    "ShopMock",
    "signature",
    "verify",
]
