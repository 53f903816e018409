"""``annotator export --out FILE [--format F] [--annotator A]... [--gold] [--status S]``.

Writes the project's annotation layers as a dataset: canonical JSONL (lossless, the
default), flat spans, brat (``--out`` names a folder), doccano, Label Studio or Prodigy.
Without ``--annotator``/``--gold`` every layer is written; with them, only those layers
(``--gold`` adds the adjudicated layer). ``--status done`` keeps layers marked done. What
the chosen format cannot hold is listed on stderr as ``note:`` lines.
"""

from __future__ import annotations

import argparse
import sys

from ..domain.model import STATUSES
from ..formats.interchange import UNITS
from ..formats.registry import EXPORT_NAMES, export
from ..home import open_project


def register(sub: argparse._SubParsersAction) -> None:
    from . import add_project_arg

    p = sub.add_parser("export", help="export annotations as a dataset (canonical JSONL, "
                       "spans, brat, doccano, Label Studio, Prodigy)",
                       description="Export annotation layers. The file is written whole "
                       "or not at all.")
    p.add_argument("--out", "-o", required=True, metavar="FILE",
                   help="output file (a folder for --format brat)")
    add_project_arg(p)
    p.add_argument("--format", "-f", choices=EXPORT_NAMES, default="canonical")
    p.add_argument("--annotator", "-a", action="append", metavar="A",
                   help="only this annotator's layers (repeat for several)")
    p.add_argument("--gold", action="store_true", help="include the gold (adjudicated) layer")
    p.add_argument("--status", choices=STATUSES, help="only layers with this status")
    p.add_argument("--offsets", choices=UNITS,
                   help="offset unit for tools that count otherwise (default: the tool's "
                   "convention; doccano: utf16, Label Studio: codepoint)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    def progress(done: int, total: int) -> bool:
        if not args.quiet and total >= 50 and sys.stderr.isatty():
            print(f"\rwriting {done}/{total}", end="", file=sys.stderr)
        return True

    with open_project(args.project, seed=False, create=False) as project:
        report = export(project, args.format, args.out, annotators=args.annotator,
                        gold=args.gold, status=args.status, progress=progress,
                        offsets=args.offsets)
    print(f"wrote {args.out}: {report.summary()}")
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0
