"""``CarrierMock``: the ParcelHub shipping carrier over HTTP, obeying
``contracts/providers/carrier.openapi.yaml``.

Per request, under the mock's lock: tracking catches up with the clock (emitting
``tracker.updated``), the credential is checked (API key or access token; 401), the
account's bucket is charged (429 with ``Retry-After``), then the handler runs. Buying a
label honours ``Idempotency-Key``. See ``docs/provider-mocks.md``.
"""

from __future__ import annotations

import copy
import json
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ...clock import Clock
from ...controlapi import ControlError
from ...journal import Journal
from ...serving import LoopbackServer
from ..base import (
    Call,
    Handler,
    IdempotencyStore,
    MockProvider,
    Outcome,
    ProviderError,
    Reply,
    StoredReply,
    TokenBucket,
    TokenIssuer,
    WebhookDispatcher,
)
from .accounts import Account, Settings
from .addresses import refuse_unverified, verify
from .auth import OAUTH_PATH, OAuthError, presented, token_request, unauthorized
from .clock_format import iso
from .rating import quote
from .shipments import MEDIA_TYPES, ShipmentBook
from .signing import sign
from .validation import checked

IDS = {
    "shipment_id": re.compile(r"^shp_[0-9a-z]{1,32}$"),
    "webhook_id": re.compile(r"^wh_[0-9a-z]{1,32}$"),
    "tracking_number": re.compile(r"^PH[0-9]{12}$"),
    "label_id": re.compile(r"^lbl_[0-9a-f]{24}$"),
    "before_id": re.compile(r"^shp_[0-9a-z]{1,32}$"),
}
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
HOST = re.compile(r"^[A-Za-z0-9.\-]{1,253}(:[0-9]{1,5})?$")
SHIPMENT_STATUSES = ("rated", "purchased", "void_requested", "voided")
PUBLIC_PREFIXES = (OAUTH_PATH, "/v1/labels/")


