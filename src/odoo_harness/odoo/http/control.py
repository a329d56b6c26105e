"""The control API under ``/_control`` (outside Odoo's paths): faults, clock, journal, reset.

Small on purpose: the provider mocks copy its shape. Bodies and answers are JSON; a bad
request gets ``400 {"error": "<what to fix>"}``. Documented in ``docs/odoo-sandbox.md``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...controlapi import (
    CLOCK_FORMAT,
    ControlError,
    bad_request,
    clock_state,
    journal_entries,
    json_object,
    move_clock,
)
from ...journal import Journal
from ..sandbox import Sandbox
from .faults import FaultBook, FaultSpecError
from .transport import json_response
from .web import Sessions


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
            rule = self.faults.add(await json_object(request))
        except (ControlError, FaultSpecError) as exc:
            return bad_request(exc)
        return json_response({"fault": {**rule.to_dict(), "remaining": rule.times}}, status=201)

    async def clock_endpoint(self, request: Request) -> Response:
        if request.method == "POST":
            try:
                self._move_clock(await json_object(request))
            except ControlError as exc:
                return bad_request(exc)
        return json_response(self._clock_state())

    async def journal_endpoint(self, request: Request) -> Response:
        return journal_entries(self.journal, request)

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
        state = move_clock(self.sandbox.clock, body)
        self.journal.record("clock.changed", "odoo", {**body, **state}, at=self.sandbox.clock.now())

    def _clock_state(self) -> dict[str, Any]:
        return clock_state(self.sandbox.clock)


__all__ = ["CLOCK_FORMAT", "Control", "ControlError"]
