"""The one journal: every message that crosses a system boundary, with correlation ids.

Sandboxes and mocks append ``JournalEntry`` values; reports and checks read them back.
Secrets are masked with ``redact`` before they are recorded.
"""

from ._journal import Journal, JournalEntry
from .redaction import MASK, SECRET_KEYS, is_secret_key, mask_secrets, redact

__all__ = [
    "MASK",
    "SECRET_KEYS",
    "Journal",
    "JournalEntry",
    "is_secret_key",
    "mask_secrets",
    "redact",
]
