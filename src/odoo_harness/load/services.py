"""Child processes of a load run: the sandbox, the stock endpoint and Locust's processes.

Each child runs in its own session (so it can be stopped with everything it started),
its output is read on a thread, and ``wait_ready`` waits for its ready line with a timeout,
failing clearly (exit code, last lines, secrets masked) when the child dies first.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections import deque
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType

from ..errors import SandboxError
from ..journal import mask_secrets

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


class Child:
    """One child process; a context manager that stops it (and its session) on exit."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        secrets: Iterable[str] = (),
        log: Path | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = env
        self.secrets = [s for s in secrets if s]
        self.log = log
        self.lines: deque[str] = deque(maxlen=200)
        self._new_line = threading.Condition()
        self.process: subprocess.Popen[str] | None = None

    def __enter__(self) -> Child:
        self.process = subprocess.Popen(
            self.argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
            start_new_session=True,
        )
        threading.Thread(target=self._read, name=f"{self.name}-output", daemon=True).start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        handle = self.log.open("a", encoding="utf-8") if self.log else None
        try:
            for line in self.process.stdout:
                line = self.mask(line.rstrip("\n"))
                if handle:
                    handle.write(line + "\n")
                    handle.flush()
                with self._new_line:
                    self.lines.append(line)
                    self._new_line.notify_all()
        finally:
            if handle:
                handle.close()
            with self._new_line:
                self._new_line.notify_all()

    def mask(self, text: str) -> str:
        return mask_secrets(text, self.secrets)

    def wait_ready(self, pattern: str, timeout: float) -> re.Match[str]:
        """The first output line matching ``pattern``; SandboxError if the child exits or
        ``timeout`` seconds pass first."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        seen = 0
        with self._new_line:
            while True:
                lines = list(self.lines)
                for line in lines[seen:]:
                    match = regex.search(line)
                    if match:
                        return match
                seen = len(lines)
                code = self.process.poll() if self.process else None
                if code is not None:
                    raise SandboxError(
                        f"the {self.name} exited with code {code} before it was ready"
                        + self._tail()
                    )
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SandboxError(
                        f"the {self.name} was not ready within {timeout:g} s" + self._tail()
                    )
                self._new_line.wait(min(left, 0.5))

    def _tail(self) -> str:
        tail = list(self.lines)[-8:]
        return ("; its last output:\n  " + "\n  ".join(tail)) if tail else " (no output)"

    def wait(self, timeout: float) -> int | None:
        """The exit code, or None if still running after ``timeout`` seconds."""
        assert self.process is not None
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM to the child's session (Locust then stops its users and writes its
        reports), then SIGKILL after ``grace`` seconds."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                return
            try:
                process.wait(grace)
                return
            except subprocess.TimeoutExpired:
                continue
