"""``odoo-harness``: the command line. Subcommands live in their own modules.

Exit codes agree with pytest's: 0 ok, 1 failures, 2 interrupted, 3 internal error,
4 usage error, 5 nothing collected.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from ..errors import HarnessError
from . import contracts as contracts_cmd
from . import engine as engine_cmd
from . import flows as flows_cmd
from . import load as load_cmd
from . import run as run_cmd
from . import sandbox as sandbox_cmd

EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_INTERNAL, EXIT_USAGE = 0, 1, 2, 3, 4


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"odoo-harness: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="odoo-harness",
        description="Prove Odoo integrations work as business flows: scenarios against an "
        "embedded Odoo sandbox and provider mocks, a reference sync engine, contracts and "
        "load tests.",
        epilog="Exit codes: 0 ok, 1 failures, 2 interrupted, 3 internal error, 4 usage error, "
        "5 nothing collected. 'odoo-harness COMMAND --help' for a command's options.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more detail on stderr")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    run_cmd.add_parser(commands)
    sandbox_cmd.add_parser(commands)
    contracts_cmd.add_parser(commands)
    engine_cmd.add_parser(commands)
    flows_cmd.add_parser(commands)
    load_cmd.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2),
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("odoo-harness: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except HarnessError as exc:
        print(f"odoo-harness: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader went away (| head): not an error of ours
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
