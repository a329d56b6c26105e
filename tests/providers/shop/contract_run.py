"""Running schemathesis's engine (every phase, every default check) against a base URL
and collecting what it finds as readable lines (the failing check, the operation, the
reason and a curl command that reproduces it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema


@dataclass
class Outcome:
    findings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    scenarios: dict[str, int] = field(default_factory=dict)  # phase -> scenarios run
    checks: int = 0


def run(
    contract: Path, base_url: str, headers: dict[str, str], settings: dict[str, Any]
) -> Outcome:
    config = SchemathesisConfig.from_dict(settings)
    config.projects.default.update(base_url=base_url, headers=headers)
    schema = schemathesis.openapi.from_path(contract, config=config)
    outcome = Outcome()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            _collect(event, outcome)
        elif isinstance(event, events.NonFatalError):
            outcome.errors.append(f"{event.label}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            outcome.errors.append(repr(event.exception))
    return outcome


def _collect(event: events.ScenarioFinished, outcome: Outcome) -> None:
    phase = event.phase.value
    outcome.scenarios[phase] = outcome.scenarios.get(phase, 0) + 1
    for case_id, nodes in event.recorder.checks.items():
        outcome.checks += len(nodes)
        for node in nodes:
            if node.status == Status.FAILURE and node.failure_info is not None:
                case = event.recorder.cases[case_id].value
                failure = node.failure_info.failure
                outcome.findings.append(
                    f"[{phase}] {node.name}: {case.operation.label}: {failure.title}: "
                    f"{failure.message} | reproduce: {node.failure_info.code_sample}"
                )
