"""Trackers whose events appear as the mock's clock passes their time.

At purchase a tracker gets its whole schedule; an event is visible once the clock reaches
it. ``Timeline`` yields the events that became visible since the last look, in time order,
so the mock can send one ``tracker.updated`` per event. A voided label stops moving.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .clock_format import iso

PUBLIC_TRACKING_URL = "https://track.parcelhub.example/"
RETURN_SUFFIX = "-RETURN"
# (hours after purchase, status, status_detail, message, where)
DELIVERY = (
    (0, "pre_transit", "label_created", "Shipping label created, awaiting the parcel", "from"),
    (6, "in_transit", "picked_up", "Picked up by the carrier", "from"),
    (20, "in_transit", "arrived_at_facility", "Arrived at the sort facility", "hub"),
    (40, "out_for_delivery", "out_for_delivery", "Out for delivery", "to"),
    (48, "delivered", "delivered", "Delivered, left at the front door", "to"),
)
RETURN = DELIVERY[:3] + (
    (
        40,
        "returned",
        "return_to_sender",
        "Returned to sender: the address was not accessible",
        "from",
    ),
)
FIRST_SCAN = 1  # index of the first event that means the carrier has the parcel


@dataclass
class Tracker:
    id: str
    tracking_number: str
    carrier: str
    mode: str
    shipment_id: str
    created_at: datetime
    schedule: list[dict[str, Any]]
    due: list[datetime]
    visible: int = 1
    stopped: bool = False

    @property
    def scanned(self) -> bool:
        return self.visible > FIRST_SCAN

    def public(self, upto: int | None = None) -> dict[str, Any]:
        count = self.visible if upto is None else upto
        events = self.schedule[:count]
        last = events[-1]
        final = last["status"] in ("delivered", "returned")
        return {
            "id": self.id,
            "tracking_number": self.tracking_number,
            "carrier": self.carrier,
            "mode": self.mode,
            "shipment_id": self.shipment_id,
            "status": last["status"],
            "status_detail": last["status_detail"],
            "est_delivery_date": None
            if final or self.stopped
            else iso(self.created_at + timedelta(hours=DELIVERY[-1][0])),
            "public_url": PUBLIC_TRACKING_URL + self.tracking_number,
            "created_at": iso(self.created_at),
            "updated_at": last["occurred_at"],
            "events": events,
        }


def new_tracker(
    tracker_id: str,
    tracking_number: str,
    carrier: str,
    shipment: dict[str, Any],
    purchased_at: datetime,
) -> Tracker:
    steps = RETURN if shipment["reference"].endswith(RETURN_SUFFIX) else DELIVERY
    places = {
        "from": shipment["from_address"],
        "to": shipment["to_address"],
        "hub": {"city": f"{carrier} hub", "country": shipment["to_address"]["country"]},
    }
    due = [purchased_at + timedelta(hours=hours) for hours, *_ in steps]
    schedule = [
        {
            "occurred_at": iso(at),
            "status": status,
            "status_detail": detail,
            "message": message,
            "location": _location(places[where]),
        }
        for at, (_, status, detail, message, where) in zip(due, steps, strict=True)
    ]
    return Tracker(
        tracker_id,
        tracking_number,
        carrier,
        shipment["mode"],
        shipment["id"],
        purchased_at,
        schedule,
        due,
    )


def _location(address: dict[str, Any]) -> dict[str, Any]:
    return {key: address.get(key) for key in ("city", "state", "zip", "country")}


@dataclass
class Timeline:
    """The next due event of every moving tracker, earliest first."""

    _heap: list[tuple[datetime, int, Tracker]] = field(default_factory=list)
    _order: int = 0  # ties in time keep insertion order

    def add(self, tracker: Tracker) -> None:
        if tracker.visible < len(tracker.due):
            self._order += 1
            heapq.heappush(self._heap, (tracker.due[tracker.visible], self._order, tracker))

    def advance(self, now: datetime) -> list[tuple[Tracker, int]]:
        """(tracker, visible count) for each event that became visible, in time order."""
        shown = []
        while self._heap and self._heap[0][0] <= now:
            _, _, tracker = heapq.heappop(self._heap)
            if tracker.stopped:
                continue
            tracker.visible += 1
            shown.append((tracker, tracker.visible))
            self.add(tracker)
        return shown

    def clear(self) -> None:
        self._heap.clear()


__all__ = ["FIRST_SCAN", "PUBLIC_TRACKING_URL", "Timeline", "Tracker", "new_tracker"]
