"""AnnotationSession and the undoable actions: every action commits before its signal, and
undo/redo restore exactly what the project held."""

from __future__ import annotations

import pytest

from annotator.domain.model import STATUS_DONE, STATUS_IN_PROGRESS, STATUS_TODO, Frame, new_id
from annotator.ui import commands as C
from annotator.ui.session import AnnotationSession


@pytest.fixture
def session(qapp, doc_project):
    s = AnnotationSession(doc_project, "ann")
    s.open_document("doc1")
    return s


def layer(project):
    return (project.spans("doc1", "ann"), project.frames("doc1", "ann"),
            project.status("doc1", "ann"), [t.name for t in project.targets()])


def test_opening_an_unbegun_document_marks_it_in_progress(qapp, doc_project):
    s = AnnotationSession(doc_project, "ann")
    seen = []
    s.status_changed.connect(lambda d, st: seen.append((d, st)))
    assert doc_project.status("doc1", "ann") == STATUS_TODO
    s.open_document("doc1")
    assert doc_project.status("doc1", "ann") == STATUS_IN_PROGRESS
    assert seen == [("doc1", STATUS_IN_PROGRESS)]


def test_signal_is_emitted_after_the_row_is_committed(session, tmp_path):
    from annotator.store.project import Project

    seen = []

    def on_added(span):
        # a second connection sees the row: it was committed before the signal
        other = Project.open(tmp_path / "project.db")
        seen.append([s.id for s in other.spans("doc1", "ann")])
        other.close()

    session.span_added.connect(on_added)
    span = session.make_span("CUE", [(10, 14)])
    assert session.execute(C.TagSpan(session, span))
    assert seen == [[span.id]]


def test_every_action_undoes_and_redoes_exactly(session):
    p = session.project
    stack = session.undo_stack
    snapshots = [layer(p)]

    def run(action):
        assert session.execute(action)
        snapshots.append(layer(p))

    src = session.make_span("SOURCE", [(0, 9)])
    run(C.TagSpan(session, src))
    cue = session.make_span("CUE", [(10, 14)])
    run(C.TagSpan(session, cue))
    con = session.make_span("CONTENT", [(31, 50)])
    run(C.TagSpan(session, con))
    run(C.EditSpan(session, con, "relabel", label="STANCE"))
    run(C.EditSpan(session, p.span(con.id), "relabel", label="CONTENT"))
    run(C.EditSpan(session, src, "note", note="the officials"))
    run(C.EditSpan(session, src, "fragment", fragments=[(0, 9), (61, 75)]))
    frame = Frame(new_id(), "doc1", "ann", cue=cue.id, sources=(src.id,), contents=(con.id,),
                  attributes={"stance": "NONE"})
    run(C.MakeFrame(session, frame, "make frame"))
    run(C.Macro(session, "target", [
        C.AddTarget(session, "doc1", "The talks"),
        C.EditFrame(session, frame.with_changes(attributes={"stance": "AGAINST",
                                                            "target": "The talks"}), "edit")]))
    run(C.EditFrame(session, p.frame(frame.id).with_changes(sources=()), "remove source"))
    run(C.DeleteSpan(session, p.span(cue.id)))
    run(C.SetStatus(session, "doc1", STATUS_DONE))
    run(C.DeleteFrame(session, p.frame(frame.id), "delete frame"))
    assert stack.count() == len(snapshots) - 1
    for i in range(stack.count(), 0, -1):
        stack.undo()
        assert layer(p) == snapshots[i - 1], f"undo of step {i}"
    for i in range(1, len(snapshots)):
        stack.redo()
        assert layer(p) == snapshots[i], f"redo of step {i}"


def test_deleting_a_span_updates_the_frames_holding_it_and_undo_restores_roles(session):
    p = session.project
    cue = session.make_span("CUE", [(10, 14)])
    con = session.make_span("CONTENT", [(31, 50)])
    session.execute(C.TagSpan(session, cue))
    session.execute(C.TagSpan(session, con))
    frame = Frame(new_id(), "doc1", "ann", cue=cue.id, contents=(con.id,))
    session.execute(C.MakeFrame(session, frame, "frame"))
    changed = []
    session.frame_changed.connect(changed.append)
    session.execute(C.DeleteSpan(session, p.span(con.id)))
    assert session.frames[frame.id].contents == ()
    assert changed[-1].contents == ()
    session.undo_stack.undo()
    assert session.frames[frame.id].contents == (con.id,)
    assert p.frame(frame.id).contents == (con.id,)


def test_a_failing_action_stores_nothing_and_is_not_on_the_stack(session):
    errors = []
    session.failed.connect(errors.append)
    bad = session.make_span("CUE", [(10, 14)]).with_changes(label="NOPE")
    assert not session.execute(C.TagSpan(session, bad))
    assert session.undo_stack.count() == 0
    assert session.project.spans("doc1", "ann") == []
    assert "NOPE" in errors[0]


def test_a_failing_macro_rolls_back_its_first_part(session):
    ghost = Frame("missing", "doc1", "ann")
    assert not session.execute(C.Macro(session, "t", [
        C.AddTarget(session, "doc1", "Russia"), C.EditFrame(session, ghost, "edit")]))
    assert session.project.targets() == []


def test_undo_of_an_action_on_another_document_opens_it(session):
    from tests.conftest import make_doc

    p = session.project
    p.add_documents([make_doc("Another text here.", "doc2", "Second")])
    span = session.make_span("CUE", [(0, 5)])
    session.execute(C.TagSpan(session, span))
    session.open_document("doc2")
    opened = []
    session.document_opened.connect(opened.append)
    session.undo_stack.undo()
    assert opened == ["doc1"]
    assert p.spans("doc1", "ann") == []
