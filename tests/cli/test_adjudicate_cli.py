"""End to end in the CLI: two annotators on the seed article, merged, adjudicated, undone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotator.cli import main as cli_main
from annotator.domain.model import GOLD
from annotator.store.project import Project
from tests.seed_review import MIN_SRC, ULLYOT_SRC, make_two_projects


def _keys(out: str) -> dict[str, str]:
    """unit key -> the first item line under it."""
    keys: dict[str, str] = {}
    lines = out.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^([0-9a-f]{10})  ", line)
        if m:
            keys[m.group(1)] = line + "\n" + "\n".join(lines[i + 1:i + 3])
    return keys


def _key(keys: dict[str, str], *needles: str) -> str:
    return next(k for k, v in keys.items() if all(n in v for n in needles))


def test_merge_and_adjudicate_seed_article(tmp_path: Path,
                                           capsys: pytest.CaptureFixture) -> None:
    alice, bob, doc = make_two_projects(tmp_path)
    p = ["--project", str(alice)]
    assert cli_main(["merge", str(bob), *p]) == 0
    capsys.readouterr()
    adj = ["adjudicate", *p, "--by", "lead"]
    assert cli_main([*adj, "list"]) == 0
    out = capsys.readouterr().out
    assert "9 open unit(s)" in out
    keys = _keys(out)
    assert cli_main([*adj, "agreed"]) == 0
    assert "unanimous units accepted into gold: 5" in capsys.readouterr().out

    src = _key(keys, "span", "boundary", "SOURCE")
    assert cli_main([*adj, "decide", src, "accept", "alice", "--rationale", "appositive"]) == 0
    label = _key(keys, "label")
    assert cli_main([*adj, "decide", label, "union"]) == 2
    assert "different labels" in capsys.readouterr().err
    assert cli_main([*adj, "decide", label, "union", "--label", "CUE"]) == 0
    frame = _key(keys, "frame", "stance")
    assert cli_main([*adj, "decide", frame, "edit", "alice", "--set", "stance=NEUTRAL"]) == 0
    spurious = _key(keys, "STANCE", "(nothing)")
    assert cli_main([*adj, "decide", spurious, "reject", "--rationale", "not evaluative"]) == 0
    missed = _key(keys, "frame", "missed")
    assert cli_main([*adj, "decide", missed, "accept", "alice"]) == 0
    capsys.readouterr()
    assert cli_main([*adj, "list"]) == 0
    # the Ullyot cue unit was decided along with its frame (alice's cue copied)
    assert "0 open unit(s)" in capsys.readouterr().out

    with Project.open(alice) as project:
        gold = {s.text: s for s in project.spans(doc, GOLD)}
        assert ULLYOT_SRC in gold and MIN_SRC in gold and "John Ullyot" not in gold
        assert gold["charged"].label == "CUE"
        assert "threateningly" not in gold
        frames = project.frames(doc, GOLD)
        assert sorted(f.attributes["stance"] for f in frames) == ["AGAINST", "NEUTRAL", "NONE"]
        ullyot = next(f for f in frames if f.attributes["stance"] == "NEUTRAL")
        assert ullyot.sources == (gold[ULLYOT_SRC].id,)
        prov = project.provenance(gold[ULLYOT_SRC].id)
        assert (prov.decision, prov.decided_by, prov.rationale) == ("accept", "lead",
                                                                    "appositive")
        assert [s.annotator for s in prov.sources if s.used] == ["alice"]

    assert cli_main([*adj, "undo", missed]) == 0
    assert "3 gold span(s), 1 gold frame(s) removed" in capsys.readouterr().out
    with Project.open(alice) as project:
        assert MIN_SRC not in {s.text for s in project.spans(doc, GOLD)}
    assert cli_main([*adj, "undo", missed]) == 2
    assert cli_main([*adj, "decide", "0000000000", "reject"]) == 2
    assert cli_main([*adj, "show"]) == 0
    out = capsys.readouterr().out
    assert "rationale: appositive" in out and "reject" in out


def test_gold_exports_and_merges_with_provenance(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture) -> None:
    alice, bob, doc = make_two_projects(tmp_path)
    p = ["--project", str(alice)]
    assert cli_main(["merge", str(bob), *p]) == 0
    assert cli_main(["adjudicate", *p, "--by", "lead", "agreed"]) == 0
    assert cli_main(["adjudicate", *p, "--by", "lead", "agreed"]) == 0  # nothing left
    printed = capsys.readouterr().out
    assert "accepted into gold: 5" in printed and "accepted into gold: 0" in printed
    out = tmp_path / "gold.jsonl"
    assert cli_main(["export", *p, "--gold", "--annotator", "alice", "--out", str(out)]) == 0
    fresh = tmp_path / "fresh.db"
    assert cli_main(["merge", str(out), "--project", str(fresh)]) == 0
    capsys.readouterr()
    with Project.open(alice) as a, Project.open(fresh) as f:
        assert f.spans(doc, GOLD) == a.spans(doc, GOLD) and len(f.spans(doc, GOLD)) == 4
        assert f.frames(doc, GOLD) == a.frames(doc, GOLD)
        assert f.provenance_for_document(doc) == a.provenance_for_document(doc)
        assert {la.annotator for la in f.all_layers()[1]} == {"alice", GOLD}


def test_agreed_does_not_duplicate_a_gold_layer_imported_without_provenance(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    import shutil

    alice, bob, doc = make_two_projects(tmp_path)
    assert cli_main(["merge", str(bob), "--project", str(alice)]) == 0
    other = tmp_path / "other.db"
    shutil.copy(alice, other)
    # the same unanimous units decided elsewhere: a gold layer that arrives with no
    # provenance (as from another tool)
    assert cli_main(["adjudicate", "--project", str(other), "--by", "x", "agreed"]) == 0
    with Project.open(other) as o, Project.open(alice) as a:
        imported = o.layer(doc, GOLD)
        assert a.replace_layer(imported)
        before = (a.spans(doc, GOLD), a.frames(doc, GOLD))
        assert before[0] and a.provenance_for_document(doc) == []
    capsys.readouterr()
    adj = ["adjudicate", "--project", str(alice), "--by", "lead"]
    assert cli_main([*adj, "agreed"]) == 0
    assert "unanimous units accepted into gold: 5" in capsys.readouterr().out
    with Project.open(alice) as a:
        assert (a.spans(doc, GOLD), a.frames(doc, GOLD)) == before  # no copies
        records = a.provenance_for_document(doc)
        assert len(records) == 5 and {r.decided_by for r in records} == {"lead"}
        assert {r.item_id for r in records} <= {s.id for s in before[0]} | {
            f.id for f in before[1]}
    assert cli_main([*adj, "agreed"]) == 0  # all decided now
    assert "accepted into gold: 0" in capsys.readouterr().out
    # undoing such a decision takes back the record, never the item that was there before
    with Project.open(alice) as a:
        record = next(r for r in a.provenance_for_document(doc) if r.item_kind == "span")
        change = a.recorded_change(doc, record.considered_ids)
        assert change is not None and change.spans == () and record.item_id in change.reused
        a.undo_gold(change)
        assert (a.spans(doc, GOLD), a.frames(doc, GOLD)) == before
        assert record.item_id not in {r.item_id for r in a.provenance_for_document(doc)}
