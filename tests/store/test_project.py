"""Project store: round trips for every entity, transactions, migrations."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.domain.errors import ConflictError, NotFoundError
from annotator.domain.model import AnnotatedDocument, Document, Frame, new_id
from annotator.store.db import ProjectFileError, ProjectVersionError, known_migrations
from annotator.store.project import Project
from tests.conftest import make_doc


def _frame(p: Project, ann: str = "alice") -> tuple[Frame, list]:
    src = p.add_span(p.make_span("doc1", ann, "SOURCE", [(0, 9)]))
    cue = p.add_span(p.make_span("doc1", ann, "CUE", [(10, 14)]))
    con = p.add_span(p.make_span("doc1", ann, "CONTENT", [(31, 51)]))
    f = p.add_frame(Frame(id=new_id(), document_id="doc1", annotator=ann, cue=cue.id,
                          sources=(src.id,), contents=(con.id,),
                          attributes={"stance": "AGAINST", "target": "talks"}))
    return f, [src, cue, con]


def test_new_project_settings(project):
    conn = project.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert project.version == len(known_migrations())


def test_document_round_trip(project):
    doc = Document(id="d", text="Ünïcode 😀 text\n\nSecond.", title="T", author="A",
                   published="2020-01-02", source="s.txt", paragraphs=((0, 14), (16, 23)),
                   meta={"k": [1, 2]})
    assert project.add_documents([doc]).added == ["d"]
    assert project.document("d") == doc
    assert [d.id for d in project.documents()] == ["d"]
    assert project.document_by_hash(doc.text_sha256) == "d"


def test_reimport_same_is_noop_and_different_text_refused(project):
    project.add_documents([make_doc("Some text.")])
    again = project.add_documents([make_doc("Some text."), make_doc("Some text.", "other")])
    assert again.added == [] and again.skipped == ["doc1", "doc1"]
    with pytest.raises(ConflictError):
        project.add_documents([make_doc("fresh", "new"), make_doc("Changed text.")])
    assert project.count_documents() == 1  # "new" rolled back with the conflict


def test_span_round_trip_and_text_copy(doc_project):
    p = doc_project
    s = p.add_span(p.make_span("doc1", "alice", "SOURCE", [(0, 9)],
                               attributes={"x": 1}, note="n"))
    assert s.text == "Officials"
    assert p.span(s.id) == s
    assert p.spans("doc1", "alice") == [s]
    assert p.spans("doc1", "bob") == []
    assert p.annotators() == ["alice"]


def test_discontinuous_span(doc_project):
    p = doc_project
    s = p.add_span(p.make_span("doc1", "alice", "CUE", [(31, 35), (10, 14)]))
    assert s.fragments == ((10, 14), (31, 35))
    assert (s.start, s.end) == (10, 35)
    assert s.text == 'said "the'


def test_span_validation(doc_project):
    p = doc_project
    with pytest.raises(ValueError):
        p.make_span("doc1", "alice", "SOURCE", [(5, 5)])
    with pytest.raises(ValueError):
        p.make_span("doc1", "alice", "SOURCE", [(0, 10_000)])
    with pytest.raises(ValueError, match="not in schema"):
        p.add_span(p.make_span("doc1", "alice", "NOPE", [(0, 3)]))
    with pytest.raises(NotFoundError):
        p.make_span("missing", "alice", "SOURCE", [(0, 3)])


def test_update_and_replace_span(doc_project):
    p = doc_project
    s = p.add_span(p.make_span("doc1", "alice", "SOURCE", [(0, 9)]))
    before, after = p.update_span(s.id, label="CUE", fragments=[(0, 4)], note="hm")
    assert before == s
    assert (after.label, after.text, after.note) == ("CUE", "Offi", "hm")
    assert p.span(s.id) == after
    p.replace_span(before)
    assert p.span(s.id) == s
    with pytest.raises(ValueError):
        p.update_span(s.id, document_id="x")


def test_delete_span_and_restore_keeps_frame_roles(doc_project):
    p = doc_project
    f, (src, cue, con) = _frame(p)
    deleted = p.delete_span(cue.id)
    assert p.frame(f.id).cue is None
    p.restore_span(deleted)
    assert p.frame(f.id) == f
    assert p.span(cue.id) == cue


def test_frame_round_trip_update_delete(doc_project):
    p = doc_project
    f, (src, cue, con) = _frame(p)
    assert p.frame(f.id) == f
    assert p.frames("doc1", "alice") == [f]
    changed = f.with_changes(sources=(), attributes={"stance": "FAVOR"})
    old = p.update_frame(changed)
    assert old == f
    got = p.frame(f.id)
    assert got.sources == () and got.attributes == {"stance": "FAVOR"}
    p.replace_frame(f)
    assert p.frame(f.id) == f
    assert p.delete_frame(f.id) == f
    assert p.frames("doc1") == []
    assert len(p.spans("doc1")) == 3  # spans survive their frame


def test_nested_frames(doc_project):
    p = doc_project
    f, _ = _frame(p)
    inner = p.add_frame(Frame(id="inner", document_id="doc1", annotator="alice", parent_id=f.id))
    assert p.frame(inner.id).parent_id == f.id
    p.delete_frame(f.id)
    assert p.frame(inner.id).parent_id is None


def test_nesting_stays_in_the_layer_and_never_loops(doc_project):
    p = doc_project
    outer = p.add_frame(Frame(id="outer", document_id="doc1", annotator="alice"))
    mid = p.add_frame(Frame(id="mid", document_id="doc1", annotator="alice", parent_id="outer"))
    inner = p.add_frame(Frame(id="inner", document_id="doc1", annotator="alice",
                              parent_id="mid"))
    before = {f.id: f.parent_id for f in p.frames("doc1")}
    for frame, parent in ((outer, "inner"), (outer, "mid"), (mid, "mid"), (outer, "outer")):
        with pytest.raises(ConflictError, match="loop"):
            p.update_frame(frame.with_changes(parent_id=parent))
    with pytest.raises(NotFoundError):
        p.update_frame(inner.with_changes(parent_id="nope"))
    bobs = p.add_frame(Frame(id="bobs", document_id="doc1", annotator="bob"))
    with pytest.raises(ConflictError, match="another document or annotator"):
        p.update_frame(inner.with_changes(parent_id=bobs.id))
    with pytest.raises(ConflictError, match="another document or annotator"):
        p.add_frame(Frame(id="x", document_id="doc1", annotator="bob", parent_id="outer"))
    assert {f.id: f.parent_id for f in p.frames("doc1") if f.annotator == "alice"} == before
    p.update_frame(inner.with_changes(parent_id="outer"))  # re-nesting elsewhere is fine
    p.update_frame(mid.with_changes(parent_id=None))
    assert {f.id: f.parent_id for f in p.frames("doc1") if f.annotator == "alice"} == {
        "outer": None, "mid": None, "inner": "outer"}


def test_frame_refuses_foreign_or_missing_spans(doc_project):
    p = doc_project
    bob = p.add_span(p.make_span("doc1", "bob", "CUE", [(10, 14)]))
    with pytest.raises(ConflictError):
        p.add_frame(Frame(id="f", document_id="doc1", annotator="alice", cue=bob.id))
    with pytest.raises(NotFoundError):
        p.add_frame(Frame(id="f", document_id="doc1", annotator="alice", cue="nope"))
    assert p.frames("doc1") == []


def test_status_and_counts(doc_project):
    p = doc_project
    assert p.status("doc1", "alice") == "todo"
    assert p.set_status("doc1", "alice", "in progress") == "todo"
    assert p.set_status("doc1", "alice", "done") == "in progress"
    assert p.statuses("alice") == {"doc1": "done"}
    with pytest.raises(ValueError):
        p.set_status("doc1", "alice", "finished")
    p.add_span(p.make_span("doc1", "alice", "SOURCE", [(0, 9)]))
    assert p.span_counts("alice") == {"doc1": 1}


def test_targets(project):
    assert project.add_target("Russia", aliases=["Moscow"])
    assert not project.add_target("russia")
    assert not project.add_target("MOSCOW")
    assert project.resolve_target("moscow") == "Russia"
    assert [t.name for t in project.targets()] == ["Russia"]
    project.remove_target("Russia")
    assert project.targets() == []


def test_replace_layer_is_idempotent(doc_project):
    p = doc_project
    f, spans = _frame(p)
    layer = p.layer("doc1", "alice")
    other = Project.memory()
    other.add_documents([p.document("doc1")])
    assert other.replace_layer(layer) is True
    assert other.replace_layer(layer) is False
    got = other.layer("doc1", "alice")
    assert got.spans == layer.spans and got.frames == layer.frames
    emptied = AnnotatedDocument(layer.document, "alice", "done")
    assert other.replace_layer(emptied) is True
    assert other.spans("doc1") == [] and other.status("doc1", "alice") == "done"


def test_transaction_is_all_or_nothing(doc_project):
    p = doc_project
    with pytest.raises(RuntimeError):
        with p.transaction():
            p.add_span(p.make_span("doc1", "alice", "SOURCE", [(0, 9)]))
            p.set_status("doc1", "alice", "done")
            raise RuntimeError("boom")
    assert p.spans("doc1") == [] and p.status("doc1", "alice") == "todo"


def test_changes_are_committed_when_call_returns(tmp_path):
    path = tmp_path / "p.db"
    p = Project.open(path)
    p.add_documents([make_doc("Hello there world.")])
    s = p.add_span(p.make_span("doc1", "alice", "SOURCE", [(0, 5)]))
    # a second connection sees it without p closing or committing anything else
    other = sqlite3.connect(path)
    assert other.execute("SELECT id FROM spans").fetchall() == [(s.id,)]
    other.close()
    p.close()


def test_schema_persisted(project):
    s = project.schema.with_labels(["EVENT"])
    project.set_schema(s)
    path = project.path
    project.close()
    again = Project.open(path)
    assert again.schema.label("EVENT") is not None
    again.close()


def test_migrations_from_empty_file(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    p = Project.open(path)
    assert p.version == len(known_migrations())
    assert {"documents", "spans", "frames", "frame_roles", "targets", "annotators",
            "document_status", "provenance", "meta"} <= set(p.db.table_names())
    p.close()


def test_not_a_project(tmp_path):
    path = tmp_path / "x.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE foo (a)")
    conn.commit()
    conn.close()
    with pytest.raises(ProjectFileError, match="not an Annotator project"):
        Project.open(path)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(ProjectFileError):
        Project.open(junk)


def test_newer_project_refused(tmp_path):
    path = tmp_path / "p.db"
    Project.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) "
                 "VALUES ('annotator', '9999_future', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(ProjectVersionError, match="newer Annotator"):
        Project.open(path)


def test_relabel_refused_when_it_breaks_a_frame_role(doc_project):
    p = doc_project
    f, (src, cue, con) = _frame(p)
    with pytest.raises(ConflictError, match="is the cue of an ATTRIBUTION"):
        p.update_span(cue.id, label="SOURCE")
    assert p.span(cue.id).label == "CUE"
    p.update_span(cue.id, note="still editable")  # other changes are fine
    stance = p.add_span(p.make_span("doc1", "alice", "STANCE", [(0, 9)]))
    assert p.update_span(stance.id, label="SOURCE")[1].label == "SOURCE"  # in no frame
