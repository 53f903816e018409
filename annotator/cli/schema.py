"""``annotator schema [--project P] [--check FILE | --set FILE]``: show, check or change the
project's annotation schema.

Without an option it prints the project's schema (labels with keys and colours, frame types
with their roles). ``--check FILE`` validates a schema file and touches no project. ``--set
FILE`` validates it and makes it the project's schema, refusing (exit 2, nothing changed)
when labels or frame types already used in the project are missing from it.
"""

from __future__ import annotations

import argparse

from ..domain.errors import InputError
from ..domain.schema import Schema, load_schema
from ..home import open_project
from ..store.project import Project


def register(sub: argparse._SubParsersAction) -> None:
    from . import add_project_arg

    p = sub.add_parser("schema", help="show, check or set the project's annotation schema",
                       description="Show the project's schema, check a schema file, or make "
                       "a schema file the project's schema.")
    add_project_arg(p)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--check", metavar="FILE", help="validate a schema file only")
    group.add_argument("--set", metavar="FILE", dest="set_file",
                       help="validate FILE and make it the project's schema")
    p.set_defaults(func=run)


def describe(schema: Schema) -> list[str]:
    out = [f"schema: {schema.name} v{schema.version}", "labels:"]
    out += [f"  {x.key or '-'}  {x.name:<12} {x.color}" for x in schema.labels]
    out.append("frames:")
    if not schema.frames:
        out.append("  none")
    for f in schema.frames:
        roles = ", ".join(f"{r.name}={r.label}[{r.min}..{'n' if r.max is None else r.max}]"
                          for r in f.roles)
        out.append(f"  {f.key or '-'}  {f.type}: {roles}")
    return out


def missing_in(project: Project, schema: Schema) -> list[str]:
    """Labels and frame types the project uses that ``schema`` lacks."""
    used_labels = {r["label"] for r in project.stats()["spans"]}
    used_frames = {f.type for d in project.documents() for f in project.frames(d.id)}
    return sorted(f"label {x}" for x in used_labels if schema.label(x) is None) + sorted(
        f"frame type {x}" for x in used_frames if schema.frame(x) is None)


def run(args: argparse.Namespace) -> int:
    if args.check:
        schema = load_schema(args.check)
        print(f"{args.check}: ok")
        print("\n".join(describe(schema)))
        return 0
    with open_project(args.project, seed=False, create=False) as project:
        if args.set_file:
            schema = load_schema(args.set_file)
            missing = missing_in(project, schema)
            if missing:
                raise InputError(args.set_file, None, "the project uses "
                                 f"{', '.join(missing)}, which this schema lacks; "
                                 "nothing changed")
            project.set_schema(schema)
            print(f"schema set: {schema.name} v{schema.version}")
            return 0
        print("\n".join(describe(project.schema)))
    return 0
