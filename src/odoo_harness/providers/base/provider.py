"""``MockProvider``: what every provider mock shares.

A mock subclasses it, declares its routes with ``self.route(...)`` and renders errors in
its provider's envelope. The base class gives every request: a request id, the journal
entry of request and response with secrets redacted, injected faults, malformed input
answered in the provider's envelope (never a 500 with a traceback), and a control API
under ``/_control`` with the Odoo sandbox's shape (faults, clock, journal, reset) plus
``seed`` and ``webhooks``. Handlers are plain functions run under the mock's lock.
With ``state_path``, the state (``state_attributes``) is kept in a SQLite file after
every request and read back when a mock starts on that file (``persistence``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from ...clock import Clock
from ...controlapi import (
    ControlError,
    bad_request,
    clock_state,
    journal_entries,
    json_object,
    move_clock,
)
from ...journal import MASK, SECRET_KEYS, Journal, redact
from ...serving import RAW_SEND_KEY, LoopbackServer, drop_connection
from . import persistence
from .errors import ProviderError
from .faults import AFTER_HANDLER, FaultSpecError, HttpFaultBook
from .webhooks import WebhookDispatcher

log = logging.getLogger(__name__)
ANY_METHOD = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "x-shopify-access-token",
        "x-access-token",
    }
)


@dataclass
class Call:
    """One request as a handler sees it."""

    method: str
    path: str
    path_params: dict[str, Any]
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    request_id: str
    credential: str | None = None
    context: dict[str, Any] = field(default_factory=dict)

    def json(self) -> Any:
        """The JSON body; a ProviderError (400) when it is not JSON."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise ProviderError(400, "INVALID_JSON", f"the body is not valid JSON: {exc}") from None

    def json_object(self) -> dict[str, Any]:
        data = self.json()
        if not isinstance(data, dict):
            raise ProviderError(400, "INVALID_JSON", "the body must be a JSON object")
        return data


