"""Documents pane and document status in the real window: N / P, in progress on opening,
the filter and progress bar, Mark done with the checks (fix and override paths), undo of
status changes, and persistence across closing and reopening the window."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.domain.model import Document
from annotator.domain.text import paragraph_offsets
from annotator.store.project import Project
from annotator.ui.dialogs import ChecksDialog
from tests.ui.helpers import back_to, on_next_modal, press, tag

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def status(window, doc):
    return window.project.status(doc, window.session.annotator)


def test_n_and_p_move_through_documents_and_opening_marks_in_progress(window, qtbot):
    pane = window.documents
    assert window.session.document_id == "doc1"
    assert status(window, "doc1") == "in progress"
    assert status(window, "doc2") == "todo"
    assert pane.items["doc2"].text(2) == "todo"
    press(qtbot, window, K.Key_N)
    assert window.session.document_id == "doc2"
    assert pane.current_id() == "doc2"
    assert status(window, "doc2") == "in progress"
    assert pane.items["doc2"].text(2) == "in progress"
    press(qtbot, window, K.Key_N)
    press(qtbot, window, K.Key_N)  # past the end: stays, says so
    assert window.session.document_id == "doc3"
    assert "No more documents after" in window.status_label.text()
    press(qtbot, window, K.Key_P)
    press(qtbot, window, K.Key_P)
    assert window.session.document_id == "doc1"
    assert window.windowTitle().startswith("First <b>article</b> — in progress")


def test_opening_a_document_with_spans_keeps_its_status(make_window, project_path):
    p = Project.open(project_path)
    p.add_span(p.make_span("doc2", "ann", "CUE", [(0, 6)]))
    p.close()
    window = make_window()
    window.open_document("doc2")
    assert status(window, "doc2") == "todo"


def test_clicking_a_document_opens_it_and_the_filter_hides_others(window, qtbot):
    pane = window.documents
    rect = pane.tree.visualItemRect(pane.items["doc3"])
    qtbot.mouseClick(pane.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.session.document_id == "doc3"
    pane.set_filter("todo")
    assert pane.visible_ids() == ["doc2", "doc3"]  # the open document stays listed
    press(qtbot, window, K.Key_P)
    assert window.session.document_id == "doc2"
    assert pane.progress.format() == "0 of 3 done"


def test_mark_done_without_problems_and_undo(window, qtbot):
    press(qtbot, window, K.Key_D, CTRL)
    assert status(window, "doc1") == "done"
    assert window.documents.progress.format() == "1 of 3 done"
    assert window.status_label.text().startswith("Saved: mark")
    press(qtbot, window, K.Key_Z, CTRL)
    assert status(window, "doc1") == "in progress"
    press(qtbot, window, K.Key_Y, CTRL)
    assert status(window, "doc1") == "done"
    window.mark_in_progress()
    assert status(window, "doc1") == "in progress"
    press(qtbot, window, K.Key_Z, CTRL)
    assert status(window, "doc1") == "done"


def test_undo_of_a_status_change_on_another_document_opens_it(window, qtbot):
    press(qtbot, window, K.Key_D, CTRL)
    press(qtbot, window, K.Key_N)
    press(qtbot, window, K.Key_Z, CTRL)
    assert window.session.document_id == "doc1"
    assert status(window, "doc1") == "in progress"


def test_mark_done_lists_problems_and_the_fix_path_goes_to_one(window, qtbot):
    tag(qtbot, window, "said", K.Key_2)
    seen = {}

    def fix(dialog):
        assert isinstance(dialog, ChecksDialog)
        seen["problems"] = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        dialog.fix_button.click()

    on_next_modal(fix)
    press(qtbot, window, K.Key_D, CTRL)
    assert seen["problems"] == ["CUE “said” is in no frame"]
    assert status(window, "doc1") == "in progress"
    cue = window.project.spans("doc1", "ann")[0]
    assert window.controller.selected == cue.id
    assert "To fix: CUE “said” is in no frame" in window.status_label.text()
    back_to(qtbot, window)
    # fix it: content + frame, then done goes through without a dialog
    tag(qtbot, window, "the talks failed", K.Key_3)
    press(qtbot, window, K.Key_A)
    press(qtbot, window, K.Key_D, CTRL)
    assert status(window, "doc1") == "done"


def test_mark_done_override_path(window, qtbot):
    tag(qtbot, window, "said", K.Key_2)
    press(qtbot, window, K.Key_A)  # a frame with a cue and no content
    on_next_modal(lambda d: d.override_button.click())
    press(qtbot, window, K.Key_D, CTRL)
    assert status(window, "doc1") == "done"
    assert "despite 1 problem" in window.status_label.text()


def test_mark_done_cancel_changes_nothing(window, qtbot):
    tag(qtbot, window, "said", K.Key_2)
    on_next_modal(lambda d: d.reject())
    press(qtbot, window, K.Key_D, CTRL)
    assert status(window, "doc1") == "in progress"


def test_closing_and_reopening_restores_document_position_and_layout(
        make_window, project_path, qtbot, settings):
    long_text = "\n\n".join(f"Paragraph {i} says something quite long about the talks "
                            "that went on and on." * 3 for i in range(120))
    p = Project.open(project_path)
    p.add_documents([Document("long", long_text, "Long one",
                              paragraphs=paragraph_offsets(long_text))])
    p.close()
    w1 = make_window()
    w1.resize(780, 560)  # inside the offscreen screen (800x600): restoreGeometry clamps
    w1.splitter.setSizes([200, 330, 240])
    w1.documents.set_filter("in progress")
    w1.open_document("long")
    span = tag(qtbot, w1, "Paragraph 3 says", K.Key_1)
    target = long_text.index("Paragraph 60")
    w1.view.scroll_to_offset(target)
    top = w1.view.top_offset()
    assert top > 0
    sizes = w1.splitter.sizes()
    w1.close()
    w1.project.close()

    w2 = make_window()
    qtbot.wait(20)
    assert w2.session.document_id == "long"
    assert w2.documents.current_id() == "long"
    assert abs(w2.view.top_offset() - top) < 200
    assert w2.splitter.sizes() == sizes
    assert (w2.width(), w2.height()) == (780, 560)
    assert w2.documents.filter_value() == "in progress"
    assert w2.view.span(span.id) is not None
    assert [s.id for s in w2.project.spans("long", "ann")] == [span.id]


def test_snap_setting_persists(window, settings):
    window.actions.snap.trigger()
    assert window.view.snap_to_words is False
    assert settings.snap_to_words is False


def test_arrowing_through_the_list_opens_nothing_until_enter(window, qtbot):
    tree = window.documents.tree
    tree.setFocus()
    qtbot.keyClick(tree, K.Key_Down)
    qtbot.keyClick(tree, K.Key_Down)
    assert window.session.document_id == "doc1"
    assert status(window, "doc2") == "todo" and status(window, "doc3") == "todo"
    qtbot.keyClick(tree, K.Key_Return)
    assert window.session.document_id == "doc3"
    assert status(window, "doc2") == "todo"
    window.controller.focus_article()
    press(qtbot, window, K.Key_P)  # relative to the open document
    assert window.session.document_id == "doc2"


def _answer_remove(seen: dict, accept: bool):
    def answer(box) -> None:
        seen["text"], seen["detail"] = box.text(), box.informativeText()
        seen["format"] = box.textFormat()
        button = next(b for b in box.buttons() if b.text() == "Remove") if accept \
            else box.button(box.StandardButton.Cancel)
        button.click()
    return answer


def test_remove_document_asks_removes_everything_and_undo_brings_it_back(window, qtbot):
    cue = tag(qtbot, window, "said", K.Key_2)
    bob = window.project.add_span(window.project.make_span("doc1", "bob", "SOURCE", [(0, 9)]))
    before = [d.id for d in window.project.documents()]
    remove = window.actions.remove_document
    assert remove in window.menuBar().actions()[3].menu().actions()  # Document menu

    seen: dict = {}
    on_next_modal(_answer_remove(seen, accept=False))
    remove.trigger()
    window.activateWindow()  # offscreen, nothing re-activates it when the box closes
    back_to(qtbot, window)
    assert [d.id for d in window.project.documents()] == before  # cancelled: nothing
    assert seen["format"] == Qt.TextFormat.PlainText
    assert seen["text"] == "Remove “First <b>article</b>” from this project?"
    assert "2 span(s) and 0 frame(s) by ann, bob" in seen["detail"]

    on_next_modal(_answer_remove(seen, accept=True))
    remove.trigger()
    window.activateWindow()  # offscreen, nothing re-activates it when the box closes
    back_to(qtbot, window)
    assert [d.id for d in window.project.documents()] == ["doc2", "doc3"]
    assert window.project.spans("doc1") == [] and window.project.frames("doc1") == []
    assert window.session.document_id == "doc2"  # the next one in the list is shown
    assert list(window.documents.items) == ["doc2", "doc3"]
    assert window.status_label.text().startswith("Saved: remove document")

    press(qtbot, window, K.Key_Z, CTRL)
    assert [d.id for d in window.project.documents()] == before
    assert window.session.document_id == "doc1"
    assert set(window.session.spans) == {cue.id}
    assert window.project.span(bob.id) == bob
    assert list(window.documents.items) == before
    press(qtbot, window, K.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert [d.id for d in window.project.documents()] == ["doc2", "doc3"]


def test_a_read_only_window_does_not_offer_to_remove_a_document(window, qtbot, monkeypatch):
    from annotator.ui import dialogs

    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: asked.append(a[2]) or False)
    window.project.set_readonly(True)
    try:
        window.actions.remove_document.trigger()  # no question: it says why at once
        assert asked == []
        assert window.status_label.text().startswith("Not removed: this window is read-only")
        assert [d.id for d in window.project.documents()] == ["doc1", "doc2", "doc3"]
    finally:
        window.project.set_readonly(False)
