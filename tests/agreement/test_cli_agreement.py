"""``annotator agreement``: the table, the JSON report, the selections and bad input."""

from __future__ import annotations

import json

import pytest

from annotator.cli import main
from annotator.domain.model import GOLD, Frame
from annotator.store.project import Project
from tests.conftest import make_doc

TEXT = ('Officials said on Tuesday that "the talks failed."\n\n'
        "Critics, including Senator Smith, argued the opposite.")


@pytest.fixture
def db(tmp_path) -> str:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        p.add_documents([make_doc(TEXT, "doc1", "Talks"), make_doc("Nobody said a word.",
                                                                    "doc2", "Quiet")])

        def add(ann: str, label: str, s: int, e: int, doc: str = "doc1") -> str:
            return p.add_span(p.make_span(doc, ann, label, [(s, e)])).id

        for ann, cue_end, con_label in (("ann", 14, "CONTENT"), ("bob", 17, "SOURCE")):
            src = add(ann, "SOURCE", 0, 9)
            cue = add(ann, "CUE", 10, cue_end)
            con = add(ann, con_label, 31, 50)
            if con_label == "CONTENT":
                p.add_frame(Frame(id=f"f-{ann}", document_id="doc1", annotator=ann, cue=cue,
                                  sources=(src,), contents=(con,),
                                  attributes={"stance": "AGAINST"}))
            add(ann, "SOURCE", 0, 6, "doc2")
            p.set_status("doc1", ann, "done")
        add("cyd", "SOURCE", 0, 9)
        add(GOLD, "SOURCE", 0, 9)
        add(GOLD, "CUE", 10, 14)
    return str(path)


def test_table(db, capsys) -> None:
    assert main(["agreement", "--project", db, "--annotators", "ann,bob"]) == 0
    out = capsys.readouterr().out
    assert "annotators: ann, bob" in out and "(gold layer: gold)" in out
    assert "documents: 2, annotated by all: 2" in out
    assert "labels: SOURCE, CUE, CONTENT, STANCE" in out  # schema order
    assert "per label" in out and "per pair" in out and "ann|bob" in out
    # CUE offsets differ, CONTENT vs SOURCE, ann's attribution has no counterpart in bob's
    assert "disagreements: boundary 1, label 1, missed 1, spurious 0, stance 0" in out
    assert "lowest agreement" in out and "against gold" in out


def test_json_report(db, tmp_path, capsys) -> None:
    out_path = tmp_path / "r.json"
    assert main(["agreement", "--project", db, "--annotators", "ann,bob", "--json",
                 str(out_path), "--records"]) == 0
    assert f"full report written to {out_path}" in capsys.readouterr().out
    r = json.loads(out_path.read_text(encoding="utf-8"))
    assert r["annotators"] == ["ann", "bob"] and r["labels"][0] == "SOURCE"
    assert r["project"]["schema"]["name"]
    assert "token_alpha" in r["definitions"] and "unitizing_alpha" in r["definitions"]
    pair = r["spans"]["exact"]["pairs"]["ann|bob"]
    assert pair["documents"] == 2 and pair["all"]["matched"] == 2
    assert r["tokens"]["overall"]["pairs"]["ann|bob"]["units"] > 0
    peer = [x for x in r["disagreements"]["records"] if x["annotators"] == ["ann", "bob"]]
    assert sorted((x["type"], x["kind"]) for x in peer) == [
        ("boundary", "span"), ("label", "span"), ("missed", "frame")]
    vs_gold = [x for x in r["disagreements"]["records"] if x["annotators"][0] == GOLD]
    # gold|ann: CONTENT span + frame spurious; gold|bob: SOURCE span spurious, CUE boundary
    assert len(vs_gold) == 4
    assert set(r["vs_gold"]) == {"ann", "bob"}


def test_json_to_stdout_and_selections(db, capsys) -> None:
    assert main(["agreement", "--project", db, "--annotators", "ann,bob", "--labels",
                 "SOURCE", "--documents", "doc1", "--json", "-"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["labels"] == ["SOURCE"] and r["documents"]["total"] == 1
    assert r["spans"]["exact"]["pairs"]["ann|bob"]["all"]["reference_spans"] == 1


def test_default_annotators_exclude_gold(db, capsys) -> None:
    assert main(["agreement", "--project", db, "--json", "-"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["annotators"] == ["ann", "bob", "cyd"] and r["gold"] == GOLD
    # cyd annotated doc1 only (a span there), so doc2 is missing data for cyd
    assert r["documents"]["annotated_by"]["cyd"] == 1
    assert r["documents"]["annotated_by_all"] == 1


@pytest.mark.parametrize("option,value,message", [
    ("--annotators", "ann,zed", "unknown annotator: zed"),
    ("--labels", "SOURCE,NOPE", "unknown label: NOPE"),
    ("--documents", "doc9", "unknown document: doc9"),
])
def test_unknown_names_exit_2(db, capsys, option, value, message) -> None:
    assert main(["agreement", "--project", db, option, value]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_single_annotator_against_gold(db, capsys) -> None:
    assert main(["agreement", "--project", db, "--annotators", "ann"]) == 0
    out = capsys.readouterr().out
    assert "fewer than two annotators" in out and "against gold" in out
