"""Every change is committed when the call returns: no call leaves a transaction open, and
a second connection sees each change at once (what "saved" means to the user)."""

from __future__ import annotations

import sqlite3

from annotator.domain.model import AnnotatedDocument, Frame, new_id
from annotator.store.project import Project
from tests.conftest import make_doc


def test_no_call_leaves_a_transaction_open(tmp_path):
    path = tmp_path / "p.db"
    p = Project.open(path)
    other = sqlite3.connect(path)
    seen = lambda sql: other.execute(sql).fetchone()[0]  # noqa: E731

    def check() -> None:
        assert not p.db.conn.in_transaction

    p.add_documents([make_doc('Officials said on Tuesday that "the talks failed."')])
    check()
    assert seen("SELECT count(*) FROM documents") == 1
    src = p.add_span(p.make_span("doc1", "alice", "SOURCE", [(0, 9)]))
    check()
    cue = p.add_span(p.make_span("doc1", "alice", "CUE", [(10, 14)]))
    con = p.add_span(p.make_span("doc1", "alice", "CONTENT", [(31, 50)]))
    p.update_span(src.id, note="n")
    check()
    assert seen(f"SELECT note FROM spans WHERE id = '{src.id}'") == "n"
    f = p.add_frame(Frame(id=new_id(), document_id="doc1", annotator="alice", cue=cue.id,
                          sources=(src.id,), contents=(con.id,)))
    check()
    p.update_frame(f.with_changes(attributes={"stance": "FAVOR"}))
    check()
    deleted = p.delete_span(src.id)
    check()
    p.restore_span(deleted)
    check()
    p.set_status("doc1", "alice", "done")
    check()
    assert seen("SELECT status FROM document_status") == "done"
    p.add_target("Russia")
    p.set_meta("k", "v")
    check()
    layer = p.layer("doc1", "alice")
    p.replace_layer(AnnotatedDocument(layer.document, "bob", "done", [], []))
    check()
    p.delete_frame(f.id)
    check()
    assert seen("SELECT count(*) FROM frames") == 0
    other.close()
    p.close()
