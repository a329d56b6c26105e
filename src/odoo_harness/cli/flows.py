"""``odoo-harness flows docs [--out DIR]``: a page per flow plan (origin, trigger, key,
retry, what users see, transitions, field ownership) from ``contracts/flows/*.yaml``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..reports import write_flow_pages
from ..scenarios.sut import repository_root
from . import _types


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("flows", help="documentation generated from the flow plans")
    actions = parser.add_subparsers(dest="flows_action", metavar="ACTION", required=True)
    docs = actions.add_parser("docs", help="write an HTML page per flow plan and an index")
    docs.add_argument(
        "--out",
        type=_types.folder,
        default=Path("reports/flows"),
        metavar="DIR",
        help="where (default reports/flows/)",
    )
    docs.add_argument(
        "--root", metavar="DIR", help="the project holding contracts/ (default: found upwards)"
    )
    docs.set_defaults(handler=run_docs)


def run_docs(args: argparse.Namespace) -> int:
    root = Path(args.root) if args.root else repository_root()
    plans = root / "contracts" / "flows"
    if not plans.is_dir():
        raise ConfigError(f"--root {root}: no contracts/flows folder there")
    if not any(plans.glob("*.yaml")):
        raise ConfigError(f"--root {root}: no flow plan (*.yaml) in {plans}")
    pages = write_flow_pages(root, args.out)
    for page in pages:
        print(page)
    return 0
