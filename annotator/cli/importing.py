"""``annotator import PATH... [--project P] [--no-repair]``."""

from __future__ import annotations

import argparse
import sys

from ..formats.articles import import_paths
from ..home import open_project


def register(sub: argparse._SubParsersAction) -> None:
    from . import add_project_arg

    p = sub.add_parser("import", help="import articles (.txt, folders, JSONL)",
                       description="Import articles. All inputs are checked first; on any "
                       "error nothing is imported.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    add_project_arg(p)
    p.add_argument("--no-repair", action="store_true",
                   help="keep paragraphs verbatim (do not rejoin page-break splits)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    def progress(done: int, total: int) -> bool:
        if not args.quiet and total >= 20 and sys.stderr.isatty():
            print(f"\rreading {done}/{total}", end="", file=sys.stderr)
        return True

    with open_project(args.project, seed=False) as project:
        report = import_paths(project, args.paths, repair=not args.no_repair, progress=progress)
    print(f"documents added: {len(report.added)}")
    print(f"documents skipped (already present): {len(report.skipped)}")
    print(f"paragraphs repaired: {report.repaired}")
    return 0
