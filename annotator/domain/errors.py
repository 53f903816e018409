"""Error types shared by every layer. Stdlib only."""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base class for errors the user should see as one clear line."""


class InputError(AnnotatorError):
    """Bad input: names the file and (where known) the 1-based line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class SchemaError(InputError):
    """An annotation schema file is malformed."""


class ConflictError(AnnotatorError):
    """A change contradicts what the project already holds."""


class NotFoundError(AnnotatorError):
    """An id names nothing in the project."""
