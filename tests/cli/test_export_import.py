"""``annotator export`` and ``annotator import --format``: round trips, detection, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.cli import main
from annotator.store.project import Project
from tests.formats.test_canonical import dump_db, fill


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "src.db"
    with Project.open(path) as p:
        fill(p)
    return str(path)


def test_canonical_export_import_export_is_byte_identical(db, tmp_path, capsys) -> None:
    a, b, fresh = tmp_path / "a.jsonl", tmp_path / "b.jsonl", str(tmp_path / "fresh.db")
    assert main(["export", "--project", db, "--out", str(a)]) == 0
    assert "4 record(s): 2 document(s)" in capsys.readouterr().out
    assert main(["import", str(a), "--project", fresh]) == 0
    out = capsys.readouterr().out
    assert "format: canonical (detected)" in out and "layers written: 3" in out
    assert main(["export", "--project", fresh, "--out", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()


def test_filters_and_formats(db, tmp_path, capsys) -> None:
    out = tmp_path / "g.jsonl"
    assert main(["export", "-p", db, "-o", str(out), "--gold", "--annotator", "bob"]) == 0
    assert "2 record(s)" in capsys.readouterr().out
    assert main(["export", "-p", db, "-o", str(out), "--status", "done"]) == 0
    assert "1 record(s)" in capsys.readouterr().out
    folder = tmp_path / "brat"
    assert main(["export", "-p", db, "-o", str(folder), "--format", "brat"]) == 0
    assert (folder / "d1_alice.ann").is_file()
    fresh = str(tmp_path / "f.db")
    assert main(["import", str(folder), "-p", fresh]) == 0
    assert "format: brat (detected)" in capsys.readouterr().out
    with Project.open(fresh) as p:
        assert len(p.spans("d1", "alice")) == 5 and len(p.frames("d1", "alice")) == 2
    assert main(["export", "-p", db, "-o", str(tmp_path / "d.jsonl"), "-f", "doccano"]) == 0
    err = capsys.readouterr().err
    assert "note: " in err and "discontinuous" in err


def test_bad_annotations_exit_2_with_file_line_and_nothing_imported(db, tmp_path,
                                                                      capsys) -> None:
    (tmp_path / "x.txt").write_text("Bob said hi.", encoding="utf-8")
    (tmp_path / "x_carol.ann").write_text("T1\tSOURCE 0 3\tBob\nT2\tCUE 4 8\tsays\n",
                                          encoding="utf-8")
    with Project.open(db) as p:
        before = dump_db(p)
    assert main(["import", str(tmp_path / "x_carol.ann"), "-p", db]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"annotator: {tmp_path / 'x_carol.ann'}:2: T2: its text 'says'")
    assert len(err.splitlines()) == 1
    with Project.open(db) as p:
        assert dump_db(p) == before


def test_annotator_required_and_given(db, tmp_path, capsys) -> None:
    (tmp_path / "x.txt").write_text("Bob said hi.", encoding="utf-8")
    (tmp_path / "x.ann").write_text("T1\tSPEAKER 0 3\tBob\n", encoding="utf-8")
    assert main(["import", str(tmp_path / "x.ann"), "-p", db]) == 2
    assert "--annotator NAME" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "x.ann"), "-p", db, "-a", "dan"]) == 2
    assert "unknown label 'SPEAKER'" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "x.ann"), "-p", db, "-a", "dan",
                 "--add-labels"]) == 0
    assert "labels added to the schema: SPEAKER" in capsys.readouterr().out
    with Project.open(db) as p:
        assert [s.label for s in p.spans("x", "dan")] == ["SPEAKER"]


def test_plain_documents_still_import_as_articles(tmp_path, capsys) -> None:
    docs = tmp_path / "docs.jsonl"
    docs.write_text('{"id": "a", "text": "First."}\n{"id": "b", "text": "Second."}\n',
                    encoding="utf-8")
    assert main(["import", str(docs), "-p", str(tmp_path / "p.db")]) == 0
    assert "documents added: 2" in capsys.readouterr().out
