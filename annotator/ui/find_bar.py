"""Find in the article: a bar above the text (Ctrl+F), made when first asked for.

Typing selects the first match at or after where the reader is (the selection, else the
top of the view) and scrolls to it; Enter / F3 goes to the next match, Shift+Enter /
Shift+F3 to the previous one (wrapping round); the bar says "3 of 12". Esc closes it and
gives the article the focus with the match still selected, so a label key tags it.
Matching ignores case and treats any run of whitespace in the query as any whitespace
(:func:`annotator.domain.text.find_all`, code point offsets).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QToolButton, QWidget

from ..domain.text import find_all
from .fields import plain_label


class _QueryEdit(QLineEdit):
    """Enter: next match; Shift+Enter: previous."""

    def __init__(self, step: Callable[[int], None]) -> None:
        super().__init__()
        self._step = step

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            back = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self._step(-1 if back else +1)
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    """The find bar of one :class:`~annotator.ui.article_view.ArticleView`.

    ``text()`` gives the document's text (None: no document), ``here()`` the offset to
    search from, ``select(start, end)`` selects and shows a match.
    """

    def __init__(self, text: Callable[[], str | None], here: Callable[[], int],
                 select: Callable[[int, int], None], close: Callable[[], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("find_bar")
        self._text, self._here, self._select = text, here, select
        self.matches: list[tuple[int, int]] = []
        self.current = -1
        self.edit = _QueryEdit(self.step)
        self.edit.setObjectName("find_query")
        self.edit.setPlaceholderText("Find in the article (Enter: next, Shift+Enter: "
                                     "previous, Esc: back to the text)")
        self.edit.textChanged.connect(self._search)
        self.count = plain_label()
        self.count.setObjectName("find_count")
        buttons = []
        for text_, tip, slot in (("↑", "Previous match (Shift+F3)", lambda: self.step(-1)),
                                 ("↓", "Next match (F3)", lambda: self.step(+1)),
                                 ("✕", "Close (Esc)", close)):
            b = QToolButton()
            b.setText(text_)
            b.setToolTip(tip)
            b.setAutoRaise(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(slot)
            buttons.append(b)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.count)
        for b in buttons:
            row.addWidget(b)

    def start(self) -> None:
        """Show the bar with the query selected, searching again (the text may differ)."""
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()
        self._search(self.edit.text())

    def reset(self) -> None:
        """Another document: the matches go (Enter searches it)."""
        self.matches, self.current = [], -1
        self.count.setText("")

    def step(self, direction: int) -> None:
        """Go to the next (+1) or previous (-1) match, wrapping round."""
        if not self.matches:
            self._search(self.edit.text())
            return
        self.current = (self.current + direction) % len(self.matches)
        self._show_current()

    def _search(self, query: str) -> None:
        text = self._text()
        self.matches = find_all(text, query) if text else []
        if not self.matches:
            self.current = -1
            self.count.setText("no match" if query.strip() else "")
            return
        here = self._here()
        self.current = next((i for i, (s, _e) in enumerate(self.matches) if s >= here), 0)
        self._show_current()

    def _show_current(self) -> None:
        start, end = self.matches[self.current]
        self._select(start, end)
        self.count.setText(f"{self.current + 1} of {len(self.matches)}")
