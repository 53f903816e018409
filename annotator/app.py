"""Composition root: ``annotator`` with a CLI command runs it headless; without one (or
with only the app's options) it starts the desktop app (Qt is imported only then)."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    # a word first (a command) or -h: the CLI. Options only (--project, --annotator) or
    # nothing: the app, without importing every CLI module (start-up time).
    if args and (not args[0].startswith("-") or args[0] in ("-h", "--help")):
        from .cli import main as cli_main

        code = cli_main(args)
        if argv is None:
            sys.exit(code)
        return code
    from .ui.launch import run_gui

    code = run_gui(args)
    if argv is None:
        sys.exit(code)
    return code
