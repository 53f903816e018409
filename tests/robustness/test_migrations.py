"""Schema versions: every fixture project (one per released schema version) opens with the
current code and keeps its content; a project from a newer Annotator is refused and left
untouched; a backup is written before a migration runs, and a failed migration changes nothing.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from sqlite_utils.migrations import Migrations

from annotator.cli import main as cli_main
from annotator.store import db as dbmod
from annotator.store.db import (
    ProjectFileError,
    ProjectVersionError,
    known_migrations,
    open_database,
    schema_version,
)
from annotator.store.project import Project

DATA = Path(__file__).resolve().parent.parent / "data"
FIXTURES = sorted((DATA / "projects").glob("v*.annotator.db"),
                  key=lambda p: int(p.name[1:].split(".")[0]))
sys.path.insert(0, str(DATA))
import make_fixtures as fx  # noqa: E402


def _copy(fixture: Path, tmp_path: Path) -> Path:
    target = tmp_path / fixture.name
    shutil.copyfile(fixture, target)
    return target


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_there_is_a_fixture_for_every_schema_version() -> None:
    versions = [int(p.name[1:].split(".")[0]) for p in FIXTURES]
    assert versions == list(range(1, len(known_migrations()) + 1)), (
        "add a migration -> run tests/data/make_fixtures.py and commit the new fixture")


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_opens_with_current_code_and_keeps_its_content(fixture: Path,
                                                                tmp_path: Path) -> None:
    path = _copy(fixture, tmp_path)
    with Project.open(path, create=False) as project:
        assert project.version == len(known_migrations())
        assert [d.id for d in project.documents()] == [d[0] for d in fx.DOCS]
        for want in fx.documents():
            got = project.document(want.id)
            assert (got.text, got.title, got.author, got.published, got.source, got.meta,
                    got.paragraphs, got.text_sha256) == (
                want.text, want.title, want.author, want.published, want.source, want.meta,
                want.paragraphs, want.text_sha256)
        want_spans = {s.id: s for s in fx.spans()}
        got_spans = {s.id: s for d in fx.DOCS for s in project.spans(d[0])}
        assert set(got_spans) == set(want_spans)
        for sid, want in want_spans.items():
            got = got_spans[sid]
            assert (got.document_id, got.annotator, got.label, got.fragments, got.text,
                    got.attributes, got.note, got.origin, got.created_at) == (
                want.document_id, want.annotator, want.label, want.fragments, want.text,
                want.attributes, want.note, want.origin, want.created_at)
        got_frames = {f.id: f for d in fx.DOCS for f in project.frames(d[0])}
        for want in fx.frames():
            got = got_frames.pop(want.id)
            assert (got.cue, got.sources, got.contents, got.parent_id, got.attributes) == (
                want.cue, want.sources, want.contents, want.parent_id, want.attributes)
        assert not got_frames
        for doc_id, ann, status in fx.STATUSES:
            assert project.status(doc_id, ann) == status
        assert [(t.name, t.aliases) for t in project.targets()] == [
            (n, tuple(a)) for n, a in sorted(fx.TARGETS, key=lambda t: t[0].casefold())]
        assert set(project.annotators()) >= {"alice", "bob", "gold"}
        assert project.schema.name == "attribution-stance"
        prov = project.db.execute("SELECT * FROM provenance").fetchall()
        assert [tuple(r[:7]) for r in prov] == [fx.PROVENANCE]
        assert project.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert project.db.execute("PRAGMA foreign_key_check").fetchall() == []


def _future(path: Path, name: str = "9999_from_the_future") -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) "
                     "VALUES ('annotator', ?, '2099-01-01')", (name,))
    conn.close()


def test_project_from_a_newer_version_is_refused_and_untouched(tmp_path: Path) -> None:
    path = _copy(FIXTURES[0], tmp_path)
    _future(path)
    before = _sha(path)
    with pytest.raises(ProjectVersionError) as err:
        open_database(path)
    msg = str(err.value)
    assert str(path) in msg and "newer Annotator" in msg and "9999_from_the_future" in msg
    with pytest.raises(ProjectVersionError):
        open_database(path, readonly=True)
    assert _sha(path) == before
    assert not list(tmp_path.glob("*.bak"))


def test_cli_refuses_a_newer_project_with_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    path = _copy(FIXTURES[0], tmp_path)
    _future(path)
    before = _sha(path)
    assert cli_main(["stats", "--project", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "newer Annotator" in err[0] and str(path) in err[0]
    assert _sha(path) == before


def test_not_a_project_is_refused_with_a_message(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("this is not SQLite\n" * 100)
    with pytest.raises(ProjectFileError, match="not an Annotator project"):
        open_database(text)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.commit()
    conn.close()
    before = _sha(other)
    with pytest.raises(ProjectFileError, match="not an Annotator project"):
        open_database(other)
    assert _sha(other) == before


def _with_extra_migration(monkeypatch: pytest.MonkeyPatch, fail: bool = False) -> Migrations:
    """The product's migrations plus a throwaway step, installed for this test only."""
    extra = Migrations(dbmod.MIGRATION_SET)
    for m in dbmod.migrations._migrations:
        extra(name=m.name)(m.fn)

    @extra(name="9000_test_add_column")
    def _add_column(db) -> None:
        db.execute("ALTER TABLE spans ADD COLUMN confidence REAL")
        db.execute("UPDATE spans SET confidence = 1.0")
        if fail:
            raise RuntimeError("migration failed half-way")

    monkeypatch.setattr(dbmod, "migrations", extra)
    return extra


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_a_backup_is_written_before_a_migration_runs(fixture: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = _copy(fixture, tmp_path)
    old_version = int(fixture.name[1:].split(".")[0])  # the fixture's own version
    before = _dump(path)
    _with_extra_migration(monkeypatch)
    db = open_database(path)
    try:
        assert schema_version(db) == len(known_migrations())  # every pending step + the extra
        cols = {c.name for c in db["spans"].columns}
        assert "confidence" in cols
    finally:
        db.close()
    bak = path.with_name(f"{path.name}.v{old_version}.bak")
    assert bak.exists()
    assert _dump(bak) == before  # the backup is the project as it was before the step
    monkeypatch.undo()
    with Project.open(bak, create=False) as old:  # still a project (migrated if older)
        assert old.version == len(known_migrations())
        assert len(old.spans("doc-talks")) == len([s for s in fx.SPANS if s[1] == "doc-talks"])


def test_a_failed_migration_leaves_the_project_as_it_was(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = _copy(FIXTURES[-1], tmp_path)
    before = _dump(path)
    _with_extra_migration(monkeypatch, fail=True)
    with pytest.raises(RuntimeError, match="half-way"):
        open_database(path)
    assert _dump(path) == before
    assert list(tmp_path.glob("*.bak"))  # the backup was made before the step ran
    monkeypatch.undo()
    with Project.open(path, create=False) as project:
        assert project.version == len(known_migrations())


def test_a_new_project_makes_no_backup(tmp_path: Path) -> None:
    Project.open(tmp_path / "fresh.db").close()
    assert not list(tmp_path.glob("*.bak"))


def test_readonly_open_of_an_old_project_asks_for_an_upgrade(tmp_path: Path,
                                                             monkeypatch) -> None:
    path = _copy(FIXTURES[-1], tmp_path)
    before = _sha(path)
    _with_extra_migration(monkeypatch)
    with pytest.raises(ProjectVersionError, match="needs an upgrade"):
        open_database(path, readonly=True)
    assert _sha(path) == before
