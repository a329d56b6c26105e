"""The HTML report in a real browser (Debian's chromium, headless): the page parses, the
diagram is SVG with its arrows, and a screenshot is drawn. Skipped without chromium."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from odoo_harness.reports import write_reports
from odoo_harness.scenarios.failure import reproduce_command
from odoo_harness.scenarios.model import load_scenario
from odoo_harness.scenarios.runner import run_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "crm_contacts" / "exported_once_despite_lost_answer.scenario.yaml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.wire,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
]


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    command = [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = run_scenario(load_scenario(SCENARIO))
    data = {
        **result.to_dict(),
        "faults": list(result.scenario.faults),
        "reproduce": reproduce_command(result),
    }
    folder = tmp_path_factory.mktemp("report")
    write_reports([data], folder)
    return folder / "report.html"


def test_the_browser_sees_the_diagram_as_svg_with_its_arrows(report: Path) -> None:
    dom = chromium("--dump-dom", report.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="sequence"') == 1
    assert html.count('class="arrow') >= 10 and 'class="arrow fault"' in html
    assert "POST /crm/v3/objects/contacts/batch/upsert" in html
    assert "committed, then dropped the answer" in html
    assert "Requests and responses" in html and "Records created" in html


def test_a_screenshot_is_drawn(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    done = chromium(f"--screenshot={shot}", "--window-size=1400,2000", report.as_uri())
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1400, 2000)
    assert shot.stat().st_size > 50_000  # a blank page compresses to a few kB
