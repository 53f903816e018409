"""Progress on stderr for long CLI commands (not a command itself).

:class:`Progress` is a ``progress(done, total) -> bool`` callback, the convention of the
readers (:mod:`annotator.formats.articles`): ``done < total`` while files are read, then
``done == total`` while the result is written in one transaction. On a terminal it keeps
one status line up to date (``reading 1234/10000 files``, then ``writing…``), at most ten
times a second; elsewhere (a pipe, a log, ``--quiet``) it prints nothing. :meth:`finish`
ends the line, so whatever follows (the report, or the interrupted message after Ctrl+C)
starts on a fresh line. It never cancels: Ctrl+C (SIGINT) interrupts the command, the open
transaction is rolled back, and the CLI says nothing was written.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, what: str = "files", enabled: bool = True, minimum: int = 20,
                 stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.what = what
        self.enabled = enabled and self.stream.isatty()
        self.minimum = minimum
        self._shown = False
        self._writing = False
        self._last = 0.0

    def __call__(self, done: int, total: int) -> bool:
        if not self.enabled or total < self.minimum:
            return True
        now = time.monotonic()
        writing = done >= total
        if now - self._last < 0.1 and writing == self._writing:
            return True
        self._last = now
        text = (f"writing {total} {self.what}…" if writing
                else f"reading {done}/{total} {self.what}")
        self.stream.write(f"\r{text}\033[K")
        self.stream.flush()
        self._shown = True
        self._writing = writing
        return True

    def finish(self) -> None:
        """End the status line (call in a ``finally``)."""
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = False