@dataclass
class Reply:
    """A handler's answer. ``finish`` (optional) completes the request's bookkeeping once
    the answer is final, under the mock's lock: after a ``hold`` fault's wait, so the
    request stays in flight meanwhile (an idempotency key's stored reply, for one)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    finish: Callable[[], None] | None = None


Handler = Callable[[Call], Reply]


class MockProvider:
    """Base of the provider mocks. Subclasses set ``name`` and implement ``routes``,
    ``render_error``, ``reset_state`` and optionally ``authenticate`` and ``seed``."""

    name = "provider"
    request_id_header = "X-Request-Id"
    # Subclasses: the attributes (dotted paths allowed) that hold the mock's state, kept in
    # the state file; the base adds its own (random generator, id counters, secrets).
    state_attributes: tuple[str, ...] = ()

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        journal: Journal | None = None,
        seed: int = 0,
        state_path: str | Path | None = None,
    ) -> None:
        self.clock = clock or Clock()
        # not `journal or ...`: an empty Journal is falsy (it has a length)
        self.journal = journal if journal is not None else Journal(now=self.clock.now)
        self.seed_value = seed
        self.lock = threading.RLock()
        self.faults = HttpFaultBook()
        self._request_ids = itertools.count(1)
        self.secrets: set[str] = set()
        self.state_file: persistence.StateFile | None = None
        self.reset()
        if state_path is not None:
            self._open_state(Path(state_path))

    # -- state ----------------------------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            self.rng = random.Random(self.seed_value)
            self._counters: dict[str, int] = {}
            self.faults.clear()
            self.reset_state()
            self.save_state()

    def reset_state(self) -> None:
        """Subclasses: back to the empty (or default) state."""

    def seed(self, data: dict[str, Any]) -> dict[str, Any]:
        """Subclasses: load state from a JSON object; returns a summary."""
        raise ControlError(f"the {self.name} mock takes no seed data")

    def next_id(self, prefix: str, width: int = 6) -> str:
        value = self._counters.get(prefix, 1)
        self._counters[prefix] = value + 1
        return f"{prefix}{value:0{width}d}"

    def new_request_id(self) -> str:
        """The id of a request that brought none (subclasses: the provider's format)."""
        return f"req_{next(self._request_ids):08d}"

    def next_int(self, series: str, start: int = 1) -> int:
        value = self._counters.get(series, start)
        self._counters[series] = value + 1
        return value

    # -- the state file -------------------------------------------------------------------
    def _open_state(self, path: Path) -> None:
        """Continue from the state in ``path``, or start it with the current state."""
        state_file = persistence.StateFile(path)
        documents = state_file.read()
        with self.lock:
            if documents:
                persistence.check_header(documents.get("header"), self.name, path)
                self._restore(persistence.restore(documents["state"], self._live(), path))
            self.state_file = state_file
            self.save_state()

    def save_state(self) -> None:
        """Write the state to the state file, if any (one transaction; under the lock)."""
        if self.state_file is None:
            return
        with self.lock:
            state = {
                "attributes": {name: _get(self, name) for name in self._state_names()},
                "webhooks": hooks.state() if (hooks := self._dispatcher()) else None,
                "clock": self.clock.now(),
            }
            self.state_file.write(
                {
                    "header": persistence.header(self.name),
                    "state": persistence.snapshot(state, self._live()),
                }
            )

    def close_state(self) -> None:
        """Stop writing the state file (the mock keeps running in memory)."""
        with self.lock:
            if self.state_file is not None:
                self.state_file.close()
                self.state_file = None

    def _restore(self, state: dict[str, Any]) -> None:
        for name, value in state["attributes"].items():
            _set(self, name, value)
        hooks = self._dispatcher()
        if hooks is not None and state.get("webhooks") is not None:
            hooks.restore(state["webhooks"])
        saved: datetime = state["clock"]
        if saved > self.clock.now():  # the mock's time never goes back across a restart
            self.clock.set(saved)
        self.after_restore()

    def after_restore(self) -> None:
        """Subclasses: repair what a restart leaves behind (e.g. requests in flight)."""

    def _state_names(self) -> tuple[str, ...]:
        return ("rng", "_counters", "secrets", *self.state_attributes)

    def _live(self) -> dict[str, object]:
        """Objects the state points at that a restart does not replace."""
        live: dict[str, object] = {
            "mock": self,
            "clock": self.clock,
            "journal": self.journal,
            "faults": self.faults,
        }
        hooks = self._dispatcher()
        if hooks is not None:
            live["webhooks"] = hooks
        return live

    # -- hooks ----------------------------------------------------------------------------
    def routes(self) -> list[tuple[str, str, Handler]]:
        """Subclasses: (HTTP method, path, handler) of the public API."""
        return []

    def authenticate(self, call: Call) -> str | None:
        """Subclasses: the credential of a call (raise ProviderError 401 when refused);
        None for public routes."""
        return None

    def render_error(self, error: ProviderError, call: Call) -> Reply:
        return Reply(
            error.status,
            {
                "error": {
                    "code": error.code,
                    "message": error.message,
                    "request_id": call.request_id,
                }
            },
            error.headers,
        )

    def extra_control_routes(self) -> list[BaseRoute]:
        return []

    # -- the app --------------------------------------------------------------------------
    def app(self) -> Starlette:
        by_path: dict[str, dict[str, Handler]] = {}
        for method, path, handler in self.routes():
            by_path.setdefault(path, {})[method.upper()] = handler
        # one route per path, so a 405 lists every method the path allows (Allow header)
        routes: list[BaseRoute] = [
            Route(path, self._endpoint_for(handlers), methods=list(handlers))
            for path, handlers in by_path.items()
        ]
        routes += self._control_routes() + self.extra_control_routes()
        served = [route for route in routes if isinstance(route, Route)]
        routes.append(
            Route("/{path:path}", self._unrouted_endpoint(served), methods=list(ANY_METHOD))
        )  # last: what no other route serves
        app = _MockApp(routes=routes)
        app.provider = self
        app.exception_handlers = {}
        return app

    def server(self, port: int = 0) -> LoopbackServer:
        return LoopbackServer(self.app(), port=port, name=f"{self.name} mock")

    def _unrouted_endpoint(self, served: list[Route]) -> Callable[[Request], Any]:
        """A path or method the mock does not serve: 404, or 405 with ``Allow``, in the
        provider's envelope (never Starlette's plain-text answer)."""

        async def unrouted(request: Request) -> Response:
            allowed = _allowed_methods(served, request.url.path)

            def refuse(call: Call) -> Reply:
                if allowed:
                    raise ProviderError(
                        405,
                        "METHOD_NOT_ALLOWED",
                        f"{call.method} is not allowed on {call.path}",
                        headers={"Allow": ", ".join(allowed)},
                    )
                raise ProviderError(404, "NOT_FOUND", f"no such resource: {call.path}")

            return await self._serve(refuse, request, public=False)

        return unrouted

    def _endpoint_for(self, handlers: dict[str, Handler]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            method = "GET" if request.method == "HEAD" else request.method
            return await self._serve(handlers[method], request)

        return endpoint

    async def _serve(self, handler: Handler, request: Request, *, public: bool = True) -> Response:
        body = await request.body()
        call = Call(
            request.method,
            request.url.path,
            dict(request.path_params),
            request.query_params,
            request.headers,
            body,
            request.headers.get(self.request_id_header) or self.new_request_id(),
        )
        self._journal_request(call)
        fault = self.faults.take(call.method, call.path)
        if fault is not None and fault.kind not in AFTER_HANDLER:
            early = await self._apply_fault(fault, call, request.scope)
            if early is not None:
                return early
        reply = self._run(handler, call, authenticate=public)
        if fault is not None and fault.kind == "hold":
            await self._hold(fault, call, reply)
        elif reply.finish is not None:
            self._finish(reply, call)
        if fault is not None and fault.kind == "commit_then_drop":
            self.journal.record(
                "mock.committed_then_dropped",
                self.name,
                {"path": call.path, "status": reply.status},
                correlation_id=call.request_id,
                at=self.clock.now(),
            )
            dropped = await drop_connection(request.scope)
            if dropped is not None:
                return dropped
        return self._respond(reply, call)

    def _run(self, handler: Handler, call: Call, *, authenticate: bool = True) -> Reply:
        try:
            with self.lock:
                try:
                    if authenticate:
                        call.credential = self.authenticate(call)
                    return handler(call)
                finally:
                    if self.state_file is not None:
                        self.save_state()
        except ProviderError as error:
            return self.render_error(error, call)
        except Exception:  # a bug of ours: the provider's 500, never a traceback
            log.exception("%s mock failed on %s %s", self.name, call.method, call.path)
            return self.render_error(ProviderError(500, "INTERNAL_ERROR", "internal error"), call)

    async def _hold(self, fault: Any, call: Call, reply: Reply) -> None:
        """The request was applied; it stays in flight for ``fault.seconds`` (the lock is
        free, so other requests run meanwhile), then its answer is completed."""
        self.journal.record(
            "mock.fault",
            self.name,
            fault.to_dict(),
            correlation_id=call.request_id,
            at=self.clock.now(),
        )
        try:
            await asyncio.sleep(fault.seconds)
        finally:  # completed even if the wait is cancelled: never a key stuck in flight
            if reply.finish is not None:
                self._finish(reply, call)

    def _finish(self, reply: Reply, call: Call) -> None:
        finish, reply.finish = reply.finish, None
        try:
            with self.lock:
                if finish is not None:
                    finish()
                self.save_state()
        except Exception:  # a bug of ours: logged, the answer already exists
            log.exception("%s mock failed to finish %s %s", self.name, call.method, call.path)

    async def _apply_fault(self, fault: Any, call: Call, scope: Scope) -> Response | None:
        self.journal.record(
            "mock.fault",
            self.name,
            fault.to_dict(),
            correlation_id=call.request_id,
            at=self.clock.now(),
        )
        if fault.kind == "latency":
            await asyncio.sleep(fault.seconds)
            return None
        if fault.kind in ("drop", "timeout"):
            if fault.kind == "timeout":
                await asyncio.sleep(fault.seconds)
            dropped = await drop_connection(scope)
            return dropped or self._respond(Reply(504, {"error": "dropped"}), call)
        body = (
            fault.body
            if fault.body is not None
            else self.render_error(
                ProviderError(fault.status, "INJECTED_FAULT", "injected fault"), call
            ).body
        )
        return self._respond(Reply(fault.status, body, dict(fault.headers)), call)

    def _respond(self, reply: Reply, call: Call) -> Response:
        headers = {self.request_id_header: call.request_id, **reply.headers}
        encoded = (
            None if reply.body is None or isinstance(reply.body, bytes) else _encode(reply.body)
        )
        self.journal.record(
            "mock.response",
            self.name,
            {
                "status": reply.status,
                "headers": self._redact_headers(headers),
                "body": self._journal_body(reply.body, encoded),
            },
            correlation_id=call.request_id,
            at=self.clock.now(),
        )
        if reply.body is None:
            return Response(status_code=reply.status, headers=headers)
        if isinstance(reply.body, bytes):
            return Response(reply.body, status_code=reply.status, headers=headers)
        if encoded is None:  # not plain JSON: Starlette's encoder says why
            return JSONResponse(reply.body, status_code=reply.status, headers=headers)
        return Response(
            encoded.encode(), status_code=reply.status, headers=headers, media_type=JSON_MEDIA
        )

    def _journal_body(self, value: Any, encoded: str | None) -> Any:
        """The journal's copy of a body, redacted. When its JSON text (``encoded``) holds
        nothing to mask, decoding that text is the copy (C speed); else the full walk."""
        if encoded is not None and not self._may_hold_secrets(encoded):
            return json.loads(encoded)
        return self.redact(value)

    def _may_hold_secrets(self, text: str) -> bool:
        """Whether a JSON text might hold a secret: a secret-looking key, a registered
        secret, or an escape sequence (which could spell either). Conservative: a false
        positive only costs the full redaction walk."""
        if "\\" in text:
            return True
        lowered = text.lower()
        return any(key in lowered for key in _QUOTED_SECRET_KEYS) or any(
            secret in text
            for secret in tuple(self.secrets)  # a copy: handlers add secrets
        )

    # -- journal and secrets --------------------------------------------------------------
    def register_secret(self, value: str) -> None:
        """A value that must never appear in the journal (API keys, tokens, secrets)."""
        if value:
            self.secrets.add(value)

    def redact(self, value: Any) -> Any:
        """``journal.redact`` (secret keys) and registered secret values masked, in one
        walk: it runs on every request and response body, so it is on the hot path."""
        return _scrub(value, tuple(self.secrets))

    def _redact_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {
            k: ("***" if k.lower() in SECRET_HEADERS else self.redact(v))
            for k, v in headers.items()
        }

    def _journal_request(self, call: Call) -> None:
        body: Any
        if "x-www-form-urlencoded" in call.headers.get("content-type", ""):
            # parsed, so that secret fields (client_secret, refresh_token) are masked by name
            form = parse_qsl(call.body.decode("utf-8", "replace"), keep_blank_values=True)
            body = self.redact(dict(form))
        else:
            try:  # a body nested too deeply for json or redaction is journaled as text
                body = self._request_body(call.body) if call.body else None
            except (ValueError, RecursionError):
                body = self.redact(call.body.decode("utf-8", "replace"))
        self.journal.record(
            "mock.request",
            self.name,
            {
                "method": call.method,
                "path": call.path,
                "query": self.redact(dict(call.query)),
                "headers": self._redact_headers(call.headers),
                "body": body,
            },
            correlation_id=call.request_id,
            at=self.clock.now(),
        )

    def _request_body(self, raw: bytes) -> Any:
        """A JSON request body for the journal: decoded (a fresh object), and walked for
        secrets only when its text may hold one."""
        text = raw.decode("utf-8")  # UnicodeDecodeError is a ValueError: journaled as text
        parsed = json.loads(text)
        return self.redact(parsed) if self._may_hold_secrets(text) else parsed

    # -- control API ----------------------------------------------------------------------
    def _control_routes(self) -> list[BaseRoute]:
        return [
            Route("/_control/faults", self._control_faults, methods=["GET", "POST", "DELETE"]),
            Route("/_control/clock", self._control_clock, methods=["GET", "POST"]),
            Route("/_control/journal", self._control_journal, methods=["GET"]),
            Route("/_control/reset", self._control_reset, methods=["POST"]),
            Route("/_control/seed", self._control_seed, methods=["POST"]),
            Route("/_control/webhooks", self._control_webhooks, methods=["GET"]),
            Route("/_control/webhooks/deliver", self._control_deliver, methods=["POST"]),
            Route("/_control/webhooks/duplicate", self._control_duplicate, methods=["POST"]),
        ]

    def _dispatcher(self) -> WebhookDispatcher | None:
        return getattr(self, "webhooks", None)

    async def _control_webhooks(self, request: Request) -> Response:
        hooks = self._dispatcher()
        if hooks is None:
            return bad_request(ControlError(f"the {self.name} mock sends no webhooks"))
        return JSONResponse(
            {
                "subscriptions": [s.public() for s in hooks.subscriptions()],
                "deliveries": [d.public() for d in hooks.deliveries()],
            }
        )

    async def _control_deliver(self, request: Request) -> Response:
        """Attempt every due delivery now (off the event loop: targets may be this app)."""
        hooks = self._dispatcher()
        if hooks is None:
            return bad_request(ControlError(f"the {self.name} mock sends no webhooks"))
        attempted = await asyncio.to_thread(hooks.deliver_due)
        self.save_state()
        return JSONResponse({"attempted": attempted})

    async def _control_duplicate(self, request: Request) -> Response:
        hooks = self._dispatcher()
        try:
            if hooks is None:
                raise ControlError(f"the {self.name} mock sends no webhooks")
            times = (await json_object(request)).get("times", 1)
            if not isinstance(times, int) or isinstance(times, bool) or times < 1:
                raise ControlError("'times' must be an integer >= 1")
        except ControlError as exc:
            return bad_request(exc)
        hooks.duplicate_next(times)
        self.save_state()
        return JSONResponse({"duplicate_next": times})

    async def _control_faults(self, request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse({"faults": self.faults.list()})
        if request.method == "DELETE":
            return JSONResponse({"cleared": self.faults.clear()})
        try:
            fault = self.faults.add(await json_object(request))
        except (ControlError, FaultSpecError) as exc:
            return bad_request(exc)
        return JSONResponse(
            {"fault": {**fault.to_dict(), "remaining": fault.times}}, status_code=201
        )

    async def _control_clock(self, request: Request) -> Response:
        if request.method == "POST":
            try:
                state = move_clock(self.clock, await json_object(request))
            except ControlError as exc:
                return bad_request(exc)
            self.journal.record("clock.changed", self.name, state, at=self.clock.now())
            self.save_state()
        return JSONResponse(clock_state(self.clock))

    async def _control_journal(self, request: Request) -> Response:
        return journal_entries(self.journal, request)

    async def _control_reset(self, request: Request) -> Response:
        self.reset()
        self.journal.record("mock.reset", self.name, {}, at=self.clock.now())
        return JSONResponse({"reset": True, **clock_state(self.clock)})

    async def _control_seed(self, request: Request) -> Response:
        try:
            data = await json_object(request)
            with self.lock:
                summary = self.seed(data)
                self.save_state()
        except (ControlError, ProviderError) as exc:
            return bad_request(exc)
        return JSONResponse({"seeded": summary})


def _get(owner: object, dotted: str) -> Any:
    for name in dotted.split("."):
        owner = getattr(owner, name)
    return owner


def _set(owner: object, dotted: str, value: Any) -> None:
    *path, last = dotted.split(".")
    setattr(_get(owner, ".".join(path)) if path else owner, last, value)


class _MockApp(Starlette):
    provider: MockProvider

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[RAW_SEND_KEY] = send
        await self.router(scope, receive, send)


def _allowed_methods(routes: list[Route], path: str) -> list[str]:
    """The methods of the most specific route template matching ``path`` (the one with
    the fewest parameters: ``/items/search`` wins over ``/items/{id}``)."""
    by_template: dict[str, set[str]] = {}
    for route in routes:
        if route.path_regex.match(path):
            by_template.setdefault(route.path, set()).update(route.methods or ())
    if not by_template:
        return []
    best = min(by_template, key=lambda template: template.count("{"))
    return sorted(by_template[best])


_SCALARS = (int, float, bool, type(None))
_QUOTED_SECRET_KEYS = tuple(f'"{key}"' for key in sorted(SECRET_KEYS))
JSON_MEDIA = "application/json"


def _encode(body: Any) -> str | None:
    """A body's JSON text as Starlette's ``JSONResponse`` writes it; None when it is not
    plain JSON (NaN, a non-JSON type)."""
    try:
        return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return None


def _scrub(value: Any, secrets: tuple[str, ...]) -> Any:
    """A copy of ``value``: values of secret keys become ``MASK`` (as ``journal.redact``)
    and registered secrets inside strings become ``MASK``. Exact type checks first: ABC
    ``isinstance`` checks cost more than the rest of a mock's request put together."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is str:
        for secret in secrets:
            if secret in value:
                value = value.replace(secret, MASK)
        return value
    if kind is dict or isinstance(value, Mapping):
        return {
            k: MASK if type(k) is str and k.lower() in SECRET_KEYS else _scrub(v, secrets)
            for k, v in value.items()
        }
    if kind is list or kind is tuple:
        return [_scrub(v, secrets) for v in value]
    return redact(value)


__all__ = ["Call", "Handler", "MockProvider", "Reply"]
