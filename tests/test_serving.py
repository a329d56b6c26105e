"""What a serving process changes about itself (``serving.tune_gc_for_serving``)."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest
from starlette.responses import Response

from odoo_harness.errors import ConfigError
from odoo_harness.serving import SERVING_GC_THRESHOLDS, LoopbackServer, tune_gc_for_serving


def test_serving_processes_collect_young_objects_less_often_but_still_collect() -> None:
    before = gc.get_threshold()  # other tests may have run a serving command in-process
    try:
        gc.set_threshold(700, 10, 10)  # CPython's default
        tune_gc_for_serving()
        assert gc.get_threshold() == SERVING_GC_THRESHOLDS
        assert gc.isenabled()  # cycles are still collected
        assert SERVING_GC_THRESHOLDS[0] > 700
    finally:
        gc.set_threshold(*before)


def test_sandbox_up_runs_with_the_serving_thresholds() -> None:
    # `sandbox up --help` exits before serving; run the handler's first lines instead.
    code = (
        "import gc, argparse\n"
        "from odoo_harness.cli import sandbox\n"
        "class Stop(Exception): pass\n"
        "def stop(self): raise Stop\n"
        "sandbox.SandboxServer.__enter__ = stop\n"
        "from odoo_harness.cli.main import build_parser\n"
        "args = build_parser().parse_args(['sandbox', 'up', '--no-mocks'])\n"
        "try:\n"
        "    sandbox.sandbox_up(args)\n"
        "except Stop:\n"
        "    print(gc.get_threshold())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.stdout.strip() == str(SERVING_GC_THRESHOLDS), done.stdout + done.stderr


@pytest.mark.parametrize("port", [-1, 65536, 99999])
def test_a_port_out_of_range_is_a_config_error_naming_the_server(port: int) -> None:
    with pytest.raises(ConfigError, match=rf"the mock's port must be 0\.\.65535 .*got {port}"):
        LoopbackServer(Response(), port=port, name="mock")
