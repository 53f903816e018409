"""What the review screens read: the project's corpus, its disagreements, adjudication units,
gold states and the agreement report, cached and refreshed after each decision. No Qt.

``ReviewData(project, annotators=None)`` compares the given annotators, by default
:func:`annotator.cli.projectdata.active_annotators` (who made spans or frames, or marked
a document done). Disagreement records are the peer-pair records of
:func:`annotator.agreement.disagreements.disagreements`; each leads to the adjudication
unit holding its items. Decisions go through :func:`annotator.cli.projectdata.apply_decision`
(one transaction each) and mark the report stale.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ...agreement.adjudication import Decision, GoldState
from ...agreement.corpus import Corpus
from ...agreement.disagreements import Disagreement, disagreements, document_disagreements
from ...agreement.units import DocumentUnits, Unit, document_units
from ...cli.projectdata import active_annotators, apply_decision, gold_state, load_corpus
from ...domain.model import GOLD, Document
from ...domain.provenance import GoldChange
from ...store.project import Project


@dataclass(frozen=True)
class RecordFilter:
    """Which disagreement records to list (None: any)."""

    label: str | None = None  # span label, or "ATTRIBUTION" for frame records
    pair: tuple[str, str] | None = None  # either order
    document_id: str | None = None
    type: str | None = None
    kind: str | None = None  # span | frame

    def matches(self, d: Disagreement) -> bool:
        if self.pair is not None and set(d.annotators) != set(self.pair):
            return False
        if self.document_id is not None and d.document_id != self.document_id:
            return False
        if self.type is not None and d.type != self.type:
            return False
        if self.kind is not None and d.kind != self.kind:
            return False
        if self.label is not None:
            if self.label == FRAME_LABEL:
                return d.kind == "frame"
            return d.kind == "span" and self.label in d.labels
        return True

    def describe(self) -> str:
        parts = []
        if self.label:
            parts.append(f"label {self.label}")
        if self.pair:
            parts.append(f"{self.pair[0]} vs {self.pair[1]}")
        if self.document_id:
            parts.append(f"document {self.document_id}")
        if self.type:
            parts.append(f"type {self.type}")
        if self.kind:
            parts.append(f"{self.kind}s")
        return ", ".join(parts) or "all disagreements"


FRAME_LABEL = "ATTRIBUTION"


class ReviewData:
    def __init__(self, project: Project, annotators: Sequence[str] | None = None) -> None:
        self.project = project
        self.wanted = list(annotators) if annotators else None
        self.reload()

    def reload(self) -> None:
        """Re-read every layer (after a merge or outside edits)."""
        self.compared = list(self.wanted) if self.wanted else active_annotators(self.project)
        self.corpus: Corpus = load_corpus(self.project, self.compared)
        self._docs = {d.id: d for d in self.corpus.documents}
        self._units: dict[str, DocumentUnits] = {}
        self._gold: dict[str, GoldState] = {}
        self._records: list[Disagreement] | None = None
        self._doc_records: dict[str, list[Disagreement]] = {}
        self._report: dict[str, Any] | None = None

    # ------------------------------------------------------------------ reading
    @property
    def annotators(self) -> tuple[str, ...]:
        return self.corpus.annotators

    @property
    def labels(self) -> tuple[str, ...]:
        return self.corpus.labels

    def colours(self) -> dict[str, str]:
        return {ldef.name: ldef.color for ldef in self.project.schema.labels}

    def document(self, doc_id: str) -> Document:
        return self._docs[doc_id]

    def documents(self) -> list[Document]:
        return list(self.corpus.documents)

    def records(self) -> list[Disagreement]:
        """Peer-pair disagreement records, document by document."""
        if self._records is None:
            self._records = [r for d in self.corpus.documents
                             for r in self.document_records(d.id)]
        return self._records

    def document_records(self, doc_id: str) -> list[Disagreement]:
        """Peer-pair records of one document (cached; what a document cell opens)."""
        if doc_id not in self._doc_records:
            self._doc_records[doc_id] = document_disagreements(
                self.corpus, self._docs[doc_id], self.corpus.pairs())
        return self._doc_records[doc_id]

    def gold_records(self, annotator: str) -> list[Disagreement]:
        """Disagreements of ``annotator`` against the gold layer as it is now."""
        docs, layers = self.project.all_layers([annotator, GOLD])
        corpus = Corpus.build(docs, layers, annotators=[annotator], labels=self.labels)
        return disagreements(corpus, corpus.gold_pairs())

    def filtered(self, flt: RecordFilter) -> list[Disagreement]:
        """Peer-pair records matching ``flt``; a pair naming gold compares with gold now."""
        if flt.pair is not None and GOLD in flt.pair:
            other = flt.pair[1] if flt.pair[0] == GOLD else flt.pair[0]
            return [d for d in self.gold_records(other) if flt.matches(d)]
        source = (self.document_records(flt.document_id) if flt.document_id in self._docs
                  else self.records())
        return [d for d in source if flt.matches(d)]

    def units(self, doc_id: str) -> DocumentUnits:
        if doc_id not in self._units:
            self._units[doc_id] = document_units(self.corpus, doc_id)
        return self._units[doc_id]

    def unit_for(self, record: Disagreement) -> Unit | None:
        du = self.units(record.document_id)
        for item in record.items:
            if item is not None and item in du.unit_of:
                return du.unit_of[item]
        return None

    def gold(self, doc_id: str) -> GoldState:
        """The document's gold state (cached; decisions made here refresh it)."""
        if doc_id not in self._gold:
            self._gold[doc_id] = gold_state(self.project, doc_id)
        return self._gold[doc_id]

    def open_units(self, doc_id: str) -> list[Unit]:
        state = self.gold(doc_id)
        return [u for u in self.units(doc_id).units if not u.agreed and not state.is_decided(u)]

    def report(self) -> dict[str, Any]:
        """The full agreement report, gold included once a gold layer exists."""
        if self._report is None:
            self._report = self.report_job()()
        return self._report

    @property
    def cached_report(self) -> dict[str, Any] | None:
        return self._report

    def keep_report(self, report: dict[str, Any]) -> None:
        """Cache a report a :meth:`report_job` computed (elsewhere)."""
        self._report = report

    def span_count(self) -> int:
        """Spans in the compared layers: what computing the report costs grows with."""
        return sum(len(la.spans) for anns in self.corpus.layers.values()
                   for la in anns.values())

    def report_job(self) -> Callable[[], dict[str, Any]]:
        """Read what the report needs now (this thread: the project's connection) and
        return the computation, which touches no database or Qt object: it may run on
        another thread."""
        from ...agreement.report import full_report

        # the annotators' layers as loaded; the gold layer as it is now
        layers = [la for anns in self.corpus.layers.values() for name, la in anns.items()
                  if name != GOLD]
        _docs, gold = self.project.all_layers([GOLD])
        documents, annotators, labels = list(self.corpus.documents), self.compared, self.labels
        return lambda: full_report(documents, layers + gold, annotators=annotators,
                                   labels=labels)

    # ------------------------------------------------------------------ changing
    def decide(self, unit: Unit, decision: Decision, decided_by: str) -> GoldChange:
        try:
            change = apply_decision(self.project, self.units(unit.document_id), unit,
                                    decision, decided_by)
        finally:
            self._changed(unit.document_id)
        return change

    def undo(self, change: GoldChange) -> None:
        try:
            self.project.undo_gold(change)
        finally:
            self._changed(change.document_id)

    def redo(self, change: GoldChange) -> None:
        try:
            self.project.apply_gold(change)
        finally:
            self._changed(change.document_id)

    def _changed(self, doc_id: str) -> None:
        self._gold.pop(doc_id, None)
        self._report = None

    def recorded_change(self, unit: Unit) -> GoldChange | None:
        return self.project.recorded_change(unit.document_id, unit.item_ids)
