"""The CRM mock ("CRMock"), HubSpot CRM v3 flavoured: contacts, companies and deals with
upsert by a unique property, search, associations, forward-only lifecycle stages, burst and
daily limits, OAuth refresh and v3-signed webhooks. See ``docs/provider-mocks.md``."""

from .auth import Credentials
from .hooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_v3, verify_v3
from .limits import DEFAULT_LIMITS, Limits
from .mock import PORTAL_IDS, CrmMock

__all__ = [
    "DEFAULT_LIMITS",
    "PORTAL_IDS",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "CrmMock",
    "Credentials",
    "Limits",
    "signature_v3",
    "verify_v3",
]
