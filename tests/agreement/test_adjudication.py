"""Adjudication units and decisions: every decision kind, provenance, frames, refusals."""

from __future__ import annotations

import dataclasses

import pytest

from annotator.agreement.adjudication import Decision, GoldState, decide
from annotator.agreement.corpus import Corpus
from annotator.agreement.units import document_units
from annotator.domain.errors import ConflictError
from annotator.domain.model import (
    GOLD,
    STATUS_DONE,
    AnnotatedDocument,
    Document,
    Frame,
    Span,
    fragment_text,
)
from annotator.domain.text import paragraph_offsets

TEXT = ('Officials said on Tuesday that "the talks failed."\n\n'
        "Critics, including Senator Smith, argued the opposite.")
DOC = Document(id="d1", text=TEXT, paragraphs=paragraph_offsets(TEXT))
NOW = "2024-05-01T10:00:00.000+00:00"


def at(word: str, extra: int = 0) -> tuple[int, int]:
    s = TEXT.index(word)
    return (s, s + len(word) + extra)


def sp(ann: str, label: str, *frs: tuple[int, int], sid: str = "", **attrs: object) -> Span:
    return Span(id=sid or f"{ann}-{label}-{frs[0][0]}", document_id="d1", annotator=ann,
                label=label, fragments=tuple(frs), text=fragment_text(TEXT, frs),
                attributes=dict(attrs))


def fr(ann: str, cue: Span, sources: tuple[Span, ...], contents: tuple[Span, ...],
       **attrs: object) -> Frame:
    return Frame(id=f"{ann}-frame", document_id="d1", annotator=ann, cue=cue.id,
                 sources=tuple(s.id for s in sources), contents=tuple(s.id for s in contents),
                 attributes=dict(attrs))


def ids():
    n = iter(range(1, 1000))
    return lambda: f"g{next(n)}"


@pytest.fixture
def units():
    a_src = sp("alice", "SOURCE", at("Officials"))
    a_cue = sp("alice", "CUE", at("said"))
    a_con = sp("alice", "CONTENT", at('"the talks failed."'))
    a_crit = sp("alice", "SOURCE", at("Critics"))
    b_src = sp("bob", "SOURCE", at("Officials"))
    b_cue = sp("bob", "CUE", at("said on Tuesday"))
    b_con = sp("bob", "CONTENT", at('the talks failed'))
    b_smith = sp("bob", "STANCE", at("Critics"))  # label disagreement with alice
    layers = [
        AnnotatedDocument(DOC, "alice", STATUS_DONE, [a_src, a_cue, a_con, a_crit],
                          [fr("alice", a_cue, (a_src,), (a_con,), stance="AGAINST")]),
        AnnotatedDocument(DOC, "bob", STATUS_DONE, [b_src, b_cue, b_con, b_smith],
                          [fr("bob", b_cue, (b_src,), (b_con,), stance="NEUTRAL")]),
    ]
    corpus = Corpus.build([DOC], layers)
    return document_units(corpus, "d1")


def unit_at(units, word: str, kind: str = "span"):
    return next(u for u in units.units if u.kind == kind and u.start <= TEXT.index(word) < u.end)


def test_units_group_and_type(units) -> None:
    kinds = [(u.kind, u.types) for u in units.units]
    assert len(units.span_units()) == 4 and len(units.frame_units()) == 1
    assert unit_at(units, "Officials").agreed
    assert unit_at(units, "said").types == ("boundary",)
    assert unit_at(units, "Critics").types == ("label",)
    assert set(units.frame_units()[0].types) == {"boundary", "stance"}
    assert kinds[0][0] == "span"  # text order, spans before frames at one position
    for u in units.units:
        assert u.key == dataclasses.replace(u).key and len(u.key) == 10


def test_accept_copies_item_with_provenance(units) -> None:
    unit = unit_at(units, "said")
    change = decide(units, unit, Decision("accept", annotator="bob", rationale="time is cue"),
                    GoldState(), "lead", now=NOW, make_id=ids())
    (g,) = change.spans
    assert (g.annotator, g.label, g.origin) == (GOLD, "CUE", "adjudicated")
    assert g.fragments == (at("said on Tuesday"),)
    assert g.text == "said on Tuesday" and g.id == "g1"
    (p,) = change.provenance
    assert (p.item_id, p.item_kind, p.decision, p.decided_by, p.decided_at, p.rationale) == \
        ("g1", "span", "accept", "lead", NOW, "time is cue")
    assert {(s.annotator, s.used) for s in p.sources} == {("alice", False), ("bob", True)}
    assert p.used_ids == ("bob-CUE-10",) and p.document_id == "d1"


