"""brat standoff: a folder of ``<doc>.txt`` + ``<doc>_<annotator>.ann`` files, both ways.

Mapping (also in the README):

* ``.txt`` holds the document text verbatim (UTF-8, no BOM added, newlines as they are);
  brat offsets, like ours, count code points. On import the text is taken verbatim (no
  paragraph repair); the document id is the ``.txt`` file's stem.
* ``T`` = a span: ``T3<TAB>CONTENT 17 25;27 44<TAB>text``; discontinuous spans list their
  fragments joined by ``;`` and their text fragments joined by one space (brat's rule).
  Line breaks inside a span's text are written as spaces. The text is checked on import.
* ``E`` = a frame: ``E1<TAB>ATTRIBUTION:T9 Cue:T2 Source:T1 Content:T3 Content2:T5``.
  brat events need a *trigger*, a ``T`` annotation typed with the event type. We write one
  per frame on the cue's offsets (the first member's when a frame has no cue): the trigger
  carries the frame type, the ``Cue`` argument names the cue span. On import a trigger is
  not made a span, except when its event has no ``Cue`` argument: then the trigger *is*
  the cue and becomes a span labelled with the schema's cue label. Repeated roles are
  numbered (``Source2``); a nested attribution names its parent with ``Parent:E1``.
* ``A`` = an attribute of a span (``A1<TAB>polarity T4 FAVOR``) or of a frame (``A2<TAB>
  stance E1 AGAINST``; also target, quote_form, type). brat values are single tokens:
  ``%``, spaces and control characters are percent-encoded (``United%20States``); a value
  that is not a string is written ``json:<JSON>``; ``True`` is a binary attribute (no
  value). ``M`` lines (old modifiers) read as binary attributes.
* ``R`` = relations, read only: ``R1<TAB>Source Arg1:T2 Arg2:T1`` (type = role, Arg1 = the
  cue) becomes part of the frame of that cue; we write frames as events.
* ``#`` = ``AnnotatorNotes`` on a span (its note) or an event (the frame attribute
  ``note``); line breaks are written ``\\n`` and backslashes ``\\\\``.
* Not held: span and frame ids (imports get stable ids derived from the file), origin,
  timestamps, document status (an import keeps the project's status), document title,
  author, date and meta. Equivalence (``*``) and normalisation (``N``) lines are refused.
* ``annotation.conf`` is written beside the files so that brat shows labels, events and
  the choice attributes of the project's schema.
"""

from __future__ import annotations

import glob
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain.errors import InputError
from ..domain.model import ROLE_CONTENT, ROLE_CUE, ROLE_SOURCE, Document, Frame, Span
from ..domain.schema import Schema
from ..domain.text import check_document_size, decode_utf8, paragraph_offsets
from ..store.project import Project
from .articles import Progress
from .canonical import ExportReport
from .interchange import LayerBuilder, Lossy, ParsedLayer, iter_layers, stable_id
from .jsonlines import read_input_text

_SAFE = re.compile(r"^[\w.\-]+$")
_OFFSETS = re.compile(r"^\d+ \d+(;\d+ \d+)*$")
_ROLE_ARG = re.compile(r"^([A-Za-z_][\w\-]*?)(\d*)$")


def safe_name(name: str) -> str:
    """A file-name-safe form of an id: itself when already safe, else a readable slug."""
    if _SAFE.match(name) and not name.startswith("."):
        return name
    slug = re.sub(r"[^\w.\-]+", "-", name).strip("-.") or "x"
    return f"{slug}-{stable_id('name', name, '', '')[:8]}"


def encode_value(value: Any) -> str | None:
    """An attribute value as one brat token; None for a binary (True) attribute."""
    if value is True:
        return None
    if isinstance(value, str) and value and not value.startswith("json:"):
        return "".join(f"%{ord(c):02X}" if c == "%" or c.isspace() or ord(c) < 32 else c
                       for c in value)
    raw = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "json:" + "".join(f"%{ord(c):02X}" if c == "%" or c.isspace() else c for c in raw)


def _unquote(token: str) -> str:
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), token)


