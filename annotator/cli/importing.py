"""``annotator import PATH... [--project P] [--format F] [--annotator NAME] [--add-labels]``.

Articles (``.txt``, folders of them, JSONL of documents) import as before. Annotations
import from canonical JSONL, brat, doccano, Label Studio or Prodigy files: ``--format``
names the format, or it is detected from the content when that is unambiguous (see
:mod:`annotator.formats.registry`). Every input is checked first; on any error nothing is
imported and the command exits 2 with ``file:line: message``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..domain.errors import InputError
from ..formats.articles import import_paths
from ..formats.interchange import UNITS
from ..formats.registry import IMPORT_NAMES, detect, import_annotations
from ..home import open_project
from .progress import Progress


def register(sub: argparse._SubParsersAction) -> None:
    from . import add_project_arg

    p = sub.add_parser("import", help="import articles or annotations (.txt, folders, JSONL, "
                       "brat, doccano, Label Studio, Prodigy)",
                       description="Import articles or annotation layers. All inputs are "
                       "checked first; on any error nothing is imported.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    add_project_arg(p)
    p.add_argument("--format", "-f", choices=("articles", *IMPORT_NAMES),
                   help="input format (default: detected from the content)")
    p.add_argument("--annotator", "-a", metavar="NAME",
                   help="the annotator of the imported layers (required when the file "
                   "names none; overrides the file's names)")
    p.add_argument("--add-labels", action="store_true",
                   help="add labels missing from the project's schema instead of refusing")
    p.add_argument("--offsets", choices=UNITS,
                   help="how the file counts offsets (default: the tool's own convention; "
                   "doccano: utf16, others: codepoint)")
    p.add_argument("--no-repair", action="store_true",
                   help="articles: keep paragraphs verbatim (do not rejoin page-break splits)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    p.set_defaults(func=run)


def choose_format(paths: list[str], given: str | None) -> str:
    if given:
        return given
    found = {p: detect(p) or "articles" for p in paths}
    kinds = set(found.values())
    if len(kinds) > 1:
        listing = ", ".join(f"{p} ({k})" for p, k in found.items())
        raise InputError(paths[0], None, f"inputs of different formats: {listing}; import "
                         "them separately or name one with --format")
    return kinds.pop()


def run(args: argparse.Namespace) -> int:
    fmt = choose_format(args.paths, args.format)
    progress = Progress("files" if fmt == "articles" else "layers", enabled=not args.quiet)
    new_file = args.project is not None and not Path(args.project).exists()
    try:
        report, result = _import(args, fmt, progress)
    except BaseException:
        if new_file:  # a failed import into a new project leaves no empty project behind
            for suffix in ("", "-wal", "-shm", ".lock"):
                Path(str(args.project) + suffix).unlink(missing_ok=True)
        raise
    if fmt == "articles":
        print(f"documents added: {len(report.added)}")
        print(f"documents skipped (already present): {len(report.skipped)}")
        print(f"paragraphs repaired: {report.repaired}")
        return 0
    if not args.format:
        print(f"format: {fmt} (detected)")
    for line in result.lines():
        print(line)
    return 0


def _import(args: argparse.Namespace, fmt: str, progress: Progress) -> tuple:
    report = result = None
    with open_project(args.project, seed=False) as project:
        try:
            if fmt == "articles":
                report = import_paths(project, args.paths, repair=not args.no_repair,
                                      progress=progress)
            else:
                result = import_annotations(project, fmt, args.paths,
                                            annotator=args.annotator,
                                            add_labels=args.add_labels, progress=progress,
                                            offsets=args.offsets)
        finally:
            progress.finish()  # Ctrl+C or an error: their message starts on a fresh line
    return report, result
