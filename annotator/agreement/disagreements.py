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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field

from ..domain.model import Document, Frame, Offsets, Span
from .corpus import Corpus
from .frames import ROLES, FrameAlignment, align_frames, stance_of
from .spans import Matching, SpanKeys, match_layers, span_keys

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


@dataclass
class PairComparison:
    """Two layers on one document, aligned once: what both the figures and the typed
    records are computed from (see the module docstring for the order of the steps)."""

    document: Document
    reference: str
    compared: str
    same: Matching  # measured spans, same label, overlap matching (exact pairs first)
    blind: Matching  # the leftovers of ``same``, matched ignoring labels
    frames: FrameAlignment | None = None
    ref_spans: dict[str, Span] = field(default_factory=dict)  # every span, for frames
    cmp_spans: dict[str, Span] = field(default_factory=dict)

    def counts(self) -> dict[tuple[str, str, str | None], int]:
        """(type, kind, label) -> number of records, without building the records."""
        c: dict[tuple[str, str, str | None], int] = {}
        get = c.get
        for m in self.same.matches:
            if not m.exact:
                k = (BOUNDARY, KIND_SPAN, m.a.label)
                c[k] = get(k, 0) + 1
        for m in self.blind.matches:
            k = (LABEL, KIND_SPAN, m.a.label)
            c[k] = get(k, 0) + 1
        for x in self.blind.only_a:
            k = (MISSED, KIND_SPAN, x.label)
            c[k] = get(k, 0) + 1
        for t in self.blind.only_b:
            k = (SPURIOUS, KIND_SPAN, t.label)
            c[k] = get(k, 0) + 1
        for typ in self._frame_types():
            k = (typ, KIND_FRAME, None)
            c[k] = get(k, 0) + 1
        return c

    def records(self, para: _Para | None = None) -> list[Disagreement]:
        """Every typed disagreement record (spans first, then frames)."""
        para = para or _Para(self.document)
        return self._span_records(para) + self._frame_records(para)

    def _span_records(self, para: _Para) -> list[Disagreement]:
        doc_id, pair = self.document.id, (self.reference, self.compared)
        out: list[Disagreement] = []
        for m in self.same.matches:
            if not m.exact:
                out.append(Disagreement(doc_id, BOUNDARY, KIND_SPAN, pair, (m.a.id, m.b.id),
                                        (_hull(m.a), _hull(m.b)), (m.a.label, m.b.label),
                                        paragraph=para.of(min(m.a.start, m.b.start)),
                                        detail=f"{m.a.label}: {_fmt(m.a)} vs {_fmt(m.b)}"))
        for m in self.blind.matches:
            extra = "" if m.exact else "; offsets differ too"
            out.append(Disagreement(doc_id, LABEL, KIND_SPAN, pair, (m.a.id, m.b.id),
                                    (_hull(m.a), _hull(m.b)), (m.a.label, m.b.label),
                                    paragraph=para.of(min(m.a.start, m.b.start)),
                                    detail=f"{m.a.label} vs {m.b.label}{extra}"))
        for x in self.blind.only_a:
            out.append(Disagreement(doc_id, MISSED, KIND_SPAN, pair, (x.id, None),
                                    (_hull(x), None), (x.label, None),
                                    paragraph=para.of(x.start),
                                    detail=f"{x.label} {_fmt(x)} only in {self.reference}"))
        for t in self.blind.only_b:
            out.append(Disagreement(doc_id, SPURIOUS, KIND_SPAN, pair, (None, t.id),
                                    (None, _hull(t)), (None, t.label),
                                    paragraph=para.of(t.start),
                                    detail=f"{t.label} {_fmt(t)} only in {self.compared}"))
        return out

    def _frame_types(self) -> Iterator[str]:
        """The type of every frame disagreement (what :meth:`_frame_records` would list)."""
        al = self.frames
        if al is None:
            return
        for m in al.matches:
            xa, xb = al.extents[m.a.id], al.extents[m.b.id]
            for role in ROLES:
                if xa[role] != xb[role]:
                    yield BOUNDARY
            if stance_of(m.a) != stance_of(m.b):
                yield STANCE
        for f in al.only_a:
            if any(al.extents[f.id].values()):
                yield MISSED
        for f in al.only_b:
            if any(al.extents[f.id].values()):
                yield SPURIOUS

    def _frame_records(self, para: _Para) -> list[Disagreement]:
        al = self.frames
        if al is None:
            return []
        doc_id, pair = self.document.id, (self.reference, self.compared)
        out: list[Disagreement] = []
        for m in al.matches:
            xa, xb = al.extents[m.a.id], al.extents[m.b.id]
            ha, hb = _frame_hull(xa), _frame_hull(xb)
            at = para.of(min(h[0] for h in (ha, hb) if h) if (ha or hb) else 0)
            for role in ROLES:
                ea, eb = xa[role], xb[role]
                if ea != eb:
                    out.append(Disagreement(
                        doc_id, BOUNDARY, KIND_FRAME, pair, (m.a.id, m.b.id),
                        (_ext_hull(ea), _ext_hull(eb)), role=role, paragraph=at,
                        detail=f"{role}: {_fmt_ext(ea)} vs {_fmt_ext(eb)}"))
            va, vb = stance_of(m.a), stance_of(m.b)
            if va != vb:
                out.append(Disagreement(doc_id, STANCE, KIND_FRAME, pair, (m.a.id, m.b.id),
                                        (ha, hb), values=(va, vb), paragraph=at,
                                        detail=f"stance {va or 'unset'} vs {vb or 'unset'}"))
        for f in al.only_a:
            h = _frame_hull(al.extents[f.id])
            if h is not None:
                out.append(Disagreement(doc_id, MISSED, KIND_FRAME, pair, (f.id, None),
                                        (h, None), values=(stance_of(f), None),
                                        paragraph=para.of(h[0]),
                                        detail=f"attribution only in {self.reference}"))
        for f in al.only_b:
            h = _frame_hull(al.extents[f.id])
            if h is not None:
                out.append(Disagreement(doc_id, SPURIOUS, KIND_FRAME, pair, (None, f.id),
                                        (None, h), values=(None, stance_of(f)),
                                        paragraph=para.of(h[0]),
                                        detail=f"attribution only in {self.compared}"))
        return out


