"""Helpers for driving the real window: select text, press keys, read the project."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from annotator.ui.main_window import MainWindow


def offsets(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def press(qtbot, window: MainWindow, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press where the user's focus is (the article unless an editor has it)."""
    target = QApplication.focusWidget() or window.view.text_edit
    qtbot.keyClick(target, key, modifier)


def tag(qtbot, window: MainWindow, needle: str, key, modifier=Qt.KeyboardModifier.NoModifier):
    """Select ``needle`` in the open document and press ``key``; returns the new span."""
    text = window.session.document.text
    before = set(window.session.spans)
    window.view.set_selection(*offsets(text, needle))
    qtbot.keyClick(window.view.text_edit, key, modifier)
    new = set(window.session.spans) - before
    return window.session.spans[new.pop()] if new else None


def spans(window: MainWindow, doc: str = "doc1"):
    return window.project.spans(doc, window.session.annotator)


def frames(window: MainWindow, doc: str = "doc1"):
    return window.project.frames(doc, window.session.annotator)


def on_next_modal(callback) -> None:
    """Run ``callback(dialog)`` on the next modal dialog that opens."""
    def poll(tries: int = 0) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None:
            callback(dialog)
        elif tries < 200:
            QTimer.singleShot(10, lambda: poll(tries + 1))
    QTimer.singleShot(0, poll)


def back_to(qtbot, window: MainWindow) -> None:
    """Wait until ``window`` is active again (after a modal dialog closed)."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
