"""Canonical JSONL lines straight to table rows: the bulk import into an EMPTY project.

A project without documents holds nothing an imported line could clash with or match, so
the import needs no look-ups in it: :class:`RowPlanner` turns each parsed line into the
tuples of ``documents``, ``spans``, ``frames``, ``frame_roles``, ``document_status`` and
``annotators`` rows, without building domain objects, and touches no database (it can run
in another process). The caller inserts the rows (:mod:`annotator.formats.canonical_bulk`).

Contract: the planner accepts and refuses exactly what ``iter_canonical`` followed by
:class:`~annotator.formats.layers.LayerWriter` does for an empty project, with the same
``file:line: message``. Items in the shape an export writes (every key present, one
fragment, a label of the schema, ...) are checked inline; any other item goes through the
object path's own checks (``canonical._parse_span`` / ``_parse_frame``), which raise its
error or accept it. Checks run in the object path's order: the line's own checks, then
the cross-line ones, the file's schema, and the project's labels and frame types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from ..domain.model import ORIGINS, ROLE_CONTENT, ROLE_CUE, ROLE_SOURCE, STATUS_TODO
from ..domain.provenance import Provenance
from ..domain.schema import Schema
from ..store import rows
from .canonical_read import (
    FRAME_KEYS,
    SPAN_KEYS,
    LineHead,
    _parse_frame,
    _parse_head,
    _parse_provenance,
    _parse_span,
    check_frame_parents,
)
from .layers import AnnotationImportReport

_ORIGINS = {o: o for o in ORIGINS}
# a span's and a frame's values in one call, keys in the order an export writes them
_SPAN_VALUES = itemgetter(*sorted(SPAN_KEYS))
_FRAME_VALUES = itemgetter(*sorted(FRAME_KEYS))


@dataclass
class RowBatch:
    """Rows of consecutive lines, in insert order (documents before the items on them,
    parent frames before their children). Two shortcuts for SQL to expand (fewer objects
    to build, send and bind): a span row's fragments are None for its one fragment
    [start, end]; ``triads`` are (frame, cue, source, content) for the three role rows
    of a frame with one of each. ``layers``: (line, spans, frames) per written layer, the
    counts slicing ``spans``/``frames`` (to name the line of a clash). ``offset``: bytes
    of the file read up to the end of the last line."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    annotators: list[tuple[str, str]] = field(default_factory=list)
    spans: list[tuple[Any, ...]] = field(default_factory=list)
    frames: list[tuple[Any, ...]] = field(default_factory=list)
    roles: list[tuple[str, str, str, int]] = field(default_factory=list)
    triads: list[tuple[str, str, str, str]] = field(default_factory=list)
    statuses: list[tuple[str, str, str, str]] = field(default_factory=list)
    layers: list[tuple[int, int, int]] = field(default_factory=list)
    offset: int = 0

    def __len__(self) -> int:
        return len(self.spans) + len(self.frames) + len(self.documents)


@dataclass
class PlanResult:
    """What the import writes after the last batch (see ``LayerWriter.finish``)."""

    report: AnnotationImportReport
    schema: Schema | None  # to set on the project, or None to keep its own
    provenance: list[Provenance]


class _Labels:
    """Labels and frame types accepted without a look at the object path, for one pair of
    (line schema, import schema): in both. Values map to one str object each (smaller
    rows to pickle, less memory)."""

    def __init__(self, line: Schema | None, ours: Schema, extra: list[str]) -> None:
        names = set(ours.label_names) | set(extra)
        if line is not None:
            names &= set(line.label_names)
        self.labels = {n: n for n in names}
        types: set[str] | None = None
        for schema in (line, ours):
            if schema is not None and schema.frames:
                have = {f.type for f in schema.frames}
                types = have if types is None else types & have
        self.types = None if types is None else {t: t for t in types}


