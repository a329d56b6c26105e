"""Replay all conformance cases without pytest and print a pass/fail table per version and topic.

    .venv/bin/python -m tests.conformance.report [--version 18.0] [--topic orm] [--all] \\
        [--out failing.txt] [-v]

``--out`` writes the failing test ids in the format of ``expected_failures.txt``. Exit code 0
when every replayed case passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .replay import ACCEPTANCE_TOPICS, Case, ReplayFailure, load_cases
from .servers import RunnerPool


def main(argv: Sequence[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    cases = _selected(load_cases(), options)
    failures: dict[str, str] = {}
    with RunnerPool() as pool:
        for case in cases:
            problem = _replay(pool, case)
            if problem is not None:
                failures[case.test_id] = problem
                if options.verbose:
                    print(f"FAIL {case.test_id}: {problem}", file=sys.stderr)
    print(_table(cases, failures))
    if options.out:
        _write(options.out, failures)
    return 1 if failures else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tests.conformance.report", description=__doc__)
    parser.add_argument("--version", action="append", help="only this version (repeatable)")
    parser.add_argument("--topic", action="append", help="only this topic (repeatable)")
    parser.add_argument("--all", action="store_true", help="include the business topics")
    parser.add_argument("--out", type=Path, help="write the failing test ids to this file")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="print each failure's difference"
    )
    return parser


def _selected(cases: list[Case], options: argparse.Namespace) -> list[Case]:
    topics = options.topic or (None if options.all else ACCEPTANCE_TOPICS)
    return [
        case
        for case in cases
        if (not options.version or case.version in options.version)
        and (topics is None or case.topic in topics)
    ]


def _replay(pool: RunnerPool, case: Case) -> str | None:
    """None when the case passes, else a one-line reason."""
    try:
        pool.runner(case.version).run(case)
    except ReplayFailure as failure:
        return f"step {failure.step_index + 1}: {failure.problem}"
    except Exception as exc:  # a server that cannot start fails its cases, the report goes on
        return f"{type(exc).__name__}: {exc}"
    return None


def _table(cases: list[Case], failures: dict[str, str]) -> str:
    totals: Counter[tuple[str, str]] = Counter((case.version, case.topic) for case in cases)
    failed: Counter[tuple[str, str]] = Counter(
        (case.version, case.topic) for case in cases if case.test_id in failures
    )
    rows = [f"{'version':<8} {'topic':<10} {'passed':>6} {'failed':>6} {'total':>6}"]
    for version, topic in totals:
        total, bad = totals[version, topic], failed[version, topic]
        rows.append(f"{version:<8} {topic:<10} {total - bad:>6} {bad:>6} {total:>6}")
    total, bad = len(cases), len(failures)
    rows.append(f"{'all':<8} {'':<10} {total - bad:>6} {bad:>6} {total:>6}")
    return "\n".join(rows)


def _write(path: Path, failures: dict[str, str]) -> None:
    header = [
        "# Conformance cases that fail against the embedded sandbox (strict xfail).",
        "# Regenerate: .venv/bin/python -m tests.conformance.report --out <this file>",
    ]
    lines = [f"{test_id}  # {reason[:150]}" for test_id, reason in sorted(failures.items())]
    path.write_text("\n".join(header + lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
