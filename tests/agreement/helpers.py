"""Small builders for agreement tests: documents, spans, frames and layers by hand."""

from __future__ import annotations

from itertools import count

from annotator.domain.model import (
    STATUS_DONE,
    AnnotatedDocument,
    Document,
    Frame,
    Span,
    fragment_text,
)
from annotator.domain.text import paragraph_offsets

_ids = count(1)


def doc(text: str, doc_id: str = "d1") -> Document:
    return Document(id=doc_id, text=text, paragraphs=paragraph_offsets(text))


def span(d: Document, ann: str, label: str, *fragments: tuple[int, int],
         sid: str | None = None, **attrs: object) -> Span:
    frs = tuple(fragments)
    return Span(id=sid or f"s{next(_ids)}", document_id=d.id, annotator=ann, label=label,
                fragments=frs, text=fragment_text(d.text, frs), attributes=dict(attrs))


def frame(d: Document, ann: str, cue: Span | None, sources: tuple[Span, ...] = (),
          contents: tuple[Span, ...] = (), stance: str | None = None,
          fid: str | None = None) -> Frame:
    attrs = {"stance": stance} if stance else {}
    return Frame(id=fid or f"f{next(_ids)}", document_id=d.id, annotator=ann,
                 cue=cue.id if cue else None, sources=tuple(s.id for s in sources),
                 contents=tuple(s.id for s in contents), attributes=attrs)


def layer(d: Document, ann: str, spans: list[Span], frames: list[Frame] | None = None,
          status: str = STATUS_DONE) -> AnnotatedDocument:
    return AnnotatedDocument(d, ann, status, list(spans), list(frames or []))
