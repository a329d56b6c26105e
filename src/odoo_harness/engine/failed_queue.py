"""The failed-record queue and paused flows: what needs a person, and the manual retry.

``FailedQueue.records()`` lists failed and paused jobs with the one-line reason a user
understands, the technical detail, since when and after how many attempts. ``retry(id)``
and ``retry_flow(name)`` put them back in line (attempts start over); a flow paused after a
credentials error is resumed by retrying it. Paused flows live in table ``paused_flows``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..errors import ConfigError
from .jobs import FAILED, PAUSED, Job, JobStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS paused_flows (
    flow TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    paused_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class FailedRecord:
    """One entry of the queue, as the CLI and scenario checks show it."""

    job_id: int
    flow: str
    identity_key: str
    state: str
    reason: str
    detail: str
    since: datetime
    attempts: int

    @classmethod
    def of(cls, job: Job) -> FailedRecord:
        return cls(
            job.id,
            job.flow,
            job.identity_key,
            job.state,
            job.user_message or job.last_error or "",
            job.last_error or "",
            job.updated_at,
            job.attempts,
        )


class FailedQueue:
    def __init__(self, store: JobStore) -> None:
        self.store = store
        store.add_schema(SCHEMA)

    def records(self, flow: str | None = None) -> list[FailedRecord]:
        jobs = [
            *self.store.jobs(state=FAILED, flow=flow),
            *self.store.jobs(state=PAUSED, flow=flow),
        ]
        return [FailedRecord.of(j) for j in sorted(jobs, key=lambda j: j.id)]

    def retry(self, job_id: int) -> Job:
        """Run one failed or paused job again now; its flow is resumed."""
        job = self.store.get(job_id)
        if job is None:
            raise ConfigError(f"no job {job_id} in {self.store.path}")
        if job.state not in (FAILED, PAUSED):
            raise ConfigError(
                f"job {job_id} is {job.state}, not failed or paused: nothing to retry"
            )
        self.resume(job.flow)
        return self.store.requeue(job_id)

    def retry_flow(self, flow: str) -> list[Job]:
        """Run every failed or paused job of ``flow`` again; the flow is resumed."""
        self.resume(flow)
        return [self.store.requeue(r.job_id) for r in self.records(flow)]

    # -- paused flows ---------------------------------------------------------------------
    def pause(self, flow: str, reason: str) -> bool:
        """Pause ``flow``; False if it already was."""
        rows = self.store.execute(
            "INSERT OR IGNORE INTO paused_flows (flow, reason, paused_at) VALUES (?, ?, ?) "
            "RETURNING flow",
            (flow, reason, self.store.clock.now().isoformat()),
        )
        return bool(rows)

    def resume(self, flow: str) -> bool:
        rows = self.store.execute("DELETE FROM paused_flows WHERE flow = ? RETURNING flow", (flow,))
        return bool(rows)

    def paused_flows(self) -> dict[str, str]:
        """Paused flow -> the reason."""
        return dict(self.store.execute("SELECT flow, reason FROM paused_flows ORDER BY flow"))


__all__ = ["FailedQueue", "FailedRecord"]
