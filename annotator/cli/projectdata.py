"""Glue between a Project and the agreement package, shared by the CLI and the review GUI.

No Qt. Loads the corpus (documents + layers) the measures and adjudication read, the gold
state of a document, and applies one adjudication decision (decide + write). Also the
plain-text descriptions of items that the CLI prints and the GUI shows.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..agreement.adjudication import Decision, GoldState, decide
from ..agreement.corpus import Corpus
from ..agreement.units import DocumentUnits, Unit
from ..domain.model import GOLD, STATUS_DONE, Frame, Span
from ..domain.provenance import GoldChange
from ..store.project import Project


def active_annotators(project: Project) -> list[str]:
    """Annotators (gold aside) with at least one span or frame, or a document marked done.

    The default set compared and adjudicated: someone who only opened documents (which
    marks them "in progress", e.g. the adjudicator in the desktop app) is left out.
    """
    st = project.stats()
    names = {r["annotator"] for r in st["spans"]} | {r["annotator"] for r in st["frames"]}
    names |= {r["annotator"] for r in st["status"] if r["status"] == STATUS_DONE}
    names.discard(GOLD)
    return sorted(names)


def load_corpus(project: Project, annotators: Sequence[str] | None = None,
                documents: Sequence[str] | None = None,
                labels: Sequence[str] | None = None) -> Corpus:
    """The project's layers as a Corpus (gold kept apart unless named in ``annotators``).
    Annotators default to :func:`active_annotators`; labels to the schema's, in order."""
    if annotators is None:
        annotators = active_annotators(project)
    wanted = [*annotators, GOLD]
    docs, layers = project.all_layers(wanted, documents)
    return Corpus.build(docs, layers, annotators=annotators,
                        labels=labels or project.schema.label_names)


def gold_state(project: Project, document_id: str) -> GoldState:
    return GoldState(project.spans(document_id, GOLD), project.frames(document_id, GOLD),
                     project.provenance_for_document(document_id))


def apply_decision(project: Project, units: DocumentUnits, unit: Unit, decision: Decision,
                   decided_by: str) -> GoldChange:
    """Decide against the current gold state and write the result in one transaction."""
    change = decide(units, unit, decision, gold_state(project, units.document.id), decided_by)
    project.apply_gold(change)
    return change


def clip(text: str, width: int = 60) -> str:
    """One line of plain text, at most ``width`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def describe_span(span: Span, width: int = 60) -> str:
    frs = "+".join(f"[{s}, {e})" for s, e in span.fragments)
    return f'{span.label} {frs} "{clip(span.text, width)}"'


def describe_frame(frame: Frame, spans: dict[str, Span], width: int = 40) -> str:
    def role(ids: Sequence[str]) -> str:
        return " + ".join(f'"{clip(spans[i].text, width)}"' for i in ids if i in spans) or "-"

    stance = frame.attributes.get("stance") or "unset"
    return (f"cue {role((frame.cue,) if frame.cue else ())} · source {role(frame.sources)} · "
            f"content {role(frame.contents)} · stance {stance}")


def describe(item: Span | Frame, spans: dict[str, Span], width: int = 60) -> str:
    return describe_span(item, width) if isinstance(item, Span) else \
        describe_frame(item, spans, width // 2)
