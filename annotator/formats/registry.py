"""The dataset formats by name: what each can do, format detection, export/import dispatch.

Used by ``annotator export``/``annotator import`` and by the GUI's Export/Import dialogs,
so that both offer the same formats with the same options. No global state: ``FORMATS``
is a constant table.

Detection (``detect``) is by content where the suffix is ambiguous: a folder or ``.ann``
with brat files -> brat; ``.json`` with Label Studio tasks -> labelstudio; a JSONL whose
first line is canonical (``format``/``document_id``+``annotator``+``spans``) -> canonical,
has ``entities`` or ``label: [[s, e, L]]`` -> doccano, has ``spans`` -> prodigy, has only
document fields -> articles (plain document import). Otherwise None: the user names it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..domain.errors import InputError
from ..store.project import Project
from . import brat, doccano, labelstudio, prodigy, spans_flat
from .articles import Progress
from .canonical import ExportReport, import_canonical, looks_canonical, write_canonical
from .interchange import import_parsed
from .layers import AnnotationImportReport


@dataclass(frozen=True)
class FormatInfo:
    name: str
    title: str
    suffix: str  # default file suffix ("" for a folder)
    can_import: bool = True
    can_export: bool = True
    offsets: str | None = None  # default unit for tools that may count otherwise
    limits: str = ""  # what the format cannot hold (shown by the GUI; README has the rest)

    @property
    def folder(self) -> bool:
        return self.suffix == ""


FORMATS: tuple[FormatInfo, ...] = (
    FormatInfo("canonical", "Canonical JSONL (lossless)", ".jsonl",
               limits="Holds everything but the target registry; import it back exactly."),
    FormatInfo("spans", "Flat spans (JSONL, or CSV when the name ends .csv)", ".jsonl",
               can_import=False,
               limits="One record per span and frame role, for spreadsheets; export only."),
    FormatInfo("brat", "brat standoff (folder of .txt + .ann)", "",
               limits="No ids, origins, timestamps, status or document metadata."),
    FormatInfo("doccano", "doccano JSONL (entities + relations)", ".jsonl",
               offsets=doccano.DEFAULT_UNIT,
               limits="No attributes (stance, target), notes, discontinuous spans, "
               "frames without a cue, nesting or status. Offsets in UTF-16 units."),
    FormatInfo("doccano-label", "doccano JSONL (label: [start, end, LABEL])", ".jsonl",
               can_import=False, offsets=doccano.DEFAULT_UNIT,
               limits="Spans only (no frames, attributes or notes). Offsets in UTF-16 units."),
    FormatInfo("labelstudio", "Label Studio JSON", ".json", offsets=labelstudio.DEFAULT_UNIT,
               limits="No frames without a cue, nesting, origins, timestamps or status."),
    FormatInfo("prodigy", "Prodigy / spaCy JSONL", ".jsonl",
               limits="No attributes (stance, target), notes, discontinuous spans, "
               "frames without a cue, nesting or status."),
)
BY_NAME = {f.name: f for f in FORMATS}
EXPORT_NAMES = tuple(f.name for f in FORMATS if f.can_export)
IMPORT_NAMES = tuple(f.name for f in FORMATS if f.can_import)


def info(name: str) -> FormatInfo:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; expected one of "
                         f"{', '.join(BY_NAME)}") from None


def export(project: Project, fmt: str, out: str | Path | IO[str], *,
           annotators: Iterable[str] | None = None, gold: bool = False,
           status: str | None = None, progress: Progress | None = None,
           offsets: str | None = None) -> ExportReport:
    f = info(fmt)
    common = {"annotators": annotators, "gold": gold, "status": status, "progress": progress}
    if fmt == "canonical":
        return write_canonical(project, out, **common)
    if fmt == "spans":
        return spans_flat.write_spans(project, out, **common)
    if fmt == "brat":
        if not isinstance(out, (str, Path)):
            raise ValueError("brat export needs a folder")
        return brat.write_brat(project, out, **common)
    if fmt in ("doccano", "doccano-label"):
        return doccano.write_doccano(project, out, shape="label" if fmt.endswith("label")
                                     else "entities", offsets=offsets or f.offsets, **common)
    if fmt == "labelstudio":
        return labelstudio.write_labelstudio(project, out, offsets=offsets or f.offsets,
                                             **common)
    return prodigy.write_prodigy(project, out, **common)


def _first_json_line(path: Path) -> object | None:
    try:
        with open(path, "rb") as fh:
            for raw in fh:
                if raw.strip():
                    return json.loads(raw.decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return None


def _starts_with_list(path: Path) -> bool:
    """The file's first non-blank character opens a JSON list (Label Studio's shape,
    whatever the file is named)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head.startswith(b"[")


