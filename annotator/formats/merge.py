"""Merge other annotators' layers into a project, from project files or canonical exports.

``merge_sources(project, paths)`` reads every source first (another project ``.db``,
opened read-only, or a canonical export ``.jsonl``), checks all of it, then writes in one
transaction: nothing is merged unless everything can be.

Rules (the contract the CLI and the GUI state):

* Documents are matched by text hash (``text_sha256``). A document the project lacks is
  added. A document whose id the project already uses for *different* text is refused,
  naming the file and the document; nothing is merged.
* A layer is one annotator's spans, frames and status on one document. An incoming layer
  is written when the project has no layer for that (document, annotator), or an
  identical one (then nothing changes: merging twice is a no-op). When the project already
  holds a *different* layer of that annotator, the merge is refused naming the document
  and annotator, unless ``replace=True`` (CLI ``--replace``), which makes the incoming
  layer win. Two sources carrying different layers for the same (document, annotator)
  are always refused.
* ``annotators`` restricts the merge to those annotators' layers (e.g. merge only
  ``bob`` from a copy of the project that also holds a stale ``alice``).
* Gold layers merge like any other; their provenance records come along from ``.db``
  sources and from exports that carry them.
* Targets registered in a source project are added when missing.
* A source that is the project file itself is refused.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..domain.errors import AnnotatorError, InputError
from ..domain.model import (
    STATUS_TODO,
    AnnotatedDocument,
    Document,
    Target,
    fragment_text,
    validate_fragments,
)
from ..domain.provenance import Provenance
from ..store.project import Project
from ..store.rows import key_frames, key_spans


@dataclass
class SourceData:
    """Everything read from one source, before any check against the project."""

    path: str
    layers: list[AnnotatedDocument] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)  # including unannotated ones
    provenance: list[Provenance] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)


@dataclass
class MergeReport:
    documents_added: list[str] = field(default_factory=list)
    layers_added: list[tuple[str, str, int, int]] = field(default_factory=list)
    layers_replaced: list[tuple[str, str, int, int]] = field(default_factory=list)
    layers_unchanged: list[tuple[str, str]] = field(default_factory=list)
    targets_added: list[str] = field(default_factory=list)
    provenance_written: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.documents_added or self.layers_added or self.layers_replaced
                    or self.targets_added or self.provenance_written)

    def lines(self) -> list[str]:
        out = [f"documents added: {len(self.documents_added)}"]
        out += [f"  {d}" for d in self.documents_added]
        out.append(f"layers merged: {len(self.layers_added)}")
        out += [f"  {d} / {a}: {s} span(s), {f} frame(s)" for d, a, s, f in self.layers_added]
        if self.layers_replaced:
            out.append(f"layers replaced: {len(self.layers_replaced)}")
            out += [f"  {d} / {a}: {s} span(s), {f} frame(s)"
                    for d, a, s, f in self.layers_replaced]
        out.append(f"layers already present (unchanged): {len(self.layers_unchanged)}")
        if self.targets_added:
            out.append(f"targets added: {', '.join(self.targets_added)}")
        if self.provenance_written:
            out.append(f"gold provenance records written: {self.provenance_written}")
        return out

    def summary(self) -> str:
        return (f"{len(self.documents_added)} document(s) added, {len(self.layers_added)} "
                f"layer(s) merged, {len(self.layers_replaced)} replaced, "
                f"{len(self.layers_unchanged)} already present")


# ------------------------------------------------------------------ reading sources
def read_source(path: str | Path) -> SourceData:
    """Read one source file completely (a project ``.db`` or a canonical ``.jsonl``)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(str(p), None, "no such file")
    if p.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        return _read_export(p)
    return _read_project(p)


def _read_export(path: Path) -> SourceData:
    """A canonical export: every line validated; gold lines carry their provenance."""
    from .canonical import iter_unique

    data = SourceData(str(path))
    seen: dict[str, Document] = {}
    for rec in iter_unique(path):
        seen.setdefault(rec.document.id, rec.document)
        if rec.layer is None:
            continue
        data.layers.append(rec.layer)
        data.provenance += rec.provenance
    data.documents = list(seen.values())
    return data


