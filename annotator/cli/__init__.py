"""The headless command line: ``annotator import|stats|...``. Never imports Qt.

Each sub-command lives in its own module exposing ``register(subparsers)``, which adds
its parser and sets ``func(args) -> int``. Bad input exits with code 2 and one line
``file:line: what is wrong`` on stderr; the project is left unchanged.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Sequence

from ..domain.errors import AnnotatorError
from ..store.lock import explain
from . import (
    adjudicate,
    agreement,
    backup,
    export,
    importing,
    merge,
    remove,
    schema,
    stats,
)

COMMAND_MODULES = [importing, export, stats, merge, agreement, adjudicate, schema, backup,
                   remove]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Annotate news articles with source attribution and stance. "
        "Without a command, starts the desktop app.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def commands() -> set[str]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except AnnotatorError as exc:
        print(f"annotator: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("annotator: interrupted; nothing was written by the interrupted step",
              file=sys.stderr)
        return 130
    except sqlite3.OperationalError as exc:  # e.g. busy past the timeout: one line, no trace
        print(f"annotator: {explain(exc)}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `annotator stats | head`: the reader left; stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes stdout
        return 141


def add_project_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", "-p", metavar="P",
                        help="project file (default: the default project in the data folder)")
