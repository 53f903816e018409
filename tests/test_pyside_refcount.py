"""Regression guard for the PySide6 6.12.0 / CPython 3.11 `None` refcount leak (DESIGN §5a).

On the broken combination every call of a void Qt method drops a reference to None and the
process aborts after a few thousand calls; the dependency pin keeps us off it.
"""

from __future__ import annotations

import sys


def test_void_qt_calls_do_not_drop_none_references():
    from PySide6.QtGui import QTextCursor, QTextDocument

    doc = QTextDocument("some text to move around in")
    cursor = QTextCursor(doc)
    before = sys.getrefcount(None)
    for i in range(20_000):
        cursor.setPosition(i % 10)
    after = sys.getrefcount(None)
    assert after >= before - 50, f"None refcount fell by {before - after}"