def _read_project(path: Path) -> SourceData:
    try:
        src = Project.open(path, create=False, readonly=True)
    except AnnotatorError as exc:
        reason = str(exc).removeprefix(f"{path}: ")  # the path is already named once
        raise InputError(str(path), None, f"cannot merge: {reason}") from None
    try:
        data = SourceData(str(path), targets=src.targets(), provenance=src.all_provenance())
        data.documents, data.layers = src.all_layers()
    finally:
        src.close()
    return data


# ------------------------------------------------------------------ checking
def _check_layer(project: Project, la: AnnotatedDocument, path: str) -> None:
    """Labels in the project's schema, offsets inside the text, frames naming own spans."""
    schema = project.schema
    text = la.document.text
    ids = {s.id for s in la.spans}
    where = f"document {la.document.id}, annotator {la.annotator}"
    for s in la.spans:
        if schema.label(s.label) is None:
            raise InputError(path, None, f"{where}: label {s.label!r} is not in this "
                             f"project's schema ({schema.name}); nothing merged")
        try:
            validate_fragments(s.fragments, len(text))
        except ValueError as exc:
            raise InputError(path, None, f"{where}: span {s.id}: {exc}") from None
        if s.text and s.text != fragment_text(text, s.fragments):
            raise InputError(path, None, f"{where}: span {s.id} text does not match the "
                             "document at its offsets; nothing merged")
    for f in la.frames:
        missing = [sid for sid in f.span_ids() if sid not in ids]
        if missing:
            raise InputError(path, None, f"{where}: frame {f.id} names span(s) not in the "
                             f"layer: {', '.join(missing)}")


def _same_layer(a: AnnotatedDocument, b: AnnotatedDocument) -> bool:
    return (key_spans(a.spans) == key_spans(b.spans)
            and key_frames(a.frames) == key_frames(b.frames) and a.status == b.status)


def _is_empty(la: AnnotatedDocument) -> bool:
    return not la.spans and not la.frames and la.status == STATUS_TODO


def _retarget(la: AnnotatedDocument, doc: Document) -> AnnotatedDocument:
    """The layer pointed at the project's copy of the document (same text, maybe other id)."""
    if la.document.id == doc.id:
        return AnnotatedDocument(doc, la.annotator, la.status, la.spans, la.frames)
    return AnnotatedDocument(
        doc, la.annotator, la.status,
        [replace(s, document_id=doc.id) for s in la.spans],
        [replace(f, document_id=doc.id) for f in la.frames])


# ------------------------------------------------------------------ merging
def merge_sources(project: Project, paths: list[str | Path], *, replace: bool = False,
                  annotators: list[str] | None = None) -> MergeReport:
    """Merge every source into ``project`` all-or-nothing; see the module docstring."""
    if not paths:
        raise InputError("merge", None, "nothing to merge: name a project file or an export")
    own = project.path.resolve() if project.path else None
    sources = []
    for p in paths:
        if own is not None and Path(p).resolve() == own:
            raise InputError(str(p), None, "is this project itself; nothing merged")
        sources.append(read_source(p))
    wanted = set(annotators) if annotators else None
    return _merge(project, sources, replace=replace, wanted=wanted)


