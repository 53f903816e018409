"""brat, doccano, Label Studio, Prodigy and flat spans: round trips, offsets, validation."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from annotator.domain.errors import InputError
from annotator.domain.model import STATUS_DONE, Document, Frame
from annotator.domain.text import paragraph_offsets
from annotator.formats.registry import detect, export, import_annotations
from annotator.store.project import Project
from tests.formats.test_canonical import dump_db

# astral emoji, a ZWJ family (5 code points), a combining acute, a flag (2 regional marks)
TEXT = ("😀 Zoë Smith said “the e\u0301lection 👩‍👩‍👧 was rigged” today.\n\n"
        "🇫🇷 Officials, however, told reporters it was fair.")


def at(word: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(word, i + 1)
    return i, i + len(word)


@pytest.fixture
def source(tmp_path: Path) -> Project:
    p = Project.open(tmp_path / "source.db")
    p.add_documents([Document(id="doc-1", text=TEXT, title="Tïtle",
                              paragraphs=paragraph_offsets(TEXT))])
    src = p.add_span(p.make_span("doc-1", "alice", "SOURCE", [at("Zoë Smith")],
                                 note="two\nlines \\ here"))
    cue = p.add_span(p.make_span("doc-1", "alice", "CUE", [at("said")]))
    con = p.add_span(p.make_span("doc-1", "alice", "CONTENT",
                                 [at("“the e\u0301lection"), at("was rigged”")]))
    p.add_span(p.make_span("doc-1", "alice", "STANCE", [at("👩‍👩‍👧")],
                           attributes={"polarity": "AGAINST", "target": "United States"}))
    src2 = p.add_span(p.make_span("doc-1", "alice", "SOURCE", [at("Officials")]))
    cue2 = p.add_span(p.make_span("doc-1", "alice", "CUE", [at("told reporters")]))
    con2 = p.add_span(p.make_span("doc-1", "alice", "CONTENT", [at("it was fair")]))
    p.add_frame(Frame(id="f1", document_id="doc-1", annotator="alice", cue=cue.id,
                      sources=(src.id,), contents=(con.id,),
                      attributes={"stance": "AGAINST", "target": "the election"}))
    p.add_frame(Frame(id="f2", document_id="doc-1", annotator="alice", cue=cue2.id,
                      sources=(src2.id,), contents=(con2.id,), parent_id="f1",
                      attributes={"stance": "FAVOR", "quote_form": "INDIRECT"}))
    p.add_span(p.make_span("doc-1", "bob", "CUE", [at("🇫🇷")]))
    p.set_status("doc-1", "alice", STATUS_DONE)
    yield p
    p.close()


@pytest.fixture
def target(tmp_path: Path) -> Project:
    p = Project.open(tmp_path / "target.db")
    yield p
    p.close()


def span_key(layer, per_fragment: bool = False) -> list:
    out = []
    for s in layer.spans:
        frs = [(f,) for f in s.fragments] if per_fragment else [s.fragments]
        for fr in frs:
            out.append((s.label, tuple(fr), s.text if not per_fragment else None))
    return sorted(out)


def frame_key(layer, attrs: bool = True, parent: bool = True) -> list:
    by = {s.id: (s.label, s.fragments[0]) for s in layer.spans}
    ids = {f.id: by[f.cue] for f in layer.frames}
    return sorted((f.type, by[f.cue], tuple(by[x] for x in f.sources),
                   tuple(by[x] for x in f.contents),
                   json.dumps(f.attributes, sort_keys=True) if attrs else "",
                   ids.get(f.parent_id) if parent else None) for f in layer.frames)


def frame_fragments(layer) -> list:
    """Each frame (by its cue) with every fragment of its members: a discontinuous member
    read back as one span per fragment must still be in the frame, whole."""
    by = {s.id: s for s in layer.spans}
    return sorted((by[f.cue].fragments[0],
                   tuple(sorted(fr for sid in f.sources for fr in by[sid].fragments)),
                   tuple(sorted(fr for sid in f.contents for fr in by[sid].fragments)))
                  for f in layer.frames)


def roundtrip(source: Project, target: Project, fmt: str, tmp_path: Path, **kw):
    out = tmp_path / ("out" if fmt == "brat" else f"out.{fmt}")
    report = export(source, fmt, out, **kw)
    imported = import_annotations(target, fmt, [out], **kw)
    return out, report, imported


def test_brat_round_trip_keeps_everything_it_can(source, target, tmp_path) -> None:
    out, report, imported = roundtrip(source, target, "brat", tmp_path)
    assert sorted(p.name for p in out.iterdir()) == [
        "annotation.conf", "doc-1.txt", "doc-1_alice.ann", "doc-1_bob.ann"]
    assert (out / "doc-1.txt").read_bytes() == TEXT.encode("utf-8")
    ann = (out / "doc-1_alice.ann").read_text(encoding="utf-8")
    (a, b), (c, d) = at("“the e\u0301lection"), at("was rigged”")
    assert f"CONTENT {a} {b};{c} {d}\t“the e\u0301lection was rigged”" in ann
    assert "\tATTRIBUTION:T8 Cue:T2 Source:T1 Content:T3" in ann
    assert "target T4 United%20States" in ann and "stance E1 AGAINST" in ann
    assert "Parent:E1" in ann and "#1\tAnnotatorNotes T1\ttwo\\nlines \\\\ here" in ann
    assert imported.layers_written == 2 and imported.documents_added == ["doc-1"]
    a, b = source.layer("doc-1", "alice"), target.layer("doc-1", "alice")
    assert span_key(a) == span_key(b)
    assert sorted((s.text, s.note, json.dumps(s.attributes)) for s in a.spans) == \
        sorted((s.text, s.note, json.dumps(s.attributes)) for s in b.spans)
    assert frame_key(a) == frame_key(b)
    assert span_key(source.layer("doc-1", "bob")) == span_key(target.layer("doc-1", "bob"))
    # the same folder again changes nothing (stable ids)
    before = dump_db(target)
    again = import_annotations(target, "brat", [out])
    assert again.layers_unchanged == 2 and dump_db(target) == before


def test_brat_event_without_cue_argument_uses_its_trigger(target, tmp_path) -> None:
    (tmp_path / "a.txt").write_text("Bob said hi.", encoding="utf-8")
    (tmp_path / "a_carol.ann").write_text(
        "T1\tSOURCE 0 3\tBob\nT2\tCONTENT 9 11\thi\nT4\tAttribution 4 8\tsaid\n"
        "E1\tAttribution:T4 Source:T1 Content:T2\nA1\tStance E1 NEUTRAL\n"
        "R1\tSource Arg1:T5 Arg2:T1\nT5\tCUE 4 8\tsaid\n", encoding="utf-8")
    import_annotations(target, "brat", [tmp_path / "a_carol.ann"])
    layer = target.layer("a", "carol")
    labels = {s.id: (s.label, s.text) for s in layer.spans}
    got = sorted((labels[f.cue], tuple(labels[x] for x in f.sources),
                  tuple(labels[x] for x in f.contents), json.dumps(f.attributes))
                 for f in layer.frames)
    assert got == [(("CUE", "said"), (("SOURCE", "Bob"),), (), "{}"),
                   (("CUE", "said"), (("SOURCE", "Bob"),), (("CONTENT", "hi"),),
                    '{"Stance": "NEUTRAL"}')]


def test_doccano_counts_utf16_by_default(source, target, tmp_path) -> None:
    out, report, _ = roundtrip(source, target, "doccano", tmp_path)
    rec = json.loads(out.read_text(encoding="utf-8").split("\n")[0])
    said = next(e for e in rec["entities"] if e["label"] == "CUE")
    u16 = TEXT.encode("utf-16-le")
    assert u16[2 * said["start_offset"]:2 * said["end_offset"]].decode("utf-16-le") == "said"
    assert said["start_offset"] == at("said")[0] + 1  # one emoji before: one extra unit
    assert any("discontinuous" in n for n in report.notes)
    a, b = source.layer("doc-1", "alice"), target.layer("doc-1", "alice")
    assert span_key(a, per_fragment=True) == span_key(b, per_fragment=True)
    assert [f.type for f in a.frames] == [f.type for f in b.frames]
    assert frame_fragments(a) == frame_fragments(b)


def test_doccano_codepoint_option_and_label_shape(source, target, tmp_path) -> None:
    out = tmp_path / "cp.jsonl"
    export(source, "doccano-label", out, offsets="codepoint", annotators=["alice"])
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert [at("said")[0], at("said")[1], "CUE"] in rec["label"]
    assert detect(out) == "doccano"
    import_annotations(target, "doccano", [out], offsets="codepoint")
    assert span_key(source.layer("doc-1", "alice"), True) == \
        span_key(target.layer("doc-1", "alice"), True)
    assert target.layer("doc-1", "alice").frames == []


def test_labelstudio_round_trip(source, target, tmp_path) -> None:
    out, report, _ = roundtrip(source, target, "labelstudio", tmp_path)
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert len(tasks) == 1 and [a["completed_by"] for a in tasks[0]["annotations"]] == [
        "alice", "bob"]
    a, b = source.layer("doc-1", "alice"), target.layer("doc-1", "alice")
    assert sorted(s.id for s in a.spans) == sorted(s.id for s in b.spans)  # ids kept
    assert span_key(a) == span_key(b)  # discontinuous spans reassembled
    assert sorted((s.note, json.dumps(s.attributes)) for s in a.spans) == \
        sorted((s.note, json.dumps(s.attributes)) for s in b.spans)
    assert frame_key(a, parent=False) == frame_key(b, parent=False)
    assert any("parent" in n for n in report.notes)


def test_labelstudio_detected_when_tasks_are_long(source, tmp_path) -> None:
    long_text = "Long text. " * 2000
    task = [{"annotations": [{"completed_by": "x", "result": []}],
             "data": {"text": long_text}}]
    path = tmp_path / "long.json"
    path.write_text(json.dumps(task), encoding="utf-8")
    assert detect(path) == "labelstudio"
    path.write_text(json.dumps({"not": "a task"}), encoding="utf-8")
    assert detect(path) is None


def test_labelstudio_old_utf16_regions_are_converted(target, tmp_path) -> None:
    text = "😀 Bob said hi."
    task = [{"data": {"text": text}, "annotations": [{"completed_by": 7, "result": [
        {"id": "r1", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": 3, "end": 6, "text": "Bob", "labels": ["SOURCE"]}}]}]}]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(task), encoding="utf-8")
    assert detect(path) == "labelstudio"
    report = import_annotations(target, "labelstudio", [path])
    doc_id = target.documents()[0].id
    (span,) = target.spans(doc_id, "user7")
    assert span.fragments == ((2, 5),) and span.text == "Bob"
    assert any("UTF-16" in n for n in report.notes)


def test_prodigy_round_trip(source, target, tmp_path) -> None:
    out, _, _ = roundtrip(source, target, "prodigy", tmp_path)
    rec = json.loads(out.read_text(encoding="utf-8").split("\n")[0])
    tok = {t["id"]: t for t in rec["tokens"]}
    for sp in rec["spans"]:
        assert tok[sp["token_start"]]["start"] <= sp["start"] < tok[sp["token_end"]]["end"]
    assert detect(out) == "prodigy"
    a, b = source.layer("doc-1", "alice"), target.layer("doc-1", "alice")
    assert span_key(a, per_fragment=True) == span_key(b, per_fragment=True)
    assert [f.type for f in a.frames] == [f.type for f in b.frames]
    assert frame_fragments(a) == frame_fragments(b)


def test_flat_spans_jsonl_and_csv(source, tmp_path) -> None:
    buf = io.StringIO()
    export(source, "spans", buf, annotators=["alice"])
    recs = [json.loads(x) for x in buf.getvalue().splitlines()]
    said = [r for r in recs if r["text"] == "said"]
    assert said == [{"document_id": "doc-1", "annotator": "alice", "span_id": said[0]["span_id"],
                     "label": "CUE", "start": at("said")[0], "end": at("said")[1],
                     "text": "said", "frame_id": "f1", "role": "cue", "stance": "AGAINST",
                     "target": "the election"}]
    stance = next(r for r in recs if r["label"] == "STANCE")
    assert (stance["frame_id"], stance["stance"], stance["target"]) == (
        None, "AGAINST", "United States")
    export(source, "spans", tmp_path / "s.csv")
    rows = list(csv.DictReader(open(tmp_path / "s.csv", encoding="utf-8")))
    assert len(rows) == len(recs) + 1 and rows[0]["document_id"] == "doc-1"


# --------------------------------------------------------------------------- validation
BRAT_TXT = "Bob 😀 said hi."
BAD_BRAT = [
    ("T1\tSOURCE 0 3\tBib\n", 1, "differs from the document text"),
    ("T1\tSOURCE 0 3\tBob\nT2\tCUE 6 99\tx\n", 2, "outside the text"),
    ("T1\tSOURCE 0 3\tBob\nT1\tCUE 6 10\tsaid\n", 2, "duplicate id 'T1'"),
    ("T1\tSPEAKER 0 3\tBob\n", 1, "unknown label 'SPEAKER'"),
    ("T1\tCUE 6 10\tsaid\nT2\tATTRIBUTION 6 10\tsaid\nE1\tATTRIBUTION:T2 Cue:T1 "
     "Content:T9\n", 3, "missing span 'T9'"),
    ("T1\tCUE 6 10\tsaid\nA1\tstance T7 FAVOR\n", 2, "missing annotation 'T7'"),
    ("T1\tCUE six 10\tsaid\n", 1, "bad offsets"),
    ("*\tEquiv T1 T2\n", 1, "equivalence lines are not supported"),
]


@pytest.mark.parametrize("ann,line,message", BAD_BRAT)
def test_bad_brat_is_refused(target, tmp_path, ann, line, message) -> None:
    (tmp_path / "d.txt").write_text(BRAT_TXT, encoding="utf-8")
    (tmp_path / "d_x.ann").write_text(ann, encoding="utf-8")
    before = dump_db(target)
    with pytest.raises(InputError) as err:
        import_annotations(target, "brat", [tmp_path])
    assert str(err.value).startswith(f"{tmp_path / 'd_x.ann'}:{line}: ")
    assert message in str(err.value)
    assert dump_db(target) == before


def test_unknown_label_with_add_labels(target, tmp_path) -> None:
    (tmp_path / "d.txt").write_text(BRAT_TXT, encoding="utf-8")
    (tmp_path / "d_x.ann").write_text("T1\tSPEAKER 0 3\tBob\n", encoding="utf-8")
    report = import_annotations(target, "brat", [tmp_path], add_labels=True)
    assert report.labels_added == ["SPEAKER"] and target.schema.label("SPEAKER") is not None


BAD_JSON = [
    ("doccano", '{"text": "Bob said", "annotator": "x", "entities": [{"id": 1, "label": '
                '"CUE", "start_offset": 4, "end_offset": 40}]}', "outside the text"),
    ("doccano", '{"text": "Bob said", "annotator": "x", "entities": [{"id": 1, "label": '
                '"CUE", "start_offset": "4", "end_offset": 8}]}', "must be integers"),
    ("doccano", '{"text": "Bob said", "annotator": "x", "entities": [{"id": 1, "label": '
                '"CUE", "start_offset": 4, "end_offset": 8}], "relations": [{"id": 1, '
                '"from_id": 1, "to_id": 5, "type": "source"}]}', "missing span '5'"),
    ("doccano", '{"text": "Bob said", "entities": []}', "name one with --annotator"),
    ("doccano", '{"text": "Bob said", "annotator": "x", "label": ["news"]}',
     "text classification labels"),
    ("prodigy", '{"text": "Bob said", "_annotator_id": "x", "spans": [{"start": 0, "end": 3, '
                '"label": "SOURCE"}], "relations": [{"label": "source", "head": 1, '
                '"child": 0}]}', "its head is not one of the task's spans"),
    ("prodigy", '{"text": "Bob said", "_annotator_id": "x", "spans": [{"start": 0, "end": 3, '
                '"label": "SOURCE", "text": "Rob"}]}', "differs from the document text"),
    ("labelstudio", '[{"data": {"text": "Bob said"}, "annotations": [{"completed_by": "x", '
                    '"result": [{"id": "a", "type": "labels", "value": {"start": 0, "end": 3, '
                    '"text": "Rob", "labels": ["SOURCE"]}}]}]}]', "differs from the document"),
    ("labelstudio", '[{"data": {"text": "Bob said"}, "annotations": [{"completed_by": "x", '
                    '"result": [{"id": "a", "type": "labels", "value": {"start": 0, "end": 3, '
                    '"labels": ["NOPE"]}}]}]}]', "unknown label 'NOPE'"),
]


@pytest.mark.parametrize("fmt,content,message", BAD_JSON)
def test_bad_json_formats_are_refused(target, tmp_path, fmt, content, message) -> None:
    good = {"doccano": '{"text": "Fine text.", "annotator": "x", "entities": []}',
            "prodigy": '{"text": "Fine text.", "_annotator_id": "x", "spans": []}'}
    path = tmp_path / ("in.json" if fmt == "labelstudio" else "in.jsonl")
    body = content if fmt == "labelstudio" else good[fmt] + "\n" + content + "\n"
    if fmt == "labelstudio":
        body = "\n" + body  # the task starts on line 2
    path.write_text(body, encoding="utf-8")
    before = dump_db(target)
    with pytest.raises(InputError) as err:
        import_annotations(target, fmt, [path])
    assert str(err.value).startswith(f"{path}:2: "), str(err.value)
    assert message in str(err.value)
    assert dump_db(target) == before


def test_detection(source, tmp_path) -> None:
    for fmt, name in (("canonical", "c.jsonl"), ("brat", "b"), ("labelstudio", "l.json"),
                      ("doccano", "d.jsonl"), ("prodigy", "p.jsonl")):
        export(source, fmt, tmp_path / name)
        assert detect(tmp_path / name) == fmt
    docs = tmp_path / "docs.jsonl"
    docs.write_text('{"text": "Just a document."}\n', encoding="utf-8")
    assert detect(docs) == "articles"
    assert detect(tmp_path / "b" / "doc-1.txt") == "brat"


@pytest.mark.parametrize("fmt", ["brat", "labelstudio"])
def test_importing_ones_own_export_again_changes_nothing(source, tmp_path, fmt) -> None:
    """Ids, origins and times are kept for items that come back unchanged, so adjudication
    provenance (which names item ids) survives a round trip through another tool."""
    out = tmp_path / ("out" if fmt == "brat" else "out.json")
    export(source, fmt, out)
    before = dump_db(source)
    report = import_annotations(source, fmt, [out])
    assert report.layers_written == 0 and report.layers_unchanged >= 2
    assert dump_db(source) == before


def test_reimport_keeps_ids_of_unchanged_items_when_others_changed(source, tmp_path) -> None:
    out = tmp_path / "out.jsonl"
    export(source, "doccano", out)  # drops attributes and notes: those spans come back new
    alice = source.layer("doc-1", "alice")
    import_annotations(source, "doccano", [out])
    kept = {s.id for s in source.spans("doc-1", "alice")}
    plain = {s.id for s in alice.spans
             if not s.attributes and not s.note and len(s.fragments) == 1}
    assert plain and plain <= kept


def test_labelstudio_detected_whatever_the_file_is_called(source, tmp_path) -> None:
    out = tmp_path / "tasks.jsonl"
    export(source, "labelstudio", out)
    assert detect(out) == "labelstudio"
