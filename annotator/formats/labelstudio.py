"""Label Studio JSON (a list of tasks), both ways.

One task per document: ``{"id", "data": {"text", "document_id", "title", "author",
"published", "source"}, "annotations": [...]}``, one annotation per annotator:
``{"id", "completed_by": "<annotator>", "ground_truth": <gold layer>, "was_cancelled":
false, "result": [...]}``. Result items:

* a span is a ``labels`` region: ``{"id": <span id>, "from_name": "label", "to_name":
  "text", "type": "labels", "value": {"start", "end", "text", "labels": [LABEL]}}``; its
  note goes in the region's ``meta.text``. A discontinuous span becomes one region per
  fragment, ids ``<span id>``, ``<span id>:2``, ... which read back as one span.
* a span attribute is a per-region ``choices`` (string values) or ``textarea`` (other
  values, as ``json:<JSON>``) result sharing the region's id, ``from_name`` = attribute;
* a frame is a set of ``relation`` items from its cue region to each source and content
  region (``labels``: [role]); the frame's attributes (stance, target, ...) are
  per-region results on the cue region with ``from_name`` ``frame:<attribute>``.

Offsets: Label Studio counted UTF-16 units (JavaScript) until its front end was fixed to
store code points (label-studio-frontend PR #308, 2022; earlier exports are off by one per
emoji, issues #1008, #1347). We write code points (``offsets="utf16"`` for older
versions). On import each region's ``value.text`` is checked: when it does not match at
the code point offsets but does at UTF-16 offsets, the region is converted (the report
counts them); otherwise the import is refused.

Not held: frames without a cue, nested frames (parent), two frames on one cue (they read
back as one), origin, timestamps and status. ``completed_by`` carries our annotator name;
when Label Studio exported it as a user id (a number) the annotator is ``user<id>``, or
``--annotator`` names it. Cancelled annotations and predictions are not imported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ..domain.errors import InputError
from ..domain.model import GOLD, AnnotatedDocument, Document
from ..domain.text import OffsetMap, paragraph_offsets
from ..store.project import Project
from .articles import Progress, make_document_id
from .canonical import ExportReport
from .interchange import (
    LayerBuilder,
    Lossy,
    ParsedLayer,
    check_unit,
    frame_relations,
    from_units,
    iter_layers,
    open_out,
    to_units,
)
from .jsonlines import read_input_text

DEFAULT_UNIT = "codepoint"
_FRAGMENT_ID = re.compile(r"^(.+):(\d+)$")
_OUR_ID = re.compile(r"^[0-9a-f]{32}$")


def _attr_result(rid: str, name: str, value: Any, s: int, e: int) -> dict[str, Any]:
    if isinstance(value, str):
        return {"id": rid, "from_name": name, "to_name": "text", "type": "choices",
                "value": {"start": s, "end": e, "choices": [value]}}
    raw = "json:" + json.dumps(value, ensure_ascii=False, sort_keys=True)
    return {"id": rid, "from_name": name, "to_name": "text", "type": "textarea",
            "value": {"start": s, "end": e, "text": [raw]}}


def annotation(layer: AnnotatedDocument, number: int, unit: str,
               lossy: Lossy) -> dict[str, Any]:
    omap = OffsetMap(layer.document.text)
    text = layer.document.text
    result: list[dict[str, Any]] = []
    where: dict[str, tuple[int, int]] = {}
    for sp in layer.spans:
        for k, (a, b) in enumerate(sp.fragments):
            rid = sp.id if k == 0 else f"{sp.id}:{k + 1}"
            s, e = to_units(omap, a, unit), to_units(omap, b, unit)
            region: dict[str, Any] = {"id": rid, "from_name": "label", "to_name": "text",
                                      "type": "labels", "origin": "manual",
                                      "value": {"start": s, "end": e, "text": text[a:b],
                                                "labels": [sp.label]}}
            if k == 0:
                where[sp.id] = (s, e)
                if sp.note:
                    region["meta"] = {"text": [sp.note]}
            result.append(region)
        result += [_attr_result(sp.id, k, v, *where[sp.id])
                   for k, v in sorted(sp.attributes.items())]
    for f in layer.frames:
        if f.cue and f.attributes:
            result += [_attr_result(f.cue, "frame:" + k, v, *where[f.cue])
                       for k, v in sorted(f.attributes.items())]
        if f.parent_id:
            lossy.notes.append(f"frame {f.id}: its parent (nesting) is not written")
    result += [{"from_id": r.cue, "to_id": r.member, "type": "relation",
                "direction": "right", "labels": [r.role]}
               for r in frame_relations(layer.frames, lossy)]
    return {"id": number, "completed_by": layer.annotator,
            "ground_truth": layer.annotator == GOLD, "was_cancelled": False,
            "result": result}


def write_labelstudio(project: Project, out: str | Path | IO[str],
                      annotators: Iterable[str] | None = None, gold: bool = False,
                      status: str | None = None, progress: Progress | None = None,
                      offsets: str = DEFAULT_UNIT) -> ExportReport:
    check_unit(offsets)
    report = ExportReport()
    lossy = Lossy()
    with open_out(out) as fh:
        fh.write("[")
        task: dict[str, Any] | None = None
        for layer in iter_layers(project, annotators, gold, status, progress):
            doc = layer.document
            if task is None or task["data"]["document_id"] != doc.id:
                if task is not None:
                    fh.write(("\n" if report.documents == 1 else ",\n") + _dumps(task))
                report.documents += 1
                task = {"id": report.documents, "data": {
                    "text": doc.text, "document_id": doc.id, "title": doc.title,
                    "author": doc.author, "published": doc.published, "source": doc.source},
                    "annotations": []}
            report.lines += 1
            task["annotations"].append(annotation(layer, report.lines, offsets, lossy))
            report.spans += len(layer.spans)
            report.frames += len(layer.frames)
        if task is not None:
            fh.write(("\n" if report.documents == 1 else ",\n") + _dumps(task))
        fh.write("\n]\n")
    report.notes = lossy.lines()
    return report


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


# ------------------------------------------------------------------------------ reading
def iter_tasks(raw: str, name: str) -> Iterator[tuple[int, Any]]:
    """(line, task) for a JSON list of tasks (or one task object), with line numbers."""
    dec = json.JSONDecoder()
    pos = len(raw) - len(raw.lstrip())

    def line_at(i: int) -> int:
        return raw.count("\n", 0, i) + 1

    def decode(i: int) -> tuple[Any, int]:
        try:
            return dec.raw_decode(raw, i)
        except json.JSONDecodeError as exc:
            raise InputError(name, exc.lineno, f"invalid JSON: {exc.msg}") from None

    if raw[pos:pos + 1] != "[":
        obj, end = decode(pos)
        if raw[end:].strip():
            raise InputError(name, line_at(end), "extra data after the JSON value")
        yield line_at(pos), obj
        return
    pos += 1
    first = True
    while True:
        while pos < len(raw) and raw[pos].isspace():
            pos += 1
        if raw[pos:pos + 1] == "]":
            if raw[pos + 1:].strip():
                raise InputError(name, line_at(pos + 1), "extra data after the JSON list")
            return
        if not first:
            if raw[pos:pos + 1] != ",":
                raise InputError(name, line_at(pos), "invalid JSON: expected ',' or ']'")
            pos += 1
            while pos < len(raw) and raw[pos].isspace():
                pos += 1
        first = False
        if pos >= len(raw):
            raise InputError(name, line_at(pos), "invalid JSON: the list is not closed")
        obj, end = decode(pos)
        yield line_at(pos), obj
        pos = end


def looks_labelstudio(raw: str) -> bool:
    """True when the first task of ``raw`` (a JSON list of tasks, or one task) has
    ``data`` and annotations, completions or predictions."""
    try:
        _, task = next(iter_tasks(raw, "<detect>"))
    except (InputError, StopIteration):
        return False
    return isinstance(task, dict) and isinstance(task.get("data"), dict) and bool(
        {"annotations", "completions", "predictions"} & task.keys())


def _annotator(ann: dict[str, Any]) -> str | None:
    who = ann.get("completed_by")
    if isinstance(who, str) and who:
        return who
    if isinstance(who, int) and not isinstance(who, bool):
        return f"user{who}"
    if isinstance(who, dict):
        for key in ("email", "username", "first_name", "id"):
            if who.get(key):
                return str(who[key]) if key != "id" else f"user{who[key]}"
    return None


def read_labelstudio(path: str | Path, annotator: str | None = None,
                     offsets: str = DEFAULT_UNIT) -> tuple[list[ParsedLayer], list[str]]:
    """Parsed layers and notes (converted regions, skipped annotations)."""
    check_unit(offsets)
    path = Path(path)
    name = str(path)
    raw = read_input_text(path)
    out: list[ParsedLayer] = []
    stats = {"converted": 0, "cancelled": 0, "predictions": 0}
    for line, task in iter_tasks(raw, name):
        out += _task(task, name, line, annotator, offsets, stats)
    if not out:
        raise InputError(name, 1, "no annotations in the file")
    notes = []
    if stats["converted"]:
        notes.append(f"{stats['converted']} region(s) counted UTF-16 units (older Label "
                     "Studio) and were converted to code points")
    if stats["cancelled"]:
        notes.append(f"{stats['cancelled']} cancelled annotation(s) were skipped")
    if stats["predictions"]:
        notes.append(f"{stats['predictions']} task(s) also held predictions (not imported)")
    return out, notes


def _task(task: Any, name: str, line: int, annotator: str | None, unit: str,
          stats: dict[str, int]) -> list[ParsedLayer]:
    def fail(msg: str) -> InputError:
        return InputError(name, line, msg)

    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise fail('a task must be an object with "data"')
    data = task["data"]
    text = data.get("text")
    if not isinstance(text, str):
        strings = [v for v in data.values() if isinstance(v, str)]
        if len(strings) != 1:
            raise fail('the task\'s data needs a "text" string')
        text = strings[0]
    doc_id = data.get("document_id")
    meta = {k: data.get(k, "") for k in ("title", "author", "published", "source")}
    if not all(isinstance(v, str) for v in meta.values()) or (
            doc_id is not None and not isinstance(doc_id, str)):
        raise fail("document_id, title, author, published and source must be strings")
    doc = Document(id=doc_id or make_document_id(meta["title"] or Path(name).stem, text),
                   text=text, paragraphs=paragraph_offsets(text), **meta)
    anns = task.get("annotations", task.get("completions", []))
    if not isinstance(anns, list):
        raise fail('"annotations" must be a list')
    stats["predictions"] += bool(task.get("predictions"))
    out = []
    for ann in anns:
        if not isinstance(ann, dict) or not isinstance(ann.get("result", []), list):
            raise fail('every annotation must be an object with a "result" list')
        if ann.get("was_cancelled"):
            stats["cancelled"] += 1
            continue
        who = annotator or _annotator(ann)
        if not who:
            raise fail("an annotation names no annotator (completed_by); use --annotator")
        out.append(_result(ann.get("result", []), doc, who, name, line, unit, stats))
    return out


def _result(items: list[Any], doc: Document, who: str, name: str, line: int, unit: str,
            stats: dict[str, int]) -> ParsedLayer:
    def fail(msg: str) -> InputError:
        return InputError(name, line, msg)

    b = LayerBuilder("labelstudio", name, doc, who)
    omap = OffsetMap(doc.text)
    regions: dict[str, tuple[str, list[tuple[int, int]], str]] = {}
    order: list[str] = []
    attrs: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            raise fail("every result item must be an object")
        kind = item.get("type")
        if kind == "relation":
            labels = item.get("labels") or []
            if not isinstance(labels, list) or len(labels) != 1 or not isinstance(
                    labels[0], str):
                raise fail("a relation needs one label naming its role (source, content)")
            b.relate(str(item.get("from_id")), str(item.get("to_id")), labels[0], line)
            continue
        value = item.get("value")
        if not isinstance(value, dict):
            raise fail(f"result {item.get('id')!r}: \"value\" must be an object")
        if kind in ("choices", "textarea"):
            attrs.append(item)
            continue
        if kind != "labels":
            raise fail(f"result type {kind!r} is not a text span (expected labels, choices, "
                       "textarea or relation)")
        rid = item.get("id")
        labels = value.get("labels")
        if not isinstance(rid, str) or not rid:
            raise fail("a labels region needs a string id")
        if not isinstance(labels, list) or len(labels) != 1:
            raise fail(f"region {rid}: labels must hold exactly one label")
        s, e = _offsets(value, doc.text, omap, unit, rid, fail, stats)
        m = _FRAGMENT_ID.match(rid)
        if m and m.group(1) in regions and regions[m.group(1)][0] == labels[0]:
            regions[m.group(1)][1].append((s, e))
            continue
        note = ""
        meta = item.get("meta")
        if isinstance(meta, dict) and isinstance(meta.get("text"), list):
            note = "\n".join(str(x) for x in meta["text"])
        regions[rid] = (labels[0], [(s, e)], note)
        order.append(rid)
    for rid in order:
        label, frs, note = regions[rid]
        # our own exports carry our span ids; other region ids get stable ids of ours
        b.add_span(rid, label, frs, line, note=note,
                   span_id=rid if _OUR_ID.match(rid) else None)
    span_attrs: dict[str, dict[str, Any]] = {}
    for item in attrs:
        rid, fname, value = item.get("id"), item.get("from_name"), item["value"]
        if rid not in b.spans or not isinstance(fname, str):
            raise fail(f"per-region result {fname!r} names a missing region {rid!r}")
        raw = value.get("choices" if item["type"] == "choices" else "text")
        if not isinstance(raw, list) or len(raw) != 1 or not isinstance(raw[0], str):
            raise fail(f"region {rid}: {fname} must hold one string value")
        val: Any = raw[0]
        if item["type"] == "textarea" and val.startswith("json:"):
            try:
                val = json.loads(val[5:])
            except json.JSONDecodeError:
                raise fail(f"region {rid}: {fname} holds bad json") from None
        if fname.startswith("frame:"):
            b.frame_attributes.setdefault(rid, {})[fname[6:]] = val
        else:
            span_attrs.setdefault(rid, {})[fname] = val
    for rid, at in span_attrs.items():
        b.spans[rid] = b.spans[rid].with_changes(attributes=at)
    return b.build(line)


def _offsets(value: dict[str, Any], text: str, omap: OffsetMap, unit: str, rid: str,
             fail: Any, stats: dict[str, int]) -> tuple[int, int]:
    s, e = value.get("start"), value.get("end")
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (s, e)):
        raise fail(f"region {rid}: start and end must be integers")
    a, z = from_units(omap, s, unit), from_units(omap, e, unit)
    want = value.get("text")
    if want is None or (0 <= a < z <= len(text) and text[a:z] == want):
        return a, z
    if unit == "codepoint":
        a16, z16 = from_units(omap, s, "utf16"), from_units(omap, e, "utf16")
        if 0 <= a16 < z16 <= len(text) and text[a16:z16] == want:
            stats["converted"] += 1
            return a16, z16
    if not (0 <= a < z <= len(text)):
        raise fail(f"region {rid}: offsets [{s}, {e}) are outside the text (0..{len(text)})")
    raise fail(f"region {rid}: its text {want!r} differs from the document text at its "
               f"offsets {text[a:z]!r}")
