"""The bulk path into an empty project (``canonical_rows`` / ``canonical_bulk``) accepts,
writes and refuses exactly what the object path (``iter_canonical`` + ``LayerWriter``)
does: the same rows, the same report, the same ``file:line: message``; with the lines
parsed here or in the parser process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.domain.errors import InputError
from annotator.domain.model import Document
from annotator.formats import canonical_bulk
from annotator.formats.canonical import import_canonical, write_canonical
from annotator.store.project import Project
from tests.formats.test_canonical import dump_db, fill

ANCHOR = Document(id="anchor", text="A document only there to make the project non-empty.")


@pytest.fixture(params=["here", "process"])
def parser(request, monkeypatch) -> str:
    """Where an import into an empty project parses: in this process, or (every file
    counting as large) in the parser process."""
    if request.param == "process":
        monkeypatch.setattr(canonical_bulk, "PARALLEL_BYTES", 0)
    else:
        monkeypatch.setattr(canonical_bulk, "PARALLEL_BYTES", 1 << 62)
    return request.param


def _lines(tmp_path: Path) -> list[dict]:
    """An export with every kind of item, plus hand-written lines in shapes an export
    does not write (optional keys left out, a parent after its child, a matched text)."""
    with Project.open(tmp_path / "src.db") as src:
        fill(src)
        out = tmp_path / "src.jsonl"
        write_canonical(src, out)
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    text = "Ann said that rain is wet, and Bob agreed loudly."
    lines.append({
        "document_id": "d3", "text": text, "annotator": "carl", "status": "done",
        "spans": [
            {"id": "s1", "label": "SOURCE", "start": 0, "end": 3},
            {"id": "s2", "label": "CUE", "fragments": [[4, 8]], "origin": "suggested"},
            {"id": "s3", "label": "CONTENT", "fragments": [[9, 13], [14, 25]],
             "text": "that rain is wet", "attributes": {"b": [1, {"z": None}], "a": "ü"}},
            {"id": "s4", "label": "SOURCE", "start": 31, "end": 34, "note": "n",
             "created_at": "2021-01-01", "attributes": {}},
            {"id": "s5", "label": "CUE", "start": 35, "end": 41, "text": "agreed"},
            {"id": "s6", "label": "CONTENT", "start": 42, "end": 48},
        ],
        "frames": [
            {"id": "child", "cue": "s5", "sources": ["s4"], "contents": ["s6"],
             "parent": "top"},
            {"id": "top", "type": "ATTRIBUTION", "cue": "s2", "sources": ["s1"],
             "contents": ["s3"], "attributes": {"stance": "FAVOR"},
             "created_at": "2021-01-02", "updated_at": "2021-01-03"},
        ]})
    lines.append({"document_id": "twin", "text": text, "annotator": "dora",
                  "spans": [{"id": "t1", "label": "STANCE", "start": 0, "end": 3}]})
    lines.append({"document_id": "d4", "text": "Empty layer.", "annotator": "erin",
                  "spans": [], "frames": []})
    return lines


def _write(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                    encoding="utf-8")
    return path


def _both(tmp_path: Path, path: Path, **kw) -> tuple[tuple, tuple]:
    """(rows, report) of an import into an empty project and into one holding only
    ANCHOR (the object path), with the anchor, positions and time stamps left out."""
    out = []
    run = len(list(tmp_path.glob("run*")))
    for name, anchored in (("empty.db", False), ("anchored.db", True)):
        (tmp_path / f"run{run}").mkdir(exist_ok=True)
        with Project.open(tmp_path / f"run{run}" / name) as p:
            if anchored:
                p.add_documents([ANCHOR])
            try:
                report = import_canonical(p, path, **kw)
            except InputError as exc:
                out.append(("error", str(exc)))
                continue
            meta, docs, anns, spans, frames, roles, status, prov, targets = dump_db(p)
            docs = [d[:9] for d in docs if d[0] != "anchor"]
            anns = [a[0] for a in anns]
            status = [s[:3] for s in status]
            out.append(((meta, docs, anns, spans, frames, roles, status, prov, targets),
                        report))
    return out[0], out[1]


def test_empty_project_gets_the_rows_and_report_of_the_object_path(tmp_path: Path,
                                                                   parser: str) -> None:
    path = _write(tmp_path / "all.jsonl", _lines(tmp_path))
    fast, slow = _both(tmp_path, path)
    assert fast[0] == slow[0]
    assert fast[1] == slow[1]
    assert fast[1].documents_matched == [("twin", "d3")] and fast[1].layers_unchanged == 1
    frames = [r[0] for r in fast[0][4]]
    assert set(frames) >= {"top", "child"}


def test_renamed_and_added_labels_match_the_object_path(tmp_path: Path, parser: str) -> None:
    lines = _lines(tmp_path)
    lines = [lines[4], lines[6]]  # (the twin of d3 would be a second layer of zoe's)
    for line in lines:
        line["spans"] = [dict(s, label="NEW") if s["id"] == "s4" else s
                         for s in line["spans"]]
    path = _write(tmp_path / "r.jsonl", lines)
    fast, slow = _both(tmp_path, path, annotator="zoe", add_labels=True)
    assert fast == slow and fast[1].labels_added == ["NEW"]
    assert set(fast[0][2]) == {"zoe"}
    err_fast, err_slow = _both(tmp_path, path, annotator="zoe")
    assert err_fast == err_slow
    assert err_fast[0] == "error" and "unknown label 'NEW'" in err_fast[1]


def _accepted(f):
    ACCEPTED.append(f)
    return f


def _cases() -> list:
    def span(i, j, **kw):
        def f(lines):
            lines[i]["spans"][j].update(kw)
        return f

    def drop(i, j, key):
        def f(lines):
            del lines[i]["spans"][j][key]
        return f

    def frame(i, j, **kw):
        def f(lines):
            lines[i]["frames"][j].update(kw)
        return f

    def line(i, **kw):
        def f(lines):
            lines[i].update(kw)
        return f

    def dup_across(lines):
        lines[4]["spans"][0]["id"] = lines[0]["spans"][0]["id"]

    def dup_frame_across(lines):
        lines[4]["frames"][1]["id"] = lines[0]["frames"][0]["id"]

    def second_line(lines):
        lines.append(dict(lines[4]))

    def other_schema(lines):
        lines[1]["schema"] = dict(lines[1]["schema"], version=99)

    return [
        span(0, 0, end=999, fragments=[[0, 999]]), span(0, 3, fragments=[[17, 25], [20, 30]]),
        span(4, 0, start=-1), span(4, 1, fragments=[[4, 8, 9]]), span(4, 1, fragments=[]),
        span(4, 0, text="Bob"), span(0, 0, label="NOPE"), span(4, 0, label="NOPE"),
        span(4, 0, label=["SOURCE"]), span(4, 0, origin=["x"]), span(4, 0, origin="robot"),
        span(0, 0, attributes=[]), span(0, 0, note=1), span(0, 0, created_at=None),
        span(0, 0, updated_at=5), span(0, 0, id=""), span(0, 0, id=7), span(0, 0, extra=1),
        span(0, 0, start=True), span(0, 0, fragments=[[True, 9]]), drop(0, 0, "label"),
        span(4, 5, id="s1"), frame(0, 0, cue="nope"), frame(0, 0, sources=["nope"]),
        frame(0, 0, contents=[1]), frame(0, 0, sources="s1"), frame(0, 0, type="OPINION"),
        frame(4, 0, type="OPINION"), frame(4, 0, type=None), frame(0, 0, parent="f2"),
        frame(4, 0, parent="nope"), frame(4, 1, parent="child"), frame(4, 0, id="top"),
        frame(0, 0, attributes=None), _accepted(frame(0, 0, contents=[])),
        frame(0, 1, sources=None),
        frame(4, 0, sources=["s4", "s4"]), frame(4, 0, cue="s4"), frame(0, 0, extra=1),
        line(4, status="finished"), line(4, annotator=""), line(5, annotator=None),
        line(5, document_id="d3", text="Other text"), line(1, provenance=[{"x": 1}]),
        line(2, provenance=[{"item_id": "x"}]), dup_across, dup_frame_across, second_line,
        other_schema, line(6, document_id="d3", annotator="carl"),
        line(5, annotator="carl"),
    ]


ACCEPTED: list = []  # cases the object path accepts (both paths must agree)


@pytest.mark.parametrize("mutate", _cases())
def test_bad_input_gets_the_message_of_the_object_path(tmp_path: Path, mutate,
                                                       monkeypatch) -> None:
    monkeypatch.setattr(canonical_bulk, "PARALLEL_BYTES", 1 << 62)
    lines = _lines(tmp_path)
    mutate(lines)
    path = _write(tmp_path / "bad.jsonl", lines)
    fast, slow = _both(tmp_path, path)
    assert fast == slow
    assert fast[0] == "error" or mutate in ACCEPTED


@pytest.mark.parametrize("mutate", _cases()[::6])
def test_the_parser_process_gives_the_same_messages(tmp_path: Path, mutate,
                                                    monkeypatch) -> None:
    monkeypatch.setattr(canonical_bulk, "PARALLEL_BYTES", 0)
    lines = _lines(tmp_path)
    mutate(lines)
    path = _write(tmp_path / "bad.jsonl", lines)
    fast, slow = _both(tmp_path, path)
    assert fast == slow


def test_batches_of_many_layers_name_the_line_of_a_clash(tmp_path: Path, parser: str,
                                                         monkeypatch) -> None:
    monkeypatch.setattr(canonical_bulk, "BATCH_ROWS", 10_000)  # every line in one batch
    lines = [{"document_id": f"d{i}", "text": f"Text {i}.", "annotator": "a",
              "spans": [{"id": f"s{i}", "label": "SOURCE", "start": 0, "end": 4}]}
             for i in range(6)]
    lines[4]["spans"][0]["id"] = "s1"
    path = _write(tmp_path / "clash.jsonl", lines)
    fast, slow = _both(tmp_path, path)
    assert fast == slow
    assert fast[1].startswith(f"{path}:5: an id in this layer is already used") and \
        "span id 's1' belongs to document d1, annotator a" in fast[1]