class RowPlanner:
    """Plans an import into an empty project; :meth:`line` per parsed line in file order,
    :meth:`take` for the rows planned so far, :meth:`finish` at the end."""

    def __init__(self, path: str, schema: Schema, *, add_labels: bool = False,
                 rename_to: str | None = None, stamp: str = "") -> None:
        self.path = path
        self.project_schema = schema
        self.schema = schema  # the labels are checked against (the file's, once adopted)
        self.add_labels = add_labels
        self.rename_to = rename_to
        self.stamp = stamp
        self.report = AnnotationImportReport()
        self.batch = RowBatch()
        self._texts: dict[str, tuple[str, int]] = {}  # file doc id -> (sha, first line)
        self._lines: dict[tuple[str, str], int] = {}  # (file doc id, annotator) -> line
        self._docs: dict[str, str] = {}  # file doc id -> project doc id
        self._by_hash: dict[str, str] = {}  # text sha -> project doc id
        self._layers: dict[tuple[str, str], int] = {}  # (project doc, annotator) -> line
        self._annotators: set[str] = set()
        self._schema_cache: dict[str, Any] = {}
        self._file_schema: tuple[str, int] | None = None
        self._project_schema_json = rows.dumps(schema.raw)
        self._offered: Schema | None = None
        self._adopt: Schema | None = None
        self._new_labels: list[str] = []
        self._provenance: list[Provenance] = []
        self._fast: tuple[Schema | None, Schema, int, _Labels] | None = None
        self._position = 0
        self._strings: dict[str, str] = {}  # one object per equal time stamp
        self._attributes: dict[Any, str] = {}  # string-valued attributes -> JSON

    # -------------------------------------------------------------- per line
    def line(self, obj: Any, lineno: int, offset: int) -> None:
        h = _parse_head(obj, self.path, lineno, self._schema_cache)
        v, doc = h.v, h.document
        target = self._docs.get(doc.id) or self._by_hash.get(doc.text_sha256) or doc.id
        annotator = self.rename_to or h.annotator
        schema_error = self._offer_schema(h.schema, lineno)
        layer = None
        if h.annotator is not None and annotator is not None:
            layer = self._layer_rows(h, target, annotator)  # the line's own checks
        # the checks iter_canonical makes across lines
        first = self._texts.setdefault(doc.id, (doc.text_sha256, lineno))
        if first[0] != doc.text_sha256:
            raise v.fail(f"document {doc.id} has different text than on line {first[1]}")
        if h.annotator is not None:
            key = (doc.id, h.annotator)
            if key in self._lines:
                raise v.fail(f"a second line for document {doc.id} and annotator "
                             f"{h.annotator} (first on line {self._lines[key]})")
            self._lines[key] = lineno
        if schema_error:
            raise v.fail(schema_error)
        self._document(h, target)
        if layer is not None and annotator is not None:
            self._write_layer(h, layer, target, annotator, lineno)
        self.batch.offset = offset

    def take(self) -> RowBatch:
        batch, self.batch = self.batch, RowBatch(offset=self.batch.offset)
        self._strings.clear()
        if len(self._attributes) > 10_000:
            self._attributes.clear()
        return batch

    def finish(self) -> PlanResult:
        schema = self._adopt
        if self._new_labels:
            schema = (schema or self.schema).with_labels(self._new_labels)
            self.report.labels_added = list(self._new_labels)
        return PlanResult(self.report, schema, self._provenance)

    # -------------------------------------------------------------- schema, documents
    def _offer_schema(self, schema: Schema | None, line: int) -> str:
        """``LayerWriter.offer_schema``; returns its error message instead of raising it
        (raised after the line's other checks, in the object path's order)."""
        if schema is None or schema is self._offered:
            return ""
        text = rows.dumps(schema.raw)
        if self._file_schema is not None:
            if text != self._file_schema[0]:
                return (f"schema differs from the one on line {self._file_schema[1]}; "
                        "export one project per file")
            self._offered = schema
            return ""
        self._offered = schema
        self._file_schema = (text, line)
        if text != self._project_schema_json:
            self._adopt = self.schema = schema
            self.report.notes.append(f"the empty project takes the file's schema "
                                     f"{schema.name} v{schema.version}")
        return ""

    def _document(self, h: LineHead, target: str) -> None:
        doc = h.document
        if doc.id in self._docs:
            return
        self._docs[doc.id] = target
        if target != doc.id:
            self.report.documents_matched.append((doc.id, target))
            return
        self._by_hash[doc.text_sha256] = doc.id
        self.batch.documents.append(rows.document_row(doc, self._position, self.stamp))
        self._position += 1
        self.report.documents_added.append(doc.id)

    # -------------------------------------------------------------- layers
    def _labels(self, line_schema: Schema | None) -> _Labels:
        fast = self._fast
        if (fast is None or fast[0] is not line_schema or fast[1] is not self.schema
                or fast[2] != len(self._new_labels)):
            labels = _Labels(line_schema, self.schema, self._new_labels)
            fast = self._fast = (line_schema, self.schema, len(self._new_labels), labels)
        return fast[3]

    def _layer_rows(self, h: LineHead, target: str, annotator: str) -> _LayerRows:
        """The line's spans, frames and provenance checked (as ``_parse_line``) and made
        rows; the labels and frame types the import schema must still accept."""
        out = _LayerRows()
        labels = self._labels(h.schema)
        ids = _span_rows(h, target, annotator, labels, self._strings, out)
        _frame_rows(h, target, annotator, labels, ids, self._strings, self._attributes, out)
        out.provenance = _parse_provenance(h.v, h.provenance)
        return out

    def _write_layer(self, h: LineHead, layer: _LayerRows, target: str, annotator: str,
                     lineno: int) -> None:
        """``LayerWriter.layer`` for a layer new to the project."""
        v = h.v
        if not annotator.strip():
            raise ValueError("an annotator needs a name")
        for label in layer.labels:  # not in both schemas: the object path's check
            if label not in self.schema.label_names:
                if not self.add_labels:
                    raise v.fail(f"unknown label {label!r}: not in the schema "
                                 f"{self.schema.name} (use --add-labels to add it)")
                if label not in self._new_labels:
                    self._new_labels.append(label)
        if self.schema.frames:
            for ftype in layer.types:
                if self.schema.frame(ftype) is None:
                    raise v.fail(f"frame type {ftype!r} is not in the schema "
                                 f"{self.schema.name}")
        key = (target, annotator)
        if key in self._layers:
            raise v.fail(f"a second layer for document {target} and annotator {annotator} "
                         f"(first on line {self._layers[key]})")
        self._layers[key] = lineno
        status = h.status or STATUS_TODO
        b = self.batch
        if layer.spans or layer.frames or status != STATUS_TODO:
            if annotator not in self._annotators:
                self._annotators.add(annotator)
                b.annotators.append((annotator, self.stamp))
            b.spans += layer.spans
            b.frames += layer.frames
            b.roles += layer.roles
            b.triads += layer.triads
            if status != STATUS_TODO:
                b.statuses.append((target, annotator, status, self.stamp))
            b.layers.append((lineno, len(layer.spans), len(layer.frames)))
            self.report.layers_written += 1
            self.report.spans += len(layer.spans)
            self.report.frames += len(layer.frames)
        else:
            self.report.layers_unchanged += 1
        self._provenance += layer.provenance


