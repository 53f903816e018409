"""The real window, driven by keys: tagging, relabelling, fragments, attributes, delete,
undo/redo, plain text everywhere, and code point offsets over non-BMP text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from annotator.domain.model import Document
from annotator.domain.text import paragraph_offsets
from tests.ui.conftest import TEXT1, TEXT3
from tests.ui.helpers import offsets, press, spans, tag

K = Qt.Key


def test_each_label_key_tags_the_selection(window, qtbot):
    cases = [("Officials", K.Key_1, "SOURCE"), ("said", K.Key_2, "CUE"),
             ("the talks failed", K.Key_3, "CONTENT"), ("the opposite", K.Key_4, "STANCE")]
    for needle, key, label in cases:
        span = tag(qtbot, window, needle, key)
        assert span is not None, label
        stored = window.project.span(span.id)
        assert (stored.label, stored.text, stored.fragments) == (
            label, needle, (offsets(TEXT1, needle),))
        assert window.status_label.text().startswith(f"Saved: tag {label}")
        assert window.view.span(span.id) == stored  # painted in the view
    assert [s.label for s in spans(window)] == ["SOURCE", "CUE", "CONTENT", "STANCE"]
    stance = next(s for s in spans(window) if s.label == "STANCE")
    assert stance.attributes == {"polarity": "NONE"}  # the schema default
    assert window.documents.items["doc1"].text(3) == "4"


def test_label_buttons_tag_too_and_no_selection_tags_nothing(window, qtbot):
    window.view.set_selection(*offsets(TEXT1, "Critics"))
    qtbot.mouseClick(window.label_panel.buttons["SOURCE"], Qt.MouseButton.LeftButton)
    assert [(s.label, s.text) for s in spans(window)] == [("SOURCE", "Critics")]
    window.controller.clear_picks()
    window.controller.clear_picks()  # picks, then the selected span
    press(qtbot, window, K.Key_2)
    assert len(spans(window)) == 1
    assert "Select some text first" in window.status_label.text()


def test_a_label_key_without_selection_relabels_the_selected_span(window, qtbot):
    span = tag(qtbot, window, "Officials", K.Key_2)
    assert window.controller.selected == span.id
    press(qtbot, window, K.Key_1)
    assert window.project.span(span.id).label == "SOURCE"
    press(qtbot, window, K.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.project.span(span.id).label == "CUE"


def test_alt_a_adds_a_fragment_to_the_selected_span(window, qtbot):
    span = tag(qtbot, window, "Officials", K.Key_1)
    window.view.set_selection(*offsets(TEXT1, "Senator Smith"))
    press(qtbot, window, K.Key_A, Qt.KeyboardModifier.AltModifier)
    stored = window.project.span(span.id)
    assert stored.fragments == (offsets(TEXT1, "Officials"), offsets(TEXT1, "Senator Smith"))
    assert stored.text == "Officials Senator Smith"
    assert len(spans(window)) == 1
    press(qtbot, window, K.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.project.span(span.id).fragments == (offsets(TEXT1, "Officials"),)


def test_delete_key_removes_the_selected_span_and_undo_brings_it_back(window, qtbot):
    span = tag(qtbot, window, "Officials", K.Key_1)
    press(qtbot, window, K.Key_Delete)
    assert spans(window) == []
    assert window.view.span(span.id) is None
    assert window.status_label.text().startswith("Saved: delete SOURCE")
    press(qtbot, window, K.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert spans(window) == [span]
    assert window.view.span(span.id) == span
    press(qtbot, window, K.Key_Z,
          Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert spans(window) == []
    press(qtbot, window, K.Key_Z, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, window, K.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the tag too
    assert spans(window) == []
    press(qtbot, window, K.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert spans(window) == [span]
    assert window.status_label.text().startswith("Saved: redone tag SOURCE")


def test_stance_span_takes_polarity_and_a_new_target_in_the_panel(window, qtbot):
    span = tag(qtbot, window, "the opposite", K.Key_4)
    form = window.label_panel.attributes
    polarity, target = form.editors["polarity"], form.editors["target"]
    press(qtbot, window, K.Key_S)
    assert polarity.hasFocus()
    qtbot.keyClick(polarity, K.Key_A)  # type-ahead: AGAINST (not a window shortcut)
    qtbot.keyClick(polarity, K.Key_Return)
    assert window.project.span(span.id).attributes == {"polarity": "AGAINST"}
    assert window.view.text_edit.hasFocus()  # Enter hands focus back to the article
    target.setFocus()
    qtbot.keyClicks(target, "Peace talks")
    qtbot.keyClick(target, K.Key_Return)
    assert window.project.span(span.id).attributes == {"polarity": "AGAINST",
                                                       "target": "Peace talks"}
    assert [t.name for t in window.project.targets()] == ["Peace talks"]
    window.controller.focus_article()
    press(qtbot, window, K.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one step: both
    assert window.project.targets() == []
    assert window.project.span(span.id).attributes == {"polarity": "AGAINST"}


def test_a_known_target_is_stored_as_the_registry_spells_it(window, qtbot):
    window.project.add_target("Russia", aliases=["Moscow"])
    window.session.targets_changed.emit()
    span = tag(qtbot, window, "the opposite", K.Key_4)
    target = window.label_panel.attributes.editors["target"]
    assert "Moscow" in target.targets()  # offered for completion
    target.setFocus()
    qtbot.keyClicks(target, "moscow")
    qtbot.keyClick(target, K.Key_Return)
    assert window.project.span(span.id).attributes["target"] == "Russia"
    assert [t.name for t in window.project.targets()] == ["Russia"]


def test_note_is_saved_and_undoable(window, qtbot):
    span = tag(qtbot, window, "Officials", K.Key_1)
    note = window.label_panel.note
    note.setFocus()
    qtbot.keyClicks(note, "check <b>this</b>")
    qtbot.keyClick(note, K.Key_Return)
    assert window.project.span(span.id).note == "check <b>this</b>"
    window.controller.focus_article()
    press(qtbot, window, K.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.project.span(span.id).note == ""


def test_typing_in_an_editor_does_not_trigger_single_key_shortcuts(window, qtbot):
    span = tag(qtbot, window, "Officials", K.Key_1)
    note = window.label_panel.note
    note.setFocus()
    qtbot.keyClicks(note, "n2p A")
    assert note.text() == "n2p A"
    assert window.session.document_id == "doc1"
    assert window.project.span(span.id).label == "SOURCE"
    assert len(window.project.frames("doc1", "ann")) == 0


def test_markup_in_text_titles_and_notes_shows_literally(window, qtbot):
    assert window.documents.items["doc1"].text(0) == "First <b>article</b>"
    press(qtbot, window, K.Key_N)
    press(qtbot, window, K.Key_N)
    assert window.session.document_id == "doc3"
    assert window.view.text_edit.toPlainText() == TEXT3
    span = tag(qtbot, window, "<b>bold</b>", K.Key_3)
    assert span.text == "<b>bold</b>"
    panel = window.label_panel
    assert panel.span_text.textFormat() == Qt.TextFormat.PlainText
    assert panel.span_text.text() == "<b>bold</b>"
    assert "Third & last" in window.windowTitle()


def test_non_bmp_combining_and_rtl_text_store_the_selected_characters(make_window, qtbot,
                                                                      project_path):
    from annotator.store.project import Project

    text = "Émoji 😀😀 then e\u0301te\u0301 and שלום עולם said 🇺🇳 the UN."
    p = Project.open(project_path)
    p.add_documents([Document("uni", text, "Unicode", paragraphs=paragraph_offsets(text))])
    p.close()
    window = make_window()
    window.open_document("uni")
    view = window.view
    for needle, key in [("😀😀", K.Key_1), ("e\u0301te\u0301", K.Key_2),
                        ("שלום עולם", K.Key_3), ("🇺🇳", K.Key_4)]:
        # select with a QTextCursor in Qt's UTF-16 units, as a mouse would
        start = text.index(needle)
        u16_start = len(text[:start].encode("utf-16-le")) // 2
        u16_end = u16_start + len(needle.encode("utf-16-le")) // 2
        cursor = QTextCursor(view.text_edit.document())
        cursor.setPosition(u16_start)
        cursor.setPosition(u16_end, QTextCursor.MoveMode.KeepAnchor)
        view.text_edit.setTextCursor(cursor)
        view.snap_to_words = False
        qtbot.keyClick(view.text_edit, key)
        stored = [s for s in spans(window, "uni") if s.start == start]
        assert len(stored) == 1, needle
        assert stored[0].text == needle
        assert stored[0].fragments == ((start, start + len(needle)),)


def test_a_label_key_clashing_with_a_window_key_gets_no_shortcut(make_window, project_path,
                                                                 qtbot):
    from annotator.store.project import Project

    p = Project.open(project_path)
    raw = dict(p.schema.raw)
    raw["labels"] = [*raw["labels"], {"name": "NOTE", "key": "n", "color": "#123456"}]
    from annotator.domain.schema import parse_schema

    p.set_schema(parse_schema(raw))
    p.close()
    window = make_window()
    assert window.actions.labels["NOTE"].shortcut().isEmpty()
    assert window.actions.labels["SOURCE"].shortcut().toString() == "1"
    press(qtbot, window, K.Key_N)  # still the next document
    assert window.session.document_id == "doc2"
    window.open_document("doc1")
    window.view.set_selection(*offsets(TEXT1, "Officials"))
    qtbot.mouseClick(window.label_panel.buttons["NOTE"], Qt.MouseButton.LeftButton)
    assert [s.label for s in spans(window)] == ["NOTE"]