def _frame_hull(extents: dict[str, tuple[Offsets, ...]]) -> Offsets | None:
    """[start, end) over every role extent of a frame, or None when it has no spans."""
    present = [e for e in extents.values() if e]
    if not present:
        return None
    return min(e[0][0] for e in present), max(e[-1][1] for e in present)


def compare_spans(ref_spans: Sequence[Span], cmp_spans: Sequence[Span],
                  prepared: tuple[SpanKeys, SpanKeys] | None = None
                  ) -> tuple[Matching, Matching]:
    """Steps 1-4 for spans: (same-label matching, label-blind matching of the leftovers)."""
    return match_layers(ref_spans, cmp_spans, prepared)


def compare_pair(corpus: Corpus, doc: Document, reference: str, compared: str,
                 frames: bool = True, cache: dict | None = None) -> PairComparison:
    """Align two annotators' layers on one document (spans, and frames unless told not).
    ``cache`` (a dict kept for one document) saves recomputing span keys and frame
    extents."""
    ref, cmp = corpus.spans(doc.id, reference), corpus.spans(doc.id, compared)
    prepared = None
    if cache is not None:
        prepared = (_keys_of(cache, reference, ref), _keys_of(cache, compared, cmp))
    same, blind = compare_spans(ref, cmp, prepared)
    out = PairComparison(doc, reference, compared, same, blind)
    if frames:
        fa, fb = corpus.frames(doc.id, reference), corpus.frames(doc.id, compared)
        out.ref_spans = _span_map(corpus, doc.id, reference, cache)
        out.cmp_spans = _span_map(corpus, doc.id, compared, cache)
        out.frames = align_frames(fa, out.ref_spans, fb, out.cmp_spans, cache)
    return out


def _keys_of(cache: dict, annotator: str, spans: Sequence[Span]) -> SpanKeys:
    key = ("keys", annotator)
    got = cache.get(key)
    if got is None:
        got = cache[key] = span_keys(spans)
    return got


def _span_map(corpus: Corpus, doc_id: str, annotator: str, cache: dict | None
              ) -> dict[str, Span]:
    """Every span of the layer by id (kept in ``cache`` under ("spans", annotator))."""
    key = ("spans", annotator)
    if cache is not None and key in cache:
        return cache[key]
    found = {s.id: s for s in corpus.all_spans(doc_id, annotator)}
    if cache is not None:
        cache[key] = found
    return found


def span_disagreements(doc: Document, reference: str, compared: str,
                       ref_spans: Sequence[Span], cmp_spans: Sequence[Span],
                       _para: _Para | None = None) -> list[Disagreement]:
    """Typed span disagreements between two layers on one document."""
    same, blind = compare_spans(ref_spans, cmp_spans)
    return PairComparison(doc, reference, compared, same, blind)._span_records(
        _para or _Para(doc))


def _fmt(s: Span) -> str:
    return _fmt_ext(s.fragments)


def frame_disagreements(doc: Document, reference: str, compared: str,
                        ref_frames: Sequence[Frame], ref_spans: Iterable[Span],
                        cmp_frames: Sequence[Frame], cmp_spans: Iterable[Span],
                        _para: _Para | None = None) -> list[Disagreement]:
    """Typed frame disagreements (missed, spurious, role boundary, stance) on one document."""
    sa = {s.id: s for s in ref_spans}
    sb = {s.id: s for s in cmp_spans}
    cmp = PairComparison(doc, reference, compared, Matching(), Matching(),
                         align_frames(ref_frames, sa, cmp_frames, sb), sa, sb)
    return cmp._frame_records(_para or _Para(doc))


def _ext_hull(ext: Sequence[Offsets]) -> Offsets | None:
    return (ext[0][0], ext[-1][1]) if ext else None


def _fmt_ext(ext: Sequence[Offsets]) -> str:
    if len(ext) == 1:
        return f"[{ext[0][0]}, {ext[0][1]})"
    return "+".join(f"[{a}, {b})" for a, b in ext) if ext else "none"


def document_disagreements(corpus: Corpus, doc: Document,
                           pairs: Sequence[tuple[str, str]]) -> list[Disagreement]:
    """All typed disagreements on one document for the given (reference, compared) pairs;
    pairs where either annotator has not annotated the document are skipped."""
    para = _Para(doc)
    cache: dict = {}
    out: list[Disagreement] = []
    for ref, cmp in pairs:
        if corpus.has(doc.id, ref) and corpus.has(doc.id, cmp):
            out += compare_pair(corpus, doc, ref, cmp, cache=cache).records(para)
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
