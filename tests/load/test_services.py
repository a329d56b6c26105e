"""Child processes: waiting for a ready line, failing clearly when a child dies or hangs."""

from __future__ import annotations

import sys

import pytest

from odoo_harness.errors import SandboxError
from odoo_harness.load.services import Child


def test_the_ready_line_is_found_and_the_child_stopped_on_exit() -> None:
    script = "import time; print('warming'); print('ready: http://127.0.0.1:1', flush=True); time.sleep(60)"
    with Child("server", [sys.executable, "-c", script]) as child:
        assert child.wait_ready(r"ready: (\S+)", 20)[1] == "http://127.0.0.1:1"
    assert child.process is not None and child.process.poll() is not None


def test_a_child_dying_first_is_named_with_its_code_and_last_output_secrets_masked() -> None:
    script = "print('login with s3cr3t-key failed', flush=True); raise SystemExit(7)"
    with (
        Child("stock endpoint", [sys.executable, "-c", script], secrets=["s3cr3t-key"]) as child,
        pytest.raises(SandboxError) as caught,
    ):
        child.wait_ready("never printed", 20)
    message = str(caught.value)
    assert "the stock endpoint exited with code 7 before it was ready" in message
    assert "login with *** failed" in message and "s3cr3t-key" not in message


def test_a_child_never_ready_times_out_and_is_stopped() -> None:
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    with (
        Child("sandbox", sleeper) as child,
        pytest.raises(SandboxError, match=r"the sandbox was not ready within 0.5 s \(no output\)"),
    ):
        child.wait_ready("ready", 0.5)
    assert child.process is not None and child.process.poll() is not None
