"""``annotator remove DOCUMENT... [--project P] [--dry-run]``: take documents out of a project.

Each document goes with everything annotated in it (every annotator's layer, the gold
layer and its decision records), all named documents in one transaction: an unknown id
removes nothing (exit 2). ``--dry-run`` prints what would go and changes nothing. There is
no undo here: keep a copy first (``annotator backup``); the window's Document → Remove
from project… is undoable.
"""

from __future__ import annotations

import argparse

from ..domain.errors import NotFoundError
from ..home import open_project
from ..store.removal import snapshot_document


def register(sub: argparse._SubParsersAction) -> None:
    from . import add_project_arg

    p = sub.add_parser("remove", help="remove documents (and everything annotated in them)",
                       description="Remove documents from a project with every annotator's "
                       "spans, frames and status in them, gold and its decision records "
                       "included. All or nothing.")
    add_project_arg(p)
    p.add_argument("documents", nargs="+", metavar="DOCUMENT", help="document id(s)")
    p.add_argument("--dry-run", action="store_true",
                   help="print what would be removed; change nothing")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_project(args.project, seed=False, create=False) as project:
        known = {d.id for d in project.documents()}
        missing = [d for d in args.documents if d not in known]
        if missing:
            raise NotFoundError(f"no document {missing[0]!r} in {project.path}; nothing removed")
        ids = list(dict.fromkeys(args.documents))  # each once, in the order given
        if args.dry_run:
            gone = [snapshot_document(project, d) for d in ids]
        else:
            with project.transaction():
                gone = [project.delete_document(d) for d in ids]
        for d in gone:
            spans, frames, layers = d.counts()
            print(f"{'would remove' if args.dry_run else 'removed'} {d.document_id}: "
                  f"{spans} span(s), {frames} frame(s) in {layers} layer(s), "
                  f"{len(d.provenance)} decision record(s)")
    return 0
