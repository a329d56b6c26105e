"""Business-flow scenarios: ``*.scenario.yaml`` files, loaded and checked at load time,
run against fresh sandboxes through a system-under-test adapter, and collected by the
pytest plugin (``plugin.py``, registered through the ``pytest11`` entry point)."""

from .checks import Failure
from .model import Scenario, Step, load_scenario
from .runner import ScenarioResult, StepResult, run_scenario
from .sut import ReferenceEngine, SystemUnderTest, system_under_test

__all__ = [
    "Failure",
    "ReferenceEngine",
    "Scenario",
    "ScenarioResult",
    "Step",
    "StepResult",
    "SystemUnderTest",
    "load_scenario",
    "run_scenario",
    "system_under_test",
]
