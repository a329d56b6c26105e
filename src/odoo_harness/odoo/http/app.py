"""``create_app(sandbox)``: the embedded Odoo's HTTP surface as one Starlette app.

Plain routes, no middleware: the app stores the server's raw ``send`` in the scope (to
drop connections on purpose) and hands the request to the router, except the XML-RPC
services' POSTs, which go straight to ``XmlRpc.asgi`` (the hot path; same answers). Model
calls run on the event loop thread, directly against the synchronous sandbox (it
serialises calls itself).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from ...journal import Journal
from ..sandbox import Sandbox
from .api_doc import ApiDoc
from .calls import ModelCaller
from .control import Control
from .faults import FaultBook
from .json2 import Json2
from .jsonrpc import JsonRpc, rpc_route
from .services import Services
from .transport import RAW_SEND_KEY
from .web import Sessions, Web
from .xmlrpc import XmlRpc


class SandboxApp(Starlette):
    """A Starlette app whose parts (faults, journal, sessions) tests and servers can reach."""

    sandbox: Sandbox
    faults: FaultBook
    journal: Journal
    sessions: Sessions
    # POST paths answered by ``XmlRpc.asgi`` without the router: path -> (service, legacy)
    xmlrpc_paths: dict[str, tuple[str, bool]] = {}
    xmlrpc: XmlRpc | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[RAW_SEND_KEY] = send
        if (
            self.xmlrpc is not None
            and scope["type"] == "http"
            and scope["method"] == "POST"
            and not scope.get("root_path")
            and (target := self.xmlrpc_paths.get(scope["path"])) is not None
        ):
            await self.xmlrpc.asgi(scope, receive, send, target[0], legacy=target[1])
            return
        await self.router(scope, receive, send)


def create_app(sandbox: Sandbox, *, journal: Journal | None = None) -> SandboxApp:
    """The app serving ``sandbox``; ``journal`` is shared when given (one journal sees all)."""
    journal = journal if journal is not None else Journal()
    faults, sessions = FaultBook(), Sessions()
    caller = ModelCaller(sandbox, faults, journal)
    services = Services(sandbox, caller, journal)
    app = SandboxApp(routes=_routes(sandbox, services, caller, faults, journal, sessions))
    app.sandbox, app.faults, app.journal, app.sessions = sandbox, faults, journal, sessions
    app.xmlrpc = XmlRpc(services, sandbox.profile)
    app.xmlrpc_paths = {
        path: (service, legacy)
        for service in ("object", "common", "db")
        for path, legacy in ((f"/xmlrpc/2/{service}", False), (f"/xmlrpc/{service}", True))
    }
    return app


def _routes(
    sandbox: Sandbox,
    services: Services,
    caller: ModelCaller,
    faults: FaultBook,
    journal: Journal,
    sessions: Sessions,
) -> list[BaseRoute]:
    xmlrpc = XmlRpc(services, sandbox.profile)
    jsonrpc = JsonRpc(sandbox.profile)
    routes: list[BaseRoute] = [
        Route("/xmlrpc/2/{service}", xmlrpc.handle_int, methods=["POST"]),
        Route("/xmlrpc/{service}", xmlrpc.handle_legacy, methods=["POST"]),
        Route("/jsonrpc", jsonrpc.route(rpc_route(services)), methods=["POST"]),
        *Web(sandbox, caller, sessions).routes(jsonrpc),
        *Control(sandbox, faults, journal, sessions).routes(),
    ]
    if sandbox.profile.json2:
        routes.extend(Json2(sandbox, caller).routes())
        routes.extend(ApiDoc(sandbox, sessions).routes())
    return routes


__all__ = ["SandboxApp", "create_app"]
