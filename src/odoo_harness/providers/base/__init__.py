"""What every provider mock is built from: the request pipeline and control API
(``MockProvider``), HTTP faults, idempotency keys, rate limits, expiring tokens and
signed webhooks, and the optional state file (``StateFile``). See
``docs/provider-mocks.md``."""

from .errors import ProviderError
from .faults import FaultSpecError, HttpFault, HttpFaultBook
from .idempotency import IdempotencyStore, Outcome, StoredReply
from .persistence import StateFile
from .provider import Call, Handler, MockProvider, Reply
from .ratelimit import Decision, TokenBucket
from .tokens import Token, TokenIssuer
from .webhooks import Delivery, Event, Signer, Subscription, WebhookDispatcher

__all__ = [
    "Call",
    "Decision",
    "Delivery",
    "Event",
    "FaultSpecError",
    "Handler",
    "HttpFault",
    "HttpFaultBook",
    "IdempotencyStore",
    "MockProvider",
    "Outcome",
    "ProviderError",
    "Reply",
    "Signer",
    "StateFile",
    "StoredReply",
    "Subscription",
    "Token",
    "TokenBucket",
    "TokenIssuer",
    "WebhookDispatcher",
]