def test_union_and_intersection(units) -> None:
    unit = unit_at(units, "said")
    u = decide(units, unit, Decision("union"), GoldState(), "lead", make_id=ids()).spans[0]
    i = decide(units, unit, Decision("intersection"), GoldState(), "lead",
               make_id=ids()).spans[0]
    assert u.fragments == (at("said on Tuesday"),) and i.fragments == (at("said"),)
    content = unit_at(units, "the talks")
    i = decide(units, content, Decision("intersection"), GoldState(), "lead").spans[0]
    assert i.text == "the talks failed"


def test_union_needs_a_label_when_labels_differ(units) -> None:
    unit = unit_at(units, "Critics")
    with pytest.raises(ValueError, match="different labels"):
        decide(units, unit, Decision("union"), GoldState(), "lead")
    g = decide(units, unit, Decision("union", label="SOURCE"), GoldState(), "lead").spans[0]
    assert (g.label, g.text) == ("SOURCE", "Critics")


def test_intersection_of_disjoint_fragments_refused() -> None:
    a = sp("alice", "SOURCE", at("Officials"), at("Tuesday"))
    b = sp("bob", "SOURCE", at("Officials", -3), sid="b1")
    c = sp("carol", "SOURCE", at("Tuesday"), sid="c1")
    corpus = Corpus.build([DOC], [AnnotatedDocument(DOC, n, STATUS_DONE, [s])
                                  for n, s in (("alice", a), ("bob", b), ("carol", c))])
    units = document_units(corpus, "d1")
    (unit,) = units.units
    assert len(unit.items) == 3
    with pytest.raises(ValueError, match="intersection is empty"):
        decide(units, unit, Decision("intersection"), GoldState(), "lead")
    u = decide(units, unit, Decision("union"), GoldState(), "lead").spans[0]
    assert u.fragments == (at("Officials"), at("Tuesday"))
    two = decide(units, unit, Decision("intersection", among=("alice", "bob")), GoldState(),
                 "lead")
    assert two.spans[0].fragments == (at("Officials", -3),)
    assert two.provenance[0].used_ids == ("alice-SOURCE-0", "b1")


def test_edit_and_reject(units) -> None:
    unit = unit_at(units, "Critics")
    e = decide(units, unit, Decision("edit", annotator="alice", label="SOURCE",
                                     fragments=(at("Critics, including Senator Smith"),),
                                     rationale="appositive"), GoldState(), "lead")
    assert e.spans[0].text == "Critics, including Senator Smith"
    assert e.provenance[0].used_ids == ("alice-SOURCE-52",)
    r = decide(units, unit, Decision("reject", rationale="not an attribution"), GoldState(),
               "lead")
    assert r.spans == () and r.frames == ()
    (p,) = r.provenance
    assert p.decision == "reject" and p.used_ids == () and len(p.considered_ids) == 2
    with pytest.raises(ValueError, match="needs the annotator"):
        decide(units, unit, Decision("accept"), GoldState(), "lead")
    with pytest.raises(ValueError, match="unknown decision"):
        Decision("maybe")


def test_decided_unit_refused(units) -> None:
    unit = unit_at(units, "Officials")
    change = decide(units, unit, Decision("accept", annotator="alice"), GoldState(), "lead")
    state = GoldState(list(change.spans), [], list(change.provenance))
    assert state.is_decided(unit)
    with pytest.raises(ConflictError, match="already decided"):
        decide(units, unit, Decision("reject"), state, "lead")
    # a deleted gold item no longer counts as a decision
    assert not GoldState([], [], list(change.provenance)).is_decided(unit)


def test_accept_frame_reuses_decided_gold_spans(units) -> None:
    src = decide(units, unit_at(units, "Officials"), Decision("accept", annotator="alice"),
                 GoldState(), "lead", make_id=ids())
    state = GoldState(list(src.spans), [], list(src.provenance))
    frame_unit = units.frame_units()[0]
    change = decide(units, frame_unit, Decision("accept", annotator="bob"), state, "lead",
                    make_id=iter(f"x{i}" for i in range(9)).__next__)
    (f,) = change.frames
    assert f.annotator == GOLD and f.attributes == {"stance": "NEUTRAL"}
    assert f.sources == (src.spans[0].id,) and change.reused == (src.spans[0].id,)
    new = {s.id: s for s in change.spans}
    assert {s.text for s in new.values()} == {"said on Tuesday", "the talks failed"}
    assert f.cue in new and f.contents[0] in new
    kinds = sorted(p.item_kind for p in change.provenance)
    assert kinds == ["frame", "span", "span"]
    cue_prov = next(p for p in change.provenance if p.item_id == f.cue)
    assert {s.id for s in cue_prov.sources} == {"alice-CUE-10", "bob-CUE-10"}


