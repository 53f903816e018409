"""Roles from picked spans, and the running pick list."""

from __future__ import annotations

import pytest

from annotator.domain.framing import (
    assign_roles,
    frame_with_roles,
    nested_under,
    pick,
    without_span,
)
from annotator.domain.model import Frame, Span
from annotator.domain.schema import load_schema
from annotator.paths import default_schema_path

FDEF = load_schema(default_schema_path()).frame("ATTRIBUTION")


def sp(sid: str, label: str) -> Span:
    return Span(sid, "d", "a", label, ((0, 1),), "x")


def test_each_span_goes_to_the_role_of_its_label():
    roles = assign_roles(FDEF, [sp("c", "CONTENT"), sp("q", "CUE"), sp("s1", "SOURCE"),
                                sp("s2", "SOURCE")])
    assert roles == {"cue": ["q"], "source": ["s1", "s2"], "content": ["c"]}
    frame = frame_with_roles(Frame("f", "d", "a"), roles)
    assert (frame.cue, frame.sources, frame.contents) == ("q", ("s1", "s2"), ("c",))
    assert without_span(frame, "s1").sources == ("s2",)
    assert without_span(frame, "q").cue is None


def test_a_label_without_a_role_and_a_second_cue_are_refused():
    with pytest.raises(ValueError, match="STANCE span fills no role"):
        assign_roles(FDEF, [sp("x", "STANCE")])
    with pytest.raises(ValueError, match="at most 1 cue"):
        assign_roles(FDEF, [sp("a", "CUE"), sp("b", "CUE")])
    existing = Frame("f", "d", "a", cue="a")
    with pytest.raises(ValueError, match="at most 1 cue"):
        assign_roles(FDEF, [sp("b", "CUE")], existing)
    assert assign_roles(FDEF, [sp("a", "CUE")], existing)["cue"] == ["a"]


def test_pick_appends_until_a_full_role_starts_a_new_attribution():
    src, cue, con, cue2, st = (sp("s", "SOURCE"), sp("q", "CUE"), sp("c", "CONTENT"),
                               sp("q2", "CUE"), sp("x", "STANCE"))
    picks = pick(FDEF, [], src)
    picks = pick(FDEF, picks, cue)
    picks = pick(FDEF, picks, st)
    picks = pick(FDEF, picks, con)
    assert [p.id for p in picks] == ["s", "q", "c"]
    assert [p.id for p in pick(FDEF, picks, cue2)] == ["q2"]
    assert pick(None, picks, cue2) == picks


def test_nested_under_finds_descendants_at_any_depth():
    def f(fid: str, parent: str | None = None) -> Frame:
        return Frame(id=fid, document_id="d", annotator="a", parent_id=parent)

    frames = [f("a"), f("b", "a"), f("c", "b"), f("d", "a"), f("e"), f("g", "e")]
    assert nested_under(frames, "a") == {"b", "c", "d"}
    assert nested_under(frames, "b") == {"c"}
    assert nested_under(frames, "c") == set()
    assert nested_under(frames, "e") == {"g"}
    # a loop stored by some other tool does not hang it, and never lists the frame itself
    assert nested_under([f("x", "y"), f("y", "x")], "x") == {"y"}
