"""The article view's pure parts: the span layer (blocks, lanes, innermost segments) and
selection normalisation (trimming, word snapping, whole user-perceived characters)."""

from __future__ import annotations

import random

import pytest

from annotator.domain.model import Span
from annotator.ui.span_layer import SpanLayer, block_starts, display_text
from annotator.ui.text_selection import (
    grapheme_end,
    grapheme_start,
    is_grapheme_boundary,
    normalise_selection,
)


def sp(sid: str, *frags: tuple[int, int], label: str = "X") -> Span:
    return Span(id=sid, document_id="d", annotator="a", label=label, fragments=tuple(frags))


def layer_for(text: str, *spans: Span) -> SpanLayer:
    layer = SpanLayer(block_starts(text), len(text))
    layer.set_spans(spans)
    return layer


def test_blocks_follow_qt_block_separators():
    text = "ab\n\ncd\r\nef\u2029gh\u2028ij"
    assert block_starts(text) == [0, 3, 4, 7, 8, 11]
    assert display_text(text) == "ab\n\ncd\n\nef\u2029gh\u2028ij"
    assert len(display_text("x\ufdd0\ufdd1\r")) == 4
    assert display_text("plain") == "plain"
    layer = SpanLayer(block_starts(text), len(text))
    assert layer.block_count == 6
    assert layer.block_range(0) == (0, 2)
    assert layer.block_range(5) == (11, len(text))
    assert layer.block_of(2) == 0  # the separator belongs to the block it ends
    assert layer.block_of(4) == 2


def test_fragment_across_paragraphs_becomes_one_piece_per_block():
    text = "first para\n\nsecond para\n\nthird"
    layer = layer_for(text, sp("s", (6, 18)))
    assert layer.blocks_of("s") == [0, 2]
    assert [(p.start, p.end) for p in layer.pieces(0)] == [(6, 10)]
    assert layer.pieces(1) == []  # the empty line between them
    assert [(p.start, p.end) for p in layer.pieces(2)] == [(12, 18)]
    assert layer.covering(11) == []
    assert layer.covering(12) == ["s"]


def test_lanes_nest_outwards_and_reuse_free_lanes():
    text = "a" * 40
    layer = layer_for(text, sp("outer", (0, 30)), sp("in1", (2, 8)), sp("in2", (10, 20)),
                      sp("deep", (12, 15)), sp("after", (32, 38)))
    lanes = {p.span_id: lane for p, lane in layer.layer(0).pieces}
    assert lanes == {"outer": 0, "in1": 1, "in2": 1, "deep": 2, "after": 0}
    assert layer.layer(0).lanes == 3


def test_crossing_spans_take_different_lanes():
    layer = layer_for("b" * 20, sp("x", (0, 10)), sp("y", (5, 15)))
    lanes = {p.span_id: lane for p, lane in layer.layer(0).pieces}
    assert lanes["x"] != lanes["y"]


def test_background_is_owned_by_the_innermost_span():
    text = "c" * 30
    layer = layer_for(text, sp("outer", (0, 20)), sp("inner", (5, 10)),
                      sp("cross", (8, 25)))
    # cross (17 long) is shorter than outer (20) so it owns 10..20; segments merge
    assert layer.layer(0).background == [(0, 5, "outer"), (5, 10, "inner"), (10, 25, "cross")]


def test_innermost_matches_brute_force_on_random_spans():
    rng = random.Random(3)
    text = ("word " * 200 + "\n\n") * 5
    spans = []
    for i in range(150):
        s = rng.randrange(len(text) - 1)
        e = min(len(text), s + rng.randint(1, 80))
        frags = [(s, e)]
        if i % 7 == 0 and e + 10 < len(text):
            frags.append((e + 5, e + 10))
        spans.append(sp(f"s{i}", *frags))
    layer = layer_for(text, *spans)

    def brute(offset: int) -> list[str]:
        hits = []
        for span in spans:
            for fs, fe in span.fragments:
                if fs <= offset < fe and text[offset] not in "\n":
                    hits.append(((fe - fs, -fs, span.id), span.id))
        return list(dict.fromkeys(sid for _r, sid in sorted(hits)))

    for offset in range(0, len(text), 3):
        assert layer.covering(offset) == brute(offset), offset
        owners = [sid for b in [layer.block_of(offset)]
                  for s, e, sid in layer.layer(b).background if s <= offset < e]
        expected = brute(offset)
        assert owners == expected[:1]


