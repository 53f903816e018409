"""The canonical export's streaming readers (SQLite builds the span and frame JSON):
strings that need escaping come out as json.dumps writes them, frame members keep their
order, and such a file round-trips byte for byte."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

from annotator.domain.model import Document, Frame
from annotator.formats import canonical
from annotator.formats.canonical import write_canonical
from annotator.store.project import Project
from tests.formats.test_canonical import fill

ODD = 'q"uote \\ back\ttab\nnl \x01 ctl é 😀'


def odd_fill(p: Project) -> None:
    """``fill`` plus ids, notes and attributes that need JSON escaping, and a frame with
    several sources and contents in a given order."""
    fill(p)
    text = f"{ODD} and more words here, {ODD} again."
    p.add_documents([Document(id='d"3\\', text=text, title=ODD, author=ODD, source=ODD,
                              meta={"k": ODD})])
    spans = [p.add_span(replace(p.make_span('d"3\\', f'ann"{ODD}', "SOURCE", [(a, b)],
                                            note=ODD, attributes={ODD: ODD}),
                                id=f'span{i}"{ODD}'))
             for i, (a, b) in enumerate([(0, 8), (9, 15), (20, 30), (40, 45), (46, 50)])]
    p.add_frame(Frame(id=f'f"{ODD}', document_id='d"3\\', annotator=f'ann"{ODD}',
                      cue=spans[4].id, sources=(spans[3].id, spans[0].id),
                      contents=(spans[2].id, spans[1].id), attributes={"stance": ODD}))


def test_escaped_strings_and_member_order(project: Project, tmp_path: Path) -> None:
    odd_fill(project)
    out = tmp_path / "out.jsonl"
    write_canonical(project, out)
    text = out.read_text(encoding="utf-8")
    for line in text.splitlines():  # SQLite's escaping is json.dumps' escaping
        assert json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False,
                          separators=(",", ":")) == line
    buf = io.StringIO()
    write_canonical(project, buf)  # a text stream gets the same text
    assert buf.getvalue() == text
    objs = [json.loads(line) for line in text.splitlines()]
    odd = next(f for o in objs for f in o["frames"] if f["id"] == f'f"{ODD}')
    assert odd["sources"] == [f'span3"{ODD}', f'span0"{ODD}']
    assert odd["contents"] == [f'span2"{ODD}', f'span1"{ODD}']
    assert odd["cue"] == f'span4"{ODD}' and odd["attributes"] == {"stance": ODD}
    assert odd["parent"] is None
    span = next(s for o in objs for s in o["spans"] if s["id"] == f'span0"{ODD}')
    assert span["text"] == ODD[:8] and span["note"] == ODD and span["attributes"] == {ODD: ODD}


def test_round_trip_with_escapes_is_byte_identical(project: Project, tmp_path: Path) -> None:
    odd_fill(project)
    first = tmp_path / "a.jsonl"
    write_canonical(project, first)
    second = tmp_path / "b.jsonl"
    with Project.open(tmp_path / "other.db") as other:
        canonical.import_canonical(other, first)
        write_canonical(other, second)
    assert second.read_bytes() == first.read_bytes()


def test_export_queries_read_in_index_order(project: Project) -> None:
    """Schema step 0002's indexes serve the export's orders: no sort, no temp B-tree."""
    from annotator.store import streaming

    conn = project.db.conn
    for sql, index in ((streaming._SPANS, "idx_spans_doc"),
                       (streaming._FRAMES, "idx_frames_doc"),
                       (streaming._FRAMES, "idx_frame_roles_order")):
        plan = " | ".join(r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", ("d", "a")))
        assert index in plan and "TEMP B-TREE" not in plan, plan
