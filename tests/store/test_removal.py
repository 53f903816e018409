"""Removing a document and putting it back: everything goes, everything comes back."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.cli import main as cli_main
from annotator.domain.errors import ConflictError, NotFoundError
from annotator.domain.model import GOLD
from annotator.formats.canonical import write_canonical
from annotator.store.project import Project
from tests.conftest import make_doc
from tests.seed_review import make_two_projects


def _export(p: Project, path: Path) -> bytes:
    write_canonical(p, path)
    return path.read_bytes()


@pytest.fixture
def adjudicated(tmp_path: Path) -> tuple[Path, str]:
    """Alice's project with bob merged, unanimous units in gold, and two more documents."""
    alice, bob, doc = make_two_projects(tmp_path)
    assert cli_main(["merge", str(bob), "--project", str(alice)]) == 0
    assert cli_main(["adjudicate", "--project", str(alice), "--by", "lead", "agreed"]) == 0
    with Project.open(alice) as p:
        p.add_documents([make_doc("A second text.", "two"), make_doc("A third one.", "three")])
        p.set_status("two", "alice", "done")
    return alice, doc


def test_delete_takes_everything_and_restore_brings_it_back_exactly(adjudicated, tmp_path):
    path, doc = adjudicated
    with Project.open(path) as p:
        before = _export(p, tmp_path / "before.jsonl")
        records = p.provenance_for_document(doc)
        assert records and p.spans(doc, GOLD) and p.spans(doc, "bob")
        deleted = p.delete_document(doc)
        assert deleted.counts()[0] == sum(len(la.spans) for la in deleted.layers) > 0
        assert {la.annotator for la in deleted.layers} >= {"alice", "bob", GOLD}
        assert [d.id for d in p.documents()] == ["two", "three"]
        for table in ("spans", "frames", "document_status"):
            assert p._q(f"SELECT count(*) FROM {table} WHERE document_id = ?",
                        (doc,))[0][0] == 0
        assert p._q("SELECT count(*) FROM frame_roles")[0][0] == 0
        assert p.all_provenance() == [] and p._q("SELECT count(*) FROM provenance")[0][0] == 0
        with pytest.raises(NotFoundError):
            p.delete_document(doc)

        p.restore_document(deleted)
        assert _export(p, tmp_path / "after.jsonl") == before
        assert p.provenance_for_document(doc) == records
        assert [d.id for d in p.documents()][0] == doc
        with pytest.raises(ConflictError):
            p.restore_document(deleted)


def test_a_document_restored_after_another_import_goes_back_at_the_end(adjudicated):
    path, _doc = adjudicated
    with Project.open(path) as p:
        deleted = p.delete_document("three")  # the newest: its row number is free again
        p.add_documents([make_doc("A fourth, imported since.", "four")])
        p.restore_document(deleted)
        assert [d.id for d in p.documents()][1:] == ["two", "four", "three"]
        p.add_documents([make_doc("A fifth.", "five")])
        assert [d.id for d in p.documents()][-2:] == ["three", "five"]
        positions = [r[0] for r in p._q("SELECT position FROM documents ORDER BY rowid")]
        assert positions == sorted(set(positions))  # still unique and in row order


def test_delete_and_restore_are_each_one_transaction(adjudicated, monkeypatch):
    path, doc = adjudicated
    with Project.open(path) as p:
        count = p._q("SELECT count(*) FROM spans")[0][0]
        deleted = p.delete_document(doc)
        real = p.put_provenance

        def broken(records):
            real(records)
            raise RuntimeError("disk full")

        monkeypatch.setattr(p, "put_provenance", broken)
        with pytest.raises(RuntimeError):
            p.restore_document(deleted)
        assert p._q("SELECT count(*) FROM documents WHERE id = ?", (doc,))[0][0] == 0
        assert p._q("SELECT count(*) FROM spans")[0][0] == count - deleted.counts()[0]
        monkeypatch.undo()
        p.restore_document(deleted)
        assert p._q("SELECT count(*) FROM spans")[0][0] == count
