"""Embedded sandboxes for the conformance runs: one per version, started on first use.

Shared by the pytest suite (a session fixture) and the report script. A version whose server
cannot start fails every case of that version with the same error instead of retrying.
"""

from __future__ import annotations

import importlib
from types import TracebackType
from typing import Any

from .replay import CaseRunner, Target

SERVER_MODULE = "odoo_harness.odoo.http.server"


class SandboxUnavailableError(Exception):
    """The sandbox server module does not exist yet (the suite skips rather than fails)."""


class RunnerPool:
    """Lazily started ``SandboxServer`` per version, each with its case runner."""

    def __init__(self) -> None:
        self._servers: dict[str, Any] = {}
        self._runners: dict[str, CaseRunner] = {}
        self._broken: dict[str, BaseException] = {}

    def __enter__(self) -> RunnerPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def runner(self, version: str) -> CaseRunner:
        """The runner for ``version``, starting its sandbox the first time."""
        if version in self._broken:
            raise self._broken[version]
        if version not in self._runners:
            try:
                self._runners[version] = self._start(version)
            except Exception as exc:
                self._broken[version] = exc
                raise
        return self._runners[version]

    def close(self) -> None:
        """Stop every server this pool started."""
        for server in self._servers.values():
            server.stop()
        self._servers.clear()
        self._runners.clear()

    def _start(self, version: str) -> CaseRunner:
        server = sandbox_class()(version=version)
        server.start()
        self._servers[version] = server
        return CaseRunner(Target.of_server(server, version))


def sandbox_class() -> Any:
    """``SandboxServer``, or :class:`SandboxUnavailableError` while it is not written yet."""
    try:
        module = importlib.import_module(SERVER_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name == SERVER_MODULE or SERVER_MODULE.startswith(f"{exc.name}."):
            raise SandboxUnavailableError(f"{SERVER_MODULE} does not exist yet") from exc
        raise
    return module.SandboxServer
