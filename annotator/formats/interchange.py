"""Shared machinery of the interchange formats (brat, doccano, Label Studio, Prodigy).

* :func:`iter_layers` walks a project's selected layers (document order, annotators by
  name) as domain objects, for writers.
* Offsets: our offsets are code points. :func:`to_units` / :func:`from_units` convert to
  and from another tool's unit (``"codepoint"`` or ``"utf16"``, UTF-16 code units as
  JavaScript counts them).
* Frames as relations: formats without events hold an attribution as relations *from its
  cue* to each source and content span (relation type = role name). :func:`frame_relations`
  and :func:`frames_from_relations` map both ways; a frame without a cue cannot be held.
* :func:`stable_id` gives imported items ids derived from (format, document, annotator,
  the file's own id), so importing the same file twice changes nothing.
* :func:`import_parsed` writes parsed layers through :class:`LayerWriter` in one
  transaction, keeping the project's status (these formats hold none).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..domain.errors import InputError
from ..domain.model import (
    ROLE_CONTENT,
    ROLE_CUE,
    ROLE_SOURCE,
    AnnotatedDocument,
    Document,
    Frame,
    Span,
    fragment_text,
    normalise_fragments,
)
from ..domain.text import OffsetMap
from ..store.project import Project
from ..store.streaming import iter_layer_keys
from .articles import Cancelled, Progress
from .canonical import selected_annotators
from .layers import AnnotationImportReport, LayerWriter

UNITS = ("codepoint", "utf16")
_NS = uuid.UUID("6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f")


def object_with_text(obj: object, fail: Callable[[str], InputError]) -> tuple[dict, str]:
    """A JSON-lines record that must be an object holding a non-empty ``"text"``."""
    if not isinstance(obj, dict):
        raise fail("each line must be a JSON object")
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        raise fail('"text" must be a non-empty string')
    return obj, text


def stable_id(fmt: str, doc_id: str, annotator: str, local: str) -> str:
    return uuid.uuid5(_NS, f"{fmt}\x1f{doc_id}\x1f{annotator}\x1f{local}").hex


def check_unit(unit: str) -> str:
    if unit not in UNITS:
        raise ValueError(f"unknown offset unit {unit!r}; expected one of {', '.join(UNITS)}")
    return unit


def to_units(omap: OffsetMap, cp: int, unit: str) -> int:
    return omap.to_u16(cp) if unit == "utf16" else cp


def from_units(omap: OffsetMap, value: int, unit: str) -> int:
    """The code point offset of ``value``; -1 when it splits a surrogate pair."""
    if unit != "utf16":
        return value
    cp = omap.to_cp(value)
    return cp if omap.to_u16(cp) == value else -1


# ------------------------------------------------------------------------------ writing
def iter_layers(project: Project, annotators: Iterable[str] | None = None, gold: bool = False,
                status: str | None = None, progress: Progress | None = None,
                ) -> Iterator[AnnotatedDocument]:
    names = selected_annotators(annotators, gold)
    total = project.count_documents() if progress else 0
    done = 0
    last = None
    for doc_id, ann in iter_layer_keys(project, names, status):
        if doc_id != last:
            if progress and progress(done, total) is False:
                raise Cancelled("export cancelled; nothing was written")
            done += 1
            last = doc_id
        yield project.layer(doc_id, ann)
    if progress:
        progress(total, total)


@dataclass
class Relation:
    cue: str
    member: str
    role: str  # "source" | "content"
    frame: Frame


@dataclass
class Lossy:
    """What a writer could not put into its format, for the export report."""

    frames_without_cue: int = 0
    frames_sharing_a_cue: int = 0
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = list(self.notes)
        if self.frames_without_cue:
            out.append(f"{self.frames_without_cue} frame(s) without a cue could not be "
                       "written (relations start at the cue)")
        if self.frames_sharing_a_cue:
            out.append(f"{self.frames_sharing_a_cue} frame(s) share a cue with another frame; "
                       "they will read back as one frame")
        return out


def frame_relations(frames: list[Frame], lossy: Lossy) -> list[Relation]:
    out: list[Relation] = []
    cues: set[str] = set()
    for f in frames:
        if not f.cue:
            lossy.frames_without_cue += 1
            continue
        if f.cue in cues:
            lossy.frames_sharing_a_cue += 1
        cues.add(f.cue)
        out += [Relation(f.cue, sid, ROLE_SOURCE, f) for sid in f.sources]
        out += [Relation(f.cue, sid, ROLE_CONTENT, f) for sid in f.contents]
    return out


@contextmanager
def open_out(out: str | Path | IO[str]) -> Iterator[IO[str]]:
    """A text stream for ``out`` (a path is written to a temporary file, then renamed)."""
    if not isinstance(out, (str, Path)):
        yield out
        return
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.part")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


# ------------------------------------------------------------------------------ reading
@dataclass
class ParsedLayer:
    """One layer read from a file; ``line`` is where errors about it point."""

    line: int | None
    layer: AnnotatedDocument
    span_lines: dict[str, int] = field(default_factory=dict)
    path: str | None = None  # the file it came from (brat: the .ann), if not the input


class LayerBuilder:
    """Collects one layer's spans and relations while a reader walks its input."""

    def __init__(self, fmt: str, path: str, doc: Document, annotator: str) -> None:
        self.fmt, self.path, self.doc, self.annotator = fmt, path, doc, annotator
        self.spans: dict[str, Span] = {}  # file-local id -> span
        self.relations: list[tuple[str, str, str, int | None]] = []  # from, to, type, line
        self.frame_attributes: dict[str, dict] = {}  # cue local id -> attributes
        self.span_lines: dict[str, int] = {}

    def fail(self, line: int | None, message: str) -> InputError:
        return InputError(self.path, line, message)

    def add_span(self, local: str, label: str, fragments: list[tuple[int, int]],
                 line: int | None, expected_text: str | None = None,
                 attributes: dict | None = None, note: str = "",
                 span_id: str | None = None) -> Span:
        if local in self.spans:
            raise self.fail(line, f"duplicate id {local!r} in document {self.doc.id}")
        if not isinstance(label, str) or not label:
            raise self.fail(line, f"span {local}: the label must be a non-empty string")
        n = len(self.doc.text)
        for s, e in fragments:
            if not (isinstance(s, int) and isinstance(e, int)) or isinstance(s, bool) \
                    or isinstance(e, bool):
                raise self.fail(line, f"span {local}: offsets must be integers")
            if not 0 <= s < e <= n:
                raise self.fail(line, f"span {local}: offsets [{s}, {e}) are outside the "
                                f"text of document {self.doc.id} (0..{n}) or empty")
        frs = normalise_fragments(fragments)
        text = fragment_text(self.doc.text, frs)
        if expected_text is not None and expected_text != text:
            raise self.fail(line, f"span {local}: its text {expected_text!r} differs from the "
                            f"document text at its offsets {text!r}")
        span = Span(id=span_id or stable_id(self.fmt, self.doc.id, self.annotator, local),
                    document_id=self.doc.id, annotator=self.annotator, label=label,
                    fragments=frs, text=text, attributes=dict(attributes or {}), note=note,
                    origin="imported")
        self.spans[local] = span
        if line is not None:
            self.span_lines[span.id] = line
        return span

    def relate(self, source: str, target: str, rtype: str, line: int | None) -> None:
        self.relations.append((source, target, rtype, line))

    def build(self, line: int | None) -> ParsedLayer:
        """Relations from a cue become one frame per cue (ids stable)."""
        frames: dict[str, dict[str, list[str]]] = {}
        order: list[str] = []
        for src, dst, rtype, rline in self.relations:
            for local in (src, dst):
                if local not in self.spans:
                    raise self.fail(rline, f"relation {src} -> {dst} names a missing span "
                                    f"{local!r}")
            role = rtype.strip().lower()
            if role not in (ROLE_SOURCE, ROLE_CONTENT):
                raise self.fail(rline, f"relation type {rtype!r} is not a frame role "
                                "(expected source or content, from the cue)")
            if src not in frames:
                frames[src] = {ROLE_SOURCE: [], ROLE_CONTENT: []}
                order.append(src)
            frames[src][role].append(self.spans[dst].id)
        for cue in self.frame_attributes:
            if cue not in frames:
                if cue not in self.spans:
                    raise self.fail(line, f"frame attributes name a missing span {cue!r}")
                frames[cue] = {ROLE_SOURCE: [], ROLE_CONTENT: []}
                order.append(cue)
        out = [Frame(id=stable_id(self.fmt, self.doc.id, self.annotator, "frame:" + cue),
                     document_id=self.doc.id, annotator=self.annotator,
                     cue=self.spans[cue].id, sources=tuple(frames[cue][ROLE_SOURCE]),
                     contents=tuple(frames[cue][ROLE_CONTENT]),
                     attributes=self.frame_attributes.get(cue, {}))
               for cue in order]
        for f in out:
            members = f.span_ids()
            if len(set(members)) != len(members):
                raise self.fail(line, f"a span fills more than one role of the frame at cue "
                                f"{f.cue}")
        layer = AnnotatedDocument(self.doc, self.annotator, spans=list(self.spans.values()),
                                  frames=out)
        return ParsedLayer(line, layer, self.span_lines)


ROLE_NAMES = (ROLE_CUE, ROLE_SOURCE, ROLE_CONTENT)


def import_parsed(project: Project, path: str | Path, parsed: Iterable[ParsedLayer], *,
                  add_labels: bool = False, annotator: str | None = None,
                  progress: Callable[[int, int], bool] | None = None,
                  ) -> AnnotationImportReport:
    """Write already-validated layers in one transaction (all or nothing)."""
    items = list(parsed)
    with project.transaction():
        writer = LayerWriter(project, path, add_labels=add_labels, rename_to=annotator,
                             keep_status=True, adopt_ids=True)
        for i, item in enumerate(items):
            if progress and progress(i, len(items)) is False:
                raise Cancelled("import cancelled; nothing was imported")
            writer.layer(item.layer, item.line, item.span_lines, item.path)
        report = writer.finish()
    if progress:
        progress(len(items), len(items))
    return report
