"""Canonical JSONL: one line per (document, annotator) layer; the lossless project format.

Each line is one JSON object with sorted keys and compact separators (non-ASCII kept)::

    annotator    layer owner ("gold" for the adjudicated layer); null on a bare-document line
    author, document_id, meta, paragraphs ([[start, end], ...]), published, source,
    text (verbatim: every offset points into it), text_sha256, title
    format       "annotator/1"
    frames       [{attributes, contents: [span ids], created_at, cue: span id | null, id,
                   parent: frame id | null, sources: [span ids], type, updated_at}]
    provenance   gold lines: the adjudication records of the document (else [])
    schema       the project's whole annotation schema (its name and version included)
    spans        [{attributes, created_at, end, fragments: [[start, end], ...], id, label,
                   note, origin, start, text, updated_at}]
    status       todo | in progress | done; null on a bare-document line

Offsets are Unicode code points, half-open. Documents come in project order, layers of a
document by annotator name, spans by (start, end, id), frames by (created_at, id), so an
export is deterministic: canonical JSONL imported into an empty project and exported
again is byte-identical. A layer is written when it has spans, frames or a status other
than todo; an unfiltered export adds one bare line (annotator null) for each document no
layer touches, so that unannotated documents survive the round trip. Not carried: the
target registry, annotators without any layer, and window/UI state.

:func:`write_canonical` streams (one document's rows in memory at a time).
:func:`iter_canonical` / :func:`read_canonical` parse and validate every field, raising
:class:`InputError` with ``file:line``. :func:`import_canonical` streams a file into a
project in one transaction (rules in :mod:`annotator.formats.layers`); into a project
without documents it takes the bulk path (:mod:`~annotator.formats.canonical_bulk`: the
same checks and messages, rows without domain objects, a large file parsed in a second
process while this one inserts).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from pathlib import Path
from typing import IO, Any

from ..domain.errors import InputError
from ..domain.model import GOLD, STATUSES
from ..store import rows
from ..store.bulk import foreign_keys_unchecked, indexes_built_after
from ..store.project import Project
from ..store.streaming import (
    RawLayer,
    bulk_cache,
    count_documents,
    iter_export_layers,
)
from .articles import Cancelled, Progress
from .canonical_bulk import import_into_empty
from .canonical_read import (  # reading, re-exported: part of this module's interface
    FORMAT_TAG,
    CanonicalRecord,
    _new_span,
    iter_canonical,
    iter_unique,
    looks_canonical,
    read_canonical,
)
from .layers import AnnotationImportReport, LayerWriter

__all__ = ["FORMAT_TAG", "CanonicalRecord", "ExportReport", "_new_span", "import_canonical",
           "iter_canonical", "iter_unique", "looks_canonical", "read_canonical",
           "selected_annotators", "write_canonical"]


def dumps(value: Any) -> str:
    """The canonical JSON text of a value (what every line is made of)."""
    return rows.dumps(value)


@dataclass
class ExportReport:
    lines: int = 0
    documents: int = 0
    spans: int = 0
    frames: int = 0
    notes: list[str] = field(default_factory=list)  # what the format could not hold

    def summary(self) -> str:
        return (f"{self.lines} record(s): {self.documents} document(s), {self.spans} span(s), "
                f"{self.frames} frame(s)")


# ------------------------------------------------------------------------------ writing
def selected_annotators(annotators: Iterable[str] | None, gold: bool) -> list[str] | None:
    """``--annotator A... [--gold]``: the layers to export; None means every layer."""
    names = set(annotators or ())
    if gold:
        names.add(GOLD)
    return sorted(names) if names else None


def write_canonical(project: Project, out: str | Path | IO[str],
                    annotators: Iterable[str] | None = None, gold: bool = False,
                    status: str | None = None, progress: Progress | None = None,
                    ) -> ExportReport:
    """Write canonical JSONL to a path (atomically: a temporary file renamed on success)
    or to an open text stream. ``annotators``/``gold``/``status`` filter the layers; an
    unfiltered export also writes bare lines for unannotated documents."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
    if not isinstance(out, (str, Path)):
        stream = out

        def write(data: bytes) -> None:
            stream.write(data.decode("utf-8"))

        with project.snapshot():  # one snapshot, even if another process writes
            return _write(project, write, annotators, gold, status, progress)
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh, \
                project.snapshot():  # one snapshot, even if another process writes
            report = _write(project, fh.write, annotators, gold, status, progress)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return report


def _write(project: Project, write: Callable[[bytes], Any], annotators: Iterable[str] | None,
           gold: bool, status: str | None, progress: Progress | None) -> ExportReport:
    """Write the lines as UTF-8 bytes: the layers' span and frame arrays arrive as bytes
    from SQLite (:mod:`annotator.store.streaming`) and are never decoded here."""
    names = selected_annotators(annotators, gold)
    with closing(iter_export_layers(project, names, status,
                                    bare_documents=names is None and status is None)) as layers:
        return _write_layers(project, write, layers, names, progress)