def test_add_remove_update_touch_only_their_blocks():
    text = "p one\n\np two\n\np three"
    layer = layer_for(text, sp("a", (0, 5)), sp("c", (14, 21)))
    first = layer.layer(0)
    third = layer.layer(4)
    assert layer.add(sp("b", (7, 12))) == [2]
    assert layer.layer(0) is first and layer.layer(4) is third  # caches kept
    assert layer.covering(8) == ["b"]
    assert layer.add(sp("b", (15, 18))) == [2, 4]  # replaced: old and new blocks
    assert layer.covering(8) == [] and layer.covering(16) == ["b", "c"]
    assert layer.layer(4) is not third
    assert layer.remove("b") == [4]
    assert layer.remove("b") == []
    assert "b" not in layer and len(layer) == 2
    assert layer.covering(16) == ["c"]


def test_out_of_range_fragments_are_clipped_or_ignored():
    layer = layer_for("short", sp("a", (3, 50)), sp("b", (10, 20)))
    assert layer.covering(4) == ["a"]
    assert layer.blocks_of("b") == []
    assert "b" in layer  # kept, just not painted


def test_layer_needs_block_zero():
    with pytest.raises(ValueError):
        SpanLayer([], 0)


# ---- selection normalisation -----------------------------------------------------------

@pytest.mark.parametrize(("text", "sel", "snap", "expected"), [
    ("  said  ", (0, 8), True, "said"),
    ("the talks failed", (5, 7), True, "talks"),
    ("the talks failed", (5, 7), False, "al"),
    ("the talks failed", (4, 16), True, "talks failed"),
    ("O'Brien said", (3, 7), True, "O'Brien"),
    ("well-known fact", (0, 3), True, "well-known"),
    ("said 'no' twice", (5, 9), True, "'no'"),
    ("said 'no' twice", (5, 7), True, "'no"),  # snapping widens words, adds no quotes
    ("“quoted” words", (2, 4), True, "quoted"),
    ("cafe\u0301 noir", (0, 4), False, "cafe\u0301"),
    ("cafe\u0301 noir", (1, 2), True, "cafe\u0301"),
    ("x 👩‍👩‍👧 y", (2, 3), False, "👩‍👩‍👧"),
    ("x 👍🏽 y", (2, 3), False, "👍🏽"),
    ("x 🇫🇷🇩🇪 y", (3, 4), False, "🇫🇷"),
    ("x 🇫🇷🇩🇪 y", (4, 5), False, "🇩🇪"),
    ("שלום עולם", (1, 3), True, "שלום"),
    ("Zoë 12_3 abc", (1, 6), True, "Zoë 12_3"),
])
def test_normalise_selection(text, sel, snap, expected):
    s, e = normalise_selection(text, *sel, snap_to_words=snap)
    assert text[s:e] == expected


def test_normalise_selection_empty_and_reversed():
    assert normalise_selection("a   b", 1, 4) is None
    assert normalise_selection("abc", 2, 2) is None
    assert normalise_selection("the cat", 7, 4, snap_to_words=False) == (4, 7)
    assert normalise_selection("abc", -5, 99, snap_to_words=False) == (0, 3)


def test_grapheme_boundaries():
    text = "e\u0301👩‍👧🇫🇷"
    assert is_grapheme_boundary(text, 0) and is_grapheme_boundary(text, len(text))
    assert not is_grapheme_boundary(text, 1)
    assert is_grapheme_boundary(text, 2)
    assert grapheme_start(text, 3) == 2 and grapheme_end(text, 3) == 5
    assert is_grapheme_boundary(text, 5) and not is_grapheme_boundary(text, 6)


def test_long_fragments_are_found_in_every_block_they_cross():
    para = "w" * 5000
    text = "\n\n".join([para] * 4)
    long = sp("long", (100, len(text) - 100))
    short = sp("short", (12_000, 12_010))
    layer = layer_for(text, long, short)
    assert layer.blocks_of("long") == [0, 2, 4, 6]
    assert layer.covering(12_005) == ["short", "long"]
    assert layer.covering(len(text) - 150) == ["long"]
    assert layer.covering(50) == []
    assert layer.remove("long") == [0, 2, 4, 6]
    assert layer.covering(12_005) == ["short"] and layer.covering(200) == []
    layer.add(long)
    assert layer.covering(200) == ["long"]


def test_same_fragment_twice_in_different_spans_removes_only_one():
    layer = layer_for("abc def", sp("a", (0, 3)), sp("b", (0, 3)))
    layer.remove("a")
    assert layer.covering(1) == ["b"]
