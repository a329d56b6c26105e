"""``SandboxServer``: the embedded Odoo on a loopback port, in a background thread.

Binds 127.0.0.1 only (port 0 picks a free port, read back into ``url``), serves
``create_app`` through ``serving.LoopbackServer``, and returns from ``start()`` once the
socket accepts connections. Use it as a context manager in tests and in
``odoo-harness sandbox up``.
"""

from __future__ import annotations

from ...journal import Journal
from ...serving import LOOPBACK, LoopbackServer
from ..profiles import DEFAULT_VERSION
from ..sandbox import Sandbox
from .app import SandboxApp, create_app


class SandboxServer(LoopbackServer):
    """An embedded Odoo of one version served over HTTP on 127.0.0.1."""

    app: SandboxApp

    def __init__(
        self,
        version: str = DEFAULT_VERSION,
        port: int = 0,
        host: str = LOOPBACK,
        *,
        sandbox: Sandbox | None = None,
        journal: Journal | None = None,
    ) -> None:
        self.sandbox = sandbox if sandbox is not None else Sandbox(version)
        app = create_app(self.sandbox, journal=journal)
        super().__init__(app, port=port, host=host, name="Odoo sandbox")
        self.journal = app.journal

    @property
    def db(self) -> str:
        return self.sandbox.db_name

    @property
    def credentials(self) -> dict[str, tuple[str, str]]:
        sb = self.sandbox
        return {
            "admin": (sb.ADMIN_LOGIN, sb.ADMIN_PASSWORD),
            "integration": (sb.INTEGRATION_LOGIN, sb.INTEGRATION_PASSWORD),
        }

    @property
    def api_key(self) -> str | None:
        """The admin API key on versions with JSON-2 (19.0), else None."""
        return self.sandbox.admin_api_key() if self.sandbox.profile.json2 else None

    def start(self) -> SandboxServer:
        super().start()
        return self

    def __enter__(self) -> SandboxServer:
        return self.start()


__all__ = ["LOOPBACK", "SandboxServer"]
