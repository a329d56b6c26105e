"""``WatermarkPoller``: finds records changed in Odoo since the last run (``write_date``)
and enqueues one job per change through the job store's outbox.

The watermark and the jobs are committed in one transaction, so a crash between "record
changed" and "job queued" loses nothing: either both are stored or the next poll sees the
same changes again. The poll reads ``write_date >= watermark`` (Odoo stores it to the
second, so records changed in the watermark's own second are read again) and the job's
identity key includes the ``write_date``: reading a change twice enqueues it once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .bugs import DEFECTS, crash_point
from .jobs import JobStore
from .odoo_adapter import OdooAdapter

Payload = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class PollReport:
    seen: int = 0
    enqueued: int = 0
    watermark: str | None = None


class WatermarkPoller:
    def __init__(
        self,
        odoo: OdooAdapter,
        store: JobStore,
        *,
        flow: str,
        model: str,
        domain: Sequence[Any] = (),
        payload: Payload | None = None,
        batch: int = 500,
        name: str | None = None,
    ) -> None:
        self.odoo = odoo
        self.store = store
        self.flow = flow
        self.model = model
        self.domain = list(domain)
        self.payload = payload or (lambda row: {"id": row["id"]})
        self.batch = batch
        self.name = name or f"{flow}:{model}:write_date"

    def poll(self) -> PollReport:
        """One pass: read the changes since the watermark (one batch), enqueue them and
        move the watermark, atomically."""
        watermark = self.store.watermark(self.name)
        domain = list(self.domain)
        if watermark:
            domain.append(("write_date", ">=", watermark))
        rows = self.odoo.search_read(
            self.model,
            domain,
            ["id", "write_date"],
            limit=self.batch,
            order="write_date asc, id asc",
        )
        report = PollReport(seen=len(rows), watermark=watermark)
        if not rows:
            return report
        report.watermark = max(str(r["write_date"]) for r in rows)
        if DEFECTS.enqueue_outside_outbox:  # a deliberate bug (engine/bugs.py)
            self.store.set_watermark(self.name, report.watermark)  # committed alone
            crash_point("poller.before_enqueue")
            self._enqueue(rows, report)
            return report
        with self.store.transaction():
            self.store.set_watermark(self.name, report.watermark)
            crash_point("poller.before_enqueue")  # a crash here rolls the watermark back
            self._enqueue(rows, report)
        return report

    def _enqueue(self, rows: list[dict[str, Any]], report: PollReport) -> None:
        with self.store.transaction():
            for row in rows:
                key = f"{self.flow}:{self.model}:{row['id']}:{row['write_date']}"
                payload = {"action": "export", "model": self.model, **self.payload(row)}
                _, created = self.store.enqueue(self.flow, key, payload)
                report.enqueued += created


__all__ = ["PollReport", "WatermarkPoller"]
