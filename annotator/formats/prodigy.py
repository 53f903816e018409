"""Prodigy / spaCy-style JSONL (``ner_manual`` + ``rel.manual`` tasks), both ways.

One line per (document, annotator): ``{"text", "tokens": [{"text", "start", "end", "id",
"ws"}], "spans": [{"start", "end", "label", "token_start", "token_end"}], "relations":
[{"head", "child", "head_span", "child_span", "label"}], "meta": {"document_id", "title",
"annotator", ...}, "_annotator_id", "answer": "accept"}``.

* Offsets are code points (Prodigy and spaCy are Python), as ours.
* Tokens come from the agreement tokenizer (words and punctuation marks); a span's
  ``token_start``/``token_end`` are the first and last tokens it overlaps (inclusive), so
  a span that does not fall on token boundaries keeps exact character offsets but Prodigy
  shows it widened to whole tokens.
* A frame is relations *from its cue* (``head``/``head_span``) to each source and content
  (``child``/``child_span``), ``label`` = role; ``head``/``child`` are the last token of
  each span, as Prodigy's relation UI sets them. On import spans are found by
  ``head_span``/``child_span`` offsets and label (or by token when those are missing).
* Not held: discontinuous spans (one span per fragment), span attributes and notes, frame
  attributes (stance, target, ...), frames without a cue, nested frames, ids, origin,
  timestamps, status. Tasks answered ``reject`` or ``ignore`` are not imported.
* The annotator is read from ``meta.annotator``, else ``_annotator_id``, else
  ``--annotator``.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from ..domain.errors import InputError
from ..domain.model import Document
from ..domain.text import paragraph_offsets, tokenize
from ..store.project import Project
from .articles import Progress, make_document_id
from .canonical import ExportReport
from .interchange import (
    LayerBuilder,
    Lossy,
    ParsedLayer,
    frame_relations,
    iter_layers,
    object_with_text,
    open_out,
)
from .jsonlines import iter_json_lines, read_input_text


def write_prodigy(project: Project, out: str | Path | IO[str],
                  annotators: Iterable[str] | None = None, gold: bool = False,
                  status: str | None = None, progress: Progress | None = None) -> ExportReport:
    report = ExportReport()
    lossy = Lossy()
    split = dropped = 0
    docs: set[str] = set()
    with open_out(out) as fh:
        for layer in iter_layers(project, annotators, gold, status, progress):
            doc = layer.document
            docs.add(doc.id)
            toks = tokenize(doc.text)
            starts, ends = [s for s, _ in toks], [e for _, e in toks]
            spans: list[dict[str, Any]] = []
            pieces: dict[str, list[dict[str, Any]]] = {}  # span id -> its fragments' spans
            for sp in layer.spans:
                split += len(sp.fragments) > 1
                dropped += bool(sp.attributes or sp.note)
                for a, b in sp.fragments:
                    item = {"start": a, "end": b, "label": sp.label,
                            **_token_range(starts, ends, a, b)}
                    spans.append(item)
                    pieces.setdefault(sp.id, []).append(item)
            rels = []
            for r in frame_relations(layer.frames, lossy):
                head = pieces[r.cue][0]
                for child in pieces[r.member]:  # every fragment stays in the frame
                    rels.append({"head": head.get("token_end", -1),
                                 "child": child.get("token_end", -1),
                                 "head_span": head, "child_span": child, "label": r.role})
            dropped += sum(bool(f.attributes) or f.parent_id is not None
                           for f in layer.frames)
            tokens = [{"text": doc.text[s:e], "start": s, "end": e, "id": i,
                       "ws": e < len(doc.text) and doc.text[e].isspace()}
                      for i, (s, e) in enumerate(toks)]
            rec = {"text": doc.text, "tokens": tokens, "spans": spans, "relations": rels,
                   "meta": {"document_id": doc.id, "title": doc.title, "author": doc.author,
                            "published": doc.published, "source": doc.source,
                            "annotator": layer.annotator},
                   "_annotator_id": layer.annotator, "answer": "accept"}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            report.lines += 1
            report.spans += len(layer.spans)
            report.frames += len(layer.frames)
    report.documents = len(docs)
    if split:
        lossy.notes.append(f"{split} discontinuous span(s) were written as one span per "
                           "fragment")
    if dropped:
        lossy.notes.append(f"{dropped} item(s) had attributes, notes or a parent that this "
                           "format cannot hold")
    report.notes = lossy.lines()
    return report


def _token_range(starts: list[int], ends: list[int], a: int, b: int) -> dict[str, int]:
    """The first and last token overlapping [a, b) (none for a span of white space)."""
    i, j = bisect_right(ends, a), bisect_left(starts, b) - 1
    return {"token_start": i, "token_end": j} if i <= j else {}


def looks_prodigy(obj: Any) -> bool:
    return (isinstance(obj, dict) and isinstance(obj.get("text"), str)
            and isinstance(obj.get("spans"), list) and "annotator" not in obj
            and all(isinstance(s, dict) for s in obj["spans"]))


def read_prodigy(path: str | Path, annotator: str | None = None,
                 ) -> tuple[list[ParsedLayer], list[str]]:
    path = Path(path)
    name = str(path)
    raw = read_input_text(path)
    out: list[ParsedLayer] = []
    skipped = 0
    for lineno, obj in iter_json_lines(raw, name):
        if isinstance(obj, dict) and obj.get("answer") in ("reject", "ignore"):
            skipped += 1
            continue
        out.append(_parse(obj, name, lineno, annotator))
    if not out:
        raise InputError(name, 1, "no accepted tasks in the file")
    return out, ([f"{skipped} rejected or ignored task(s) were skipped"] if skipped else [])


def _parse(obj: Any, name: str, lineno: int, annotator: str | None) -> ParsedLayer:
    def fail(msg: str) -> InputError:
        return InputError(name, lineno, msg)

    obj, text = object_with_text(obj, fail)
    meta = obj.get("meta", {})
    if not isinstance(meta, dict):
        raise fail('"meta" must be an object')
    who = annotator or next((v for v in (meta.get("annotator"), obj.get("_annotator_id"))
                             if isinstance(v, str) and v), None)
    if not who:
        raise fail("no annotator in the task; name one with --annotator NAME")
    fields = {k: meta.get(k, "") for k in ("title", "author", "published", "source")}
    fields = {k: v if isinstance(v, str) else str(v) for k, v in fields.items()}
    doc_id = meta.get("document_id")
    if doc_id is not None and (not isinstance(doc_id, str) or not doc_id):
        raise fail('"meta.document_id" must be a non-empty string')
    doc = Document(id=doc_id or make_document_id(fields["title"] or Path(name).stem, text),
                   text=text, paragraphs=paragraph_offsets(text), **fields)
    b = LayerBuilder("prodigy", name, doc, who)
    spans = obj.get("spans", [])
    if not isinstance(spans, list):
        raise fail('"spans" must be a list')
    by_offsets: dict[tuple[int, int, str], str] = {}
    by_token: dict[int, str] = {}
    for i, sp in enumerate(spans):
        if not isinstance(sp, dict) or not {"start", "end", "label"} <= sp.keys():
            raise fail(f"span #{i + 1} needs start, end and label")
        local = f"#{i + 1}"
        b.add_span(local, sp["label"], [(sp["start"], sp["end"])], lineno,
                   expected_text=sp["text"] if isinstance(sp.get("text"), str) else None)
        by_offsets.setdefault((sp["start"], sp["end"], sp["label"]), local)
        if isinstance(sp.get("token_end"), int):
            by_token.setdefault(sp["token_end"], local)
    rels = obj.get("relations", [])
    if not isinstance(rels, list):
        raise fail('"relations" must be a list')
    for i, rel in enumerate(rels):
        if not isinstance(rel, dict) or not isinstance(rel.get("label"), str):
            raise fail(f"relation #{i + 1} needs a label")
        ends = []
        for key in ("head", "child"):
            span = rel.get(f"{key}_span")
            if isinstance(span, dict) and {"start", "end", "label"} <= span.keys():
                local = by_offsets.get((span["start"], span["end"], span["label"]))
            else:
                local = by_token.get(rel.get(key)) if isinstance(rel.get(key), int) else None
            if local is None:
                raise fail(f"relation #{i + 1}: its {key} is not one of the task's spans")
            ends.append(local)
        b.relate(ends[0], ends[1], rel["label"], lineno)
    return b.build(lineno)
