"""``SandboxServer``: the embedded Odoo on a loopback port, in a background thread.

Binds 127.0.0.1 only (port 0 picks a free port, read back into ``url``), serves
``create_app`` with uvicorn, and returns from ``start()`` once the socket accepts
connections. Use it as a context manager in tests and in ``odoo-harness sandbox up``.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from types import TracebackType

import uvicorn

from ...errors import ConfigError, SandboxError
from ...journal import Journal
from ..profiles import DEFAULT_VERSION
from ..sandbox import Sandbox
from .app import SandboxApp, create_app

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 10.0


class SandboxServer:
    """An embedded Odoo of one version served over HTTP on 127.0.0.1."""

    def __init__(
        self,
        version: str = DEFAULT_VERSION,
        port: int = 0,
        host: str = LOOPBACK,
        *,
        sandbox: Sandbox | None = None,
        journal: Journal | None = None,
    ) -> None:
        if host not in (LOOPBACK, "localhost"):
            raise ConfigError(f"the sandbox only binds {LOOPBACK}; got host={host!r}")
        self.sandbox = sandbox if sandbox is not None else Sandbox(version)
        self.app: SandboxApp = create_app(self.sandbox, journal=journal)
        self.journal = self.app.journal
        self._port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    # -- what clients need -----------------------------------------------------------
    @property
    def port(self) -> int:
        if self._socket is None:
            raise SandboxError("the sandbox server is not started")
        return int(self._socket.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

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

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> SandboxServer:
        if self._thread is not None:
            return self
        # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted sockets only then
        # (without it every response waits ~40 ms for a delayed ACK).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, self._port))
        self._socket = sock
        config = uvicorn.Config(
            self.app,
            lifespan="off",
            http="httptools",
            access_log=False,
            log_level=logging.WARNING,
            log_config=None,
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [sock]},
            name=f"odoo-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        self._wait_until_ready()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(timeout=5)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=5)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = None

    def _wait_until_ready(self) -> None:
        assert self._server is not None and self._thread is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._server.started and _accepts(self.port):
                return
            if not self._thread.is_alive():
                break
            time.sleep(0.01)
        self.stop()
        raise SandboxError(f"the Odoo sandbox did not start on {LOOPBACK}:{self._port}")

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=0.5):
            return True
    except OSError:
        return False


__all__ = ["LOOPBACK", "SandboxServer"]