class _TickingDispatcher(WebhookDispatcher):
    """Catches the trackers up with the clock before delivering what is due."""

    def __init__(self, owner: CarrierMock, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.owner = owner

    def deliver_due(self) -> int:
        with self.owner.lock:
            self.owner.tick()
        return super().deliver_due()


class CarrierMock(MockProvider):
    """The ParcelHub mock: stateful, deterministic for a seed, in memory (and in a SQLite
    file with ``state_path``)."""

    name = "carrier"
    state_attributes = (
        "settings",
        "_by_key",
        "_by_client",
        "_by_id",
        "buckets",
        "tokens",
        "book",
        "idempotency",
        "_hook_owners",
    )

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        journal: Journal | None = None,
        seed: int = 0,
        settings: Settings | None = None,
        state_path: str | Path | None = None,
    ) -> None:
        clock = clock or Clock()
        journal = journal if journal is not None else Journal(now=clock.now)
        self.settings = settings or Settings()
        self.webhooks = _TickingDispatcher(
            self,
            system=self.name,
            clock=clock,
            journal=journal,
            signer=self._sign,
            encode=lambda event: json.dumps(event.payload, separators=(",", ":")).encode(),
        )
        self._hook_owners: dict[str, tuple[Account, str]] = {}
        super().__init__(clock=clock, journal=journal, seed=seed, state_path=state_path)

    # -- state ----------------------------------------------------------------------------
    def reset_state(self) -> None:
        self.book = ShipmentBook(self.next_id, self.rng, self._emit)
        self.idempotency = IdempotencyStore(self.clock)
        self.webhooks.clear()
        self._hook_owners.clear()
        self._apply(self.settings)

    def seed(self, data: dict[str, Any]) -> dict[str, Any]:
        """``{"settings": {accounts, rate_limits, token_ttl, rate_ttl}}``."""
        if set(data) - {"settings"}:
            raise ControlError('the carrier mock takes {"settings": {...}}')
        self._apply(self.settings.with_json(data.get("settings", {})))
        return {
            "accounts": [{"id": a.id, "mode": a.mode} for a in self.settings.accounts],
            "rate_limits": {m: vars(lim) for m, lim in self.settings.limits.items()},
            "token_ttl": self.settings.token_ttl.total_seconds(),
            "rate_ttl": self.settings.rate_ttl.total_seconds(),
        }

    def _apply(self, settings: Settings) -> None:
        self.settings = settings
        self._by_key = {a.api_key: a for a in settings.accounts}
        self._by_client = {a.client_id: a for a in settings.accounts}
        self._by_id = {a.id: a for a in settings.accounts}
        self.buckets = {
            mode: TokenBucket(self.clock, lim.requests, lim.refill)
            for mode, lim in settings.limits.items()
        }
        self.tokens = TokenIssuer(
            self.clock,
            settings.token_ttl,
            prefix="phat_",
            rng=random.Random(f"{self.seed_value}:tokens"),
        )
        for account in settings.accounts:
            self.register_secret(account.api_key)
            self.register_secret(account.client_secret)

    def after_restore(self) -> None:
        """A buy in flight when the mock stopped never finished: its key is free again."""
        self.idempotency.abandon_in_flight()

    def tick(self) -> None:
        """Reveal the tracking events the clock has reached (call under the lock)."""
        for tracker, visible in self.book.timeline.advance(self.clock.now()):
            account = self._by_id.get(self.book.owners.get(tracker.shipment_id, ""))
            if account is not None:
                self._emit(account, "tracker.updated", tracker.public(visible))

    def redact(self, value: Any) -> Any:
        """As the base class, and a label file becomes a short note in the journal."""
        if isinstance(value, bytes):
            return f"<{len(value)} bytes>"
        return super().redact(value)

    # -- serving --------------------------------------------------------------------------
    @contextmanager
    def serve(self, port: int = 0, *, deliver_webhooks: bool = True) -> Iterator[LoopbackServer]:
        """The mock on 127.0.0.1 and, optionally, webhook delivery on a background thread."""
        with self.server(port) as server:
            if deliver_webhooks:
                self.webhooks.start()
            try:
                yield server
            finally:
                self.webhooks.stop()

    # -- pipeline hooks -------------------------------------------------------------------
    def routes(self) -> list[tuple[str, str, Handler]]:
        return [
            ("POST", OAUTH_PATH, self.issue_token),
            ("POST", "/v1/addresses/validate", self.validate_address),
            ("POST", "/v1/rates", self.quote_rates),
            ("POST", "/v1/shipments", self.create_shipment),
            ("GET", "/v1/shipments", self.list_shipments),
            ("GET", "/v1/shipments/{shipment_id}", self.get_shipment),
            ("POST", "/v1/shipments/{shipment_id}/buy", self.buy_shipment),
            ("POST", "/v1/shipments/{shipment_id}/void", self.void_shipment),
            ("GET", "/v1/labels/{label_id}", self.get_label),
            ("GET", "/v1/trackers/{tracking_number}", self.get_tracker),
            ("POST", "/v1/webhooks", self.create_webhook),
            ("GET", "/v1/webhooks", self.list_webhooks),
            ("GET", "/v1/webhooks/{webhook_id}", self.get_webhook),
            ("DELETE", "/v1/webhooks/{webhook_id}", self.delete_webhook),
        ]

    def authenticate(self, call: Call) -> str | None:
        self.tick()
        if call.path.startswith(PUBLIC_PREFIXES):
            return None
        account = self._account(presented(call))
        decision = self.buckets[account.mode].take(account.id)
        limits = {
            "X-RateLimit-Limit": str(decision.limit),
            "X-RateLimit-Remaining": str(decision.remaining),
            "X-RateLimit-Reset": str(decision.reset_after),
        }
        call.context.update(account=account, limits=limits)
        if not decision.allowed:
            raise ProviderError(
                429,
                "RATE_LIMITED",
                f"rate limit of {decision.limit} requests exceeded; "
                f"retry after {decision.retry_after} s",
                headers={"Retry-After": str(decision.retry_after)},
            )
        return account.id

    def _account(self, credential: str) -> Account:
        account = self._by_key.get(credential)
        if account is not None:
            return account
        state, token = self.tokens.check(credential)
        if state == TokenIssuer.EXPIRED:
            raise unauthorized("the access token expired; request a new one", expired=True)
        if token is None or state != TokenIssuer.VALID or token.subject not in self._by_id:
            raise unauthorized("invalid API key or access token")
        return self._by_id[token.subject]

    def render_error(self, error: ProviderError, call: Call) -> Reply:
        if isinstance(error, OAuthError) or (call.path == OAUTH_PATH and error.status < 500):
            code = error.code if isinstance(error, OAuthError) else "invalid_request"
            return Reply(
                error.status,
                {"error": code, "error_description": error.message},
                dict(error.headers),
            )
        body = {
            "error": {
                "code": error.code,
                "message": error.message,
                "request_id": call.request_id,
                "errors": list(error.errors),
            }
        }
        return Reply(error.status, body, {**call.context.get("limits", {}), **error.headers})

    def _ok(self, call: Call, body: Any, status: int = 200) -> Reply:
        return Reply(status, body, dict(call.context.get("limits", {})))

    # -- auth -----------------------------------------------------------------------------
    def issue_token(self, call: Call) -> Reply:
        client_id, secret, _ = token_request(call)
        account = self._by_client.get(client_id)
        if account is None or account.client_secret != secret:
            raise OAuthError(401, "invalid_client", "unknown client or wrong secret")
        token = self.tokens.issue(account.id)
        self.register_secret(token.value)  # never in a journal, a report or a log
        body = {
            "access_token": token.value,
            "token_type": "Bearer",
            "expires_in": int(self.settings.token_ttl.total_seconds()),
            "scope": "shipping",
            "mode": account.mode,
        }
        return Reply(200, body, {"Cache-Control": "no-store"})

    # -- addresses and rates --------------------------------------------------------------
    def validate_address(self, call: Call) -> Reply:
        data = checked(call, "address_validation")
        verification = verify(data["address"], call.context["account"].mode)
        if data.get("strict"):
            refuse_unverified(verification)
        return self._ok(call, verification)

    def quote_rates(self, call: Call) -> Reply:
        data = checked(call, "rates")
        now, mode = self.clock.now(), call.context["account"].mode
        rates, messages = quote(
            data,
            mode=mode,
            now=now,
            expires_at=now + self.settings.rate_ttl,
            new_id=lambda: self.next_id("rate_"),
            shipment_id=None,
        )
        return self._ok(call, {"rates": rates, "messages": messages, "mode": mode})

    # -- shipments ------------------------------------------------------------------------
    def create_shipment(self, call: Call) -> Reply:
        data = checked(call, "shipment")
        shipment = self.book.create(
            call.context["account"], data, self.clock.now(), self.settings.rate_ttl
        )
        return self._ok(call, shipment, 201)

    def list_shipments(self, call: Call) -> Reply:
        query = _query(call, {"reference", "status", "limit", "before_id"})
        shipments, more = self.book.find(
            call.context["account"],
            self.clock.now(),
            reference=query.get("reference"),
            status=query.get("status"),
            before_id=query.get("before_id"),
            limit=int(query.get("limit", 20)),
        )
        return self._ok(call, {"shipments": shipments, "has_more": more})

    def get_shipment(self, call: Call) -> Reply:
        shipment_id = _path_id(call, "shipment_id")
        return self._ok(call, self.book.get(call.context["account"], shipment_id, self.clock.now()))

    def buy_shipment(self, call: Call) -> Reply:
        key = call.headers.get("idempotency-key")
        if key is None:
            return self._buy(call)
        if not IDEMPOTENCY_KEY.match(key):
            raise ProviderError(
                400,
                "INVALID_PARAMETER",
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
                errors=[
                    {
                        "field": "Idempotency-Key",
                        "code": "invalid",
                        "message": "1 to 255 visible ASCII characters",
                    }
                ],
            )
        scope = call.context["account"].id
        outcome, stored = self.idempotency.begin(scope, key, _fingerprint(call))
        if outcome == Outcome.MISMATCH:
            raise ProviderError(
                422,
                "IDEMPOTENCY_KEY_REUSED",
                "this Idempotency-Key was used "
                "with another request; use a new key for a new request",
            )
        if outcome == Outcome.IN_FLIGHT:
            raise ProviderError(
                409,
                "IDEMPOTENCY_KEY_IN_USE",
                "a request with this Idempotency-Key is still being processed; retry later",
            )
        if outcome == Outcome.REPLAY and stored is not None:
            return self._replay(call, stored)
        reply = self._buy(call)
        stored = StoredReply(reply.status, copy.deepcopy(reply.body), {})
        # stored once the answer is final: a `hold` fault keeps the key in flight until then
        reply.finish = lambda: self.idempotency.finish(scope, key, stored)
        return reply

    def _buy(self, call: Call) -> Reply:
        try:
            shipment_id = _path_id(call, "shipment_id")
            data = checked(call, "buy")
            shipment = self.book.buy(
                call.context["account"], shipment_id, data, self.clock.now(), _label_base(call)
            )
        except ProviderError as error:
            return self.render_error(error, call)
        return self._ok(call, shipment)

    def _replay(self, call: Call, stored: StoredReply) -> Reply:
        headers = {**call.context.get("limits", {}), "Idempotent-Replayed": "true"}
        return Reply(stored.status, copy.deepcopy(stored.body), headers)

    def void_shipment(self, call: Call) -> Reply:
        shipment_id = _path_id(call, "shipment_id")
        return self._ok(
            call, self.book.void(call.context["account"], shipment_id, self.clock.now())
        )

    # -- labels and tracking --------------------------------------------------------------
    def get_label(self, call: Call) -> Reply:
        label = self.book.label(_path_id(call, "label_id"))
        return Reply(200, label.content(), {"Content-Type": MEDIA_TYPES[label.format]})

    def get_tracker(self, call: Call) -> Reply:
        number = _path_id(call, "tracking_number")
        return self._ok(call, self.book.tracker(call.context["account"], number).public())

    # -- webhooks -------------------------------------------------------------------------
    def create_webhook(self, call: Call) -> Reply:
        data = checked(call, "webhook")
        account = call.context["account"]
        topics = [f"{account.id}:{event}" for event in data["events"]]
        self.register_secret(data["secret"])
        sub = self.webhooks.subscribe(data["url"], topics, data["secret"])
        self._hook_owners[sub.id] = (account, iso(self.clock.now()))
        return self._ok(call, self._webhook(sub.id), 201)

    def list_webhooks(self, call: Call) -> Reply:
        account = call.context["account"]
        hooks = [
            self._webhook(sub.id)
            for sub in self.webhooks.subscriptions()
            if self._hook_owners.get(sub.id, (None,))[0] == account
        ]
        return self._ok(call, {"webhooks": hooks})

    def get_webhook(self, call: Call) -> Reply:
        return self._ok(call, self._webhook(self._own_webhook(call)))

    def delete_webhook(self, call: Call) -> Reply:
        sub_id = self._own_webhook(call)
        self.webhooks.unsubscribe(sub_id)
        del self._hook_owners[sub_id]
        return self._ok(call, None, 204)

    def _own_webhook(self, call: Call) -> str:
        sub_id = _path_id(call, "webhook_id")
        owner = self._hook_owners.get(sub_id)
        if owner is None or owner[0] != call.context["account"] or not self.webhooks.get(sub_id):
            raise ProviderError(404, "NOT_FOUND", f"no webhook {sub_id}")
        return sub_id

    def _webhook(self, sub_id: str) -> dict[str, Any]:
        sub = self.webhooks.get(sub_id)
        account, created_at = self._hook_owners[sub_id]
        assert sub is not None
        return {
            "id": sub.id,
            "url": sub.url,
            "events": [topic.split(":", 1)[1] for topic in sub.topics],
            "active": sub.active,
            "mode": account.mode,
            "created_at": created_at,
        }

    def _emit(self, account: Account, event_type: str, data: dict[str, Any]) -> None:
        event_id = self.next_id("evt_")
        envelope = {
            "id": event_id,
            "type": event_type,
            "created_at": iso(self.clock.now()),
            "mode": account.mode,
            "data": copy.deepcopy(data),
        }
        self.webhooks.emit(f"{account.id}:{event_type}", envelope, event_id)

    def _sign(self, body: bytes, secret: str, event: Any) -> dict[str, str]:
        return sign(body, secret, self.clock.now(), event.id)