@dataclass
class _LayerRows:
    spans: list[tuple[Any, ...]] = field(default_factory=list)
    frames: list[tuple[Any, ...]] = field(default_factory=list)
    roles: list[tuple[str, str, str, int]] = field(default_factory=list)
    triads: list[tuple[str, str, str, str]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # first-seen, for the import schema
    types: list[str] = field(default_factory=list)
    provenance: list[Provenance] = field(default_factory=list)


def _span_rows(h: LineHead, target: str, annotator: str, labels: _Labels,
               strings: dict[str, str], out: _LayerRows) -> set[str]:
    """Span rows of the line (``SPAN_COLUMNS`` order); returns the span ids. ``strings``
    gives one object per equal time stamp (rows pickle smaller, take less memory)."""
    v, doc = h.v, h.document
    text = doc.text
    n = len(text)
    known, origins, dumps = labels.labels, _ORIGINS, rows.dumps
    line_labels = frozenset(h.schema.label_names) if h.schema is not None else None
    result = out.spans
    append = result.append
    same = strings.setdefault
    slow: dict[str, None] = {}
    for s in h.spans:
        if type(s) is dict and len(s) == 11:
            try:  # all eleven keys (so no other), a known label and origin, one fragment
                (attrs, created, end, frs, sid, label, note, origin, start, given,
                 updated) = _SPAN_VALUES(s)
                label, origin = known[label], origins[origin]
                fr = frs[0]
                a, b = fr
            except (KeyError, TypeError, ValueError, IndexError):
                pass
            else:
                if (type(sid) is str and sid and type(frs) is list and len(frs) == 1
                        and type(fr) is list and type(a) is int and type(b) is int
                        and 0 <= a < b <= n and type(start) is int and start == a
                        and type(end) is int and end == b and given == text[a:b]
                        and type(attrs) is dict and type(note) is str
                        and type(created) is str and type(updated) is str):
                    append((sid, target, annotator, label, a, b, None, given,
                            dumps(attrs) if attrs else "{}", note, origin,
                            same(created, created), same(updated, updated)))
                    continue
        span = _parse_span(v, s, doc, annotator, line_labels)  # raises, or accepts it
        if span.label not in known:
            slow[span.label] = None
        append((span.id, target, annotator) + rows.span_tuple(span)[3:])
    out.labels = list(slow)
    ids = {r[0] for r in result}
    if len(ids) != len(result):
        seen: set[str] = set()
        for r in result:
            if r[0] in seen:
                raise v.fail(f"duplicate span id {r[0]!r}")
            seen.add(r[0])
    return ids


def _frame_rows(h: LineHead, target: str, annotator: str, labels: _Labels,
                span_ids: set[str], strings: dict[str, str], attributes: dict[Any, str],
                out: _LayerRows) -> None:
    """Frame rows (``FRAME_COLUMNS`` order, parents first) and their role rows."""
    v = h.v
    types, same = labels.types, strings.setdefault
    frames: list[tuple[Any, ...]] = []
    roles: list[tuple[str, str, str, int]] = []
    triads = out.triads
    slow: dict[str, None] = {}
    nested = False
    for f in h.frames:
        if type(f) is dict and len(f) == 9:
            try:  # all nine keys (so no other) and a known type
                (attrs, contents, created, cue, fid, parent, sources, ftype,
                 updated) = _FRAME_VALUES(f)
                if types is not None:
                    ftype = types[ftype]
            except (KeyError, TypeError):
                pass
            else:
                if (type(fid) is str and fid and type(ftype) is str
                        and (cue is None or type(cue) is str and cue in span_ids)
                        and type(sources) is list and type(contents) is list
                        and (parent is None or type(parent) is str)
                        and type(attrs) is dict and type(created) is str
                        and type(updated) is str
                        and _members_ok(cue, sources, contents, span_ids)):
                    frames.append((fid, target, annotator, ftype, parent,
                                   _attributes(attrs, attributes), same(created, created),
                                   same(updated, updated)))
                    if cue is not None and len(sources) == 1 and len(contents) == 1:
                        triads.append((fid, cue, sources[0], contents[0]))
                    else:
                        if cue is not None:
                            roles.append((fid, cue, ROLE_CUE, 0))
                        roles += [(fid, x, ROLE_SOURCE, k) for k, x in enumerate(sources)]
                        roles += [(fid, x, ROLE_CONTENT, k) for k, x in enumerate(contents)]
                    nested = nested or parent is not None
                    continue
        frame = _parse_frame(v, f, h.document, annotator, span_ids, h.schema)
        if types is None or frame.type not in types:
            slow[frame.type] = None
        frames.append((frame.id, target, annotator) + rows.frame_tuple(frame)[3:])
        roles += [(frame.id, sid, role, k) for role, sid, k in frame.roles()]
        nested = nested or frame.parent_id is not None
    out.types = list(slow)
    if not frames:
        return
    if nested or len({r[0] for r in frames}) != len(frames):
        check_frame_parents(v, [(r[0], r[4]) for r in frames])
    if nested:  # parents first (the roles all follow the frames of the batch)
        frames = [frames[i] for i in _parents_first(frames)]
    out.frames, out.roles = frames, roles


def _attributes(attrs: dict[str, Any], known: dict[Any, str]) -> str:
    """``rows.dumps(attrs)``, looked up when every value is a string (frames often share
    the same stance and target). Equal keys mean equal strings: a str equals no other
    JSON value."""
    if not attrs:
        return "{}"
    key = tuple(attrs.items())
    try:
        found = known.get(key)
    except TypeError:  # a list or object among the values
        return rows.dumps(attrs)
    if found is None:
        found = rows.dumps(attrs)
        if all(type(x) is str for x in attrs.values()):
            known[key] = found
    return found


def _members_ok(cue: str | None, sources: list[Any], contents: list[Any],
                span_ids: set[str]) -> bool:
    """Every member a span id of the layer, no span in two roles (else: the object path,
    which names the problem)."""
    if len(sources) == 1 and len(contents) == 1:  # the common shape, without a set
        src, con = sources[0], contents[0]
        return (type(src) is str and type(con) is str and src in span_ids
                and con in span_ids and src != con and src != cue and con != cue)
    for sid in sources:
        if type(sid) is not str or sid not in span_ids:
            return False
    for sid in contents:
        if type(sid) is not str or sid not in span_ids:
            return False
    n = len(sources) + len(contents) + (cue is not None)
    return n <= 1 or len({cue, *sources, *contents} - {None}) == n


def _parents_first(frames: list[tuple[Any, ...]]) -> list[int]:
    """Indexes of ``frames`` (rows, parent id at 4) with each parent before its children
    (``rows.parents_first``; the graph is checked acyclic already)."""
    if all(r[4] is None for r in frames):
        return list(range(len(frames)))
    index = {r[0]: i for i, r in enumerate(frames)}
    out: list[int] = []
    seen: set[int] = set()
    for i in range(len(frames)):
        chain = []
        j: int | None = i
        while j is not None and j not in seen:
            chain.append(j)
            parent = frames[j][4]
            j = index.get(parent) if parent is not None else None
        for k in reversed(chain):
            seen.add(k)
            out.append(k)
    return out
