"""``annotator stats [--project P]``: documents, spans per label and annotator, statuses."""

from __future__ import annotations

import argparse

from ..home import open_project


def register(sub: argparse._SubParsersAction) -> None:
    from . import add_project_arg

    p = sub.add_parser("stats", help="summarise a project")
    add_project_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_project(args.project, seed=False, create=False) as project:
        st = project.stats()
    print(f"schema: {st['schema']['name']} v{st['schema']['version']}")
    print(f"documents: {len(st['documents'])}")
    for d in st["documents"]:
        by = f" by {d['author']}" if d["author"] else ""
        date = f" ({d['published']})" if d["published"] else ""
        print(f"  {d['id']}: {d['title'] or '(untitled)'}{by}{date}")
    print("spans:")
    if not st["spans"]:
        print("  none")
    for r in st["spans"]:
        print(f"  {r['annotator']:<16} {r['label']:<12} {r['n']:>7}")
    print("frames:")
    if not st["frames"]:
        print("  none")
    for r in st["frames"]:
        print(f"  {r['annotator']:<16} {r['n']:>7}")
    print("status:")
    if not st["status"]:
        print("  none")
    for r in st["status"]:
        print(f"  {r['annotator']:<16} {r['status']:<12} {r['n']:>7}")
    return 0
