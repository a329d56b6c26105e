"""What every control API (``/_control/...``, outside the public contracts) shares: JSON
bodies, the clock and the journal endpoints, and 400 answers that say what to fix.

The Odoo sandbox and the provider mocks expose the same shape so scenarios drive both
the same way: ``faults`` (GET/POST/DELETE), ``clock`` (GET/POST), ``journal`` (GET),
``reset`` (POST); mocks add ``seed`` and ``webhooks``.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .clock import Clock
from .journal import Journal

CLOCK_FORMAT = "%Y-%m-%d %H:%M:%S"


class ControlError(ValueError):
    """A malformed control request; answered with 400 and this message."""


async def json_object(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError as exc:
        raise ControlError(f"the body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ControlError("the body must be a JSON object")
    return body


def bad_request(exc: Exception) -> Response:
    return JSONResponse({"error": str(exc)}, status_code=400)


def clock_state(clock: Clock) -> dict[str, Any]:
    return {"now": clock.now().strftime(CLOCK_FORMAT), "frozen": clock.frozen}


def move_clock(clock: Clock, body: dict[str, Any]) -> dict[str, Any]:
    """Apply ``{"advance": seconds}`` or ``{"set": "YYYY-MM-DD HH:MM:SS"}``."""
    if set(body) == {"advance"}:
        seconds = body["advance"]
        if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
            raise ControlError("'advance' must be a number of seconds >= 0")
        clock.advance(timedelta(seconds=seconds))
    elif set(body) == {"set"}:
        try:
            instant = datetime.strptime(str(body["set"]), CLOCK_FORMAT)
        except ValueError:
            raise ControlError("'set' must be 'YYYY-MM-DD HH:MM:SS' (UTC)") from None
        clock.set(instant)
    else:
        raise ControlError('send {"advance": <seconds>} or {"set": "YYYY-MM-DD HH:MM:SS"}')
    return clock_state(clock)


def journal_entries(journal: Journal, request: Request) -> Response:
    query = request.query_params
    try:
        since = int(query.get("since", "0"))
    except ValueError:
        return bad_request(ControlError("'since' must be an integer (a journal seq)"))
    entries = journal.entries(
        kind=query.get("kind"),
        system=query.get("system"),
        correlation_id=query.get("correlation_id"),
        since=since,
    )
    return JSONResponse({"entries": [e.to_dict() for e in entries]})


__all__ = [
    "CLOCK_FORMAT",
    "ControlError",
    "bad_request",
    "clock_state",
    "journal_entries",
    "json_object",
    "move_clock",
]
