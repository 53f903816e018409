"""Canonical JSONL: deterministic export, byte-identical round trip, validation."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from annotator.domain.errors import InputError
from annotator.domain.model import GOLD, STATUS_DONE, Document, Frame
from annotator.domain.provenance import Provenance, SourceRef
from annotator.domain.text import paragraph_offsets
from annotator.formats.canonical import (
    Cancelled,
    import_canonical,
    iter_canonical,
    read_canonical,
    write_canonical,
)
from annotator.store.project import Project

# emoji (astral), a combining accent, quotes, a backslash, a tab, a control character
TEXT = ('Zoë Smith said 😀 “the talks e\u0301choue\u0300rent.”\n\n'
        'Critics\targued "no" \\ and 👩‍👩‍👧 laughed.\x01')
CUSTOM = {"name": "custom", "version": 3, "labels": [
    {"name": "WHO", "key": "w", "color": "#112233"},
    {"name": "SAID", "key": "s", "color": "#445566"}]}


def fill(p: Project) -> None:
    p.add_documents([Document(id="d1", text=TEXT, title="Tïtle 😀", author="A. Writer",
                              published="2020-08-28", source="x.txt",
                              paragraphs=paragraph_offsets(TEXT), meta={"k": ["v", 1]}),
                     Document(id="d2", text="An unannotated document.")])
    src = p.add_span(p.make_span("d1", "alice", "SOURCE", [(0, 9)]))
    cue = p.add_span(p.make_span("d1", "alice", "CUE", [(10, 14)], note="tab\there"))
    con = p.add_span(p.make_span("d1", "alice", "CONTENT", [(17, 25), (27, 44)],
                                 attributes={"x": "ü"}))
    p.add_span(p.make_span("d1", "alice", "STANCE", [(15, 16)],
                           attributes={"polarity": "FAVOR", "target": "Rüssia"}))
    p.add_frame(Frame(id="f1", document_id="d1", annotator="alice", cue=cue.id,
                      sources=(src.id,), contents=(con.id,),
                      attributes={"stance": "AGAINST", "target": "Rüssia",
                                  "quote_form": "DIRECT"}))
    inner = p.add_span(p.make_span("d1", "alice", "CONTENT", [(47, 54)]))
    p.add_frame(Frame(id="f2", document_id="d1", annotator="alice", cue=cue.id,
                      contents=(inner.id,), parent_id="f1"))
    p.set_status("d1", "alice", STATUS_DONE)
    p.set_status("d1", "bob", "in progress")
    g = p.add_span(p.make_span("d1", GOLD, "SOURCE", [(0, 9)], origin="adjudicated"))
    p.put_provenance([Provenance(g.id, "span", (SourceRef(src.id, "alice", "span", "d1"),),
                                 "carol", "2020-09-01T00:00:00.000+00:00", "accept")])


def export_text(p: Project, **kw) -> str:
    buf = io.StringIO()
    write_canonical(p, buf, **kw)
    return buf.getvalue()


def dump_db(p: Project) -> list:
    """Everything in the project, for 'nothing changed' checks."""
    out = []
    for t in ("meta", "documents", "annotators", "spans", "frames", "frame_roles",
              "document_status", "provenance", "targets"):
        out.append([tuple(r) for r in p._q(f"SELECT * FROM {t} ORDER BY 1, 2")])
    return out


@pytest.fixture
def filled(project: Project) -> Project:
    fill(project)
    return project


def test_every_line_is_the_canonical_json_of_itself(filled: Project) -> None:
    lines = export_text(filled).split("\n")
    assert lines[-1] == ""
    for line in lines[:-1]:
        obj = json.loads(line)
        assert json.dumps(obj, sort_keys=True, ensure_ascii=False,
                          separators=(",", ":")) == line


def test_lines_and_fields(filled: Project) -> None:
    objs = [json.loads(x) for x in export_text(filled).split("\n")[:-1]]
    assert [(o["document_id"], o["annotator"], o["status"]) for o in objs] == [
        ("d1", "alice", "done"), ("d1", "bob", "in progress"), ("d1", "gold", "todo"),
        ("d2", None, None)]
    alice = objs[0]
    assert alice["text"] == TEXT and alice["schema"]["name"] == "attribution-stance"
    assert alice["schema"]["version"] == 1 and alice["meta"] == {"k": ["v", 1]}
    assert [s["label"] for s in alice["spans"]] == ["SOURCE", "CUE", "STANCE", "CONTENT",
                                                    "CONTENT"]
    con = alice["spans"][3]
    assert con["fragments"] == [[17, 25], [27, 44]] and (con["start"], con["end"]) == (17, 44)
    assert con["text"] == TEXT[17:25] + " " + TEXT[27:44]
    f1, f2 = alice["frames"]
    assert f1["cue"] == alice["spans"][1]["id"] and f1["parent"] is None
    assert f1["attributes"]["stance"] == "AGAINST" and f2["parent"] == "f1"
    assert objs[2]["provenance"][0]["decided_by"] == "carol"
    assert objs[3]["spans"] == [] and objs[3]["frames"] == []


def test_round_trip_into_empty_project_is_byte_identical(filled: Project,
                                                          tmp_path: Path) -> None:
    first = tmp_path / "a.jsonl"
    write_canonical(filled, first)
    with Project.open(tmp_path / "empty.db") as fresh:
        report = import_canonical(fresh, first)
        assert report.documents_added == ["d1", "d2"]
        assert report.layers_written == 3
        second = tmp_path / "b.jsonl"
        write_canonical(fresh, second)
        assert second.read_bytes() == first.read_bytes()
        again = import_canonical(fresh, first)
        assert again.layers_unchanged == 3 and again.layers_written == 0


def test_custom_schema_travels_with_the_file(project: Project, tmp_path: Path) -> None:
    from annotator.domain.schema import parse_schema

    project.set_schema(parse_schema(CUSTOM))
    project.add_documents([Document(id="d", text=TEXT)])
    project.add_span(project.make_span("d", "ann", "WHO", [(0, 3)]))
    first = tmp_path / "a.jsonl"
    write_canonical(project, first)
    with Project.open(tmp_path / "empty.db") as fresh:
        report = import_canonical(fresh, first)
        assert fresh.schema.name == "custom" and fresh.schema.version == 3
        assert any("takes the file's schema custom v3" in n for n in report.notes)
        write_canonical(fresh, tmp_path / "b.jsonl")
    assert (tmp_path / "b.jsonl").read_bytes() == first.read_bytes()


def test_schema_mismatch_in_a_project_with_documents(filled: Project, project_factory,
                                                     tmp_path: Path) -> None:
    from annotator.domain.schema import parse_schema

    other = project_factory("other.db")
    other.set_schema(parse_schema(CUSTOM))
    other.add_documents([Document(id="o", text="Bob said so.")])
    other.add_span(other.make_span("o", "bob", "WHO", [(0, 3)]))
    path = tmp_path / "o.jsonl"
    write_canonical(other, path)
    before = dump_db(filled)
    with pytest.raises(InputError, match=r"o\.jsonl:1: unknown label 'WHO'.*--add-labels"):
        import_canonical(filled, path)
    assert dump_db(filled) == before
    report = import_canonical(filled, path, add_labels=True)
    assert report.labels_added == ["WHO"]
    assert filled.schema.label("WHO") is not None and filled.schema.label("SAID") is None
    assert any("keeps its schema attribution-stance" in n for n in report.notes)
    assert [s.label for s in filled.spans("o", "bob")] == ["WHO"]


@pytest.fixture
def project_factory(tmp_path: Path):
    opened: list[Project] = []

    def make(name: str) -> Project:
        p = Project.open(tmp_path / name)
        opened.append(p)
        return p

    yield make
    for p in opened:
        p.close()


def test_filters(filled: Project) -> None:
    def who(**kw):
        return [(o["document_id"], o["annotator"]) for o in
                map(json.loads, export_text(filled, **kw).split("\n")[:-1])]

    assert who(annotators=["bob"]) == [("d1", "bob")]
    assert who(gold=True) == [("d1", "gold")]
    assert who(annotators=["alice"], gold=True) == [("d1", "alice"), ("d1", "gold")]
    assert who(status="done") == [("d1", "alice")]
    assert who(annotators=["nobody"]) == []


def test_export_to_path_is_atomic_and_cancellable(filled: Project, tmp_path: Path) -> None:
    out = tmp_path / "exports" / "out.jsonl"
    out.parent.mkdir()
    out.write_text("old\n")
    with pytest.raises(Cancelled):
        write_canonical(filled, out, progress=lambda done, total: False)
    assert out.read_text() == "old\n"
    assert list(out.parent.iterdir()) == [out]
    seen = []
    write_canonical(filled, out, progress=lambda d, t: seen.append((d, t)) or True)
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)


def test_read_canonical_gives_layers(filled: Project, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    write_canonical(filled, path)
    layers = read_canonical(path)
    assert [(la.document.id, la.annotator) for la in layers] == [
        ("d1", "alice"), ("d1", "bob"), ("d1", "gold")]
    alice = layers[0]
    assert alice.spans == filled.spans("d1", "alice")
    assert sorted(alice.frames, key=lambda f: f.id) == sorted(filled.frames("d1", "alice"),
                                                              key=lambda f: f.id)
    assert alice.document == filled.document("d1")
    recs = list(iter_canonical(path))
    assert recs[2].provenance == filled.provenance_for_document("d1")
    assert recs[3].layer is None and recs[3].document.id == "d2"


# --------------------------------------------------------------------------- validation
def _line(filled: Project) -> dict:
    return json.loads(export_text(filled, annotators=["alice"]).split("\n")[0])


def _mutations():
    def span(i, **kw):
        def f(o):
            o["spans"][i].update(kw)
        return f

    def setkey(key, value):
        def f(o):
            o[key] = value
        return f

    def frame(**kw):
        def f(o):
            o["frames"][0].update(kw)
        return f

    def dup_span(o):
        o["spans"][1]["id"] = o["spans"][0]["id"]

    return [
        (span(0, end=999, fragments=[[0, 999]]), "outside the text"),
        (span(0, fragments=[[5, 3]]), "outside the text"),
        (span(0, text="Somebody"), "differs from the document text"),
        (span(0, start=1), "start 1 does not match"),
        (span(0, fragments=[[0, 5], [3, 9]]), "sorted and must not overlap"),
        (span(0, label="NOPE"), "label 'NOPE' is not in the line's schema"),
        (span(0, start="0"), "start '0' does not match"),
        (span(0, origin="robot"), "unknown origin"),
        (span(0, attributes=[]), '"attributes" must be an object'),
        (span(0, colour="red"), "unknown key"),
        (dup_span, "duplicate span id"),
        (frame(cue="missing-span"), "cue names span 'missing-span'"),
        (frame(sources=[1]), "must hold span ids"),
        (frame(contents=[["x"]]), "must hold span ids"),
        (frame(sources="abc"), '"sources" must be a list'),
        (frame(parent="nope"), "parent 'nope' is not a frame"),
        (frame(type="OPINION"), "frame type 'OPINION'"),
        (setkey("spans", {}), '"spans" must be a list'),
        (setkey("status", "finished"), "unknown status"),
        (setkey("text_sha256", "0" * 64), "text_sha256 does not match"),
        (setkey("paragraphs", [[0, 10_000]]), "outside the text"),
        (setkey("title", 5), '"title" must be a string'),
        (setkey("format", "annotator/9"), "unsupported format"),
        (setkey("annotator", ""), '"annotator" is empty'),
    ]


@pytest.mark.parametrize("mutate,message", _mutations())
def test_bad_line_is_refused_with_file_line_and_nothing_imported(
        filled: Project, project: Project, tmp_path: Path, mutate, message) -> None:
    good = _line(filled)
    bad = json.loads(json.dumps(good))
    mutate(bad)
    path = tmp_path / "bad.jsonl"
    good2 = dict(good, document_id="other", text="Other text.", text_sha256="",
                 paragraphs=[[0, 11]], spans=[], frames=[])
    path.write_text(json.dumps(good2) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with Project.open(tmp_path / "target.db") as target:
        before = dump_db(target)
        with pytest.raises(InputError) as err:
            import_canonical(target, path)
        assert str(err.value).startswith(f"{path}:2: ")
        assert message in str(err.value)
        assert dump_db(target) == before


def test_cross_line_and_json_errors(filled: Project, tmp_path: Path) -> None:
    good = export_text(filled, annotators=["alice"]).split("\n")[0]
    cases = {
        "{not json\n": ":1: invalid JSON",
        "[1, 2]\n": ":1: each line must be a JSON object",
        good + "\n" + good + "\n": ":2: a second line for document d1 and annotator alice",
        good + "\n" + good.replace('"annotator":"alice"', '"annotator":"bob"') + "\n":
            ":2: id ",
        "\n\n": ":1: the file holds no lines",
        good + "\n" + good.replace("\\u0001", "\\u0002").replace(
            '"text_sha256":"', '"x":"').replace(',"x":"' + json.loads(good)["text_sha256"]
                                               + '"', "") + "\n": ":2: document d1 has",
    }
    for i, (content, message) in enumerate(cases.items()):
        path = tmp_path / f"c{i}.jsonl"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(InputError, match=message.replace("(", r"\(")):
            read_canonical(path)
    path = tmp_path / "bytes.jsonl"
    path.write_bytes(good.encode() + b"\n\xff\xfe\n")
    with pytest.raises(InputError, match=r":2: invalid UTF-8"):
        read_canonical(path)


def test_import_refuses_ids_used_elsewhere_and_changed_text(filled: Project,
                                                            tmp_path: Path) -> None:
    line = json.loads(export_text(filled, annotators=["alice"]).split("\n")[0])
    line["annotator"] = "zed"  # same span ids as alice's layer already in the project
    path = tmp_path / "zed.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    before = dump_db(filled)
    with pytest.raises(InputError, match=r"zed\.jsonl:1: an id in this layer is already used"):
        import_canonical(filled, path)
    changed = dict(line, text=line["text"].replace("\x01", "\x02"), text_sha256="")
    path.write_text(json.dumps(changed) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r":1: document d1 is already in the project with "
                                         "different text"):
        import_canonical(filled, path)
    assert dump_db(filled) == before


def test_rename_annotator_on_import(filled: Project, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    write_canonical(filled, path, annotators=["alice"])
    with Project.open(tmp_path / "n.db") as fresh:
        import_canonical(fresh, path, annotator="zoe")
        assert fresh.annotators() == ["zoe"]
        assert len(fresh.spans("d1", "zoe")) == 5 and fresh.status("d1", "zoe") == "done"
    write_canonical(filled, path, annotators=["alice", "bob"])
    with Project.open(tmp_path / "m.db") as fresh:
        with pytest.raises(InputError, match=r":2: a second layer for document d1 and "
                                             "annotator zoe"):
            import_canonical(fresh, path, annotator="zoe")
        assert fresh.count_documents() == 0


def test_same_text_under_another_id_is_matched(filled: Project, tmp_path: Path) -> None:
    line = json.loads(export_text(filled, annotators=["bob"]).split("\n")[0])
    line["document_id"] = "renamed"
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    report = import_canonical(filled, path, annotator="dan")
    assert report.documents_matched == [("renamed", "d1")]
    assert filled.status("d1", "dan") == "in progress"


def test_store_fast_paths_write_what_dumps_writes(project: Project) -> None:
    from annotator.domain.model import Span
    from annotator.store import rows
    from annotator.store.streaming import bulk_cache

    span = Span("s", "d", "a", "CUE", ((0, 3), (5, 9)), attributes={})
    row = rows.span_row(span)
    assert row["fragments"] == json.dumps([[0, 3], [5, 9]], separators=(",", ":"))
    assert row["attributes"] == "{}" == rows.dumps({})
    assert rows.span_row(span.with_changes(attributes={"b": 1, "a": "ü"}))["attributes"] == \
        '{"a":"ü","b":1}'
    before = project.db.conn.execute("PRAGMA cache_size").fetchone()[0]
    with bulk_cache(project, 64):
        assert project.db.conn.execute("PRAGMA cache_size").fetchone()[0] == -65536
    assert project.db.conn.execute("PRAGMA cache_size").fetchone()[0] == before


def test_import_batches_documents_and_matches_same_text(project: Project,
                                                        tmp_path: Path) -> None:
    lines = []
    for i in range(450):  # more than one batch of documents
        lines.append(json.dumps({"document_id": f"d{i}", "text": f"Text number {i}.",
                                 "annotator": None, "spans": []}))
    lines.append(json.dumps({"document_id": "twin", "text": "Text number 7.",
                             "annotator": "ann", "status": "done", "spans": []}))
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_canonical(project, path)
    assert len(report.documents_added) == 450 and report.documents_matched == [("twin", "d7")]
    assert [d.position for d in project.documents()] == list(range(450))
    assert project.status("d7", "ann") == "done"
