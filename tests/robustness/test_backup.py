"""``annotator backup``: a consistent, checked copy, also while another program writes; the
project is never written; a bad source or an existing target is refused with one line."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import threading
from pathlib import Path

from annotator.cli import main as cli_main
from annotator.store.project import Project
from tests.conftest import make_doc

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "projects" / "v1.annotator.db"


def rows(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_backup_copies_everything_and_the_copy_opens(tmp_path: Path, capsys) -> None:
    source = tmp_path / "p.db"
    shutil.copyfile(FIXTURE, source)
    with Project.open(source):  # at the current version, in WAL mode with a live -wal file
        pass
    out = tmp_path / "backups" / "copy.db"
    assert cli_main(["backup", "--project", str(source), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "backup written" in said and "2 documents" in said and "integrity check ok" in said
    assert rows(out) == rows(source)
    with Project.open(out, create=False) as copy:
        assert copy.count_documents() == 2
    assert sorted(x.name for x in out.parent.iterdir()) == ["copy.db"]  # one file, no WAL


def test_backup_while_the_project_is_being_written(tmp_path: Path) -> None:
    source = tmp_path / "p.db"
    with Project.open(source) as p:
        p.add_documents([make_doc("Officials said the talks failed.\n\nCritics disagreed.")])
    stop = threading.Event()
    written: list[str] = []

    def writer() -> None:
        with Project.open(source) as p:
            while not stop.is_set():
                written.append(p.add_span(p.make_span("doc1", "w", "CUE", [(10, 14)])).id)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        copies = []
        for k in range(5):
            out = tmp_path / f"copy{k}.db"
            assert cli_main(["backup", "-p", str(source), "-o", str(out)]) == 0
            copies.append(out)
    finally:
        stop.set()
        thread.join()
    counts = []
    for out in copies:
        with Project.open(out, create=False) as copy:
            assert copy.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            ids = [s.id for s in copy.spans("doc1")]
            assert set(ids) <= set(written)
            counts.append(len(ids))
    assert counts == sorted(counts) and counts[-1] > 0  # each copy a consistent snapshot


def test_backup_never_writes_the_project_not_even_an_old_or_newer_one(tmp_path: Path,
                                                                    capsys) -> None:
    source = tmp_path / "future.db"
    shutil.copyfile(FIXTURE, source)
    conn = sqlite3.connect(source)
    with conn:
        conn.execute("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) "
                     "VALUES ('annotator', '9999_future', '2099')")
    conn.close()
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    out = tmp_path / "copy.db"
    assert cli_main(["backup", "-p", str(source), "-o", str(out)]) == 0
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    assert sorted(x.name for x in tmp_path.iterdir()) == ["copy.db", "future.db"]
    assert rows(out) == rows(source)


def test_backup_refuses_with_one_line(tmp_path: Path, capsys) -> None:
    source = tmp_path / "p.db"
    shutil.copyfile(FIXTURE, source)
    existing = tmp_path / "exists.db"
    existing.write_text("keep me")
    assert cli_main(["backup", "-p", str(source), "-o", str(existing)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{existing}: exists" in err[0]
    assert existing.read_text() == "keep me"
    assert cli_main(["backup", "-p", str(source), "-o", str(existing), "--force"]) == 0
    capsys.readouterr()
    assert rows(existing) == rows(source)

    not_project = tmp_path / "notes.txt"
    not_project.write_text("hello\n" * 100)
    assert cli_main(["backup", "-p", str(not_project), "-o", str(tmp_path / "x.db")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not an Annotator project" in err[0]
    assert not (tmp_path / "x.db").exists() and not list(tmp_path.glob(".*.part"))
    assert cli_main(["backup", "-p", str(tmp_path / "missing.db"), "-o",
                     str(tmp_path / "y.db")]) == 2
    assert "no such project" in capsys.readouterr().err
