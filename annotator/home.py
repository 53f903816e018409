"""The user's default project: where it lives and its first-run seeding.

``ANNOTATOR_HOME`` overrides the data directory; otherwise the platform's per-user data
folder is used (XDG on Linux, Application Support on macOS, %APPDATA% on Windows).
A new default project gets every article in ``seeds/``. No Qt.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .paths import seeds_dir
from .store.project import Project

PROJECT_FILE = "default.annotator.db"


def data_dir() -> Path:
    env = os.environ.get("ANNOTATOR_HOME")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
        return base / "Annotator"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Annotator"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "annotator"


def default_project_path() -> Path:
    return data_dir() / PROJECT_FILE


def open_project(path: str | Path | None = None, *, seed: bool = True,
                 create: bool = True) -> Project:
    """Open ``path``, or the default project; a new default project is seeded."""
    if path is not None:
        return Project.open(path, create=create)
    target = default_project_path()
    is_new = not target.exists()
    project = Project.open(target)
    if seed and (is_new or project.get_meta("seeded") is None):
        from .formats.articles import import_paths  # only to seed (app start-up time)

        with project.transaction():
            import_paths(project, [seeds_dir()])
            project.set_meta("seeded", "1")
    return project
