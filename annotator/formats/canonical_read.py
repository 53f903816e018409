"""Reading canonical JSONL: every line parsed and checked, errors as ``file:line``.

The format is described in :mod:`annotator.formats.canonical`. :func:`iter_canonical`
parses and checks line by line (streaming) and gives :class:`CanonicalRecord` s with
domain objects; :func:`read_canonical` the layers of a whole file. The pieces are shared
with the bulk import into an empty project (:mod:`annotator.formats.canonical_rows`):
:func:`json_lines` (the file's lines as JSON), :func:`_parse_head` (a line's document
part), :func:`_parse_span` / :func:`_parse_frame` (the reference checks of one item, and
their messages) and :func:`check_frame_parents`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain.errors import InputError, SchemaError
from ..domain.model import (
    ORIGINS,
    STATUSES,
    AnnotatedDocument,
    Document,
    Frame,
    Span,
    fragment_text,
    normalise_fragments,
    sha256_text,
)
from ..domain.provenance import Provenance
from ..domain.schema import Schema, parse_schema
from ..domain.text import check_document_size

FORMAT_TAG = "annotator/1"


@dataclass
class CanonicalRecord:
    """One parsed line. ``layer`` is None on a bare-document line."""

    line: int
    document: Document
    layer: AnnotatedDocument | None
    schema: Schema | None
    provenance: list[Provenance] = field(default_factory=list)
    offset: int = 0  # bytes of the file read up to the end of this line


LINE_KEYS = {"annotator", "author", "document_id", "format", "frames", "meta", "paragraphs",
             "provenance", "published", "schema", "source", "spans", "status", "text",
             "text_sha256", "title"}
REQUIRED_KEYS = ("document_id", "text", "annotator", "spans")
SPAN_KEYS = {"attributes", "created_at", "end", "fragments", "id", "label", "note", "origin",
             "start", "text", "updated_at"}
FRAME_KEYS = {"attributes", "contents", "created_at", "cue", "id", "parent", "sources", "type",
              "updated_at"}


def looks_canonical(obj: Any) -> bool:
    """True for a parsed line that is canonical JSONL (used by format detection)."""
    return isinstance(obj, dict) and (
        obj.get("format") == FORMAT_TAG
        or {"document_id", "annotator", "spans", "text"} <= obj.keys())


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


class _Line:
    """Validation helpers bound to one line (every error names file:line)."""

    def __init__(self, path: str, lineno: int) -> None:
        self.path, self.lineno = path, lineno

    def fail(self, message: str) -> InputError:
        return InputError(self.path, self.lineno, message)

    def get(self, obj: dict[str, Any], key: str, typ: type | tuple[type, ...], what: str,
            default: Any = None, required: bool = False) -> Any:
        if key not in obj:
            if required:
                raise self.fail(f'{what}: missing "{key}"')
            return default
        v = obj[key]
        if not isinstance(v, typ) or isinstance(v, bool) and typ is not bool:
            names = {str: "a string", dict: "an object", list: "a list", int: "an integer"}
            tname = names.get(typ, " or ".join(names.get(t, "null") for t in typ)
                              if isinstance(typ, tuple) else str(typ))
            raise self.fail(f'{what}: "{key}" must be {tname}, got {type(v).__name__}')
        return v

    def offsets(self, value: Any, what: str, length: int) -> tuple[tuple[int, int], ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(f"{what} must be a non-empty list of [start, end] pairs")
        out = []
        for pair in value:
            if (not isinstance(pair, list) or len(pair) != 2
                    or not _is_int(pair[0]) or not _is_int(pair[1])):
                raise self.fail(f"{what}: {json.dumps(pair)} is not a [start, end] pair "
                                "of integers")
            s, e = pair
            if not 0 <= s < e <= length:
                raise self.fail(f"{what}: offsets [{s}, {e}) are outside the text "
                                f"(0..{length}) or empty")
            out.append((s, e))
        return tuple(out)


def _schema_of(v: _Line, obj: dict[str, Any], cache: dict[str, Any]) -> Schema | None:
    """The line's schema, parsed once for a run of lines that carry the same one."""
    raw = obj.get("schema")
    if raw is None:
        return None
    if cache.get("raw") == raw:
        return cache["schema"]
    try:
        schema = parse_schema(v.get(obj, "schema", dict, "line"), f"{v.path}:{v.lineno}")
    except SchemaError as exc:
        raise v.fail(f"bad schema: {exc.message}") from None
    cache.update(raw=raw, schema=schema)
    return schema


