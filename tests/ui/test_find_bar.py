"""Find in the article (Ctrl+F): matches selected and shown, next/previous, Esc back to
the text with the match selected so that a label key tags it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.conftest import make_doc
from tests.ui.helpers import press, spans

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def selected(window) -> tuple[int, int]:
    cursor = window.view.text_edit.textCursor()
    omap = window.view.text_edit.omap
    return omap.to_cp(cursor.selectionStart()), omap.to_cp(cursor.selectionEnd())


def test_find_goes_through_matches_and_esc_leaves_the_match_ready_to_tag(window, qtbot):
    text = window.session.document.text
    first, second = text.index("the talks"), text.index("the opposite")
    assert window.view.find_bar is None  # made on first use only
    press(qtbot, window, K.Key_F, CTRL)
    bar = window.view.find_bar
    assert bar is not None and bar.isVisible() and bar.edit.hasFocus()

    qtbot.keyClicks(bar.edit, "THE")
    assert selected(window) == (first, first + 3) and bar.count.text() == "1 of 2"
    qtbot.keyClick(bar.edit, K.Key_Return)
    assert selected(window) == (second, second + 3) and bar.count.text() == "2 of 2"
    qtbot.keyClick(bar.edit, K.Key_Return)  # wraps round
    assert bar.count.text() == "1 of 2"
    qtbot.keyClick(bar.edit, K.Key_Return, SHIFT)
    assert bar.count.text() == "2 of 2"
    press(qtbot, window, K.Key_F3)
    assert selected(window) == (first, first + 3)
    press(qtbot, window, K.Key_F3, SHIFT)
    assert selected(window) == (second, second + 3)

    qtbot.keyClicks(bar.edit, "zebra")
    assert bar.count.text() == "no match"
    bar.edit.setText("the talks")  # a phrase; searched from the current match on
    assert selected(window) == (first, first + 9) and bar.count.text() == "1 of 1"

    press(qtbot, window, K.Key_Escape)
    assert not bar.isVisible() and window.view.text_edit.hasFocus()
    assert selected(window) == (first, first + 9)
    press(qtbot, window, K.Key_3)  # CONTENT
    [span] = spans(window)
    assert (span.label, span.start, span.text) == ("CONTENT", first, "the talks")

    press(qtbot, window, K.Key_F, CTRL)  # opens again with the last query selected
    assert bar.isVisible() and bar.edit.selectedText() == "the talks"


def test_find_counts_code_points_past_emoji(window, qtbot):
    window.project.add_documents([make_doc("Ein 👩‍👩‍👧 Bericht: er sagte 😀 nein.", "emo")])
    window.reload()
    window.open_document("emo")
    press(qtbot, window, K.Key_F, CTRL)
    qtbot.keyClicks(window.view.find_bar.edit, "sagte")
    press(qtbot, window, K.Key_Escape)
    press(qtbot, window, K.Key_2)  # CUE
    [span] = spans(window, "emo")
    text = window.session.document.text
    assert (span.start, span.end, span.text) == (text.index("sagte"), text.index("sagte") + 5,
                                                 "sagte")
