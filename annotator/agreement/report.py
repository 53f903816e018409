"""The full agreement report: every figure with its definition, unit counts and pairs.

``full_report(documents, layers, annotators=None, labels=None)`` takes domain objects
(``Document`` and ``AnnotatedDocument`` lists, e.g. from ``Project.all_layers()``) and
returns a plain, JSON-serialisable dict (undefined figures are ``None``)::

    {"annotators": [...], "labels": [...], "gold": "gold" | None, "documents": {...},
     "definitions": {name: text},
     "tokens": {...}, "unitizing": {...}, "spans": {...}, "frames": {...},
     "disagreements": {"counts": ...[, "records": [...]]},
     "per_document": [... lowest agreement first ...],
     "vs_gold": {annotator: {...}} | None}

Pair keys are ``"a|b"`` (reference first). The sections tokens, unitizing, spans, frames
and disagreements carry the definitions of their figures (``"definitions"``); all of them
(per_document and vs_gold too) are under the top-level ``"definitions"``
(:data:`annotator.agreement.definitions.DEFINITIONS`). The section builders are
:mod:`.report_parts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..domain.model import AnnotatedDocument, Document
from .corpus import Corpus
from .definitions import DEFINITIONS
from .report_parts import Collector, documents_section, gold_section, summary_sections

REPORT_VERSION = 1
__all__ = ["DEFINITIONS", "REPORT_VERSION", "corpus_report", "full_report"]

def full_report(documents: Iterable[Document], layers: Iterable[AnnotatedDocument],
                annotators: Sequence[str] | None = None, labels: Sequence[str] | None = None,
                annotated: Iterable[tuple[str, str]] | None = None,
                include_disagreements: bool = False) -> dict[str, Any]:
    """Every agreement figure for the layers (see the module docstring for the shape).

    ``annotators``/``labels`` select what is compared (default: every non-gold annotator
    and every label seen); ``annotated`` overrides the "has annotated" rule;
    ``include_disagreements`` adds every typed disagreement record.
    """
    corpus = Corpus.build(documents, layers, annotators, labels, annotated)
    return corpus_report(corpus, include_disagreements)


def corpus_report(corpus: Corpus, include_disagreements: bool = False) -> dict[str, Any]:
    """:func:`full_report` for a :class:`Corpus` already built."""
    col = Collector(corpus, keep_records=include_disagreements)
    col.run()
    out: dict[str, Any] = {
        "version": REPORT_VERSION,
        "annotators": list(corpus.annotators),
        "labels": list(corpus.labels),
        "gold": corpus.gold,
        "documents": {
            "total": len(corpus.documents),
            "annotated_by": {a: sum(1 for d in corpus.documents if corpus.has(d.id, a))
                             for a in corpus.annotators + ((corpus.gold,) if corpus.gold
                                                           else ())},
            "annotated_by_all": len(corpus.shared_documents(corpus.annotators)),
        },
        "definitions": dict(DEFINITIONS),
    }
    out.update(summary_sections(col))
    out["per_document"] = documents_section(col)
    out["vs_gold"] = gold_section(col) if corpus.gold else None
    return out
