"""Reading input files the same way in every reader: UTF-8 text (BOM allowed) with
``file:line`` errors, and JSON Lines yielding ``(line number, value)`` pairs with blank
lines skipped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..domain.errors import InputError
from ..domain.text import decode_utf8


def read_input_text(path: str | Path) -> str:
    """The file's text; unreadable, binary or non-UTF-8 files raise :class:`InputError`."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(name, None, f"cannot read: {exc.strerror}") from None
    return decode_utf8(data, name)


def iter_json_lines(raw: str, name: str) -> Iterator[tuple[int, Any]]:
    """Each non-blank line parsed as JSON, with its 1-based line number."""
    for lineno, line in enumerate(raw.split("\n"), 1):
        if not line.strip():
            continue
        try:
            yield lineno, json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(name, lineno, f"invalid JSON: {exc.msg}") from None
