"""Frame alignment, per-role boundary agreement, stance and frame disagreements."""

from __future__ import annotations

from annotator.agreement import Corpus, align_frames, disagreements
from annotator.agreement.frames import RoleAgreement, role_extent

from .helpers import doc, frame, layer, span

TEXT = ("Officials said on Tuesday that the talks failed. Critics, including Senator Smith, "
        "argued the opposite in a statement.")


def two_layers():
    d = doc(TEXT)
    # annotator a: one attribution, cue "said", source "Officials", content "the talks failed"
    a_src, a_cue, a_con = (span(d, "a", "SOURCE", (0, 9)), span(d, "a", "CUE", (10, 14)),
                           span(d, "a", "CONTENT", (31, 47)))
    a_cue2, a_src2, a_con2 = (span(d, "a", "CUE", (84, 90)), span(d, "a", "SOURCE", (49, 56)),
                              span(d, "a", "CONTENT", (91, 103)))
    fa1 = frame(d, "a", a_cue, (a_src,), (a_con,), "AGAINST", fid="fa1")
    fa2 = frame(d, "a", a_cue2, (a_src2,), (a_con2,), "FAVOR", fid="fa2")
    # annotator b: same first attribution with a wider content and another stance;
    # the second one missing; a third one b alone has
    b_src, b_cue, b_con = (span(d, "b", "SOURCE", (0, 9)), span(d, "b", "CUE", (10, 14)),
                           span(d, "b", "CONTENT", (26, 47)))
    b_cue3, b_con3 = span(d, "b", "CUE", (107, 119)), span(d, "b", "CONTENT", (91, 103))
    fb1 = frame(d, "b", b_cue, (b_src,), (b_con,), "NEUTRAL", fid="fb1")
    fb3 = frame(d, "b", b_cue3, (), (b_con3,), None, fid="fb3")
    la = layer(d, "a", [a_src, a_cue, a_con, a_cue2, a_src2, a_con2], [fa1, fa2])
    lb = layer(d, "b", [b_src, b_cue, b_con, b_cue3, b_con3], [fb1, fb3])
    return d, la, lb


def test_alignment_by_cue_then_content() -> None:
    _d, la, lb = two_layers()
    sa = {s.id: s for s in la.spans}
    sb = {s.id: s for s in lb.spans}
    al = align_frames(la.frames, sa, lb.frames, sb)
    pairs = {(m.a.id, m.b.id) for m in al.matches}
    # fa1-fb1 by cue; fa2-fb3 only by content (their cues do not overlap)
    assert pairs == {("fa1", "fb1"), ("fa2", "fb3")}
    m = next(m for m in al.matches if m.a.id == "fa2")
    assert m.cue_overlap == 0 and m.content_overlap == 12
    assert al.only_a == [] and al.only_b == []
    assert al.extent(la.frames[0], "content") == ((31, 47),)


def test_cue_overlap_outranks_content_overlap() -> None:
    d = doc(TEXT)
    cue = span(d, "a", "CUE", (10, 14))
    con = span(d, "a", "CONTENT", (31, 47))
    fa = frame(d, "a", cue, (), (con,), fid="fa")
    b_cue1, b_con1 = span(d, "b", "CUE", (10, 14)), span(d, "b", "CONTENT", (60, 70))
    b_cue2, b_con2 = span(d, "b", "CUE", (84, 90)), span(d, "b", "CONTENT", (31, 47))
    fb1 = frame(d, "b", b_cue1, (), (b_con1,), fid="fb1")
    fb2 = frame(d, "b", b_cue2, (), (b_con2,), fid="fb2")
    spans = {s.id: s for s in (cue, con, b_cue1, b_con1, b_cue2, b_con2)}
    al = align_frames([fa], spans, [fb1, fb2], spans)
    assert [(m.a.id, m.b.id) for m in al.matches] == [("fa", "fb1")]
    assert [f.id for f in al.only_b] == ["fb2"]


