"""Composition root: ``annotator`` with a CLI command runs it headless; without one it
starts the desktop app (Qt is imported only then)."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from .cli import commands
    from .cli import main as cli_main

    if args and (args[0] in commands() or args[0] in ("-h", "--help")):
        code = cli_main(args)
        if argv is None:
            sys.exit(code)
        return code
    from .ui.launch import run_gui

    code = run_gui(args)
    if argv is None:
        sys.exit(code)
    return code
