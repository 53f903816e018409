"""``annotator backup --out FILE [--project P] [--force]``: a consistent copy of a project.

Uses SQLite's online backup API, so the copy is consistent even while the desktop app (or
another command) is writing: it holds every committed action and nothing half-done. The
copy is written beside ``FILE`` first and renamed into place once complete and checked
(``PRAGMA integrity_check``), so an interrupted backup never leaves a broken ``FILE``.
An existing ``FILE`` is kept unless ``--force``. The project is only read, through a
read-only connection (any schema version; nothing is migrated).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..domain.errors import InputError
from ..home import default_project_path
from ..store.db import backup_file, check_copy


def register(sub: argparse._SubParsersAction) -> None:
    from . import add_project_arg

    p = sub.add_parser("backup", help="write a consistent copy of a project (safe while the "
                       "app is open)",
                       description="Copy a project with SQLite's backup API: consistent even "
                       "while the app is writing. The copy is checked before it replaces "
                       "FILE.")
    add_project_arg(p)
    p.add_argument("--out", "-o", required=True, metavar="FILE", help="the copy to write")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    source = Path(args.project) if args.project else default_project_path()
    out = Path(args.out)
    if out.exists() and not args.force:
        raise InputError(str(out), None, "exists; choose another name or use --force")
    if out.resolve() == source.resolve():
        raise InputError(str(out), None, "is the project itself")
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(f".{out.name}.part")
    part.unlink(missing_ok=True)
    try:
        backup_file(source, part)
        counts = check_copy(part)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, out)
    print(f"backup written: {out} ({counts['documents']} documents, {counts['spans']} "
          f"spans, {counts['frames']} frames; integrity check ok)")
    return 0

