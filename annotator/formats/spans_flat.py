"""Flat spans (``--format spans``): one record per span, for spreadsheets and pandas.

Columns: ``document_id, annotator, span_id, label, start, end, text, frame_id, role,
stance, target``. A span that fills roles in several frames gets one record per frame
role; a span in no frame gets one record with empty ``frame_id``/``role``, and its own
``stance``/``target`` attributes when it has them (``polarity``, or ``stance``, and
``target`` of a STANCE span). Offsets are code points; ``start``/``end`` are the hull of
a discontinuous span (its ``text`` joins the fragments with one space).

JSON Lines by default (``pandas.read_json(path, lines=True)``); CSV (UTF-8, header row)
when the output file name ends in ``.csv``. Export only: the records do not carry the
document text, frame attributes other than stance/target, or notes, so they cannot be
imported back.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from ..store.project import Project
from .articles import Progress
from .canonical import ExportReport
from .interchange import iter_layers, open_out

COLUMNS = ("document_id", "annotator", "span_id", "label", "start", "end", "text",
           "frame_id", "role", "stance", "target")


def span_records(layer: Any) -> list[dict[str, Any]]:
    member: dict[str, list[tuple[Any, str]]] = {}
    for f in layer.frames:
        for role, sid, _ in f.roles():
            member.setdefault(sid, []).append((f, role))
    out = []
    for s in layer.spans:
        base = {"document_id": layer.document.id, "annotator": layer.annotator,
                "span_id": s.id, "label": s.label, "start": s.start, "end": s.end,
                "text": s.text}
        if s.id not in member:
            out.append({**base, "frame_id": None, "role": None,
                        "stance": s.attributes.get("polarity", s.attributes.get("stance")),
                        "target": s.attributes.get("target")})
            continue
        for f, role in member[s.id]:
            out.append({**base, "frame_id": f.id, "role": role,
                        "stance": f.attributes.get("stance"),
                        "target": f.attributes.get("target")})
    return out


def write_spans(project: Project, out: str | Path | IO[str],
                annotators: Iterable[str] | None = None, gold: bool = False,
                status: str | None = None, progress: Progress | None = None,
                as_csv: bool | None = None) -> ExportReport:
    if as_csv is None:
        as_csv = isinstance(out, (str, Path)) and str(out).lower().endswith(".csv")
    report = ExportReport()
    docs: set[str] = set()
    with open_out(out) as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n") if as_csv \
            else None
        if writer:
            writer.writeheader()
        for layer in iter_layers(project, annotators, gold, status, progress):
            docs.add(layer.document.id)
            for rec in span_records(layer):
                if writer:
                    writer.writerow({k: "" if v is None else v for k, v in rec.items()})
                else:
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                report.lines += 1
            report.spans += len(layer.spans)
            report.frames += len(layer.frames)
    report.documents = len(docs)
    return report
