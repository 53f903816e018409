"""The canonical export's streaming readers: the parallel path (a helper connection on the
same snapshot, spans built on a thread) writes exactly what the one-connection path
writes, sees one committed state, and falls back where it cannot be used."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.domain.model import Document, Frame
from annotator.formats import canonical
from annotator.formats.canonical import write_canonical
from annotator.store import streaming
from annotator.store.project import Project
from annotator.store.streaming import export_snapshot
from tests.formats.test_canonical import fill


@pytest.fixture(autouse=True)
def _spare_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parallel path whatever the machine's load (it is only taken with a core free)."""
    monkeypatch.setattr(streaming, "spare_cpu", lambda: True)


ODD = 'q"uote \\ back\ttab\nnl \x01 ctl é 😀'


def odd_fill(p: Project) -> None:
    """``fill`` plus ids, notes and attributes that need JSON escaping, and frames with
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


def serial_text(p: Project) -> str:
    buf = io.StringIO()

    def write(data: bytes) -> None:
        buf.write(data.decode("utf-8"))

    with p.snapshot():
        canonical._write(p, write, None, False, None, None, helper=None)
    return buf.getvalue()


def test_parallel_export_writes_what_the_serial_one_writes(project: Project,
                                                           tmp_path: Path) -> None:
    odd_fill(project)
    with export_snapshot(project) as helper:
        assert helper is not None  # a file project on a multi-core machine: parallel
    out = tmp_path / "out.jsonl"
    write_canonical(project, out)
    parallel = out.read_text(encoding="utf-8")
    assert parallel == serial_text(project)
    for line in parallel.splitlines():  # SQLite's escaping is json.dumps' escaping
        assert json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False,
                          separators=(",", ":")) == line
    # the frame keeps its members' order and every string is escaped
    buf = io.StringIO()
    write_canonical(project, buf)
    assert buf.getvalue() == parallel
    frames = [f for line in parallel.splitlines() for f in json.loads(line)["frames"]]
    odd = next(f for f in frames if f["id"] == f'f"{ODD}')
    assert odd["sources"] == [f'span3"{ODD}', f'span0"{ODD}']
    assert odd["contents"] == [f'span2"{ODD}', f'span1"{ODD}']
    assert odd["cue"] == f'span4"{ODD}' and odd["attributes"] == {"stance": ODD}


def test_round_trip_with_escapes_is_byte_identical(project: Project, tmp_path: Path) -> None:
    odd_fill(project)
    first = tmp_path / "a.jsonl"
    write_canonical(project, first)
    second = tmp_path / "b.jsonl"
    with Project.open(tmp_path / "other.db") as other:
        canonical.import_canonical(other, first)
        write_canonical(other, second)
    assert second.read_bytes() == first.read_bytes()


def test_helper_sees_the_snapshot_not_later_commits(project: Project, tmp_path: Path) -> None:
    fill(project)
    before = project.count_documents()
    with export_snapshot(project) as helper:
        assert helper is not None
        with Project.open(tmp_path / "project.db") as other:
            other.add_documents([Document(id="late", text="Committed meanwhile.")])
        assert helper.execute("SELECT count(*) FROM documents").fetchone()[0] == before
        assert project.count_documents() == before
    assert project.count_documents() == before + 1


def test_no_helper_inside_a_transaction_or_in_memory(project: Project) -> None:
    fill(project)
    with project.transaction():
        project.add_documents([Document(id="unsaved", text="Not committed yet.")])
        with export_snapshot(project) as helper:
            assert helper is None
        buf = io.StringIO()
        write_canonical(project, buf)
        assert '"document_id":"unsaved"' in buf.getvalue()
    mem = Project.memory()
    with export_snapshot(mem) as helper:
        assert helper is None


def test_no_helper_without_a_spare_cpu(project: Project,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    fill(project)
    monkeypatch.setattr(streaming, "spare_cpu", lambda: False)
    with export_snapshot(project) as helper:
        assert helper is None
    buf = io.StringIO()
    write_canonical(project, buf)
    assert buf.getvalue() == serial_text(project)


def test_no_helper_while_another_program_holds_the_write_lock(project: Project,
                                                              tmp_path: Path) -> None:
    fill(project)
    with Project.open(tmp_path / "project.db") as other, other.transaction():
        with export_snapshot(project) as helper:
            assert helper is None
        buf = io.StringIO()
        write_canonical(project, buf)  # still exports, on one connection
    assert buf.getvalue() == serial_text(project)


def test_an_error_on_the_span_thread_reaches_the_caller(project: Project, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    fill(project)

    def broken(conn, doc_id, ann):  # noqa: ANN001, ANN202
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(streaming, "_spans_json", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_canonical(project, tmp_path / "out.jsonl")
    assert not (tmp_path / "out.jsonl").exists()
