"""``odoo-harness contracts lint|verify``: check contract files, and check a server against one.

``lint [PATH ...]`` prints one ``file:line: where: reason`` line per problem (exit 0 clean,
1 findings, 4 usage error); ``verify CONTRACT --base-url URL`` runs schemathesis against
the URL and writes JUnit XML and an HTML report (pytest's exit codes).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import ConfigError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 4


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("contracts", help="lint contract files; verify a server")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    lint = actions.add_parser("lint", help="validate contract files (OpenAPI 3.1 + house rules)")
    lint.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="contract files or folders (default: contracts/**/*.openapi.yaml)",
    )
    lint.set_defaults(handler=run_lint)
    verify = actions.add_parser("verify", help="run schemathesis against a base URL")
    verify.add_argument("contract", metavar="CONTRACT", help="the OpenAPI file")
    verify.add_argument("--base-url", required=True, metavar="URL", help="the server to check")
    verify.add_argument(
        "--header",
        dest="headers",
        action="append",
        default=[],
        metavar="'Name: value'",
        help="send this header (repeatable; masked)",
    )
    verify.add_argument(
        "--query",
        dest="query",
        action="append",
        default=[],
        metavar="'name=value'",
        help="send this query-parameter credential, e.g. hapikey=... (repeatable; masked): "
        "as the contract's apiKey scheme of that name, else on every operation having it",
    )
    verify.add_argument(
        "--max-examples",
        type=_positive,
        default=None,
        metavar="N",
        help="test cases per operation and phase (schemathesis's default)",
    )
    verify.add_argument("--seed", type=int, default=None, help="make the run reproducible")
    verify.add_argument(
        "--junit",
        type=Path,
        default=None,
        metavar="PATH",
        help="JUnit XML (default reports/contracts/<name>.junit.xml)",
    )
    verify.add_argument(
        "--html",
        type=Path,
        default=None,
        metavar="PATH",
        help="HTML report (default reports/contracts/<name>.html)",
    )
    verify.set_defaults(handler=run_verify)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def contract_files(paths: list[str]) -> list[Path]:
    """Files named, files under named folders, or every contract of ``contracts/``."""
    from ..contracts import default_contracts

    if not paths:
        found = default_contracts()
        if not found:
            raise ConfigError("no contracts/**/*.openapi.yaml here; name the files to lint")
        return found
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.name.endswith((".openapi.yaml", ".openapi.yml", ".openapi.json"))
            )
            if not found:  # nothing checked must not read as "clean"
                raise ConfigError(f"{name}: no *.openapi.yaml|yml|json file in this folder")
            files += found
        else:
            files.append(path)
    return files


def run_lint(args: argparse.Namespace) -> int:
    from ..contracts import lint

    files = contract_files(args.paths)
    findings = [finding for path in files for finding in lint(path)]
    for finding in findings:
        print(finding)
    word = "problem" if len(findings) == 1 else "problems"
    summary = f"{len(files)} contract(s) checked: {len(findings) or 'no'} {word}"
    print(summary, file=sys.stderr)
    return EXIT_FAILED if findings else EXIT_OK


def run_verify(args: argparse.Namespace) -> int:
    from ..contracts._verify import VerifyOptions, parse_header, parse_query, verify

    options = VerifyOptions(
        contract=Path(args.contract),
        base_url=args.base_url,
        headers=tuple(parse_header(h) for h in args.headers),
        query=tuple(parse_query(q) for q in args.query),
        max_examples=args.max_examples,
        seed=args.seed,
        junit=args.junit,
        html=args.html,
    )
    return verify(options, echo=lambda line: print(line, flush=True))