def test_frame_edit_union_intersection(units) -> None:
    frame_unit = units.frame_units()[0]
    e = decide(units, frame_unit, Decision("edit", annotator="alice",
                                           attributes={"stance": "NEUTRAL", "target": "talks"}),
               GoldState(), "lead")
    assert e.frames[0].attributes == {"stance": "NEUTRAL", "target": "talks"}
    u = decide(units, frame_unit, Decision("union"), GoldState(), "lead")
    texts = {s.id: s.text for s in u.spans}
    assert texts[u.frames[0].cue] == "said on Tuesday"
    assert texts[u.frames[0].contents[0]] == '"the talks failed."'
    assert u.frames[0].attributes == {}  # stance disputed: left unset
    i = decide(units, frame_unit, Decision("intersection"), GoldState(), "lead")
    texts = {s.id: s.text for s in i.spans}
    assert texts[i.frames[0].cue] == "said"
    assert texts[i.frames[0].contents[0]] == "the talks failed"
    assert texts[i.frames[0].sources[0]] == "Officials"
    assert len(i.provenance) == 4  # frame + three new role spans


@pytest.mark.parametrize("kind", ["accept", "union"])
def test_frame_decision_does_not_overrule_a_rejected_role_span(units, kind) -> None:
    cue_unit = unit_at(units, "said")
    rejected = decide(units, cue_unit, Decision("reject"), GoldState(), "lead")
    state = GoldState([], [], list(rejected.provenance))
    frame_unit = units.frame_units()[0]
    with pytest.raises(ConflictError, match=f"was rejected \\(unit {cue_unit.key}\\)"):
        decide(units, frame_unit, Decision(kind, annotator="alice"), state, "lead")


def test_a_result_already_in_an_undecided_gold_layer_is_not_added_twice(units) -> None:
    """A gold layer imported from another tool has no provenance: accepting what it
    already holds records the decision on that item instead of copying it again."""
    officials = unit_at(units, "Officials")
    imported = sp(GOLD, "SOURCE", at("Officials"), sid="imported")
    gold = GoldState([imported], [], [])
    change = decide(units, officials, Decision("accept", annotator="alice"), gold, "lead",
                    now=NOW, make_id=ids())
    assert change.spans == () and change.reused == ("imported",)
    assert [p.item_id for p in change.provenance] == ["imported"]
    # different attributes: not the same item, so a new gold span is made
    other = dataclasses.replace(imported, attributes={"kind": "named"})
    change = decide(units, officials, Decision("accept", annotator="alice"),
                    GoldState([other], [], []), "lead", now=NOW, make_id=ids())
    assert [s.id for s in change.spans] == ["g1"] and change.reused == ()
    # an item a decision already made is never taken over by another decision
    made = decide(units, officials, Decision("accept", annotator="alice"), GoldState(),
                  "lead", now=NOW, make_id=ids())
    (g,) = made.spans
    cue = unit_at(units, "said")
    change = decide(units, cue, Decision("accept", annotator="alice"),
                    GoldState([g], [], list(made.provenance)), "lead", make_id=ids())
    assert change.reused == () and len(change.spans) == 1

    # frames: an imported gold frame with the same roles, type and attributes is reused
    frame_unit = units.frame_units()[0]
    g_src, g_cue = sp(GOLD, "SOURCE", at("Officials"), sid="gs"), sp(GOLD, "CUE", at("said"),
                                                                      sid="gc")
    g_con = sp(GOLD, "CONTENT", at('"the talks failed."'), sid="gn")
    g_frame = dataclasses.replace(fr(GOLD, g_cue, (g_src,), (g_con,), stance="AGAINST"),
                                  type="ATTRIBUTION")
    alice_frame = next(f for a, f in frame_unit.items if a == "alice")
    assert alice_frame.type == g_frame.type
    change = decide(units, frame_unit, Decision("accept", annotator="alice"),
                    GoldState([g_src, g_cue, g_con], [g_frame], []), "lead", make_id=ids())
    assert change.frames == () and change.spans == ()
    assert set(change.reused) == {"gs", "gc", "gn", g_frame.id}
    assert [p.item_id for p in change.provenance] == [g_frame.id]
