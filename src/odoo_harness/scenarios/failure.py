"""The one formatter for a failed scenario: title, each failing expectation (expected and
actual), the journal entries that explain it, and a "Reproduce with:" command."""

from __future__ import annotations

import json
import shlex
from typing import Any

from ..journal import mask_secrets
from .runner import ScenarioResult

MAX_ENTRY = 600


def reproduce_command(result: ScenarioResult) -> str:
    scenario = result.scenario
    target = f"{scenario.path}::{scenario.test}" if scenario.test else str(scenario.path)
    return f"odoo-harness run {shlex.quote(target)}"


def render_failure(result: ScenarioResult) -> str:
    scenario = result.scenario
    lines = [f"Scenario failed: {scenario.title}", f"  file: {scenario.path}", ""]
    for failure in result.failures:
        where = f"{scenario.path}:{failure.line}"
        lines.append(f"- {failure.check} ({where})")
        if failure.message:
            lines.append(f"    {failure.message}")
        lines.append(f"    expected: {_short(failure.expected)}")
        lines.append(f"    actual:   {_short(failure.actual)}")
        if failure.entries:
            lines.append("    journal:")
            lines += [f"      {_entry(e, result.secrets)}" for e in failure.entries]
    if result.steps:
        lines += ["", "Steps:"]
        lines += [
            f"  {'ok  ' if s.ok else 'FAIL'} line {s.line}: {s.text}"
            + (f"  -> {s.detail}" if not s.ok else "")
            for s in result.steps
        ]
    lines += ["", "Reproduce with:", f"    {reproduce_command(result)}"]
    return mask_secrets("\n".join(lines), result.secrets)


def _entry(entry: dict[str, Any], secrets: tuple[str, ...] = ()) -> str:
    data = json.dumps(entry.get("data", {}), default=str, sort_keys=True)
    text = f"#{entry['seq']} {entry['at']} {entry['system']} {entry['kind']} {data}"
    text = mask_secrets(text, secrets)  # before cutting: no half secret survives
    return text if len(text) <= MAX_ENTRY else text[: MAX_ENTRY - 3] + "..."


def _short(value: Any) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text if len(text) <= MAX_ENTRY else text[: MAX_ENTRY - 3] + "..."


__all__ = ["render_failure", "reproduce_command"]
