"""Per-user settings (QSettings, INI file): the annotator's name, the last project, and per
project the window geometry and state, splitter sizes, the last document, its scroll
position and the documents filter.

The file lives in ``$ANNOTATOR_HOME/settings.ini`` when that variable is set (tests and
portable installs) and otherwise in the platform's per-user config folder. An explicit
file path is used rather than QSettings' organisation lookup because Qt caches that lookup
per process. Per-project values are grouped under a hash of the project's resolved path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QCryptographicHash, QSettings, QStandardPaths

SETTINGS_FILE = "settings.ini"


def settings_path() -> Path:
    home = os.environ.get("ANNOTATOR_HOME")
    if home:
        return Path(home).expanduser() / SETTINGS_FILE
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    return Path(base or Path.home() / ".config") / "annotator" / SETTINGS_FILE


def project_key(path: str | Path | None) -> str:
    """A stable group name for a project file (``memory`` for an in-memory project)."""
    if path is None:
        return "memory"
    resolved = str(Path(path).expanduser().resolve())
    # Qt's SHA-1 (the same digest as hashlib's) spares start-up the OpenSSL import
    digest = QCryptographicHash.hash(resolved.encode("utf-8"), QCryptographicHash.Algorithm.Sha1)
    return "p" + bytes(digest.toHex().data()).decode("ascii")[:16]


class Settings:
    """Typed access to the settings file. ``path=None`` uses :func:`settings_path`."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else settings_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self.qs.sync()

    # ----------------------------------------------------------------- global
    @property
    def annotator(self) -> str:
        return str(self.qs.value("annotator", "") or "")

    @annotator.setter
    def annotator(self, name: str) -> None:
        self.qs.setValue("annotator", name)
        self.qs.sync()

    @property
    def last_project(self) -> str:
        return str(self.qs.value("last_project", "") or "")

    @last_project.setter
    def last_project(self, path: str) -> None:
        self.qs.setValue("last_project", path)

    @property
    def snap_to_words(self) -> bool:
        return _bool(self.qs.value("snap_to_words", True))

    @snap_to_words.setter
    def snap_to_words(self, on: bool) -> None:
        self.qs.setValue("snap_to_words", bool(on))

    # ----------------------------------------------------------------- per project
    def _key(self, project_path: str | Path | None, name: str) -> str:
        return f"{project_key(project_path)}/{name}"

    def get(self, project_path: str | Path | None, name: str, default: Any = None) -> Any:
        return self.qs.value(self._key(project_path, name), default)

    def put(self, project_path: str | Path | None, name: str, value: Any) -> None:
        self.qs.setValue(self._key(project_path, name), value)

    def get_bytes(self, project_path: str | Path | None, name: str) -> QByteArray | None:
        value = self.get(project_path, name)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def get_int(self, project_path: str | Path | None, name: str, default: int = 0) -> int:
        try:
            return int(self.get(project_path, name, default))
        except (TypeError, ValueError):
            return default

    def get_ints(self, project_path: str | Path | None, name: str) -> list[int]:
        value = self.get(project_path, name)
        if not value:
            return []
        items = value if isinstance(value, list) else [value]
        try:
            return [int(x) for x in items]
        except (TypeError, ValueError):
            return []


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes", "on")
    return bool(value)
