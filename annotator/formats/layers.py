"""Writing parsed documents and annotation layers into a project: the one import sink.

Every annotation reader (canonical JSONL, brat, doccano, Label Studio, Prodigy) turns its
input into :class:`Document` s and :class:`AnnotatedDocument` layers and hands them to a
:class:`LayerWriter`, inside one ``project.transaction()``: any error raised while the
import runs rolls everything back, so a project is never half-imported.

Rules (stated in the README):

* A document whose id and text the project already holds is skipped; an id the project
  uses for different text is refused; a text the project holds under another id is
  matched to that document (the layer lands on it; the report says so).
* Labels must be in the project's schema; with ``add_labels`` the unknown ones are added
  (``Schema.with_labels``) at the end of the import. Unknown frame types are refused.
* A file carrying its schema (canonical JSONL) that differs from the project's: an empty
  project (no documents) takes the file's schema, so that the round trip is exact; a
  project with documents keeps its own and checks labels against it (noted in the report).
* Each layer replaces the project's layer of that (document, annotator) as a whole
  (``Project.replace_layer``); identical layers count as unchanged. Formats that hold no
  status (all but canonical JSONL) keep the status the project has (``keep_status``).
  ``rename_to`` imports every layer under one annotator name (refused if two layers of a
  document would merge).
* Span and frame ids must be new to the project (or belong to the layer being replaced).
* Formats that carry no ids of ours (all but canonical JSONL) ``adopt_ids``: an incoming
  span or frame equal to one the layer already holds keeps that item (its id, origin and
  times), so importing one's own export again changes nothing, and adjudication
  provenance, which names item ids, stays valid.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..domain.errors import ConflictError, InputError, NotFoundError
from ..domain.model import STATUS_TODO, AnnotatedDocument, Document, Frame, Span
from ..domain.provenance import Provenance
from ..domain.schema import Schema
from ..domain.text import MAX_DOCUMENT_CHARS
from ..store.project import Project
from ..store.rows import dumps


@dataclass
class AnnotationImportReport:
    documents_added: list[str] = field(default_factory=list)
    documents_skipped: list[str] = field(default_factory=list)
    documents_matched: list[tuple[str, str]] = field(default_factory=list)  # (file id, ours)
    layers_written: int = 0
    layers_unchanged: int = 0
    spans: int = 0
    frames: int = 0
    labels_added: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"documents added: {len(self.documents_added)}",
               f"documents already present: {len(self.documents_skipped)}",
               f"layers written: {self.layers_written} ({self.spans} spans, "
               f"{self.frames} frames)",
               f"layers unchanged: {self.layers_unchanged}"]
        for theirs, ours in self.documents_matched:
            out.append(f"document {theirs} matched project document {ours} by its text")
        if self.labels_added:
            out.append(f"labels added to the schema: {', '.join(self.labels_added)}")
        return out + self.notes

    def summary(self) -> str:
        return "; ".join(self.lines()[:4])


class LayerWriter:
    """Feeds documents and layers into ``project``; call inside ``project.transaction()``."""

    def __init__(self, project: Project, path: str | Path, *, add_labels: bool = False,
                 rename_to: str | None = None, keep_status: bool = False,
                 adopt_ids: bool = False) -> None:
        self.project = project
        self.adopt_ids = adopt_ids
        self.keep_status = keep_status  # formats without a status keep the project's
        self.path = str(path)
        self.add_labels = add_labels
        self.rename_to = rename_to
        self.schema: Schema = project.schema
        self.empty = project.count_documents() == 0
        self.report = AnnotationImportReport()
        self._file_schema: tuple[str, int] | None = None  # (json, first line)
        self._offered: Schema | None = None  # the schema last offered, already checked
        self._adopt: Schema | None = None
        self._docs: dict[str, tuple[str, str]] = {}  # file id -> (sha, project id)
        self._layers: dict[tuple[str, str], int | None] = {}
        self._new_labels: list[str] = []
        self._provenance: list[Provenance] = []
        self._current: str | None = None  # the file the current layer came from
        self._labels: tuple[Schema | None, frozenset[str]] = (None, frozenset())

    def fail(self, line: int | None, message: str) -> InputError:
        return InputError(self._current or self.path, line, message)

    # -------------------------------------------------------------- schema
    def offer_schema(self, schema: Schema, line: int) -> None:
        """The schema a canonical line carries (see the module rules)."""
        if schema is self._offered:  # the reader hands one object for a run of equal ones
            return
        self._offered = schema
        text = dumps(schema.raw)
        if self._file_schema is not None:
            if text != self._file_schema[0]:
                raise self.fail(line, f"schema differs from the one on line "
                                f"{self._file_schema[1]}; export one project per file")
            return
        self._file_schema = (text, line)
        if text == dumps(self.project.schema.raw):
            return
        if self.empty:
            self._adopt = self.schema = schema
            self.report.notes.append(f"the empty project takes the file's schema "
                                     f"{schema.name} v{schema.version}")
        else:
            ours = self.project.schema
            self.report.notes.append(
                f"the file was made with schema {schema.name} v{schema.version}; the project "
                f"keeps its schema {ours.name} v{ours.version} and labels were checked "
                "against it")

    # -------------------------------------------------------------- documents
    def documents(self, items: list[tuple[Document, int | None]]) -> None:
        """Add many documents with one ``add_documents`` call (each call scans the
        documents table for the next position, so a bulk import batches them)."""
        new: list[Document] = []
        by_hash: dict[str, str] = {}
        for doc, line in items:
            if doc.id in self._docs:
                self.document(doc, line)
                continue
            try:
                self.project.document(doc.id)
                known = True
            except NotFoundError:
                known = False
            if known or self.project.document_by_hash(doc.text_sha256) is not None:
                self.document(doc, line)
            elif doc.text_sha256 in by_hash:
                self._docs[doc.id] = (doc.text_sha256, by_hash[doc.text_sha256])
                self.report.documents_matched.append((doc.id, by_hash[doc.text_sha256]))
            else:
                self._check_size(doc, line)
                new.append(doc)
                by_hash[doc.text_sha256] = doc.id
                self._docs[doc.id] = (doc.text_sha256, doc.id)
                self.report.documents_added.append(doc.id)
        if new:
            try:
                self.project.add_documents(new)
            except ConflictError as exc:
                raise self.fail(items[0][1], str(exc)) from None

    def _check_size(self, doc: Document, line: int | None) -> None:
        if len(doc.text) > MAX_DOCUMENT_CHARS:
            raise self.fail(line, f"document {doc.id}: text too large ({len(doc.text):,} "
                            f"characters; the limit is {MAX_DOCUMENT_CHARS:,})")

    def document(self, doc: Document, line: int | None) -> str:
        """Add ``doc`` unless present; returns the project's id for it."""
        self._check_size(doc, line)
        seen = self._docs.get(doc.id)
        if seen is not None:
            if seen[0] != doc.text_sha256:
                raise self.fail(line, f"document {doc.id} appears again with different text")
            return seen[1]
        try:
            existing: Document | None = self.project.document(doc.id)
        except NotFoundError:
            existing = None
        if existing is not None:
            if existing.text_sha256 != doc.text_sha256:
                raise self.fail(line, f"document {doc.id} is already in the project with "
                                "different text; refusing to replace it")
            target = doc.id
            self.report.documents_skipped.append(doc.id)
        else:
            other = self.project.document_by_hash(doc.text_sha256)
            if other is not None:
                target = other
                self.report.documents_matched.append((doc.id, other))
            else:
                try:
                    self.project.add_documents([doc])
                except ConflictError as exc:
                    raise self.fail(line, str(exc)) from None
                target = doc.id
                self.report.documents_added.append(doc.id)
        self._docs[doc.id] = (doc.text_sha256, target)
        return target

    # -------------------------------------------------------------- layers
    def layer(self, layer: AnnotatedDocument, line: int | None,
              span_lines: dict[str, int] | None = None, path: str | None = None) -> bool:
        """Check labels, add the document if needed, replace the layer. True if written.
        ``path``: the file this layer came from, when it is not the import's path."""
        self._current = path
        doc_id = self.document(layer.document, line)
        known = self._known_labels()
        for span in layer.spans:
            if span.label not in known:
                if not self.add_labels:
                    where = (span_lines or {}).get(span.id, line)
                    raise self.fail(where, f"unknown label {span.label!r}: not in the schema "
                                    f"{self.schema.name} (use --add-labels to add it)")
                if span.label not in self._new_labels:
                    self._new_labels.append(span.label)
        if self.schema.frames:
            for ftype in dict.fromkeys(f.type for f in layer.frames):  # first-seen order
                if self.schema.frame(ftype) is None:
                    raise self.fail(line, f"frame type {ftype!r} is not in the schema "
                                    f"{self.schema.name}")
        annotator = self.rename_to or layer.annotator
        key = (doc_id, annotator)
        if key in self._layers:
            raise self.fail(line, f"a second layer for document {doc_id} and annotator "
                            f"{annotator} (first on line {self._layers[key]})")
        self._layers[key] = line
        if doc_id != layer.document.id or annotator != layer.annotator:
            layer = _relabel(layer, self.project.document(doc_id), annotator)
        if self.keep_status:
            layer.status = self.project.status(doc_id, annotator)
        if self.adopt_ids:
            layer = adopt_existing_items(layer, self.project.layer(doc_id, annotator))
        try:
            if self.empty:  # a project empty before the import: every layer is new to it
                written = bool(layer.spans or layer.frames or layer.status != STATUS_TODO)
                if written:
                    self.project.insert_new_layer(layer)
            else:
                written = self.project.replace_layer(layer)
        except sqlite3.IntegrityError as exc:
            raise self.fail(line, f"an id in this layer is already used by another "
                            f"document or annotator ({self._clash(layer) or exc})") from None
        except ConflictError as exc:
            raise self.fail(line, str(exc)) from None
        if written:
            self.report.layers_written += 1
            self.report.spans += len(layer.spans)
            self.report.frames += len(layer.frames)
        else:
            self.report.layers_unchanged += 1
        return written

    def _clash(self, layer: AnnotatedDocument) -> str:
        for table, items in (("spans", layer.spans), ("frames", layer.frames)):
            for item in items:
                r = self.project._q(f"SELECT document_id, annotator FROM {table} "
                                    "WHERE id = ?", (item.id,))
                if r and (r[0][0], r[0][1]) != (item.document_id, item.annotator):
                    return (f"{table[:-1]} id {item.id!r} belongs to document {r[0][0]}, "
                            f"annotator {r[0][1]}")
        return ""

    def _known_labels(self) -> frozenset[str]:
        if self._labels[0] is not self.schema:
            self._labels = (self.schema, frozenset(self.schema.label_names))
        return self._labels[1]

    def provenance(self, records: list[Provenance]) -> None:
        self._provenance += records

    def finish(self) -> AnnotationImportReport:
        """Last writes of the import: new labels, adopted schema, provenance."""
        schema = self._adopt
        if self._new_labels:
            schema = (schema or self.schema).with_labels(self._new_labels)
            self.report.labels_added = list(self._new_labels)
        if schema is not None:
            self.project.set_schema(schema)
        if self._provenance:
            self.project.put_provenance(self._provenance)
        return self.report


