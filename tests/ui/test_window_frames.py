"""Attribution frames in the real window: made with one key from the tagged spans, roles
added and removed, stance / target / quote form / type, the frames list, undo of each."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.helpers import frames, press, spans, tag

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def tag_attribution(window, qtbot):
    src = tag(qtbot, window, "Officials", K.Key_1)
    cue = tag(qtbot, window, "said", K.Key_2)
    con = tag(qtbot, window, "the talks failed", K.Key_3)
    return src, cue, con


def test_a_makes_a_frame_from_the_tagged_spans_with_stance_and_target(window, qtbot):
    src, cue, con = tag_attribution(window, qtbot)
    assert window.controller.picks == [src.id, cue.id, con.id]
    press(qtbot, window, K.Key_A)
    [frame] = frames(window)
    assert (frame.cue, frame.sources, frame.contents) == (cue.id, (src.id,), (con.id,))
    assert frame.attributes == {"stance": "NONE"}
    assert window.controller.frame_id == frame.id and window.controller.picks == []
    assert window.status_label.text().startswith("Saved: make ATTRIBUTION")
    assert window.frame_panel.frames_list.count() == 1
    assert sorted(window.view.highlighted_spans()) == sorted([src.id, cue.id, con.id])

    press(qtbot, window, K.Key_S)  # stance
    stance = window.frame_panel.attributes.editors["stance"]
    assert stance.hasFocus()
    qtbot.keyClick(stance, K.Key_A)
    qtbot.keyClick(stance, K.Key_Return)
    press(qtbot, window, K.Key_T)  # target
    target = window.frame_panel.attributes.editors["target"]
    assert target.hasFocus()
    qtbot.keyClicks(target, "Peace talks")
    qtbot.keyClick(target, K.Key_Return)
    qtbot.keyClick(target, K.Key_Escape)
    assert window.view.text_edit.hasFocus()
    quote = window.frame_panel.attributes.editors["quote_form"]
    quote.setCurrentIndex(quote.findData("DIRECT"))
    quote.activated.emit(quote.currentIndex())
    kind = window.frame_panel.attributes.editors["type"]
    kind.setCurrentIndex(kind.findData("ASSERTION"))
    kind.activated.emit(kind.currentIndex())
    assert window.project.frame(frame.id).attributes == {
        "stance": "AGAINST", "target": "Peace talks", "quote_form": "DIRECT",
        "type": "ASSERTION"}
    assert [t.name for t in window.project.targets()] == ["Peace talks"]
    assert "AGAINST → Peace talks" in window.frame_panel.frames_list.item(0).text()

    # undo each, in turn, back to three loose spans; then redo everything
    expected = [{"stance": "AGAINST", "target": "Peace talks", "quote_form": "DIRECT"},
                {"stance": "AGAINST", "target": "Peace talks"}, {"stance": "AGAINST"},
                {"stance": "NONE"}]
    for attrs in expected:
        press(qtbot, window, K.Key_Z, CTRL)
        assert window.project.frame(frame.id).attributes == attrs
    assert window.project.targets() == []
    press(qtbot, window, K.Key_Z, CTRL)
    assert frames(window) == [] and len(spans(window)) == 3
    for _ in range(5):
        press(qtbot, window, K.Key_Z, CTRL | SHIFT)
    assert window.project.frame(frame.id).attributes["type"] == "ASSERTION"
    assert [t.name for t in window.project.targets()] == ["Peace talks"]


def test_ctrl_click_picks_and_shift_a_adds_to_the_current_frame(window, qtbot):
    src, cue, con = tag_attribution(window, qtbot)
    window.controller.clear_picks()
    window.controller.toggle_pick(cue.id)
    window.controller.toggle_pick(con.id)
    press(qtbot, window, K.Key_Escape)  # clears the picks ...
    assert window.controller.picks == []
    window.controller.toggle_pick(cue.id)
    window.controller.toggle_pick(con.id)
    window.controller.select_span(None)
    press(qtbot, window, K.Key_A)
    [frame] = frames(window)
    assert frame.sources == ()
    second = tag(qtbot, window, "Senator Smith", K.Key_1)
    window.controller.select_span(src.id)  # src is in no frame: the current frame stays
    assert window.controller.frame_id == frame.id
    press(qtbot, window, K.Key_A, SHIFT)
    assert window.project.frame(frame.id).sources == (second.id, src.id)
    # remove a role: the selected span leaves the frame; undo puts it back
    press(qtbot, window, K.Key_Delete, SHIFT)
    assert window.project.frame(frame.id).sources == (second.id,)
    press(qtbot, window, K.Key_Z, CTRL)
    assert window.project.frame(frame.id).sources == (second.id, src.id)


def test_a_second_cue_starts_a_new_pick_list(window, qtbot):
    tag_attribution(window, qtbot)
    cue2 = tag(qtbot, window, "argued", K.Key_2)
    assert window.controller.picks == [cue2.id]


def test_a_frame_is_refused_for_spans_without_a_role(window, qtbot):
    stance = tag(qtbot, window, "the opposite", K.Key_4)
    assert window.controller.picks == []
    window.controller.select_span(stance.id)
    press(qtbot, window, K.Key_A)
    assert frames(window) == []
    assert "fills no role" in window.status_label.text()


def test_choosing_a_frame_highlights_its_spans_and_delete_in_the_list_removes_it(window,
                                                                                 qtbot):
    src, cue, con = tag_attribution(window, qtbot)
    press(qtbot, window, K.Key_A)
    c2 = tag(qtbot, window, "argued", K.Key_2)
    c3 = tag(qtbot, window, "the opposite", K.Key_3)
    press(qtbot, window, K.Key_A)
    assert len(frames(window)) == 2
    lst = window.frame_panel.frames_list
    first = lst.item(0).data(Qt.ItemDataRole.UserRole)
    lst.setCurrentRow(0)
    assert window.controller.frame_id == first
    assert sorted(window.view.highlighted_spans()) == sorted([src.id, cue.id, con.id])
    lst.setCurrentRow(1)
    assert sorted(window.view.highlighted_spans()) == sorted([c2.id, c3.id])
    lst.setFocus()
    qtbot.keyClick(lst, K.Key_Delete)
    assert [f.id for f in frames(window)] == [first]
    assert len(spans(window)) == 5  # the spans stay
    window.controller.focus_article()
    press(qtbot, window, K.Key_Z, CTRL)
    assert len(frames(window)) == 2


def test_deleting_a_span_of_a_frame_and_undo_restores_its_role(window, qtbot):
    src, cue, con = tag_attribution(window, qtbot)
    press(qtbot, window, K.Key_A)
    window.controller.select_span(con.id)
    press(qtbot, window, K.Key_Delete)
    [frame] = frames(window)
    assert frame.contents == ()
    assert "(no content)" in window.frame_panel.frames_list.item(0).text()
    press(qtbot, window, K.Key_Z, CTRL)
    assert frames(window)[0].contents == (con.id,)


def _click_span(qtbot, window, span, modifier=Qt.KeyboardModifier.NoModifier):
    from PySide6.QtGui import QTextCursor

    edit = window.view.text_edit
    cursor = QTextCursor(edit.document())
    cursor.setPosition(edit.omap.to_u16(span.start + 1))
    point = edit.cursorRect(cursor).center()
    qtbot.mouseClick(edit.viewport(), Qt.MouseButton.LeftButton, modifier, point)


def test_clicking_selects_and_ctrl_clicking_picks_with_the_mouse(window, qtbot):
    src, cue, con = tag_attribution(window, qtbot)
    press(qtbot, window, K.Key_Escape)  # clear the picks
    _click_span(qtbot, window, cue)
    assert window.controller.selected == cue.id and window.controller.picks == []
    _click_span(qtbot, window, con, CTRL)
    _click_span(qtbot, window, src, CTRL)
    assert window.controller.picks == [con.id, src.id]
    assert window.controller.selected == cue.id
    assert "CONTENT" in window.frame_panel.picks.text()
    press(qtbot, window, K.Key_A)
    [frame] = frames(window)
    assert (frame.cue, frame.sources, frame.contents) == (cue.id, (src.id,), (con.id,))


def test_relabelling_a_frame_member_out_of_its_role_is_refused(window, qtbot):
    src, cue, con = tag_attribution(window, qtbot)
    press(qtbot, window, K.Key_A)
    window.controller.select_span(cue.id)
    window.view.clear_selection()
    press(qtbot, window, K.Key_1)  # a label key with no selection relabels the span
    assert window.project.span(cue.id).label == "CUE"
    assert window.session.spans[cue.id].label == "CUE"
    assert "must be a CUE" in window.status_label.text()


def _choose_parent(window, frame_id: str | None) -> list[str]:
    """Open the "Nested in" list, pick ``frame_id`` (None: not nested); returns the ids
    that were offered."""
    combo = window.frame_panel.parent_combo
    combo.showPopup()
    offered = [combo.itemData(i) for i in range(1, combo.count())]
    combo.hidePopup()
    index = combo.findData(frame_id or "")
    assert index >= 0, (frame_id, offered)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    return offered


def test_a_frame_nests_in_another_with_undo_and_never_in_its_own_nest(window, qtbot):
    tag_attribution(window, qtbot)
    press(qtbot, window, K.Key_A)
    [outer] = frames(window)
    tag(qtbot, window, "Critics", K.Key_1)
    tag(qtbot, window, "argued", K.Key_2)
    tag(qtbot, window, "the opposite", K.Key_3)
    press(qtbot, window, K.Key_A)
    inner = next(f for f in frames(window) if f.id != outer.id)
    assert window.controller.frame_id == inner.id
    combo = window.frame_panel.parent_combo
    assert combo.currentText() == "(not nested)"

    assert _choose_parent(window, outer.id) == [outer.id]  # never itself
    assert window.project.frame(inner.id).parent_id == outer.id
    assert window.status_label.text().startswith("Saved: nest frame in")
    texts = [window.frame_panel.frames_list.item(i).text() for i in range(2)]
    assert [t.startswith("↳ ") for t in texts] == [False, True]
    assert combo.currentData() == outer.id and "Officials" in combo.currentText()

    # the outer frame cannot nest in the frame nested in it
    window.controller.choose_frame(outer.id)
    assert window.frame_panel.parent_combo.currentText() == "(not nested)"
    assert _choose_parent(window, None) == []
    assert window.project.frame(outer.id).parent_id is None

    press(qtbot, window, K.Key_Z, CTRL)
    assert window.project.frame(inner.id).parent_id is None
    press(qtbot, window, K.Key_Z, CTRL | SHIFT)
    assert window.project.frame(inner.id).parent_id == outer.id

    # deleting the outer frame un-nests the inner one; undo nests it again
    window.controller.choose_frame(outer.id)
    window.controller.delete_frame()
    assert window.project.frame(inner.id).parent_id is None
    assert window.session.frames[inner.id].parent_id is None
    press(qtbot, window, K.Key_Z, CTRL)
    assert window.project.frame(inner.id).parent_id == outer.id
    assert window.session.frames[inner.id].parent_id == outer.id

    window.controller.choose_frame(inner.id)
    _choose_parent(window, None)
    assert window.project.frame(inner.id).parent_id is None
    assert window.status_label.text() == "Saved: frame no longer nested"
