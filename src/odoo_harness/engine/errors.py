"""The engine's errors, classified the way a retry decision needs them.

    SyncError
     +-- RetryableError      timeouts, dropped connections, 5xx, 429 (retry_after), Odoo
     |                       concurrency faults: try again later
     +-- PermanentError      validation, access rights, missing records: a person must act
     +-- CredentialsError    401 / expired or revoked credentials: refresh once, then pause
                             the flow and alert

After the last attempt a retryable error becomes final: ``exhausted`` wraps it in a
PermanentError chained to the cause (as queue_job's FailedJobError does).
"""

from __future__ import annotations

from ..errors import HarnessError


class SyncError(HarnessError):
    """A sync step failed. ``user_message`` is one line a sales or warehouse user
    understands; ``str(error)`` is the technical detail."""

    kind = "error"

    def __init__(self, detail: str, *, user_message: str | None = None) -> None:
        super().__init__(detail)
        self.user_message = user_message or detail


class RetryableError(SyncError):
    """``category`` names the cause the way a plan's ``retry_on`` does (``timeout``,
    ``connection``, ``5xx``, ``429``, ``odoo_concurrency``); None: any plan retries it."""

    kind = "retryable"

    def __init__(
        self,
        detail: str,
        *,
        user_message: str | None = None,
        retry_after: float | None = None,
        category: str | None = None,
    ) -> None:
        super().__init__(detail, user_message=user_message)
        self.retry_after = retry_after
        self.category = category


class PermanentError(SyncError):
    kind = "permanent"


class CredentialsError(SyncError):
    kind = "credentials"


def exhausted(error: RetryableError, attempts: int) -> PermanentError:
    final = PermanentError(
        f"gave up after {attempts} attempts: {error}",
        user_message=f"{error.user_message} (gave up after {attempts} attempts)",
    )
    final.__cause__ = error
    return final


__all__ = ["CredentialsError", "PermanentError", "RetryableError", "SyncError", "exhausted"]
