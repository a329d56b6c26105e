"""Argparse types shared by the subcommands: a bad value is refused while parsing, as
``odoo-harness: error: argument --port: ...`` (exit 4), before anything starts."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from ..serving import MAX_PORT


def port(text: str) -> int:
    """A TCP port of 127.0.0.1: 0 (any free port) to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"must be 0..{MAX_PORT} (0: any free port); got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds; got {text!r}")
    return value


def seconds(text: str) -> float:
    """A duration in seconds, 0 or more (``--for``)."""
    value = _seconds(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"cannot be negative; got {text}")
    return value


def positive_seconds(text: str) -> float:
    """A period in seconds above 0 (``--tick``, ``--poll-every``): 0 would spin."""
    value = _seconds(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0; got {text}")
    return value


def folder(text: str) -> Path:
    """A folder to write into: a missing one is made later, a file in its place is refused
    now (not after the work whose output it was to hold)."""
    path = Path(text)
    for part in (path, *path.parents):
        if part.exists():
            if not part.is_dir():
                where = "" if part == path else f" ({part} is not)"
                raise argparse.ArgumentTypeError(f"{text}: not a folder{where}")
            break
    return path


__all__ = ["folder", "port", "positive_seconds", "seconds"]
