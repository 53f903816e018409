"""The input every agreement measure reads: documents and per-annotator layers.

A :class:`Corpus` is built from domain objects only (``Document`` and
``AnnotatedDocument`` from :mod:`annotator.domain.model`), never from a project or SQL::

    corpus = Corpus.build(documents, layers, annotators=["ann", "bob"], labels=["SOURCE"])

Definitions fixed here (the report repeats them):

- **annotators**: the layers compared with each other. Default: every annotator that has a
  layer, except ``gold`` (:data:`annotator.domain.model.GOLD`), in sorted order. The gold
  layer, when present, is kept apart (:attr:`Corpus.gold`) and compared with each annotator.
- **labels**: the span labels measured, in the order given (that order breaks ties, see
  :mod:`.tokens`). Default: every label seen in the layers, sorted. Spans with other labels
  are left out of span, token and unitizing measures; frames always see all their spans.
- **annotated**: an annotator *has annotated* a document when its status there is
  ``in progress`` or ``done`` or its layer holds at least one span or frame. A layer that
  has not been annotated counts as missing data (not as "everything is O"). Callers may pass
  their own set of ``(document_id, annotator)`` pairs instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..domain.model import (
    GOLD,
    STATUS_DONE,
    STATUS_IN_PROGRESS,
    AnnotatedDocument,
    Document,
    Frame,
    Span,
)

ANNOTATED_STATUSES = (STATUS_IN_PROGRESS, STATUS_DONE)


def has_annotated(layer: AnnotatedDocument) -> bool:
    """The rule for "this annotator has annotated this document" (see module docstring)."""
    return layer.status in ANNOTATED_STATUSES or bool(layer.spans) or bool(layer.frames)


@dataclass
class Corpus:
    """Documents in order, each with its layers by annotator, and the selection measured."""

    documents: list[Document]
    layers: dict[str, dict[str, AnnotatedDocument]]  # document id -> annotator -> layer
    annotators: tuple[str, ...]
    labels: tuple[str, ...]
    annotated: frozenset[tuple[str, str]]  # (document id, annotator)
    gold: str | None = None  # GOLD when a gold layer exists and is not among annotators
    _spans: dict[tuple[str, str], list[Span]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, documents: Iterable[Document], layers: Iterable[AnnotatedDocument],
              annotators: Sequence[str] | None = None, labels: Sequence[str] | None = None,
              annotated: Iterable[tuple[str, str]] | None = None) -> Corpus:
        docs: dict[str, Document] = {}
        for d in documents:
            docs.setdefault(d.id, d)
        by_doc: dict[str, dict[str, AnnotatedDocument]] = {}
        names: set[str] = set()
        seen_labels: set[str] = set()
        for layer in layers:
            doc_id = layer.document.id
            if doc_id not in docs:
                docs[doc_id] = layer.document
            elif docs[doc_id].text_sha256 != layer.document.text_sha256:
                raise ValueError(f"layer {layer.annotator!r} of document {doc_id} was made on "
                                 "a different text")
            by_doc.setdefault(doc_id, {})[layer.annotator] = layer
            names.add(layer.annotator)
            seen_labels.update(s.label for s in layer.spans)
        if annotators is None:
            chosen = tuple(sorted(n for n in names if n != GOLD))
        else:
            chosen = tuple(dict.fromkeys(annotators))
        gold = GOLD if GOLD in names and GOLD not in chosen else None
        if labels is None:
            label_order = tuple(sorted(seen_labels))
        else:
            label_order = tuple(dict.fromkeys(labels))
        if annotated is None:
            done = frozenset((doc_id, ann) for doc_id, anns in by_doc.items()
                             for ann, layer in anns.items() if has_annotated(layer))
        else:
            done = frozenset((d, a) for d, a in annotated)
        return cls(list(docs.values()), by_doc, chosen, label_order, done, gold)

    # ------------------------------------------------------------------ access
    def layer(self, document_id: str, annotator: str) -> AnnotatedDocument | None:
        return self.layers.get(document_id, {}).get(annotator)

    def has(self, document_id: str, annotator: str) -> bool:
        """True when ``annotator`` has annotated ``document_id`` (see module docstring)."""
        return (document_id, annotator) in self.annotated

    def spans(self, document_id: str, annotator: str) -> list[Span]:
        """The annotator's spans on the document whose label is measured (cached)."""
        key = (document_id, annotator)
        cached = self._spans.get(key)
        if cached is None:
            layer = self.layer(document_id, annotator)
            wanted = set(self.labels)
            cached = [s for s in layer.spans if s.label in wanted] if layer else []
            self._spans[key] = cached
        return cached

    def all_spans(self, document_id: str, annotator: str) -> list[Span]:
        """Every span of the layer, whatever its label (frames refer to these)."""
        layer = self.layer(document_id, annotator)
        return list(layer.spans) if layer else []

    def frames(self, document_id: str, annotator: str) -> list[Frame]:
        layer = self.layer(document_id, annotator)
        return list(layer.frames) if layer else []

    def pairs(self) -> list[tuple[str, str]]:
        """Annotator pairs in order: (a, b) for a before b in :attr:`annotators`."""
        a = self.annotators
        return [(a[i], a[j]) for i in range(len(a)) for j in range(i + 1, len(a))]

    def gold_pairs(self) -> list[tuple[str, str]]:
        """(gold, annotator) for every annotator, when a gold layer exists."""
        return [(self.gold, a) for a in self.annotators] if self.gold else []

    def shared_documents(self, names: Sequence[str]) -> list[Document]:
        """Documents every one of ``names`` has annotated, in corpus order."""
        return [d for d in self.documents if all(self.has(d.id, n) for n in names)]
