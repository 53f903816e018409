"""doccano sequence-labelling JSONL, both shapes, both ways.

* ``doccano`` (export and import): ``{"text", "entities": [{"id", "label", "start_offset",
  "end_offset"}], "relations": [{"id", "from_id", "to_id", "type"}], "document_id",
  "title", "annotator"}``. A frame is written as relations *from its cue* to each source
  and content span, typed ``source`` / ``content``; on import the relations from one span
  make one frame with that span as cue.
* ``doccano-label`` (export) and the same import: ``{"text", "label": [[start, end,
  "LABEL"], ...], "document_id", "title", "annotator"}``: spans only.

Offsets: doccano's web front end counts UTF-16 code units (JavaScript string indices;
doccano issue #2290), so a span after an emoji sits one unit further per emoji than in
Python. We write and read UTF-16 units by default; ``offsets="codepoint"`` (CLI
``--offsets codepoint``) handles files made by Python scripts. (A project set to "count
grapheme clusters as one character" uses a third unit, which is not supported.)

Not held: discontinuous spans (each fragment becomes its own entity and reads back as its
own span), span attributes and notes, frame attributes (stance, target, ...), frames
without a cue, nested frames (parent), ids, origin, timestamps and status. One line per
(document, annotator); the annotator is read from ``annotator`` (or ``user``/``username``
when a string), else ``--annotator``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from ..domain.errors import InputError
from ..domain.model import AnnotatedDocument, Document
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
    object_with_text,
    open_out,
    to_units,
)
from .jsonlines import iter_json_lines, read_input_text

DEFAULT_UNIT = "utf16"


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def write_doccano(project: Project, out: str | Path | IO[str],
                  annotators: Iterable[str] | None = None, gold: bool = False,
                  status: str | None = None, progress: Progress | None = None,
                  shape: str = "entities", offsets: str = DEFAULT_UNIT) -> ExportReport:
    check_unit(offsets)
    report = ExportReport()
    lossy = Lossy()
    count = {"split": 0, "dropped": 0}
    docs: set[str] = set()
    with open_out(out) as fh:
        for layer in iter_layers(project, annotators, gold, status, progress):
            docs.add(layer.document.id)
            fh.write(dumps(_record(layer, shape, offsets, lossy, count)) + "\n")
            report.lines += 1
            report.spans += len(layer.spans)
            report.frames += len(layer.frames)
    report.documents = len(docs)
    if count["split"]:
        lossy.notes.append(f"{count['split']} discontinuous span(s) were written as one "
                           "entity per fragment")
    if count["dropped"]:
        lossy.notes.append(f"{count['dropped']} item(s) had attributes, notes or a parent "
                           "that doccano cannot hold")
    if shape == "label" and report.frames:
        lossy.notes.append("the label shape holds no relations: frames were not written")
    report.notes = lossy.lines()
    return report


def _record(layer: AnnotatedDocument, shape: str, unit: str, lossy: Lossy,
            count: dict[str, int]) -> dict[str, Any]:
    doc = layer.document
    omap = OffsetMap(doc.text)
    ents: list[dict[str, Any]] = []
    pieces: dict[str, list[int]] = {}  # span id -> entity ids of its fragments
    for s in layer.spans:
        count["split"] += len(s.fragments) > 1
        count["dropped"] += bool(s.attributes or s.note)
        for a, b in s.fragments:
            ents.append({"id": len(ents) + 1, "label": s.label,
                         "start_offset": to_units(omap, a, unit),
                         "end_offset": to_units(omap, b, unit)})
            pieces.setdefault(s.id, []).append(len(ents))
    rec: dict[str, Any] = {"text": doc.text, "document_id": doc.id, "title": doc.title,
                           "annotator": layer.annotator}
    if shape == "label":
        rec["label"] = [[e["start_offset"], e["end_offset"], e["label"]] for e in ents]
        return rec
    rec["entities"] = ents
    rels = frame_relations(layer.frames, lossy)
    # a discontinuous member is one entity per fragment: relate the cue to each of them,
    # so that every fragment stays in the frame when read back
    pairs = [(pieces[r.cue][0], to, r.role) for r in rels for to in pieces[r.member]]
    rec["relations"] = [{"id": i + 1, "from_id": a, "to_id": b, "type": role}
                        for i, (a, b, role) in enumerate(pairs)]
    count["dropped"] += sum(bool(f.attributes) or f.parent_id is not None
                            for f in layer.frames)
    return rec


def looks_doccano(obj: Any) -> bool:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return False
    if "entities" in obj and isinstance(obj["entities"], list):
        return True
    lab = obj.get("label")
    return isinstance(lab, list) and all(isinstance(x, list) and len(x) == 3 for x in lab) \
        and bool(lab) or (lab == [] and "annotator" in obj)


def read_doccano(path: str | Path, annotator: str | None = None,
                 offsets: str = DEFAULT_UNIT) -> list[ParsedLayer]:
    check_unit(offsets)
    path = Path(path)
    name = str(path)
    raw = read_input_text(path)
    out: list[ParsedLayer] = []
    for lineno, obj in iter_json_lines(raw, name):
        out.append(_parse(obj, name, lineno, annotator, offsets))
    if not out:
        raise InputError(name, 1, "no lines in the file")
    return out


def _parse(obj: Any, name: str, lineno: int, annotator: str | None,
           unit: str) -> ParsedLayer:
    def fail(msg: str) -> InputError:
        return InputError(name, lineno, msg)

    obj, text = object_with_text(obj, fail)
    who = annotator or next((obj[k] for k in ("annotator", "user", "username")
                             if isinstance(obj.get(k), str) and obj[k]), None)
    if not who:
        raise fail("no annotator in the line; name one with --annotator NAME")
    doc_id = obj.get("document_id")
    if doc_id is not None and (not isinstance(doc_id, str) or not doc_id):
        raise fail('"document_id" must be a non-empty string')
    title = obj.get("title", "")
    if not isinstance(title, str):
        raise fail('"title" must be a string')
    doc = Document(id=doc_id or make_document_id(title or Path(name).stem, text), text=text,
                   title=title, source=Path(name).name, paragraphs=paragraph_offsets(text))
    b = LayerBuilder("doccano", name, doc, who)
    omap = OffsetMap(text)

    def offsets(s: Any, e: Any, what: str) -> list[tuple[int, int]]:
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (s, e)):
            raise fail(f"{what}: offsets must be integers, got {s!r}, {e!r}")
        a, z = from_units(omap, s, unit), from_units(omap, e, unit)
        if a < 0 or z < 0:
            raise fail(f"{what}: offset splits a character (UTF-16 units inside an emoji); "
                       "try --offsets codepoint")
        return [(a, z)]

    if "entities" in obj:
        ents = obj["entities"]
        if not isinstance(ents, list):
            raise fail('"entities" must be a list')
        for i, ent in enumerate(ents):
            if not isinstance(ent, dict) or not {"label", "start_offset", "end_offset"} \
                    <= ent.keys():
                raise fail(f"entity #{i + 1} needs label, start_offset and end_offset")
            local = str(ent.get("id", f"#{i + 1}"))
            b.add_span(local, ent["label"], offsets(ent["start_offset"], ent["end_offset"],
                                                    f"entity {local}"), lineno)
        rels = obj.get("relations", [])
        if not isinstance(rels, list):
            raise fail('"relations" must be a list')
        for i, rel in enumerate(rels):
            if not isinstance(rel, dict) or not {"from_id", "to_id", "type"} <= rel.keys():
                raise fail(f"relation #{i + 1} needs from_id, to_id and type")
            if not isinstance(rel["type"], str):
                raise fail(f"relation #{i + 1}: type must be a string")
            b.relate(str(rel["from_id"]), str(rel["to_id"]), rel["type"], lineno)
    elif "label" in obj:
        labels = obj["label"]
        if not isinstance(labels, list):
            raise fail('"label" must be a list of [start, end, "LABEL"]')
        for i, item in enumerate(labels):
            if not isinstance(item, list) or len(item) != 3:
                raise fail(f"label #{i + 1} must be [start, end, \"LABEL\"] (text "
                           "classification labels are not spans)")
            b.add_span(f"#{i + 1}", item[2], offsets(item[0], item[1], f"label #{i + 1}"),
                       lineno)
    else:
        raise fail('no "entities" or "label" in the line')
    return b.build(lineno)
