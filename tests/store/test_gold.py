"""Gold decisions in the store: atomic write, undo, provenance reads; bulk layer reads."""

from __future__ import annotations

import pytest

from annotator.agreement.adjudication import Decision, GoldState, decide
from annotator.agreement.corpus import Corpus
from annotator.agreement.units import document_units
from annotator.domain.errors import ConflictError
from annotator.domain.model import GOLD, STATUS_DONE, Frame
from annotator.domain.provenance import GoldChange
from annotator.store.project import Project


def _frame(p: Project, ann: str, cue_end: int) -> None:
    src = p.add_span(p.make_span("doc1", ann, "SOURCE", [(0, 9)]))
    cue = p.add_span(p.make_span("doc1", ann, "CUE", [(10, cue_end)]))
    con = p.add_span(p.make_span("doc1", ann, "CONTENT", [(31, 50)]))
    p.add_frame(Frame(id=f"f-{ann}", document_id="doc1", annotator=ann, cue=cue.id,
                      sources=(src.id,), contents=(con.id,), attributes={"stance": "NONE"}))
    p.set_status("doc1", ann, STATUS_DONE)


def _state(p: Project) -> GoldState:
    return GoldState(p.spans("doc1", GOLD), p.frames("doc1", GOLD),
                     p.provenance_for_document("doc1"))


def _units(p: Project):
    docs, layers = p.all_layers()
    return document_units(Corpus.build(docs, layers), "doc1")


def _count(p: Project, table: str) -> int:
    return p._q(f"SELECT count(*) FROM {table}")[0][0]


def test_all_layers(doc_project: Project) -> None:
    _frame(doc_project, "alice", 14)
    _frame(doc_project, "bob", 25)
    doc_project.set_status("doc1", "carol", "in progress")
    docs, layers = doc_project.all_layers()
    assert [d.id for d in docs] == ["doc1"]
    assert [(la.annotator, len(la.spans), len(la.frames), la.status) for la in layers] == [
        ("alice", 3, 1, "done"), ("bob", 3, 1, "done"), ("carol", 0, 0, "in progress")]
    assert layers[0].frames == doc_project.frames("doc1", "alice")
    assert layers[1].spans == doc_project.spans("doc1", "bob")
    _, only = doc_project.all_layers(annotators=["bob"], documents=["doc1", "nope"])
    assert [la.annotator for la in only] == ["bob"]


def test_apply_and_undo_frame_decision(doc_project: Project) -> None:
    _frame(doc_project, "alice", 14)
    _frame(doc_project, "bob", 25)
    units = _units(doc_project)
    frame_unit = units.frame_units()[0]
    change = decide(units, frame_unit, Decision("accept", annotator="alice", rationale="r"),
                    _state(doc_project), "lead")
    doc_project.apply_gold(change)
    (gf,) = doc_project.frames("doc1", GOLD)
    assert gf == change.frames[0].with_changes(updated_at=gf.updated_at)
    assert sorted(s.text for s in doc_project.spans("doc1", GOLD)) == [
        '"the talks failed."', "Officials", "said"]
    assert all(s.origin == "adjudicated" for s in doc_project.spans("doc1", GOLD))
    recs = doc_project.provenance_for_document("doc1")
    assert len(recs) == 4 and doc_project.provenance(gf.id).used_ids == ("f-alice",)
    assert _state(doc_project).is_decided(frame_unit)
    # every span unit got decided along with the frame
    assert all(_state(doc_project).is_decided(u) for u in units.span_units())
    with pytest.raises(ConflictError):
        doc_project.apply_gold(change)  # same ids again: refused, nothing half-written
    assert _count(doc_project, "provenance") == 4
    doc_project.undo_gold(change)
    assert doc_project.spans("doc1", GOLD) == [] and doc_project.frames("doc1", GOLD) == []
    assert _count(doc_project, "provenance") == 0
    assert len(doc_project.spans("doc1", "alice")) == 3  # annotators untouched


def test_reject_is_recorded_and_undone(doc_project: Project) -> None:
    _frame(doc_project, "alice", 14)
    _frame(doc_project, "bob", 25)
    units = _units(doc_project)
    cue_unit = next(u for u in units.span_units() if "boundary" in u.types)
    change = decide(units, cue_unit, Decision("reject", rationale="no cue"),
                    _state(doc_project), "lead")
    doc_project.apply_gold(change)
    (rec,) = doc_project.provenance_for_document("doc1")
    assert rec.decision == "reject" and rec.rationale == "no cue"
    assert doc_project.all_provenance() == [rec]
    doc_project.undo_gold(change)
    assert doc_project.provenance_for_document("doc1") == []


def test_deleted_gold_item_drops_its_provenance_from_reads(doc_project: Project) -> None:
    _frame(doc_project, "alice", 14)
    units = _units(doc_project)
    change = decide(units, units.span_units()[0], Decision("accept", annotator="alice"),
                    _state(doc_project), "lead")
    doc_project.apply_gold(change)
    doc_project.delete_span(change.spans[0].id)
    assert doc_project.provenance_for_document("doc1") == []
    assert not _state(doc_project).is_decided(units.span_units()[0])


def test_non_gold_items_refused(doc_project: Project) -> None:
    span = doc_project.make_span("doc1", "alice", "CUE", [(10, 14)])
    with pytest.raises(ValueError, match="not the gold layer"):
        doc_project.apply_gold(GoldChange("doc1", "accept", spans=(span,)))
    assert _count(doc_project, "spans") == 0
