"""The reference sync engine: durable jobs, classified errors, Odoo by URL only.

``OdooAdapter`` talks to Odoo, ``Binder`` maps external ids to Odoo ids (create-or-find),
``Worker`` runs jobs under each flow plan, ``FailedQueue`` holds what needs a person and
``Notices`` shows it in Odoo. Nothing here imports the sandbox or the provider mocks.
"""

from .binder import Binder, xmlid_name
from .errors import CredentialsError, PermanentError, RetryableError, SyncError, exhausted
from .exchange import ExchangeLog, running_job
from .failed_queue import FailedQueue, FailedRecord
from .jobs import DONE, FAILED, PAUSED, PENDING, RUNNING, Job, JobStore
from .notices import AffectedRecord, Notice, Notices
from .odoo_adapter import OdooAdapter
from .odoo_rpc import OdooConnection
from .retry import RetryPolicy
from .worker import Handler, JobContext, RunReport, Worker, policy_of

__all__ = [
    "DONE",
    "FAILED",
    "PAUSED",
    "PENDING",
    "RUNNING",
    "AffectedRecord",
    "Binder",
    "CredentialsError",
    "ExchangeLog",
    "FailedQueue",
    "FailedRecord",
    "Handler",
    "Job",
    "JobContext",
    "JobStore",
    "Notice",
    "Notices",
    "OdooAdapter",
    "OdooConnection",
    "PermanentError",
    "RetryPolicy",
    "RetryableError",
    "RunReport",
    "SyncError",
    "Worker",
    "exhausted",
    "policy_of",
    "running_job",
    "xmlid_name",
]