@dataclass
class LineHead:
    """A line's checked document part and its unchecked body (what :func:`_parse_line`
    checks before the spans; the bulk import shares it). ``status`` is None on a bare
    document line (``annotator`` None), whose body is checked empty already."""

    v: _Line
    document: Document
    schema: Schema | None
    annotator: str | None
    status: str | None
    spans: list[Any]
    frames: list[Any]
    provenance: list[Any]


def _parse_head(obj: Any, path: str, lineno: int,
                cache: dict[str, Any] | None = None) -> LineHead:
    v = _Line(path, lineno)
    if not isinstance(obj, dict):
        raise v.fail("each line must be a JSON object")
    unknown = sorted(obj.keys() - LINE_KEYS)
    if unknown:
        raise v.fail(f"unknown key(s) {', '.join(unknown)} (is this canonical JSONL?)")
    for key in REQUIRED_KEYS:
        if key not in obj:
            raise v.fail(f'missing "{key}"')
    if obj.get("format", FORMAT_TAG) != FORMAT_TAG:
        raise v.fail(f"unsupported format {obj['format']!r}; this version reads {FORMAT_TAG}")
    doc_id = v.get(obj, "document_id", str, "document")
    if not doc_id:
        raise v.fail('"document_id" is empty')
    text = v.get(obj, "text", str, "document")
    check_document_size(text, path, lineno)
    sha = v.get(obj, "text_sha256", str, "document", "")
    if sha and sha != sha256_text(text):
        raise v.fail(f"document {doc_id}: text_sha256 does not match the text")
    paragraphs = v.get(obj, "paragraphs", list, "document", None)
    paras = (v.offsets(paragraphs, f"document {doc_id} paragraphs", len(text))
             if paragraphs else ())
    document = Document(id=doc_id, text=text, title=v.get(obj, "title", str, "document", ""),
                        author=v.get(obj, "author", str, "document", ""),
                        published=v.get(obj, "published", str, "document", ""),
                        source=v.get(obj, "source", str, "document", ""),
                        paragraphs=paras, meta=v.get(obj, "meta", dict, "document", {}),
                        text_sha256=sha256_text(text) if not sha else sha)
    schema = _schema_of(v, obj, {} if cache is None else cache)
    annotator = v.get(obj, "annotator", (str, type(None)), "line")
    spans_raw = v.get(obj, "spans", list, "line")
    frames_raw = v.get(obj, "frames", list, "line", [])
    prov_raw = v.get(obj, "provenance", list, "line", [])
    if annotator is None:
        if spans_raw or frames_raw or prov_raw or obj.get("status") is not None:
            raise v.fail("a line without an annotator can hold no spans, frames or status")
        return LineHead(v, document, schema, None, None, [], [], [])
    if not annotator.strip():
        raise v.fail('"annotator" is empty')
    status = v.get(obj, "status", str, "line", "todo")
    if status not in STATUSES:
        raise v.fail(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
    return LineHead(v, document, schema, annotator, status, spans_raw, frames_raw, prov_raw)


def _parse_provenance(v: _Line, prov_raw: list[Any]) -> list[Provenance]:
    provenance = []
    for p in prov_raw:
        try:
            provenance.append(Provenance.from_json(p))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise v.fail(f"bad provenance record: {exc}") from None
    return provenance


def _parse_line(obj: Any, path: str, lineno: int,
                cache: dict[str, Any] | None = None) -> CanonicalRecord:
    h = _parse_head(obj, path, lineno, cache)
    v, document, schema, annotator = h.v, h.document, h.schema, h.annotator
    if annotator is None or h.status is None:
        return CanonicalRecord(lineno, document, None, schema)
    labels = frozenset(schema.label_names) if schema is not None else None
    spans = [_parse_span(v, s, document, annotator, labels) for s in h.spans]
    ids: set[str] = set()
    for s in spans:
        if s.id in ids:
            raise v.fail(f"duplicate span id {s.id!r}")
        ids.add(s.id)
    frames = [_parse_frame(v, f, document, annotator, ids, schema) for f in h.frames]
    _check_frame_graph(v, frames)
    provenance = _parse_provenance(v, h.provenance)
    layer = AnnotatedDocument(document, annotator, h.status, spans, frames)
    return CanonicalRecord(lineno, document, layer, schema, provenance)


def _parse_span(v: _Line, s: Any, doc: Document, annotator: str,
                labels: frozenset[str] | None) -> Span:
    """One span, checked. Written for speed (a bulk import runs it per span): the common
    case costs a few type checks; anything unusual falls back to the generic checks."""
    sid, what = _item_head(v, s, "span", SPAN_KEYS)
    label = s.get("label")
    if type(label) is not str:
        v.get(s, "label", str, what, required=True)
    if labels is not None and label not in labels:
        raise v.fail(f"{what}: label {label!r} is not in the line's schema")
    text = doc.text
    raw = s.get("fragments")
    if (type(raw) is list and len(raw) == 1 and type(raw[0]) is list and len(raw[0]) == 2
            and type(raw[0][0]) is int and type(raw[0][1]) is int
            and 0 <= raw[0][0] < raw[0][1] <= len(text)):
        frs: tuple[tuple[int, int], ...] = ((raw[0][0], raw[0][1]),)
    elif raw is not None:
        frs = v.offsets(raw, f"{what} fragments", len(text))
        if normalise_fragments(frs) != frs:
            raise v.fail(f"{what}: fragments must be sorted and must not overlap or touch")
    else:
        frs = v.offsets([[s.get("start"), s.get("end")]], what, len(text))
    start, end = s.get("start", frs[0][0]), s.get("end", frs[-1][1])
    if type(start) is not int or start != frs[0][0]:
        raise v.fail(f"{what}: start {start!r} does not match its fragments ({frs[0][0]})")
    if type(end) is not int or end != frs[-1][1]:
        raise v.fail(f"{what}: end {end!r} does not match its fragments ({frs[-1][1]})")
    covered = text[frs[0][0]:frs[0][1]] if len(frs) == 1 else fragment_text(text, frs)
    given = s.get("text", covered)
    if given != covered:
        v.get(s, "text", str, what)
        raise v.fail(f"{what}: text {given!r} differs from the document text at its offsets "
                     f"{covered!r}")
    origin = s.get("origin", "imported")
    if origin not in ORIGINS:
        raise v.fail(f"{what}: unknown origin {origin!r}; expected one of {', '.join(ORIGINS)}")
    attributes, note = s.get("attributes", {}), s.get("note", "")
    created = s.get("created_at", "")
    updated = s.get("updated_at", created)
    if type(attributes) is not dict or type(note) is not str or type(created) is not str \
            or type(updated) is not str:
        for key, typ in (("attributes", dict), ("note", str), ("created_at", str),
                         ("updated_at", str)):
            v.get(s, key, typ, what)
    return _new_span(sid, doc.id, annotator, label, frs, covered, attributes, note, origin,
                     created, updated)


_SPAN_FIELDS = tuple(f.name for f in dataclasses.fields(Span))


def _new_span(*values: Any) -> Span:
    """``Span(*values)`` for checked values, without the frozen dataclass ``__init__``
    (one ``object.__setattr__`` per field: a third of a bulk import's span cost). Equal
    to, and indistinguishable from, the ``Span`` it builds (a test pins that)."""
    span = object.__new__(Span)
    object.__setattr__(span, "__dict__", dict(zip(_SPAN_FIELDS, values, strict=True)))
    return span


def _item_head(v: _Line, obj: Any, kind: str, keys: set[str],
               ) -> tuple[str, str]:
    """A span or frame object's id and its name for messages, after the checks both
    share: an object, a non-empty string id, no unknown keys."""
    if type(obj) is not dict:
        raise v.fail(f"every {kind} must be a JSON object")
    item_id = obj.get("id")
    if type(item_id) is not str or not item_id:
        v.get(obj, "id", str, kind, required=True)
        raise v.fail(f"a {kind} has an empty id")
    what = f"{kind} {item_id}"
    if not obj.keys() <= keys:
        raise v.fail(f"{what}: unknown key(s) {', '.join(sorted(obj.keys() - keys))}")
    return item_id, what


def _parse_frame(v: _Line, f: Any, doc: Document, annotator: str, span_ids: set[str],
                 schema: Schema | None) -> Frame:
    fid, what = _item_head(v, f, "frame", FRAME_KEYS)
    ftype = f.get("type", "ATTRIBUTION")
    if type(ftype) is not str:
        v.get(f, "type", str, what)
    if schema is not None and schema.frames and schema.frame(ftype) is None:
        raise v.fail(f"{what}: frame type {ftype!r} is not in the line's schema {schema.name}")
    cue, sources, contents = f.get("cue"), f.get("sources", []), f.get("contents", [])
    parent, attributes = f.get("parent"), f.get("attributes", {})
    created = f.get("created_at", "")
    updated = f.get("updated_at", created)
    if not (type(sources) is list and type(contents) is list and type(attributes) is dict
            and type(created) is str and type(updated) is str
            and (cue is None or type(cue) is str) and (parent is None or type(parent) is str)):
        for key, typ in (("cue", (str, type(None))), ("sources", list), ("contents", list),
                         ("parent", (str, type(None))), ("attributes", dict),
                         ("created_at", str), ("updated_at", str)):
            v.get(f, key, typ, what)
    for role, ids in (("cue", [cue] if cue is not None else []), ("sources", sources),
                      ("contents", contents)):
        for sid in ids:
            if type(sid) is not str:
                raise v.fail(f"{what}: {role} must hold span ids (strings), got {sid!r}")
            if sid not in span_ids:
                raise v.fail(f"{what}: {role} names span {sid!r}, which is not in this layer")
    n = len(sources) + len(contents) + (cue is not None)
    if n > 1 and len({cue, *sources, *contents} - {None}) != n:
        raise v.fail(f"{what}: a span fills more than one role")
    return Frame(fid, doc.id, annotator, ftype, cue, tuple(sources), tuple(contents), parent,
                 attributes, created, updated)


def _check_frame_graph(v: _Line, frames: list[Frame]) -> None:
    check_frame_parents(v, [(f.id, f.parent_id) for f in frames])


def check_frame_parents(v: _Line, frames: list[tuple[str, str | None]]) -> None:
    """(frame id, parent id) pairs of one layer: ids unique, parents in the layer, no
    cycles."""
    by_id: dict[str, str | None] = {}
    for fid, parent in frames:
        if fid in by_id:
            raise v.fail(f"duplicate frame id {fid!r}")
        by_id[fid] = parent
    for fid, parent in frames:
        seen = {fid}
        p = parent
        while p is not None:
            if p not in by_id:
                raise v.fail(f"frame {fid}: parent {p!r} is not a frame in this layer")
            if p in seen:
                raise v.fail(f"frame {fid}: its parents form a cycle")
            seen.add(p)
            p = by_id[p]


def json_lines(path: str | Path) -> Iterator[tuple[int, Any, int]]:
    """(line number, parsed JSON value, bytes read up to the end of the line) for every
    non-blank line (a leading BOM allowed); invalid UTF-8 or JSON and a file with no line
    raise :class:`InputError`."""
    name = str(path)
    any_line = False
    offset = 0
    loads = json.loads
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(name, None, f"cannot read: {exc.strerror}") from None
    with fh:
        for lineno, raw in enumerate(fh, 1):
            offset += len(raw)
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw or raw.isspace():  # (strip() would copy every line)
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(name, lineno, f"invalid UTF-8 (byte 0x{raw[exc.start]:02x})"
                                 ) from None
            try:
                obj = loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(name, lineno, f"invalid JSON: {exc.msg} (column {exc.colno})"
                                 ) from None
            any_line = True
            yield lineno, obj, offset
    if not any_line:
        raise InputError(name, 1, "the file holds no lines")


def iter_canonical(path: str | Path) -> Iterator[CanonicalRecord]:
    """Parse and validate line by line (streaming). Checks inside a line and across lines:
    one line per (document, annotator); a document id always names the same text."""
    name = str(path)
    texts: dict[str, tuple[str, int]] = {}
    layers: dict[tuple[str, str], int] = {}
    schemas: dict[str, Any] = {}  # the last schema parsed, reused while lines repeat it
    for lineno, obj, offset in json_lines(path):
        rec = _parse_line(obj, name, lineno, schemas)
        rec.offset = offset
        doc = rec.document
        first = texts.setdefault(doc.id, (doc.text_sha256, lineno))
        if first[0] != doc.text_sha256:
            raise InputError(name, lineno, f"document {doc.id} has different text than "
                             f"on line {first[1]}")
        if rec.layer is not None:
            key = (doc.id, rec.layer.annotator)
            if key in layers:
                raise InputError(name, lineno, f"a second line for document {doc.id} and "
                                 f"annotator {key[1]} (first on line {layers[key]})")
            layers[key] = lineno
        yield rec


def iter_unique(path: str | Path) -> Iterator[CanonicalRecord]:
    """:func:`iter_canonical`, refusing a span or frame id used again in the file."""
    ids: dict[str, int] = {}
    for rec in iter_canonical(path):
        for item in (*rec.layer.spans, *rec.layer.frames) if rec.layer is not None else ():
            if item.id in ids:
                raise InputError(str(path), rec.line, f"id {item.id!r} is used again (first "
                                 f"on line {ids[item.id]})")
            ids[item.id] = rec.line
        yield rec


def read_canonical(path: str | Path) -> list[AnnotatedDocument]:
    """Every layer in the file (bare-document lines are left out), fully validated.
    Span and frame ids must be unique in the whole file."""
    return [rec.layer for rec in iter_unique(path) if rec.layer is not None]