def detect(path: str | Path) -> str | None:
    """The format of ``path`` when the content says so unambiguously, else None.
    ``"articles"`` means plain articles (.txt, folders of them, JSONL of documents)."""
    p = Path(path)
    if p.is_dir():
        if next(p.rglob("*.ann"), None) is not None:
            return "brat"
        return "articles"
    suffix = p.suffix.lower()
    if suffix == ".ann" or (suffix == ".txt" and brat.ann_files_of(p)):
        return "brat"
    if suffix == ".txt":
        return "articles"
    if suffix == ".json" or _starts_with_list(p):
        try:
            whole = p.read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            return None
        if labelstudio.looks_labelstudio(whole):
            return "labelstudio"
    obj = _first_json_line(p)
    if obj is None:
        return None
    if looks_canonical(obj):
        return "canonical"
    if doccano.looks_doccano(obj):
        return "doccano"
    if prodigy.looks_prodigy(obj):
        return "prodigy"
    if isinstance(obj, dict) and isinstance(obj.get("text"), str) and not (
            {"spans", "entities", "label", "relations", "annotations"} & obj.keys()):
        return "articles"
    return None


def import_annotations(project: Project, fmt: str, paths: Iterable[str | Path], *,
                       annotator: str | None = None, add_labels: bool = False,
                       progress: Progress | None = None, offsets: str | None = None,
                       ) -> AnnotationImportReport:
    """Import every path in one transaction: all of them, or (on any error) nothing."""
    f = info(fmt)
    if not f.can_import:
        raise ValueError(f"{fmt} is an export-only format")
    paths = [Path(p) for p in paths]
    for p in paths:
        if not p.exists():
            raise InputError(str(p), None, "no such file or folder")
    total = AnnotationImportReport()
    with project.transaction():
        for p in paths:
            rep = _import_one(project, fmt, p, annotator, add_labels, progress,
                              offsets or f.offsets)
            _merge(total, rep)
    return total


def _import_one(project: Project, fmt: str, path: Path, annotator: str | None,
                add_labels: bool, progress: Progress | None,
                unit: str | None) -> AnnotationImportReport:
    kw = {"add_labels": add_labels, "annotator": annotator, "progress": progress}
    if fmt == "canonical":
        return import_canonical(project, path, **kw)
    notes: list[str] = []
    if fmt == "brat":
        parsed = brat.read_brat([path], project.schema, annotator)
    elif fmt == "doccano":
        parsed = doccano.read_doccano(path, annotator, unit or doccano.DEFAULT_UNIT)
    elif fmt == "labelstudio":
        parsed, notes = labelstudio.read_labelstudio(path, annotator,
                                                     unit or labelstudio.DEFAULT_UNIT)
    else:
        parsed, notes = prodigy.read_prodigy(path, annotator)
    report = import_parsed(project, path, parsed, add_labels=add_labels, progress=progress)
    report.notes += notes
    return report


def _merge(total: AnnotationImportReport, rep: AnnotationImportReport) -> None:
    total.documents_added += rep.documents_added
    total.documents_skipped += rep.documents_skipped
    total.documents_matched += rep.documents_matched
    total.layers_written += rep.layers_written
    total.layers_unchanged += rep.layers_unchanged
    total.spans += rep.spans
    total.frames += rep.frames
    total.labels_added += [x for x in rep.labels_added if x not in total.labels_added]
    total.notes += rep.notes