def test_role_agreement_counts() -> None:
    r = RoleAgreement()
    assert r.add_pair(((0, 10),), ((0, 10),))
    assert not r.add_pair(((0, 10),), ((5, 10),))
    assert r.add_pair((), ())  # neither fills the role: not counted
    d = r.as_dict()
    assert d["pairs"] == 2 and d["identical"] == 1 and d["exact"] == 0.5
    assert d["dice"] == (1.0 + 2 * 5 / 15) / 2


def test_role_extent_is_union_of_spans() -> None:
    d = doc(TEXT)
    s1, s2 = span(d, "a", "SOURCE", (0, 9)), span(d, "a", "SOURCE", (5, 20))
    cue = span(d, "a", "CUE", (10, 14))
    f = frame(d, "a", cue, (s1, s2), ())
    spans = {s.id: s for s in (s1, s2, cue)}
    assert role_extent(f, "source", spans) == ((0, 20),)
    assert role_extent(f, "content", spans) == ()


def test_frame_disagreements() -> None:
    d, la, lb = two_layers()
    corpus = Corpus.build([d], [la, lb])
    frame_recs = [x for x in disagreements(corpus) if x.kind == "frame"]
    got = {(x.type, x.items, x.role, x.values) for x in frame_recs}
    assert got == {
        ("boundary", ("fa1", "fb1"), "content", (None, None)),
        ("stance", ("fa1", "fb1"), None, ("AGAINST", "NEUTRAL")),
        ("boundary", ("fa2", "fb3"), "cue", (None, None)),
        ("boundary", ("fa2", "fb3"), "source", (None, None)),
        ("stance", ("fa2", "fb3"), None, ("FAVOR", None)),
    }
    content = next(x for x in frame_recs if x.role == "content")
    assert content.offsets == ((31, 47), (26, 47))


def test_unaligned_frames_are_missed_and_spurious() -> None:
    d, la, lb = two_layers()
    lb.frames = [f for f in lb.frames if f.id != "fb3"]
    recs = [x for x in disagreements(Corpus.build([d], [la, lb])) if x.kind == "frame"]
    missed = [x for x in recs if x.type == "missed"]
    assert [(x.items, x.values) for x in missed] == [(("fa2", None), ("FAVOR", None))]
    assert missed[0].offsets[0] == (49, 103)
    lb.frames = []
    la2 = layer(d, "a", la.spans, [])
    recs = [x for x in disagreements(Corpus.build([d], [la2, lb])) if x.kind == "frame"]
    assert recs == []


def test_direct_and_windowed_alignment_agree(monkeypatch) -> None:
    """Few frames are aligned by testing every pair, many by windows: same alignment."""
    import random

    from annotator.agreement import frames as frames_module

    rng = random.Random(7)
    d = doc("x" * 400)

    def rand_layer(ann: str) -> tuple[list, dict]:
        spans = []
        for _ in range(30):
            a = rng.randrange(380)
            frs = [(a, a + rng.randint(1, 15))]
            if rng.random() < 0.2 and frs[0][1] + 5 < 395:
                b = rng.randrange(frs[0][1] + 1, 395)
                frs.append((b, min(400, b + rng.randint(1, 5))))
            spans.append(span(d, ann, rng.choice(["CUE", "SOURCE", "CONTENT"]), *frs))
        fs = [frame(d, ann, rng.choice(spans + [None]), tuple(rng.sample(spans, 1)),
                    tuple(rng.sample(spans, rng.randint(0, 2))), rng.choice([None, "FAVOR"]))
              for _ in range(25)]
        return fs, {s.id: s for s in spans}

    for _ in range(20):
        fa, sa = rand_layer("a")
        fb, sb = rand_layer("b")
        direct = align_frames(fa, sa, fb, sb)
        monkeypatch.setattr(frames_module, "_DIRECT", 0)
        windowed = align_frames(fa, sa, fb, sb)
        monkeypatch.undo()
        assert direct.matches == windowed.matches
        assert direct.only_a == windowed.only_a and direct.only_b == windowed.only_b
        assert direct.matches  # the layers do overlap
