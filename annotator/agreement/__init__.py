"""Inter-annotator agreement: coefficients, span/token/unitizing/frame measures, typed
disagreements and a full report. Pure Python + numpy: no SQL, no Qt; works in a notebook.

Quick start::

    from annotator.agreement import Corpus, full_report, disagreements
    # layers: AnnotatedDocument objects (annotator.domain.model), e.g. from project.layer()
    report = full_report(documents, layers, annotators=["ann", "bob"])
    report["tokens"]["overall"]["alpha"]
    for d in disagreements(Corpus.build(documents, layers)):
        print(d.document_id, d.type, d.annotators, d.items, d.offsets)

Modules: :mod:`.coefficients` (Cohen, Fleiss, Krippendorff), :mod:`.corpus` (the input
and the "has annotated" rule), :mod:`.spans` (exact/overlap matching, P/R/F1),
:mod:`.tokens` (token-level kappa/alpha), :mod:`.unitizing` (alpha-U), :mod:`.frames`
(attribution alignment, role boundaries, stance), :mod:`.disagreements` (typed records),
:mod:`.report` (everything with its definition, as plain JSON-ready data; the texts are in
:mod:`.definitions`), :mod:`.table` (the column arrays token and alpha-U measures share).
Adjudication (:mod:`.units`, :mod:`.adjudication`) builds on the same alignments.
"""

from .coefficients import (
    LEVELS,
    alpha_codes,
    cohen_kappa,
    cohen_kappa_table,
    fleiss_kappa,
    fleiss_kappa_ratings,
    krippendorff_alpha,
)
from .corpus import Corpus, has_annotated
from .disagreements import (
    TYPES,
    Disagreement,
    disagreements,
    document_disagreements,
    frame_disagreements,
    span_disagreements,
)
from .frames import FrameAlignment, FrameMatch, align_frames
from .report import DEFINITIONS, corpus_report, full_report
from .spans import Matching, SpanMatch, match_layers, match_spans, span_overlap
from .tokens import per_document_alpha, token_agreement, token_grid
from .unitizing import alpha_u, unitizing_agreement

__all__ = [
    "DEFINITIONS",
    "LEVELS",
    "TYPES",
    "Corpus",
    "Disagreement",
    "FrameAlignment",
    "FrameMatch",
    "Matching",
    "SpanMatch",
    "align_frames",
    "alpha_codes",
    "alpha_u",
    "corpus_report",
    "cohen_kappa",
    "cohen_kappa_table",
    "disagreements",
    "document_disagreements",
    "fleiss_kappa",
    "fleiss_kappa_ratings",
    "frame_disagreements",
    "full_report",
    "has_annotated",
    "krippendorff_alpha",
    "match_layers",
    "match_spans",
    "per_document_alpha",
    "span_disagreements",
    "span_overlap",
    "token_agreement",
    "token_grid",
    "unitizing_agreement",
]
