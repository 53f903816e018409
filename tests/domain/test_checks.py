"""check_layer: the problems listed before a document is marked done."""

from __future__ import annotations

from annotator.domain.checks import (
    KIND_ROLE_EXCESS,
    KIND_ROLE_MISSING,
    KIND_UNLINKED,
    check_layer,
    short,
)
from annotator.domain.model import Frame, Span
from annotator.domain.schema import load_schema, parse_schema
from annotator.paths import default_schema_path

TEXT = 'Officials said on Tuesday that "the talks failed." Critics disagreed loudly.'
SCHEMA = load_schema(default_schema_path())


def span(sid: str, label: str, s: int, e: int) -> Span:
    return Span(sid, "d", "ann", label, ((s, e),), TEXT[s:e])


SRC = span("src", "SOURCE", 0, 9)
CUE = span("cue", "CUE", 10, 14)
CON = span("con", "CONTENT", 31, 50)
STANCE = span("st", "STANCE", 60, 76)


def test_complete_frame_and_stance_span_have_no_problems():
    frame = Frame("f", "d", "ann", cue="cue", sources=("src",), contents=("con",))
    assert check_layer([SRC, CUE, CON, STANCE], [frame], SCHEMA) == []


def test_frame_without_cue_or_content_is_listed():
    no_cue = Frame("f1", "d", "ann", sources=("src",), contents=("con",))
    no_content = Frame("f2", "d", "ann", cue="cue")
    problems = check_layer([SRC, CUE, CON], [no_cue, no_content], SCHEMA)
    assert [(p.kind, p.frame_id) for p in problems] == [
        (KIND_ROLE_MISSING, "f1"), (KIND_ROLE_MISSING, "f2")]
    assert problems[0].message == "ATTRIBUTION (no cue) has no cue"
    assert problems[1].message == "ATTRIBUTION “said” has no content"


def test_spans_in_no_frame_are_listed_in_text_order():
    problems = check_layer([CON, CUE, SRC, STANCE], [], SCHEMA)
    assert [(p.kind, p.span_id) for p in problems] == [
        (KIND_UNLINKED, "src"), (KIND_UNLINKED, "cue"), (KIND_UNLINKED, "con")]
    assert problems[1].message == "CUE “said” is in no frame"


def test_too_many_spans_in_a_role_are_listed():
    src2 = span("src2", "SOURCE", 51, 58)
    frame = Frame("f", "d", "ann", cue="cue", contents=("con",))
    # the store keeps one cue per frame, so a schema with max 1 on sources shows the rule
    raw = dict(SCHEMA.raw)
    raw["frames"] = [dict(raw["frames"][0])]
    raw["frames"][0]["roles"] = [dict(r) for r in raw["frames"][0]["roles"]]
    raw["frames"][0]["roles"][1]["max"] = 1
    strict = parse_schema(raw)
    two_src = frame.with_changes(sources=("src", "src2"))
    problems = check_layer([SRC, CUE, CON, src2], [two_src], strict)
    assert [p.kind for p in problems] == [KIND_ROLE_EXCESS]
    assert "2 sources; at most 1" in problems[0].message


def test_short_collapses_whitespace_and_truncates():
    assert short("a\n\n b") == "a b"
    assert short("x" * 50, 10) == "x" * 9 + "…"


def test_span_of_the_wrong_label_in_a_role_is_flagged():
    from annotator.domain.checks import KIND_WRONG_LABEL, check_layer
    from annotator.domain.model import Frame, Span
    from annotator.domain.schema import load_schema
    from annotator.paths import default_schema_path

    def span(i: str, label: str, s: int) -> Span:
        return Span(i, "d", "a", label, ((s, s + 3),), text="abc")

    spans = [span("c", "SOURCE", 0), span("t", "CONTENT", 10)]
    frame = Frame("f", "d", "a", cue="c", contents=("t",))
    problems = check_layer(spans, [frame], load_schema(default_schema_path()))
    assert [(p.kind, p.span_id) for p in problems] == [(KIND_WRONG_LABEL, "c")]
    assert "is a SOURCE, not a CUE" in problems[0].message