def _path_id(call: Call, name: str) -> str:
    value = str(call.path_params.get(name, ""))
    if not IDS[name].match(value):
        raise ProviderError(404, "NOT_FOUND", f"no such {name.replace('_', ' ')}: {value[:80]}")
    return value


def _query(call: Call, allowed: set[str]) -> dict[str, str]:
    """The known query parameters, checked (400 ``INVALID_PARAMETER``); others are ignored."""
    query = {k: v for k, v in call.query.items() if k in allowed}
    problems = []
    if "reference" in query and not 1 <= len(query["reference"]) <= 100:
        problems.append(("reference", "1 to 100 characters"))
    if "status" in query and query["status"] not in SHIPMENT_STATUSES:
        problems.append(("status", f"one of {', '.join(SHIPMENT_STATUSES)}"))
    limit = query.get("limit")
    if limit is not None and not (limit.isascii() and limit.isdigit() and 1 <= int(limit) <= 100):
        problems.append(("limit", "an integer from 1 to 100"))
    if "before_id" in query and not IDS["before_id"].match(query["before_id"]):
        problems.append(("before_id", "a shipment id (shp_...)"))
    if problems:
        raise ProviderError(
            400,
            "INVALID_PARAMETER",
            "invalid query parameters",
            errors=[
                {"field": name, "code": "invalid", "message": f"must be {rule}"}
                for name, rule in problems
            ],
        )
    return query


def fingerprint(method: str, path: str, body: bytes) -> str:
    """A request's identity for idempotency: method, path and the same JSON, however it
    is spaced or ordered (the raw bytes when the body is not JSON)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, RecursionError):
        canonical = body
    return IdempotencyStore.fingerprint(method, path, canonical)


def _fingerprint(call: Call) -> str:
    return fingerprint(call.method, call.path, call.body)


def _label_base(call: Call) -> str:
    host = call.headers.get("host", "")
    return f"http://{host if HOST.match(host) else '127.0.0.1'}"


__all__ = ["CarrierMock", "fingerprint"]
