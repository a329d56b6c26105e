"""The control API under ``/_control`` (outside Odoo's paths): faults, clock, journal, reset.

Small on purpose: the provider mocks copy its shape. Bodies and answers are JSON; a bad
request gets ``400 {"error": "<what to fix>"}``. Documented in ``docs/odoo-sandbox.md``.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...journal import Journal
from ..sandbox import Sandbox
from .faults import FaultBook, FaultSpecError
from .transport import json_response
from .web import Sessions

CLOCK_FORMAT = "%Y-%m-%d %H:%M:%S"


class ControlError(ValueError):
    """A malformed control request; answered with 400."""


class Control:
    """Handlers of ``/_control/*`` for one sandbox."""

    def __init__(
        self, sandbox: Sandbox, faults: FaultBook, journal: Journal, sessions: Sessions
    ) -> None:
        self.sandbox = sandbox
        self.faults = faults
        self.journal = journal
        self.sessions = sessions

    def routes(self) -> list[Route]:
        return [
            Route("/_control/faults", self.faults_endpoint, methods=["GET", "POST", "DELETE"]),
            Route("/_control/clock", self.clock_endpoint, methods=["GET", "POST"]),
            Route("/_control/journal", self.journal_endpoint, methods=["GET"]),
            Route("/_control/reset", self.reset_endpoint, methods=["POST"]),
        ]

    async def faults_endpoint(self, request: Request) -> Response:
        if request.method == "GET":
            return json_response({"faults": self.faults.list()})
        if request.method == "DELETE":
            return json_response({"cleared": self.faults.clear()})
        try:
            rule = self.faults.add(await _json_body(request))
        except (ControlError, FaultSpecError) as exc:
            return _bad(exc)
        return json_response({"fault": {**rule.to_dict(), "remaining": rule.times}}, status=201)

    async def clock_endpoint(self, request: Request) -> Response:
        if request.method == "POST":
            try:
                self._move_clock(await _json_body(request))
            except ControlError as exc:
                return _bad(exc)
        return json_response(self._clock_state())

    async def journal_endpoint(self, request: Request) -> Response:
        query = request.query_params
        try:
            since = int(query.get("since", "0"))
        except ValueError:
            return _bad(ControlError("'since' must be an integer (a journal seq)"))
        entries = self.journal.entries(
            kind=query.get("kind"),
            system=query.get("system"),
            correlation_id=query.get("correlation_id"),
            since=since,
        )
        return json_response({"entries": [e.to_dict() for e in entries]})

    async def reset_endpoint(self, request: Request) -> Response:
        try:
            self.sandbox.reset()
        except Exception as exc:  # report, never crash the server
            return json_response({"error": f"reset failed: {exc!r}"}, status=500)
        self.faults.clear()
        self.sessions.clear()
        self.journal.record("odoo.reset", "odoo", {}, at=self.sandbox.clock.now())
        return json_response({"reset": True, **self._clock_state()})

    def _move_clock(self, body: dict[str, Any]) -> None:
        clock = self.sandbox.clock
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
        self.journal.record(
            "clock.changed", "odoo", {**body, **self._clock_state()}, at=clock.now()
        )

    def _clock_state(self) -> dict[str, Any]:
        clock = self.sandbox.clock
        return {"now": clock.now().strftime(CLOCK_FORMAT), "frozen": clock.frozen}


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError as exc:
        raise ControlError(f"the body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ControlError("the body must be a JSON object")
    return body


def _bad(exc: Exception) -> Response:
    return json_response({"error": str(exc)}, status=400)


__all__ = ["CLOCK_FORMAT", "Control", "ControlError"]
