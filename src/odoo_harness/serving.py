"""Serving an ASGI app on 127.0.0.1 in a background thread, and dropping connections.

Every sandbox and mock runs through ``LoopbackServer``: it binds loopback only (port 0
picks a free port), starts uvicorn (httptools) in a daemon thread and returns once the
socket accepts connections. ``drop_connection`` closes a client's TCP connection without
a response (the faults ``drop`` and ``commit_then_drop``).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn
from starlette.responses import Response
from starlette.types import ASGIApp, Scope

from .errors import ConfigError, SandboxError

LOOPBACK = "127.0.0.1"
MAX_PORT = 65535
START_TIMEOUT = 10.0
RAW_SEND_KEY = "odoo_harness.raw_send"


# CPython's default (700, 10, 10) re-scans long-lived objects often. A long-running server
# keeps many: journals of up to 200,000 entries, catalogues, snapshots. With the defaults
# the collector took about a quarter of a mock's write CPU (benchmarks/mock_carrier.py:
# 1,867 req/s per core against 2,577 with the collector off); these thresholds keep
# collecting cycles, only less often (measured 2,073-2,406).
SERVING_GC_THRESHOLDS = (20_000, 20, 100)


def tune_gc_for_serving() -> None:
    """For a process whose job is serving (``sandbox up``, ``engine run``, endpoints): collect
    what start-up built once, then collect young objects less often."""
    gc.collect()
    gc.set_threshold(*SERVING_GC_THRESHOLDS)


class LoopbackServer:
    """One ASGI app served on 127.0.0.1; a context manager."""

    def __init__(
        self, app: ASGIApp, *, port: int = 0, host: str = LOOPBACK, name: str = "server"
    ) -> None:
        if host not in (LOOPBACK, "localhost"):
            raise ConfigError(f"servers only bind {LOOPBACK}; got host={host!r}")
        if not 0 <= port <= MAX_PORT:
            raise ConfigError(
                f"the {name}'s port must be 0..{MAX_PORT} (0: any free port); got {port}"
            )
        self.app = app
        self.name = name
        self._port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def port(self) -> int:
        if self._socket is None:
            raise SandboxError(f"the {self.name} is not started")
        return int(self._socket.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> Any:
        if self._thread is not None:
            return self
        # IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted sockets only then (without it
        # every response waits ~40 ms for a delayed ACK).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, self._port))
        except OSError as exc:
            sock.close()
            raise SandboxError(
                f"the {self.name} cannot listen on {LOOPBACK}:{self._port}: {exc.strerror}"
            ) from None
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
            name=f"{self.name}-{self.port}",
            daemon=True,
        )
        self._thread.start()
        self._wait_until_ready()
        return self

    def request_stop(self) -> None:
        """Ask the server to exit and return at once (``stop`` waits for it): servers
        asked together wind down together instead of one after the other."""
        if self._server is not None:
            self._server.should_exit = True

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
        raise SandboxError(f"the {self.name} did not start on {LOOPBACK}:{self._port}")

    def __enter__(self) -> Any:
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


async def drop_connection(scope: Scope) -> Response | None:
    """Close the client's connection without any response. Returns a response that is
    never sent, or None when the server gives no access to its transport (in-process
    test clients), so the caller can answer something else."""
    cycle = getattr(scope.get(RAW_SEND_KEY), "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        return None
    transport.close()
    for _ in range(5):  # let the server notice, so it sends nothing afterwards
        if getattr(cycle, "disconnected", True):
            break
        await asyncio.sleep(0)
    return Response(status_code=204)


__all__ = [
    "LOOPBACK",
    "RAW_SEND_KEY",
    "LoopbackServer",
    "drop_connection",
    "SERVING_GC_THRESHOLDS",
    "tune_gc_for_serving",
]