def _write_layers(project: Project, write: Callable[[bytes], Any], layers: Iterator[RawLayer],
                  names: list[str] | None, progress: Progress | None) -> ExportReport:
    schema_json = dumps(project.schema.raw)
    provenance: dict[str, list[dict[str, Any]]] = {}
    if names is None or GOLD in names:
        for rec in project.all_provenance():
            provenance.setdefault(rec.document_id, []).append(rec.to_json())
    total = count_documents(project) if progress else 0
    report = ExportReport()
    enc = encode_basestring
    last_doc: str | None = None
    head = tail = body = end = b""
    fmt_frames = f',"format":"{FORMAT_TAG}","frames":'.encode()
    for raw in layers:
        d = raw.document
        if d["id"] != last_doc:
            if progress and progress(report.documents, total) is False:
                raise Cancelled("export cancelled; nothing was written")
            last_doc = d["id"]
            report.documents += 1
            head = f',"author":{enc(d["author"])},"document_id":{enc(d["id"])}'.encode()
            tail = f',"meta":{d["meta"]},"paragraphs":{d["paragraphs"]}'.encode()
            body = (f',"published":{enc(d["published"])},"schema":{schema_json},'
                    f'"source":{enc(d["source"])},"spans":').encode()
            end = (f',"text":{enc(d["text"])},"text_sha256":{enc(d["text_sha256"])},'
                   f'"title":{enc(d["title"])}}}\n').encode()
        ann = "null" if raw.annotator is None else enc(raw.annotator)
        prov = dumps(provenance.get(d["id"], [])) if raw.annotator == GOLD else "[]"
        st = "null" if raw.status is None else enc(raw.status)
        write(b"".join((f'{{"annotator":{ann}'.encode(), head, fmt_frames, raw.frames_json,
                        tail, f',"provenance":{prov}'.encode(), body, raw.spans_json,
                        f',"status":{st}'.encode(), end)))
        report.lines += 1
        report.spans += raw.n_spans
        report.frames += raw.n_frames
    if progress:
        progress(total, total)
    return report


# ------------------------------------------------------------------------------ importing
_BATCH = 200  # records whose documents are added together


def _write_batch(writer: LayerWriter, batch: list[CanonicalRecord]) -> None:
    writer.documents([(rec.document, rec.line) for rec in batch])
    for rec in batch:
        if rec.layer is not None:
            writer.layer(rec.layer, rec.line)
            writer.provenance(rec.provenance)


class _NoLongerEmpty(Exception):
    """Documents appeared before the bulk import's transaction began."""


def _import(project: Project, path: Path, size: int, annotator: str | None,
            add_labels: bool, progress: Progress | None, unchecked: bool,
            ) -> AnnotationImportReport:
    """One import attempt in one transaction; ``unchecked``: foreign keys off for it
    (only for an empty project: :class:`_NoLongerEmpty` if it is not one by then)."""
    with foreign_keys_unchecked(project, active=unchecked) as off, bulk_cache(project), \
            project.transaction():
        if project.count_documents() == 0:
            # nothing to look up or match in the project: rows straight from the lines;
            # the indexes an import does not append to built once at the end, inside the
            # same transaction
            with indexes_built_after(project):
                return import_into_empty(project, path, size, add_labels=add_labels,
                                         rename_to=annotator, progress=progress)
        if off:
            raise _NoLongerEmpty
        writer = LayerWriter(project, path, add_labels=add_labels, rename_to=annotator)
        batch: list[CanonicalRecord] = []
        for rec in iter_canonical(path):
            if progress and progress(rec.offset, size) is False:
                raise Cancelled("import cancelled; nothing was imported")
            if rec.schema is not None:
                writer.offer_schema(rec.schema, rec.line)
            batch.append(rec)
            if len(batch) >= _BATCH:
                _write_batch(writer, batch)
                batch = []
        _write_batch(writer, batch)
        return writer.finish()


def import_canonical(project: Project, path: str | Path, *, annotator: str | None = None,
                     add_labels: bool = False, progress: Progress | None = None,
                     ) -> AnnotationImportReport:
    """Stream a canonical file into ``project`` in one transaction (all or nothing).

    ``annotator`` imports every layer under that name. ``progress(bytes_read, size)``
    (after each line, or each batch of rows when a second process parses); False cancels.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read: {exc.strerror}") from None
    try:
        # an empty project takes the bulk path, which checks every reference itself
        report = _import(project, path, size, annotator, add_labels, progress,
                         unchecked=project.count_documents() == 0)
    except _NoLongerEmpty:  # another program added documents meanwhile
        report = _import(project, path, size, annotator, add_labels, progress, False)
    if progress:
        progress(size, size)
    return report
