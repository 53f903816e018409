"""Every disagreement between two layers on a document, typed, as records a GUI can list.

A comparison is an ordered pair ``(reference, compared)`` of annotators: the gold layer is
the reference when comparing with gold; between peers the pair's first annotator (in the
report's annotator order) is the reference. Types, decided in this order:

Spans (labels measured only):
1. spans with the same label and identical fragments agree (no record);
2. **boundary** — the remaining spans matched 1:1 by same label and largest overlap
   (:func:`annotator.agreement.spans.match_spans`, overlap mode): same label, different
   offsets;
3. **label** — the remaining spans matched 1:1 by largest overlap *ignoring* labels:
   overlapping spans with different labels (``detail`` says when the offsets differ too);
4. **missed** — a reference span that overlaps nothing left in the compared layer;
   **spurious** — a compared span that overlaps nothing left in the reference layer.

Frames (aligned by :func:`annotator.agreement.frames.align_frames`):
- **missed** / **spurious** — a reference / compared frame left unaligned;
- **boundary** (kind ``frame``, with ``role``) — aligned frames whose role extents differ;
- **stance** — aligned frames whose ``stance`` values differ (an unset stance is shown as
  ``None`` and differs from any set value).

Each record names the document, both annotators, both item ids (``None`` on the side that
has no item), each item's ``[start, end)`` hull in code points, the labels or stance values,
and the paragraph holding the start, so that a review view can open it side by side.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from ..domain.model import Document, Frame, Offsets, Span
from .corpus import Corpus
from .frames import ROLES, align_frames, frame_hull, role_extent, stance_of
from .spans import match_spans

BOUNDARY = "boundary"
LABEL = "label"
MISSED = "missed"
SPURIOUS = "spurious"
STANCE = "stance"
TYPES = (BOUNDARY, LABEL, MISSED, SPURIOUS, STANCE)
KIND_SPAN = "span"
KIND_FRAME = "frame"


@dataclass(frozen=True)
class Disagreement:
    document_id: str
    type: str  # boundary | label | missed | spurious | stance
    kind: str  # span | frame
    annotators: tuple[str, str]  # (reference, compared)
    items: tuple[str | None, str | None]  # span or frame ids; None where absent
    offsets: tuple[Offsets | None, Offsets | None]  # each item's [start, end) hull
    labels: tuple[str | None, str | None] = (None, None)  # span labels
    role: str | None = None  # frame boundary: cue | source | content
    values: tuple[str | None, str | None] = (None, None)  # stance values
    paragraph: int = 0  # index of the paragraph holding the start
    detail: str = ""

    @property
    def start(self) -> int:
        return min(o[0] for o in self.offsets if o is not None)

    @property
    def end(self) -> int:
        return max(o[1] for o in self.offsets if o is not None)

    @property
    def label(self) -> str | None:
        """The label the record is counted under (reference side first)."""
        return self.labels[0] or self.labels[1]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["start"], d["end"] = self.start, self.end
        return d


def _hull(span: Span) -> Offsets:
    return (span.start, span.end)


class _Para:
    def __init__(self, doc: Document) -> None:
        self.starts = [p[0] for p in doc.paragraphs] or [0]

    def of(self, pos: int) -> int:
        return max(0, bisect_right(self.starts, pos) - 1)


def span_disagreements(doc: Document, reference: str, compared: str,
                       ref_spans: Sequence[Span], cmp_spans: Sequence[Span],
                       _para: _Para | None = None) -> list[Disagreement]:
    """Typed span disagreements between two layers on one document."""
    para = _para or _Para(doc)
    pair = (reference, compared)
    out: list[Disagreement] = []
    same = match_spans(ref_spans, cmp_spans, "overlap", same_label=True)
    for m in same.matches:
        if not m.exact:
            out.append(Disagreement(doc.id, BOUNDARY, KIND_SPAN, pair, (m.a.id, m.b.id),
                                    (_hull(m.a), _hull(m.b)), (m.a.label, m.b.label),
                                    paragraph=para.of(min(m.a.start, m.b.start)),
                                    detail=f"{m.a.label}: {_fmt(m.a)} vs {_fmt(m.b)}"))
    blind = match_spans(same.only_a, same.only_b, "overlap", same_label=False)
    for m in blind.matches:
        extra = "" if m.exact else "; offsets differ too"
        out.append(Disagreement(doc.id, LABEL, KIND_SPAN, pair, (m.a.id, m.b.id),
                                (_hull(m.a), _hull(m.b)), (m.a.label, m.b.label),
                                paragraph=para.of(min(m.a.start, m.b.start)),
                                detail=f"{m.a.label} vs {m.b.label}{extra}"))
    for s in blind.only_a:
        out.append(Disagreement(doc.id, MISSED, KIND_SPAN, pair, (s.id, None),
                                (_hull(s), None), (s.label, None), paragraph=para.of(s.start),
                                detail=f"{s.label} {_fmt(s)} only in {reference}"))
    for t in blind.only_b:
        out.append(Disagreement(doc.id, SPURIOUS, KIND_SPAN, pair, (None, t.id),
                                (None, _hull(t)), (None, t.label), paragraph=para.of(t.start),
                                detail=f"{t.label} {_fmt(t)} only in {compared}"))
    return out


def _fmt(s: Span) -> str:
    return "+".join(f"[{a}, {b})" for a, b in s.fragments)


def frame_disagreements(doc: Document, reference: str, compared: str,
                        ref_frames: Sequence[Frame], ref_spans: Iterable[Span],
                        cmp_frames: Sequence[Frame], cmp_spans: Iterable[Span],
                        _para: _Para | None = None) -> list[Disagreement]:
    """Typed frame disagreements (missed, spurious, role boundary, stance) on one document."""
    para = _para or _Para(doc)
    pair = (reference, compared)
    sa = {s.id: s for s in ref_spans}
    sb = {s.id: s for s in cmp_spans}
    al = align_frames(ref_frames, sa, cmp_frames, sb)
    out: list[Disagreement] = []
    for m in al.matches:
        ha, hb = frame_hull(m.a, sa), frame_hull(m.b, sb)
        start = min(h[0] for h in (ha, hb) if h) if (ha or hb) else 0
        for role in ROLES:
            ea, eb = role_extent(m.a, role, sa), role_extent(m.b, role, sb)
            if ea != eb:
                out.append(Disagreement(
                    doc.id, BOUNDARY, KIND_FRAME, pair, (m.a.id, m.b.id),
                    (_ext_hull(ea), _ext_hull(eb)), role=role, paragraph=para.of(start),
                    detail=f"{role}: {_fmt_ext(ea)} vs {_fmt_ext(eb)}"))
        va, vb = stance_of(m.a), stance_of(m.b)
        if va != vb:
            out.append(Disagreement(doc.id, STANCE, KIND_FRAME, pair, (m.a.id, m.b.id),
                                    (ha, hb), values=(va, vb), paragraph=para.of(start),
                                    detail=f"stance {va or 'unset'} vs {vb or 'unset'}"))
    for f in al.only_a:
        h = frame_hull(f, sa)
        out.append(Disagreement(doc.id, MISSED, KIND_FRAME, pair, (f.id, None), (h, None),
                                values=(stance_of(f), None),
                                paragraph=para.of(h[0]) if h else 0,
                                detail=f"attribution only in {reference}"))
    for f in al.only_b:
        h = frame_hull(f, sb)
        out.append(Disagreement(doc.id, SPURIOUS, KIND_FRAME, pair, (None, f.id), (None, h),
                                values=(None, stance_of(f)),
                                paragraph=para.of(h[0]) if h else 0,
                                detail=f"attribution only in {compared}"))
    return [d for d in out if any(o is not None for o in d.offsets)]


def _ext_hull(ext: Sequence[Offsets]) -> Offsets | None:
    return (ext[0][0], ext[-1][1]) if ext else None


def _fmt_ext(ext: Sequence[Offsets]) -> str:
    return "+".join(f"[{a}, {b})" for a, b in ext) if ext else "none"


def document_disagreements(corpus: Corpus, doc: Document,
                           pairs: Sequence[tuple[str, str]]) -> list[Disagreement]:
    """All typed disagreements on one document for the given (reference, compared) pairs;
    pairs where either annotator has not annotated the document are skipped."""
    para = _Para(doc)
    out: list[Disagreement] = []
    for ref, cmp in pairs:
        if not (corpus.has(doc.id, ref) and corpus.has(doc.id, cmp)):
            continue
        out += span_disagreements(doc, ref, cmp, corpus.spans(doc.id, ref),
                                  corpus.spans(doc.id, cmp), para)
        out += frame_disagreements(doc, ref, cmp, corpus.frames(doc.id, ref),
                                   corpus.all_spans(doc.id, ref), corpus.frames(doc.id, cmp),
                                   corpus.all_spans(doc.id, cmp), para)
    return out


def disagreements(corpus: Corpus,
                  pairs: Sequence[tuple[str, str]] | None = None) -> list[Disagreement]:
    """Every typed disagreement in the corpus, document by document. Default pairs: the
    peer pairs, then (gold, annotator) pairs when a gold layer exists."""
    if pairs is None:
        pairs = corpus.pairs() + corpus.gold_pairs()
    out: list[Disagreement] = []
    for doc in corpus.documents:
        out += document_disagreements(corpus, doc, pairs)
    return out
