"""``annotator merge OTHER.db|EXPORT.jsonl... [--project P] [--replace] [--annotators A,B]``.

Brings other annotators' layers into the project (see :mod:`annotator.formats.merge` for
the rules). Everything is checked first; on any problem nothing is merged and the command
exits 2 naming the file.
"""

from __future__ import annotations

import argparse

from ..formats.merge import merge_sources
from ..home import open_project


def register(sub: argparse._SubParsersAction) -> None:
    from . import add_project_arg

    p = sub.add_parser(
        "merge", help="merge other annotators' layers from project files or exports",
        description="Merge annotation layers from other project files (.db) or canonical "
        "exports (.jsonl). Documents are matched by text hash; a document id that names "
        "different text is refused. Merging the same sources again changes nothing.")
    p.add_argument("sources", nargs="+", metavar="OTHER.db|EXPORT.jsonl")
    add_project_arg(p)
    p.add_argument("--replace", action="store_true",
                   help="when the project already holds a different layer by the same "
                   "annotator on a document, take the incoming one (default: refuse)")
    p.add_argument("--annotators", metavar="A,B",
                   help="merge only these annotators' layers")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    names = [a.strip() for a in args.annotators.split(",") if a.strip()] \
        if args.annotators else None
    with open_project(args.project, seed=False) as project:
        report = merge_sources(project, args.sources, replace=args.replace, annotators=names)
    for line in report.lines():
        print(line)
    if not report.changed:
        print("nothing new: the project already holds everything in these sources")
    return 0
