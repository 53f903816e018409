"""Who may edit a project from a window: a lease, and how a busy database is explained.

One desktop window edits a project at a time. The lease is an OS file lock on a sidecar file
``<project>.lock`` (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows), so the OS
releases it when its process ends, even on a crash or a kill: a lease is never stale. The
file also says who holds it (annotator, process, host, since when) for the message shown by
a second window, which opens the project read-only (``Project.set_readonly``).

Command-line tools take no lease: their writes are transactions that SQLite serialises with
the window's (WAL, busy timeout), and the window notices them (``annotator.ui.watch``).
Stdlib only; no SQL here.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

_WIN_LOCK_OFFSET = 1 << 20  # Windows: lock a byte far past the info so it stays readable


def host_name() -> str:
    """This computer's name: ``os.uname()`` where there is one (the same name as
    ``socket.gethostname()``, without importing socket: app start-up time)."""
    uname = getattr(os, "uname", None)
    if uname is not None:
        return str(uname().nodename)
    import socket

    return socket.gethostname()


def lock_path(project_path: str | Path) -> Path:
    p = Path(project_path)
    return p.with_name(p.name + ".lock")


@dataclass(frozen=True)
class LeaseHolder:
    annotator: str
    pid: int
    host: str
    since: str  # ISO time, local

    def describe(self) -> str:
        when = self.since[11:16] if len(self.since) >= 16 else self.since
        where = "this computer" if self.host == host_name() else self.host
        who = f"{self.annotator}, " if self.annotator else ""
        return f"{who}process {self.pid} on {where}, since {when}"


class ProjectLease:
    """The editing lease of one project file (not re-entrant; one per window)."""

    def __init__(self, project_path: str | Path) -> None:
        self.path = lock_path(project_path)
        self._fh: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._fh is not None

    def acquire(self, annotator: str = "") -> bool:
        """Take the lease; False (and nothing changed) when another holder has it."""
        if self._fh is not None:
            return True
        fh = open(self.path, "a+b")  # noqa: SIM115 - kept open while the lease is held
        if not _try_lock(fh):
            fh.close()
            return False
        info = {"annotator": annotator, "pid": os.getpid(), "host": host_name(),
                "since": time.strftime("%Y-%m-%dT%H:%M:%S")}  # local, as datetime.now()
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps(info).encode("utf-8"))
        fh.flush()
        self._fh = fh
        return True

    def release(self) -> None:
        if self._fh is None:
            return
        fh, self._fh = self._fh, None
        try:
            fh.seek(0)
            fh.truncate()
            fh.flush()
            _unlock(fh)
        finally:
            fh.close()

    def holder(self) -> LeaseHolder | None:
        """Who holds the lease now (None when nobody does or it cannot be told)."""
        if self._fh is not None:
            return _read_info(self.path)
        try:
            with open(self.path, "a+b") as fh:
                if _try_lock(fh):
                    _unlock(fh)
                    return None
        except OSError:
            return None
        return _read_info(self.path) or LeaseHolder("", 0, "?", "")

    def __enter__(self) -> ProjectLease:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_info(path: Path) -> LeaseHolder | None:
    try:
        raw = json.loads(path.read_bytes()[:4096].decode("utf-8"))
        return LeaseHolder(str(raw.get("annotator", "")), int(raw["pid"]),
                           str(raw.get("host", "?")), str(raw.get("since", "")))
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fh: IO[bytes]) -> bool:
        fh.seek(_WIN_LOCK_OFFSET)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fh: IO[bytes]) -> None:
        fh.seek(_WIN_LOCK_OFFSET)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fh: IO[bytes]) -> bool:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fh: IO[bytes]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def explain(exc: BaseException) -> str:
    """A database error in words a user can act on (others: their own text)."""
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError):
        if "locked" in text or "busy" in text:
            return ("the project is busy: another program (an import or a merge?) is writing "
                    "to it; nothing was saved, try again in a moment")
        if "readonly" in text or "read-only" in text:
            return ("this window is read-only (the project is being edited in another "
                    "window); nothing was saved")
    return text
