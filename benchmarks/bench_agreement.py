"""Agreement: the full report, and token alpha against the ``krippendorff`` package.

- full report (every figure: token kappa/alpha overall and per label, alpha-U overall, per
  label and per pair, span P/R/F1 exact + overlap, frame alignment, roles, stance, typed
  disagreement counts, per-document scores) for 1,000 documents x 3 annotators x 40 spans,
  made directly as domain objects with ``benchmarks/corpus.py`` (no database). Two corpora:
  *independent* annotators (corpus.py as is: every annotator's spans drawn independently, so
  nearly every span is a disagreement — the worst case) and *correlated* annotators (the
  second and third annotator copy the first one's spans with boundary shifts, label changes,
  misses and extras, as real annotators do). Baseline: tokenizing every document with the
  agreement tokenizer (the floor of any token-level measure). Target: <= 2 s.
- token alpha: Krippendorff's alpha (nominal) of the report's tokens x annotators matrix,
  ours (:func:`annotator.agreement.coefficients.alpha_codes` on the int8 code matrix) against
  ``krippendorff.alpha`` on the same matrix as floats with NaN for missing. Targets: equal to
  1e-9, and no slower (ratio <= 1).
- disagreement records: building every typed record of the correlated corpus (what the
  review list shows), reported for reference.
"""

from __future__ import annotations

import random

import numpy as np

from annotator.agreement import Corpus, disagreements
from annotator.agreement.coefficients import alpha_codes
from annotator.agreement.report import full_report
from annotator.agreement.tokens import token_grid
from annotator.domain.model import STATUS_DONE, AnnotatedDocument, Document, Frame, Span
from annotator.domain.text import tokenize
from benchmarks.corpus import LABELS, corpus, word_offsets
from benchmarks.figures import Figure, median_ms

WORDS = 600  # a typical news article
SPANS = 40
ANNOTATORS = 3


def independent(n: int) -> tuple[list[Document], list[AnnotatedDocument]]:
    docs, layers = [], []
    names = [f"annotator{k + 1}" for k in range(ANNOTATORS)]
    for sd in corpus(n, WORDS, SPANS, ANNOTATORS, seed=11):
        docs.append(sd.document)
        for name in names:
            layers.append(AnnotatedDocument(
                sd.document, name, STATUS_DONE, [s for s in sd.spans if s.annotator == name],
                [f for f in sd.frames if f.annotator == name]))
    return docs, layers


def _copy(rng: random.Random, doc: Document, spans: list[Span], frames: list[Frame],
          name: str) -> AnnotatedDocument:
    """Another annotator's take on the first annotator's layer."""
    words = word_offsets(doc.text)
    starts = [w[0] for w in words]
    ends = [w[1] for w in words]
    ids: dict[str, str] = {}
    out: list[Span] = []
    for s in spans:
        r = rng.random()
        if r < 0.06:  # missed
            continue
        start, end, label = s.start, s.end, s.label
        if r < 0.18:  # one boundary a word off (spans start and end on word boundaries)
            i, j = starts.index(start), ends.index(end)
            if rng.random() < 0.5:
                start = starts[max(0, min(j, i + rng.choice((-1, 1))))]
            else:
                end = ends[min(len(ends) - 1, max(i, j + rng.choice((-1, 1))))]
        elif r < 0.24:  # another label
            label = rng.choice([x for x in LABELS if x != s.label])
        new = s.with_changes(id=f"{name}-{s.id}", annotator=name, label=label,
                             fragments=((start, end),), text=doc.text[start:end])
        ids[s.id] = new.id
        out.append(new)
    for k in range(rng.randint(0, 3)):  # spurious extras
        i = rng.randrange(len(words))
        j = min(len(words) - 1, i + rng.randint(0, 6))
        out.append(Span(id=f"{name}-x{k}-{doc.id}", document_id=doc.id, annotator=name,
                        label=rng.choice(LABELS), fragments=((starts[i], ends[j]),),
                        text=doc.text[starts[i]:ends[j]]))
    new_frames = []
    for f in frames:
        if f.cue not in ids:
            continue
        stance = f.attributes.get("stance")
        if rng.random() < 0.2:
            stance = rng.choice(("FAVOR", "AGAINST", "NEUTRAL", "NONE"))
        new_frames.append(f.with_changes(
            id=f"{name}-{f.id}", annotator=name, cue=ids[f.cue],
            sources=tuple(ids[x] for x in f.sources if x in ids),
            contents=tuple(ids[x] for x in f.contents if x in ids),
            attributes={**f.attributes, "stance": stance}))
    return AnnotatedDocument(doc, name, STATUS_DONE, out, new_frames)


def correlated(n: int) -> tuple[list[Document], list[AnnotatedDocument]]:
    rng = random.Random(5)
    docs, layers = [], []
    for sd in corpus(n, WORDS, SPANS, 1, seed=12):
        docs.append(sd.document)
        first = AnnotatedDocument(sd.document, "annotator1", STATUS_DONE, sd.spans, sd.frames)
        layers.append(first)
        for k in range(2, ANNOTATORS + 1):
            layers.append(_copy(rng, sd.document, sd.spans, sd.frames, f"annotator{k}"))
    return docs, layers


def run(quick: bool) -> list[Figure]:
    n = 200 if quick else 1000
    repeat = 3
    figures: list[Figure] = []
    size = f"{n:,} docs x {ANNOTATORS} annotators x {SPANS} spans, {WORDS} words"
    ours = 0.0
    for kind, make in (("independent", independent), ("correlated", correlated)):
        docs, layers = make(n)  # the correlated corpus is kept for what follows
        ours = median_ms(lambda d=docs, la=layers: full_report(d, la), repeat)
        base = median_ms(lambda d=docs: [tokenize(x.text) for x in d], repeat)
        figures.append(Figure(f"full report, {size}, {kind} annotators", ours, "ms",
                              "tokenize every document", base, target="<= 2000 ms"))
    # token alpha on the report's matrix (correlated corpus: alpha well away from 0)
    grid = token_grid(Corpus.build(docs, layers))
    codes = grid.codes
    n_values = len(grid.labels) + 1
    data = codes.astype(float)
    data[codes < 0] = np.nan
    import krippendorff

    def theirs() -> float:
        return krippendorff.alpha(reliability_data=data, level_of_measurement="nominal",
                                  value_domain=list(range(n_values)))

    a_ours, a_theirs = alpha_codes(codes, n_values), theirs()
    t_ours = median_ms(lambda: alpha_codes(codes, n_values), 5)
    t_theirs = median_ms(theirs, 5)
    figures.append(Figure(f"token alpha, {codes.shape[1]:,} tokens x {codes.shape[0]} "
                          f"annotators (alpha = {a_ours:.6f})", t_ours, "ms",
                          "krippendorff.alpha, same matrix", t_theirs,
                          target="ratio <= 1"))
    diff = abs(a_ours - a_theirs)
    figures.append(Figure(f"|token alpha - krippendorff.alpha| = {diff:.1e}", diff / 1e-9,
                          "x 1e-9", target="<= 1"))
    corpus_ = Corpus.build(docs, layers)
    records = median_ms(lambda: disagreements(corpus_), repeat)
    count = len(disagreements(corpus_))
    figures.append(Figure(f"disagreements(): align + every typed record ({count:,}), "
                          "correlated corpus",
                          records, "ms", "full report of the same corpus (correlated)", ours))
    return figures
