"""The parser process of a bulk import into an empty project: it is really used, its
errors come back as they would here, and cancelling, Ctrl+C or its death leave the
project untouched with no process left behind."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from annotator.domain.errors import InputError
from annotator.formats import canonical_bulk
from annotator.formats.articles import Cancelled
from annotator.formats.canonical import import_canonical
from annotator.store.project import Project
from tests.formats.test_canonical import dump_db


@pytest.fixture
def started(monkeypatch) -> list[subprocess.Popen]:
    """Every file counts as large, batches are small, and the started parsers are kept."""
    procs: list[subprocess.Popen] = []
    real = subprocess.Popen

    def popen(*args, **kw):
        proc = real(*args, **kw)
        procs.append(proc)
        return proc

    monkeypatch.setattr(canonical_bulk, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(canonical_bulk, "BATCH_ROWS", 50)
    monkeypatch.setattr(canonical_bulk.subprocess, "Popen", popen)
    return procs


def _file(tmp_path: Path, docs: int = 40, name: str = "many.jsonl") -> Path:
    lines = []
    for i in range(docs):
        text = f"Document {i}: Ann said it rained."
        lines.append({"document_id": f"d{i}", "text": text, "annotator": "a",
                      "status": "done" if i % 2 else "todo",
                      "spans": [{"id": f"s{i}-{k}", "label": "SOURCE", "start": k,
                                 "end": k + 3} for k in range(10)]})
    path = tmp_path / name
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def test_a_large_file_is_parsed_in_a_second_process(tmp_path: Path, started) -> None:
    path = _file(tmp_path)
    seen: list[tuple[int, int]] = []
    with Project.open(tmp_path / "p.db") as p:
        report = import_canonical(p, path, progress=lambda n, total: seen.append((n, total)))
        assert report.spans == 400 and report.layers_written == 40
        assert p.db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert p.db.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert p.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [s.id for s in p.spans("d3", "a")][:2] == ["s3-0", "s3-1"]
    assert len(started) == 1 and started[0].returncode == 0
    size = path.stat().st_size
    assert len(seen) > 5 and seen[-1] == (size, size)
    assert [n for n, _ in seen] == sorted(n for n, _ in seen)


@pytest.mark.parametrize("stop", [Cancelled, KeyboardInterrupt])
def test_stopping_midway_leaves_nothing_and_no_process(tmp_path: Path, started,
                                                       stop) -> None:
    path = _file(tmp_path)

    def progress(n: int, total: int) -> bool:
        if n < total:
            if stop is Cancelled:
                return False
            raise stop
        return True

    with Project.open(tmp_path / "p.db") as p:
        before = dump_db(p)
        with pytest.raises(stop):
            import_canonical(p, path, progress=progress)
        assert dump_db(p) == before
        assert p.db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert len(started) == 1 and started[0].poll() is not None


def test_errors_of_the_parser_come_back_as_they_are(tmp_path: Path, started) -> None:
    lines = _file(tmp_path).read_text(encoding="utf-8").splitlines()
    lines[30] = lines[30].replace('"end": 3', '"end": 999', 1)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Project.open(tmp_path / "p.db") as p:
        before = dump_db(p)
        with pytest.raises(InputError, match=r"bad\.jsonl:31: span s30-0: offsets \[0, 999\)"):
            import_canonical(p, bad)
        with pytest.raises(ValueError, match="an annotator needs a name"):
            import_canonical(p, _file(tmp_path), annotator="  ")  # raised in the planner
        assert dump_db(p) == before
    assert [proc.returncode for proc in started] == [0, 0]


def test_a_parser_that_dies_fails_the_import(tmp_path: Path, started, monkeypatch) -> None:
    monkeypatch.setattr(canonical_bulk, "_BOOT", "import os; os._exit(3)")
    with Project.open(tmp_path / "p.db") as p:
        before = dump_db(p)
        with pytest.raises(RuntimeError, match=r"stopped unexpectedly \(exit code 3\)"):
            import_canonical(p, _file(tmp_path))
        assert dump_db(p) == before


def test_small_files_and_one_cpu_parse_here(tmp_path: Path, monkeypatch) -> None:
    procs: list = []
    monkeypatch.setattr(canonical_bulk.subprocess, "Popen",
                        lambda *a, **k: procs.append(a))  # would fail if called
    with Project.open(tmp_path / "p.db") as p:
        import_canonical(p, _file(tmp_path, 3))  # far below PARALLEL_BYTES
    monkeypatch.setattr(canonical_bulk, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(canonical_bulk.os, "cpu_count", lambda: 1)
    with Project.open(tmp_path / "q.db") as p:
        assert import_canonical(p, _file(tmp_path, 3)).spans == 30
    assert procs == []


def test_inside_an_open_transaction_foreign_keys_stay_checked(tmp_path: Path) -> None:
    path = _file(tmp_path, 5)
    with Project.open(tmp_path / "p.db") as p:
        with p.transaction():
            assert import_canonical(p, path).spans == 50
            assert p.db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert p.db.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_project_that_stops_being_empty_is_imported_with_foreign_keys_on(
        tmp_path: Path, monkeypatch) -> None:
    """Foreign keys go off before the transaction, when the project looked empty; if
    another program added a document by the time the transaction began, the import runs
    again the ordinary way, with them on."""
    path = _file(tmp_path, 5)
    with Project.open(tmp_path / "p.db") as p:
        import_canonical(p, _file(tmp_path, 1, "one.jsonl"))  # d0 is there
        real = Project.count_documents
        calls: list[int] = []

        def count(self: Project) -> int:
            calls.append(1)
            return 0 if len(calls) == 1 else real(self)  # empty only at first sight

        monkeypatch.setattr(Project, "count_documents", count)
        report = import_canonical(p, path)
        assert report.documents_skipped == ["d0"] and len(report.documents_added) == 4
        assert p.db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert len(calls) >= 3