def _merge(project: Project, sources: list[SourceData], *, replace: bool,
           wanted: set[str] | None) -> MergeReport:
    report = MergeReport()
    new_docs: dict[str, Document] = {}  # sha -> document to add
    doc_for_sha: dict[str, Document] = {}
    plan: dict[tuple[str, str], tuple[AnnotatedDocument, str]] = {}  # (doc, ann) -> layer, path
    # 1. documents: match by text hash, refuse same id with different text
    for src in sources:
        for doc in src.documents:
            if doc.text_sha256 in doc_for_sha:
                continue
            local_id = project.document_by_hash(doc.text_sha256)
            if local_id is not None:
                doc_for_sha[doc.text_sha256] = project.document(local_id)
                continue
            clash = _local_sha(project, doc.id)
            other = next((d for d in new_docs.values() if d.id == doc.id), None)
            if clash is not None or other is not None:
                raise InputError(src.path, None, f"document {doc.id} has different text here "
                                 "than in the project (or another source); nothing merged")
            new_docs[doc.text_sha256] = doc
            doc_for_sha[doc.text_sha256] = doc
    # 2. layers: validate, detect conflicts between sources and with the project
    for src in sources:
        for la in src.layers:
            if wanted is not None and la.annotator not in wanted:
                continue
            if _is_empty(la):
                continue
            _check_layer(project, la, src.path)
            target = _retarget(la, doc_for_sha[la.document.text_sha256])
            key = (target.document.id, target.annotator)
            if key in plan:
                if not _same_layer(plan[key][0], target):
                    raise InputError(src.path, None, f"document {key[0]}: annotator {key[1]}'s "
                                     f"layer differs from the one in {plan[key][1]}; "
                                     "nothing merged")
                continue
            plan[key] = (target, src.path)
    _check_ids(project, plan)
    # 3. compare with the project
    writes: list[tuple[AnnotatedDocument, bool]] = []  # (layer, replaces a local one)
    for (doc_id, ann), (la, path) in sorted(plan.items()):
        if la.document.text_sha256 in new_docs:
            writes.append((la, False))
            continue
        local = project.layer(doc_id, ann)
        if _same_layer(local, la):
            report.layers_unchanged.append((doc_id, ann))
        elif _is_empty(local):
            writes.append((la, False))
        elif replace:
            writes.append((la, True))
        else:
            raise InputError(path, None, f"document {doc_id}: this project already holds a "
                             f"different layer by {ann}; nothing merged (use --replace to "
                             "take the incoming layer)")
    # 4. write, all or nothing
    gold_items = {i.id for la, _ in writes for i in (*la.spans, *la.frames)}
    records = [p for src in sources for p in src.provenance if p.item_id in gold_items]
    try:
        _write(project, report, sources, new_docs, writes, records)
    except sqlite3.IntegrityError as exc:
        raise InputError(sources[0].path if len(sources) == 1 else "merge", None,
                         f"the sources contradict each other or the project ({exc}); "
                         "nothing merged") from None
    return report


def _write(project: Project, report: MergeReport, sources: list[SourceData],
           new_docs: dict[str, Document], writes: list[tuple[AnnotatedDocument, bool]],
           records: list[Provenance]) -> None:
    with project.transaction():
        if new_docs:
            report.documents_added = project.add_documents(new_docs.values()).added
        for la, replaced in writes:
            project.replace_layer(la)
            entry = (la.document.id, la.annotator, len(la.spans), len(la.frames))
            (report.layers_replaced if replaced else report.layers_added).append(entry)
        report.provenance_written = project.put_provenance(records) if records else 0
        for src in sources:
            for t in src.targets:
                if project.add_target(t.name, t.aliases):
                    report.targets_added.append(t.name)


def _local_sha(project: Project, doc_id: str) -> str | None:
    r = project._q("SELECT text_sha256 FROM documents WHERE id = ?", (doc_id,))
    return r[0]["text_sha256"] if r else None


def _check_ids(project: Project,
               plan: dict[tuple[str, str], tuple[AnnotatedDocument, str]]) -> None:
    """Item ids are global: refuse one that the project uses in another layer."""
    for (doc_id, ann), (la, path) in plan.items():
        for table, items in (("spans", la.spans), ("frames", la.frames)):
            ids = [i.id for i in items]
            for k in range(0, len(ids), 500):
                chunk = ids[k:k + 500]
                for r in project._q(
                        f"SELECT id, document_id, annotator FROM {table} WHERE id IN "
                        f"({','.join('?' * len(chunk))})", chunk):
                    if (r["document_id"], r["annotator"]) != (doc_id, ann):
                        raise InputError(path, None, f"{table[:-1]} id {r['id']} is already "
                                         f"used in this project by {r['annotator']} on "
                                         f"document {r['document_id']}; nothing merged")
