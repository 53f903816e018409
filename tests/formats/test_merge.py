"""Merging other annotators' layers from project files: matching, idempotence, refusals."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.cli import main as cli_main
from annotator.domain.errors import InputError
from annotator.domain.model import GOLD, STATUS_DONE, Frame
from annotator.formats.merge import merge_sources
from annotator.store.project import Project
from tests.conftest import make_doc

TEXT = ('Officials said on Tuesday that "the talks failed."\n\n'
        "Critics, including Senator Smith, argued the opposite.")


def _annotate(p: Project, doc_id: str, ann: str) -> None:
    src = p.add_span(p.make_span(doc_id, ann, "SOURCE", [(0, 9)]))
    cue = p.add_span(p.make_span(doc_id, ann, "CUE", [(10, 14)]))
    content = p.add_span(p.make_span(doc_id, ann, "CONTENT", [(31, 50)]))
    p.add_frame(Frame(id=f"f-{ann}", document_id=doc_id, annotator=ann, cue=cue.id,
                      sources=(src.id,), contents=(content.id,),
                      attributes={"stance": "AGAINST"}))
    p.set_status(doc_id, ann, STATUS_DONE)


@pytest.fixture
def other_db(tmp_path: Path) -> Path:
    """A second project (bob's) holding the same document under another id."""
    path = tmp_path / "bob.db"
    with Project.open(path) as other:
        other.add_documents([make_doc(TEXT, doc_id="bobs-copy")])
        _annotate(other, "bobs-copy", "bob")
        other.add_target("Russia", ["Moscow"])
    return path


def _counts(p: Project) -> tuple:
    return tuple(p._q("SELECT count(*) FROM " + t)[0][0]
                 for t in ("documents", "spans", "frames", "frame_roles", "document_status",
                           "provenance", "targets"))


def test_merge_from_db_matches_by_hash(doc_project: Project, other_db: Path) -> None:
    _annotate(doc_project, "doc1", "alice")
    report = merge_sources(doc_project, [other_db])
    assert report.documents_added == []
    assert report.layers_added == [("doc1", "bob", 3, 1)]
    assert report.targets_added == ["Russia"]
    bob = doc_project.layer("doc1", "bob")
    assert [s.label for s in bob.spans] == ["SOURCE", "CUE", "CONTENT"]
    assert all(s.document_id == "doc1" for s in bob.spans)
    assert bob.frames[0].attributes == {"stance": "AGAINST"}
    assert bob.frames[0].cue in {s.id for s in bob.spans}
    assert bob.status == STATUS_DONE
    assert len(doc_project.spans("doc1", "alice")) == 3  # untouched


def test_merge_twice_changes_nothing(doc_project: Project, other_db: Path) -> None:
    merge_sources(doc_project, [other_db])
    before = _counts(doc_project)
    again = merge_sources(doc_project, [other_db])
    assert not again.changed
    assert again.layers_unchanged == [("doc1", "bob")]
    assert _counts(doc_project) == before


def test_missing_document_is_added(project: Project, other_db: Path) -> None:
    report = merge_sources(project, [other_db])
    assert report.documents_added == ["bobs-copy"]
    assert project.document("bobs-copy").text == TEXT
    assert len(project.spans("bobs-copy", "bob")) == 3


def test_same_id_different_text_refused(doc_project: Project, tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with Project.open(path) as other:
        other.add_documents([make_doc(TEXT + " More.", doc_id="doc1")])
        other.add_span(other.make_span("doc1", "bob", "CUE", [(10, 14)]))
    before = _counts(doc_project)
    with pytest.raises(InputError) as err:
        merge_sources(doc_project, [path])
    assert str(path) in str(err.value) and "doc1" in str(err.value)
    assert "different text" in str(err.value)
    assert _counts(doc_project) == before


def test_bad_second_source_merges_nothing(doc_project: Project, other_db: Path,
                                          tmp_path: Path) -> None:
    bad = tmp_path / "garbage.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    before = _counts(doc_project)
    with pytest.raises(InputError) as err:
        merge_sources(doc_project, [other_db, bad])
    assert str(bad) in str(err.value)
    assert _counts(doc_project) == before


def test_conflicting_local_layer_refused_unless_replace(doc_project: Project,
                                                        other_db: Path) -> None:
    doc_project.add_span(doc_project.make_span("doc1", "bob", "STANCE", [(0, 9)]))
    before = _counts(doc_project)
    with pytest.raises(InputError, match="different layer by bob"):
        merge_sources(doc_project, [other_db])
    assert _counts(doc_project) == before
    report = merge_sources(doc_project, [other_db], replace=True)
    assert report.layers_replaced == [("doc1", "bob", 3, 1)]
    assert [s.label for s in doc_project.spans("doc1", "bob")] == ["SOURCE", "CUE", "CONTENT"]


def test_two_sources_disagreeing_on_a_layer_refused(doc_project: Project, other_db: Path,
                                                    tmp_path: Path) -> None:
    second = tmp_path / "bob2.db"
    shutil.copy(other_db, second)
    with Project.open(second) as p:
        p.add_span(p.make_span("bobs-copy", "bob", "STANCE", [(0, 9)]))
    with pytest.raises(InputError, match="differs from the one in"):
        merge_sources(doc_project, [other_db, second])
    assert doc_project.spans("doc1", "bob") == []


def test_annotator_filter(doc_project: Project, tmp_path: Path) -> None:
    path = tmp_path / "both.db"
    with Project.open(path) as other:
        other.add_documents([make_doc(TEXT)])
        _annotate(other, "doc1", "bob")
        _annotate(other, "doc1", "carol")
    report = merge_sources(doc_project, [path], annotators=["carol"])
    assert [(d, a) for d, a, *_ in report.layers_added] == [("doc1", "carol")]
    assert doc_project.spans("doc1", "bob") == []


def test_merging_the_project_into_itself_refused(project: Project) -> None:
    with pytest.raises(InputError, match="this project itself"):
        merge_sources(project, [project.path])


def test_unknown_label_refused(doc_project: Project, tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with Project.open(path) as other:
        other.set_schema(other.schema.with_labels(["EVENT"]))
        other.add_documents([make_doc(TEXT)])
        other.add_span(other.make_span("doc1", "bob", "EVENT", [(0, 9)]))
    with pytest.raises(InputError, match="'EVENT' is not in this project's schema"):
        merge_sources(doc_project, [path])


def test_gold_layer_and_provenance_merge(doc_project: Project, tmp_path: Path) -> None:
    from annotator.domain.provenance import GoldChange, Provenance, SourceRef

    path = tmp_path / "lead.db"
    with Project.open(path) as other:
        other.add_documents([make_doc(TEXT)])
        bob = other.add_span(other.make_span("doc1", "bob", "CUE", [(10, 14)]))
        g = other.make_span("doc1", GOLD, "CUE", [(10, 14)], origin="adjudicated")
        prov = Provenance(g.id, "span", (SourceRef(bob.id, "bob", "span", "doc1"),),
                          "lead", "2024-01-01T00:00:00", "accept", "clear cue")
        other.apply_gold(GoldChange("doc1", "accept", spans=(g,), provenance=(prov,)))
    report = merge_sources(doc_project, [path])
    assert report.provenance_written == 1
    assert doc_project.provenance(g.id) == prov
    assert [s.id for s in doc_project.spans("doc1", GOLD)] == [g.id]
    assert not merge_sources(doc_project, [path]).changed


def test_cli_merge(doc_project: Project, other_db: Path, capsys: pytest.CaptureFixture) -> None:
    db = str(doc_project.path)
    doc_project.close()
    assert cli_main(["merge", str(other_db), "--project", db]) == 0
    out = capsys.readouterr().out
    assert "layers merged: 1" in out and "doc1 / bob: 3 span(s), 1 frame(s)" in out
    assert cli_main(["merge", str(other_db), "--project", db]) == 0
    assert "nothing new" in capsys.readouterr().out
    assert cli_main(["merge", str(other_db) + ".missing", "--project", db]) == 2
    assert "no such file" in capsys.readouterr().err


# ------------------------------------------------------------------ canonical exports
def test_merge_from_canonical_export(doc_project: Project, other_db: Path,
                                     tmp_path: Path) -> None:
    from annotator.formats.canonical import write_canonical

    out = tmp_path / "bob.jsonl"
    with Project.open(other_db) as other:
        write_canonical(other, out, annotators=["bob"])
    report = merge_sources(doc_project, [out])
    assert report.layers_added == [("doc1", "bob", 3, 1)]
    with Project.open(other_db) as other:
        theirs = other.layer("bobs-copy", "bob")
    ours = doc_project.layer("doc1", "bob")
    assert [s.id for s in ours.spans] == [s.id for s in theirs.spans]
    assert ours.frames[0].attributes == theirs.frames[0].attributes
    before = _counts(doc_project)
    assert not merge_sources(doc_project, [out]).changed
    assert _counts(doc_project) == before
    again = merge_sources(doc_project, [other_db])  # the same layer, from the .db
    assert again.layers_added == again.layers_replaced == []
    assert again.targets_added == ["Russia"]  # targets travel in .db files only


def test_merge_gold_with_provenance_from_export(doc_project: Project, tmp_path: Path) -> None:
    from annotator.domain.provenance import GoldChange, Provenance, SourceRef
    from annotator.formats.canonical import write_canonical

    lead = tmp_path / "lead.db"
    with Project.open(lead) as other:
        other.add_documents([make_doc(TEXT)])
        bob = other.add_span(other.make_span("doc1", "bob", "CUE", [(10, 14)]))
        g = other.make_span("doc1", GOLD, "CUE", [(10, 14)], origin="adjudicated")
        prov = Provenance(g.id, "span", (SourceRef(bob.id, "bob", "span", "doc1"),),
                          "lead", "2024-01-01T00:00:00", "accept", "clear")
        other.apply_gold(GoldChange("doc1", "accept", spans=(g,), provenance=(prov,)))
        out = tmp_path / "gold.jsonl"
        write_canonical(other, out, gold=True, annotators=[])
    assert '"annotator":"gold"' in out.read_text()
    report = merge_sources(doc_project, [out])
    assert [a for _, a, *_ in report.layers_added] == [GOLD]
    assert doc_project.provenance(g.id) == prov


def test_bad_export_line_merges_nothing(doc_project: Project, other_db: Path,
                                        tmp_path: Path) -> None:
    from annotator.formats.canonical import write_canonical

    out = tmp_path / "bob.jsonl"
    with Project.open(other_db) as other:
        write_canonical(other, out, annotators=["bob"])
    out.write_text(out.read_text() + '{"document_id": "x", "text": 5}\n')
    before = _counts(doc_project)
    with pytest.raises(InputError) as err:
        merge_sources(doc_project, [other_db, out])
    assert f"{out}:2" in str(err.value)
    assert _counts(doc_project) == before


def test_export_naming_other_text_under_same_id_refused(doc_project: Project,
                                                       tmp_path: Path) -> None:
    from annotator.formats.canonical import write_canonical

    other_db = tmp_path / "o.db"
    with Project.open(other_db) as other:
        other.add_documents([make_doc(TEXT.replace("Tuesday", "Monday"))])
        other.add_span(other.make_span("doc1", "bob", "CUE", [(10, 14)]))
        write_canonical(other, tmp_path / "o.jsonl")
    with pytest.raises(InputError, match=r"o\.jsonl: document doc1 has different text"):
        merge_sources(doc_project, [tmp_path / "o.jsonl"])
    assert doc_project.spans("doc1") == []
