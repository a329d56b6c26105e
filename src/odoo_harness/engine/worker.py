"""``Worker``: runs due jobs with each flow's handler and obeys the flow plan on failure.

A handler is a plain callable ``handler(job, context) -> None`` registered per flow; it
raises engine errors. Retryable errors wait (backoff, Retry-After) until the plan's
attempts are spent, then fail; errors the plan does not retry and permanent errors fail
at once and show up in Odoo (activity + chatter note on the affected record); credentials
errors pause the job and the flow and raise an alert. A success closes the job's notice.
Every state change is journaled as a past-tense event (``JobRetried``, ``JobFailed``...).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ..contracts.flows import FlowPlan, RetrySpec
from ..journal import Journal
from .bugs import crash_point
from .errors import CredentialsError, PermanentError, RetryableError, SyncError, exhausted
from .exchange import running_job
from .failed_queue import FailedQueue
from .jobs import Job, JobStore
from .notices import AffectedRecord, Notices
from .retry import RetryPolicy

log = logging.getLogger(__name__)
SYSTEM = "engine"


@dataclass
class JobContext:
    """What a handler gets beside its job: the plan, the journal, and a place to say
    which Odoo records a failure would be about (most specific first)."""

    job: Job
    plan: FlowPlan | None
    journal: Journal
    name: str
    affected: list[AffectedRecord] = field(default_factory=list)

    def affects(self, model: str, res_id: int, name: str | None = None) -> None:
        """Declare an Odoo record this job is about; a failure is shown on it."""
        if name:
            self.name = name
        self.affected.append(AffectedRecord(model, res_id, name or self.name))


Handler = Callable[[Job, JobContext], None]


@dataclass
class RunReport:
    """What one ``run_due`` did."""

    done: int = 0
    retried: int = 0
    failed: int = 0
    paused: int = 0
    skipped: int = 0

    @property
    def ran(self) -> int:
        return self.done + self.retried + self.failed + self.paused


def policy_of(spec: RetrySpec) -> RetryPolicy:
    return RetryPolicy(spec.attempts, spec.backoff, spec.first, spec.maximum)


class Worker:
    def __init__(
        self,
        store: JobStore,
        plans: Mapping[str, FlowPlan] | None = None,
        *,
        journal: Journal | None = None,
        notices: Notices | None = None,
        queue: FailedQueue | None = None,
    ) -> None:
        self.store = store
        self.plans = dict(plans or {})
        self.journal = journal if journal is not None else Journal(store.clock.now)
        self.notices = notices
        self.queue = queue or FailedQueue(store)
        self.handlers: dict[str, Handler] = {}

    def register(self, flow: str, handler: Handler) -> None:
        self.handlers[flow] = handler

    # -- running ------------------------------------------------------------------------
    def run_due(self, limit: int = 100) -> RunReport:
        """Run the jobs whose time has come (jobs of paused flows wait)."""
        report = RunReport()
        for job in self.store.due(limit):
            if job.flow in self.queue.paused_flows():
                report.skipped += 1
                continue
            outcome = self.run_job(job.id)
            if outcome is None:
                report.skipped += 1
            else:
                setattr(report, outcome, getattr(report, outcome) + 1)
        return report

    def run_job(self, job_id: int) -> str | None:
        """Run one pending job: ``done``, ``retried``, ``failed``, ``paused``, or None if
        someone else had claimed it."""
        job = self.store.claim(job_id)
        if job is None:
            return None
        plan = self.plans.get(job.flow)
        context = JobContext(
            job, plan, self.journal, str(job.payload.get("name") or job.identity_key)
        )
        self._event("JobStarted", job, attempt=job.attempts)
        try:
            with running_job(job.id):
                self._handler(job)(job, context)
        except SyncError as exc:
            return self._failed(job, context, exc)
        except Exception as exc:  # a bug in a handler: the job fails, the worker goes on
            log.exception("handler of %s crashed on job %s", job.flow, job.id)
            error = PermanentError(
                f"{type(exc).__name__}: {exc}",
                user_message="The integration hit an internal error (see the detail)",
            )
            error.__cause__ = exc
            return self._failed(job, context, error)
        crash_point("worker.after_handler")  # tests: the process dies before "done"
        return self._succeeded(job, context)

    def _handler(self, job: Job) -> Handler:
        handler = self.handlers.get(job.flow)
        if handler is None:
            raise PermanentError(
                f"no handler is registered for flow {job.flow!r}",
                user_message=f"The integration has no handler for {job.flow}",
            )
        return handler

    # -- manual retry -------------------------------------------------------------------
    def retry(self, job_id: int) -> Job:
        """Requeue one failed or paused job now (its flow resumes); journaled."""
        job = self.queue.retry(job_id)
        self._event("JobRequeued", job, by="manual retry")
        return job

    def retry_flow(self, flow: str) -> list[Job]:
        """Requeue every failed or paused job of ``flow`` and resume it; journaled."""
        jobs = self.queue.retry_flow(flow)
        for job in jobs:
            self._event("JobRequeued", job, by="manual retry of the flow")
        return jobs

    # -- outcomes -------------------------------------------------------------------------
    def _succeeded(self, job: Job, context: JobContext) -> str:
        self.store.succeed(job.id)
        self._event("JobSucceeded", job, attempt=job.attempts)
        self._resolve_notice(job, context)
        return "done"

    def _failed(self, job: Job, context: JobContext, error: SyncError) -> str:
        if isinstance(error, CredentialsError):
            return self._pause(job, error)
        if isinstance(error, RetryableError):
            decided = self._retry_or_give_up(job, error)
            if not isinstance(decided, PermanentError):
                return "retried"
            error = decided
        self.store.fail(job.id, str(error), error.kind, error.user_message)
        self._event(
            "JobFailed", job, attempt=job.attempts, error=str(error), reason=error.user_message
        )
        self._raise_notice(job, context, error)
        return "failed"

    def _retry_or_give_up(self, job: Job, error: RetryableError) -> RetryableError | PermanentError:
        spec = self.plans[job.flow].retry if job.flow in self.plans else RetrySpec()
        if error.category is not None and error.category not in spec.retry_on:
            final = PermanentError(
                f"the plan does not retry {error.category}: {error}",
                user_message=error.user_message,
            )
            final.__cause__ = error
            return final
        policy = policy_of(spec)
        if policy.gives_up_after(job.attempts):
            return exhausted(error, job.attempts)
        delay = policy.delay(job.attempts, error)
        retried = self.store.retry_later(job.id, delay, str(error), error.kind)
        self._event(
            "JobRetried",
            job,
            attempt=job.attempts,
            error=str(error),
            category=error.category,
            delay_s=delay / timedelta(seconds=1),
            next_run_at=retried.next_run_at.isoformat(),
        )
        return error

    def _pause(self, job: Job, error: CredentialsError) -> str:
        self.store.pause(job.id, str(error), error.kind, error.user_message)
        self._event("JobPaused", job, attempt=job.attempts, error=str(error))
        if self.queue.pause(job.flow, error.user_message):
            plan = self.plans.get(job.flow)
            self._event("FlowPaused", job, reason=error.user_message)
            self._event(
                "AlertRaised",
                job,
                reason=error.user_message,
                to=plan.show.to if plan else "",
                fix=f"fix the credentials, then: odoo-harness engine retry --flow {job.flow}",
            )
        return "paused"

    # -- what users see -------------------------------------------------------------------
    def _raise_notice(self, job: Job, context: JobContext, error: SyncError) -> None:
        record = self._where_to_show(context)
        if self.notices is None or record is None:
            return
        text = self._text(context, record, error.user_message)
        try:
            notice = self.notices.raise_for(job.id, record, text)
        except SyncError as exc:
            self._event("NoticeFailed", job, error=str(exc))
            return
        self._event(
            "NoticeRaised",
            job,
            model=record.model,
            res_id=record.res_id,
            activity_id=notice.activity_id,
            text=text,
        )

    def _resolve_notice(self, job: Job, context: JobContext) -> None:
        if self.notices is None or self.notices.get(job.id) is None:
            return
        feedback = f"Resolved: {context.name} went through on attempt {job.attempts}."
        try:
            notice = self.notices.resolve(job.id, feedback)
        except SyncError as exc:
            self._event("NoticeFailed", job, error=str(exc))
            return
        if notice is not None:
            self._event(
                "NoticeResolved",
                job,
                model=notice.record.model,
                res_id=notice.record.res_id,
                activity_id=notice.activity_id,
            )

    def _where_to_show(self, context: JobContext) -> AffectedRecord | None:
        """The first declared record of the models the plan shows failures on, in the
        plan's order (``sale.order or res.partner``); any declared one without a plan."""
        models = context.plan.show.odoo_activity_on if context.plan else ()
        if not models:
            return context.affected[-1] if context.affected else None
        for model in models:
            matches = [r for r in context.affected if r.model == model]
            if matches:
                return matches[-1]
        return None

    def _text(self, context: JobContext, record: AffectedRecord, reason: str) -> str:
        template = context.plan.show.text if context.plan and context.plan.show.text else ""
        values = _Defaults(name=record.name or context.name, reason=reason)
        return template.format_map(values) if template else f"{values['name']}: {reason}"

    def _event(self, kind: str, job: Job, **data: Any) -> None:
        self.journal.record(
            kind,
            SYSTEM,
            {"job_id": job.id, "flow": job.flow, "identity_key": job.identity_key, **data},
            correlation_id=f"job-{job.id}",
            at=self.store.clock.now(),
        )


class _Defaults(dict[str, Any]):
    """``str.format_map`` values that leave unknown placeholders as they are."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


__all__ = ["Handler", "JobContext", "RunReport", "Worker", "policy_of"]