def _relabel(layer: AnnotatedDocument, doc: Document, annotator: str) -> AnnotatedDocument:
    return AnnotatedDocument(
        doc, annotator, layer.status,
        [replace(s, document_id=doc.id, annotator=annotator) for s in layer.spans],
        [replace(f, document_id=doc.id, annotator=annotator) for f in layer.frames])


def adopt_existing_items(incoming: AnnotatedDocument,
                         current: AnnotatedDocument) -> AnnotatedDocument:
    """``incoming`` with each span and frame that equals one of ``current`` replaced by
    that item (same label, fragments, attributes and note; for frames the same type,
    members and attributes). Equal items pair off in order, one to one."""
    def span_key(s: Span) -> tuple:
        return (s.label, s.fragments, dumps(s.attributes), s.note)

    pool: dict[tuple, list[Span]] = {}
    for s in current.spans:
        pool.setdefault(span_key(s), []).append(s)
    ids: dict[str, str] = {}
    spans: list[Span] = []
    for s in incoming.spans:
        same = pool.get(span_key(s))
        kept = same.pop(0) if same else s
        ids[s.id] = kept.id
        spans.append(kept)

    def frame_key(f: Frame) -> tuple:
        return (f.type, f.cue, tuple(sorted(f.sources)), tuple(sorted(f.contents)),
                dumps(f.attributes))

    mapped = [replace(f, cue=ids.get(f.cue, f.cue) if f.cue else None,
                      sources=tuple(ids.get(x, x) for x in f.sources),
                      contents=tuple(ids.get(x, x) for x in f.contents)) for f in incoming.frames]
    fpool: dict[tuple, list[Frame]] = {}
    for f in current.frames:
        fpool.setdefault(frame_key(f), []).append(f)
    fids: dict[str, str] = {}
    frames: list[Frame] = []
    for f in mapped:
        same = fpool.get(frame_key(f))
        kept = same.pop(0) if same else f
        fids[f.id] = kept.id
        frames.append(kept if kept is f else replace(kept, sources=f.sources,
                                                      contents=f.contents))
    frames = [replace(f, parent_id=fids.get(f.parent_id, f.parent_id)) if f.parent_id else f
              for f in frames]
    return AnnotatedDocument(incoming.document, incoming.annotator, incoming.status, spans,
                             frames)