def decode_value(token: str | None) -> Any:
    if token is None:
        return True
    if token.startswith("json:"):
        return json.loads(_unquote(token[5:]))
    return _unquote(token)


def _note_out(note: str) -> str:
    return note.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")


def _note_in(raw: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(m.group(1), m.group(1)), raw)


def _flat(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


# ------------------------------------------------------------------------------ writing
def write_brat(project: Project, folder: str | Path, annotators: Iterable[str] | None = None,
               gold: bool = False, status: str | None = None,
               progress: Progress | None = None) -> ExportReport:
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise InputError(str(out), None, "brat export needs a folder, not a file")
    out.mkdir(parents=True, exist_ok=True)
    report = ExportReport()
    lossy = Lossy()
    written_docs: set[str] = set()
    for layer in iter_layers(project, annotators, gold, status, progress):
        doc = layer.document
        stem = safe_name(doc.id)
        if doc.id not in written_docs:
            written_docs.add(doc.id)
            report.documents += 1
            with open(out / f"{stem}.txt", "w", encoding="utf-8", newline="") as fh:
                fh.write(doc.text)
        lines = ann_lines(layer.spans, layer.frames, lossy)
        (out / f"{stem}_{safe_name(layer.annotator)}.ann").write_text(
            "".join(x + "\n" for x in lines), encoding="utf-8", newline="")
        report.lines += 1
        report.spans += len(layer.spans)
        report.frames += len(layer.frames)
    (out / "annotation.conf").write_text(annotation_conf(project.schema), encoding="utf-8")
    report.notes = lossy.lines()
    return report


def ann_lines(spans: list[Span], frames: list[Frame], lossy: Lossy) -> list[str]:
    lines: list[str] = []
    tid: dict[str, str] = {}
    attrs: list[tuple[str, str, Any]] = []
    notes: list[tuple[str, str]] = []

    def t_line(key: str, label: str, frs: tuple[tuple[int, int], ...], text: str) -> str:
        t = f"T{len(tid) + 1}"
        tid[key] = t
        offs = ";".join(f"{s} {e}" for s, e in frs)
        lines.append(f"{t}\t{label} {offs}\t{_flat(text)}")
        return t

    for s in spans:
        t = t_line(s.id, s.label, s.fragments, s.text)
        attrs += [(k, t, v) for k, v in sorted(s.attributes.items())]
        if s.note:
            notes.append((t, s.note))
    by_span = {s.id: s for s in spans}
    eid = {f.id: f"E{i + 1}" for i, f in enumerate(frames)}
    for f in frames:
        anchor = by_span.get(f.cue or "") or next(
            (by_span[x] for x in f.span_ids() if x in by_span), None)
        if anchor is None:
            lossy.notes.append(f"frame {f.id} has no spans; brat cannot hold it")
            continue
        trigger = t_line("trigger:" + f.id, f.type, anchor.fragments, anchor.text)
        args = [f"{f.type}:{trigger}"]
        if f.cue:
            args.append(f"Cue:{tid[f.cue]}")
        for role, ids in (("Source", f.sources), ("Content", f.contents)):
            args += [f"{role}{i + 1 if i else ''}:{tid[x]}" for i, x in enumerate(ids)]
        if f.parent_id in eid:
            args.append(f"Parent:{eid[f.parent_id]}")
        lines.append(f"{eid[f.id]}\t{' '.join(args)}")
        note = f.attributes.get("note")
        attrs += [(k, eid[f.id], v) for k, v in sorted(f.attributes.items())
                  if not (k == "note" and isinstance(v, str))]
        if isinstance(note, str) and note:
            notes.append((eid[f.id], note))
    for i, (name, target, value) in enumerate(attrs, 1):
        token = encode_value(value)
        lines.append(f"A{i}\t{name} {target}" + ("" if token is None else f" {token}"))
    for i, (target, note) in enumerate(notes, 1):
        lines.append(f"#{i}\tAnnotatorNotes {target}\t{_note_out(note)}")
    return lines


def annotation_conf(schema: Schema) -> str:
    out = ["# written by Annotator for schema " f"{schema.name} v{schema.version}",
           "[entities]"]
    out += [x.name for x in schema.labels]
    out += [f.type for f in schema.frames if schema.label(f.type) is None]
    out += ["[relations]", "<OVERLAP> Arg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>", "[events]"]
    for f in schema.frames:
        args = []
        for r in f.roles:
            mark = "" if r.min == 1 and r.max == 1 else (
                "?" if r.max == 1 else ("+" if r.min >= 1 else "*"))
            args.append(f"{r.name.capitalize()}{mark}:{r.label}")
        args.append(f"Parent?:{f.type}")
        out.append(f"{f.type}\t{', '.join(args)}")
    out.append("[attributes]")
    for owner, defs in ([(f.type, f.attributes) for f in schema.frames]
                        + [(x.name, x.attributes) for x in schema.labels]):
        for a in defs:
            if a.kind == "choice":
                out.append(f"{a.name}\tArg:{owner}, Value:{'|'.join(a.values)}")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------ reading
@dataclass
class _Event:
    line: int
    type: str
    trigger: str
    args: list[tuple[str, str]] = field(default_factory=list)  # (role, T/E id)


def find_ann_files(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(p.rglob("*.ann"))
            if not found:
                raise InputError(str(p), None, "no .ann files in this folder")
            out += found
        elif p.suffix == ".ann" and p.is_file():
            out.append(p)
        elif p.suffix == ".txt" and ann_files_of(p):
            out += ann_files_of(p)
        else:
            raise InputError(str(p), None, "not a brat .ann file or a folder of them")
    return out


def ann_files_of(txt: Path) -> list[Path]:
    """The .ann files of a brat text file: ``doc.ann`` and ``doc_<annotator>.ann``."""
    own = [txt.with_suffix(".ann")] if txt.with_suffix(".ann").is_file() else []
    pattern = glob.escape(txt.stem) + "_*.ann"
    return own + sorted(x for x in txt.parent.glob(pattern) if x.is_file())


def text_and_annotator(ann: Path, annotator: str | None) -> tuple[Path, str]:
    """``doc.ann`` + ``--annotator``, or ``doc_<annotator>.ann`` beside ``doc.txt``."""
    own = ann.with_suffix(".txt")
    if own.is_file():
        if not annotator:
            raise InputError(str(ann), None, "name the annotator: use --annotator NAME or "
                             f"call the file {ann.stem}_<annotator>.ann")
        return own, annotator
    stem = ann.stem
    for i in range(len(stem) - 1, 0, -1):
        if stem[i] == "_" and (ann.parent / f"{stem[:i]}.txt").is_file():
            return ann.parent / f"{stem[:i]}.txt", annotator or stem[i + 1:]
    raise InputError(str(ann), None, f"no text file for it ({ann.stem}.txt, or the part of "
                     "the name before _<annotator>)")


def read_brat(paths: Iterable[str | Path], schema: Schema,
              annotator: str | None = None) -> list[ParsedLayer]:
    out: list[ParsedLayer] = []
    for ann in find_ann_files(paths):
        txt, who = text_and_annotator(ann, annotator)
        data = txt.read_bytes()
        # verbatim: a BOM stays a character, as brat (Python) counts it
        bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
        text = bom + decode_utf8(data, str(txt))
        check_document_size(text, str(txt), None)
        doc = Document(id=txt.stem, text=text, source=txt.name,
                       paragraphs=paragraph_offsets(text))
        out.append(parse_ann(ann, doc, who, schema))
    return out


def parse_ann(path: Path, doc: Document, annotator: str, schema: Schema) -> ParsedLayer:
    name = str(path)
    raw = read_input_text(path)
    b = LayerBuilder("brat", name, doc, annotator)
    triggers: dict[str, tuple[str, list[tuple[int, int]], int]] = {}
    events: dict[str, _Event] = {}
    attrs: list[tuple[int, str, str, str | None]] = []
    notes: list[tuple[int, str, str]] = []
    frame_types = {f.type.casefold(): f.type for f in schema.frames}
    for lineno, line in enumerate(raw.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        parts = line.split("\t")
        ident = parts[0]
        kind = ident[:1]
        if kind == "T":
            if len(parts) < 3:
                raise InputError(name, lineno, "a T line needs: id, type and offsets, text")
            head, _, offs = parts[1].partition(" ")
            if not _OFFSETS.match(offs):
                raise InputError(name, lineno, f"bad offsets {offs!r} (expected 'start end' "
                                 "or 'start end;start end')")
            frs = [(int(a), int(c)) for a, c in (x.split(" ") for x in offs.split(";"))]
            expected = "\t".join(parts[2:])
            if head.casefold() in frame_types:
                _check_text(name, lineno, doc, ident, frs, expected)
                triggers[ident] = (frame_types[head.casefold()], frs, lineno)
                continue
            span = b.add_span(ident, head, frs, lineno)
            if _flat(expected) != _flat(span.text):
                raise InputError(name, lineno, f"{ident}: its text {expected!r} differs from "
                                 f"the document text at its offsets {span.text!r}")
        elif kind == "E":
            toks = parts[1].split() if len(parts) > 1 else []
            if not toks or ":" not in toks[0]:
                raise InputError(name, lineno, "an E line needs Type:Trigger and arguments")
            etype, _, trig = toks[0].partition(":")
            ev = _Event(lineno, etype, trig)
            for tok in toks[1:]:
                role, sep, target = tok.partition(":")
                if not sep or not target:
                    raise InputError(name, lineno, f"bad event argument {tok!r}")
                ev.args.append((role, target))
            events[ident] = ev
        elif kind in ("A", "M"):
            toks = parts[1].split() if len(parts) > 1 else []
            if len(toks) not in (2, 3):
                raise InputError(name, lineno, "an A line needs: name, target id, [value]")
            attrs.append((lineno, toks[0], toks[1], toks[2] if len(toks) == 3 else None))
        elif kind == "R":
            toks = parts[1].split() if len(parts) > 1 else []
            args = dict(t.split(":", 1) for t in toks[1:] if ":" in t)
            if len(toks) != 3 or set(args) != {"Arg1", "Arg2"}:
                raise InputError(name, lineno, "an R line needs: type Arg1:T.. Arg2:T..")
            b.relate(args["Arg1"], args["Arg2"], toks[0], lineno)
        elif kind == "#":
            toks = parts[1].split() if len(parts) > 1 else []
            if len(toks) != 2 or len(parts) < 3:
                raise InputError(name, lineno, "a # line needs: type, target id, text")
            notes.append((lineno, toks[1], _note_in("\t".join(parts[2:]))))
        elif kind in ("*", "N"):
            raise InputError(name, lineno, f"{'equivalence' if kind == '*' else 'normalisation'}"
                             " lines are not supported")
        else:
            raise InputError(name, lineno, f"unknown annotation line {ident!r}")
    return _assemble(name, b, schema, triggers, events, attrs, notes)


def _check_text(name: str, lineno: int, doc: Document, ident: str,
                frs: list[tuple[int, int]], expected: str) -> None:
    n = len(doc.text)
    for s, e in frs:
        if not 0 <= s < e <= n:
            raise InputError(name, lineno, f"{ident}: offsets [{s}, {e}) are outside the "
                             f"text (0..{n}) or empty")
    covered = " ".join(doc.text[s:e] for s, e in sorted(frs))
    if _flat(expected) != _flat(covered):
        raise InputError(name, lineno, f"{ident}: its text {expected!r} differs from the "
                         f"document text at its offsets {covered!r}")


def _assemble(name: str, b: LayerBuilder, schema: Schema,
              triggers: dict[str, tuple[str, list[tuple[int, int]], int]],
              events: dict[str, _Event], attrs: list[tuple[int, str, str, str | None]],
              notes: list[tuple[int, str, str]]) -> ParsedLayer:
    parsed = b.build(None)
    layer = parsed.layer
    spans = {local: s for local, s in b.spans.items()}
    frames: dict[str, Frame] = {}
    parents: dict[str, tuple[str, int]] = {}
    for eid, ev in events.items():
        if ev.trigger not in triggers:
            raise InputError(name, ev.line, f"{eid}: trigger {ev.trigger!r} is not a T line "
                             "typed with a frame type of the schema")
        ftype = triggers[ev.trigger][0]
        roles: dict[str, list[str]] = {ROLE_CUE: [], ROLE_SOURCE: [], ROLE_CONTENT: []}
        for role, target in ev.args:
            m = _ROLE_ARG.match(role)
            rname = m.group(1).lower() if m else ""
            if rname == "parent":
                parents[eid] = (target, ev.line)
                continue
            if rname not in roles:
                raise InputError(name, ev.line, f"{eid}: unknown role {role!r} (expected Cue, "
                                 "Source, Content or Parent)")
            if target not in spans:
                raise InputError(name, ev.line, f"{eid}: {role} names a missing span "
                                 f"{target!r}")
            roles[rname].append(spans[target].id)
        if len(roles[ROLE_CUE]) > 1:
            raise InputError(name, ev.line, f"{eid}: a frame has one cue")
        if not roles[ROLE_CUE]:  # the trigger is the cue
            fdef = schema.frame(ftype)
            role = fdef.role(ROLE_CUE) if fdef else None
            _, frs, tline = triggers[ev.trigger]
            cue = b.add_span(ev.trigger, role.label if role else ftype, frs, tline)
            spans[ev.trigger] = cue
            layer.spans.append(cue)
            roles[ROLE_CUE].append(cue.id)
        frames[eid] = Frame(id=stable_id("brat", b.doc.id, b.annotator, eid),
                            document_id=b.doc.id, annotator=b.annotator, type=ftype,
                            cue=roles[ROLE_CUE][0], sources=tuple(roles[ROLE_SOURCE]),
                            contents=tuple(roles[ROLE_CONTENT]))
        members = frames[eid].span_ids()
        if len(set(members)) != len(members):
            raise InputError(name, ev.line, f"{eid}: a span fills more than one role")
    for eid, (target, line) in parents.items():
        if target not in frames:
            raise InputError(name, line, f"{eid}: Parent names a missing event {target!r}")
        frames[eid] = frames[eid].with_changes(parent_id=frames[target].id)
    span_attrs: dict[str, dict[str, Any]] = {}
    frame_attrs: dict[str, dict[str, Any]] = {}
    for line, aname, target, token in attrs:
        try:
            value = decode_value(token)
        except json.JSONDecodeError:
            raise InputError(name, line, f"bad json: value {token!r}") from None
        bucket = span_attrs if target in spans else frame_attrs if target in frames else None
        if bucket is None:
            raise InputError(name, line, f"attribute {aname} names a missing annotation "
                             f"{target!r}")
        bucket.setdefault(target, {})[aname] = value
    span_notes: dict[str, str] = {}
    for line, target, text in notes:
        if target in spans:
            span_notes[target] = text
        elif target in frames:
            frame_attrs.setdefault(target, {})["note"] = text
        else:
            raise InputError(name, line, f"note names a missing annotation {target!r}")
    by_id = {s.id: local for local, s in spans.items()}
    layer.spans = [s.with_changes(attributes=span_attrs.get(by_id[s.id], {}),
                                  note=span_notes.get(by_id[s.id], ""))
                   if by_id[s.id] in span_attrs or by_id[s.id] in span_notes else s
                   for s in layer.spans]
    layer.frames += [f.with_changes(attributes=frame_attrs.get(eid, {}))
                     for eid, f in frames.items()]
    _check_cycles(name, layer.frames)
    return ParsedLayer(None, layer, parsed.span_lines, name)


def _check_cycles(name: str, frames: list[Frame]) -> None:
    by_id = {f.id: f for f in frames}
    for f in frames:
        seen, p = {f.id}, f.parent_id
        while p is not None:
            if p in seen:
                raise InputError(name, None, "event parents form a cycle")
            seen.add(p)
            p = by_id[p].parent_id if p in by_id else None
