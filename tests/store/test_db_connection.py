"""ProjectDatabase: an up-to-date project opens with sqlite3 alone (sqlite-utils is loaded
on first use of its API), transactions and savepoints behave as sqlite-utils' did, and the
sqlite-utils API on the same connection is still there."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.store.db import ProjectDatabase, applied_migrations, known_migrations
from annotator.store.project import Project
from tests.conftest import make_doc

ROOT = Path(__file__).resolve().parents[2]


def test_opening_an_up_to_date_project_does_not_import_sqlite_utils(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with Project.open(path) as p:  # created and migrated here (sqlite-utils used)
        p.add_documents([make_doc("Some text.", "doc1")])
    code = (
        "import json, sys\n"
        "from annotator.store.project import Project\n"
        f"p = Project.open({str(path)!r}, create=False)\n"
        "before = sorted(m for m in ('sqlite_utils', 'numpy') if m in sys.modules)\n"
        "ids = [d.id for d in p.documents()]\n"
        "columns = [c.name for c in p.db['documents'].columns]\n"
        "print(json.dumps({'before': before, 'ids': ids, 'title': 'title' in columns,\n"
        "                  'utils': 'sqlite_utils' in sys.modules,\n"
        "                  'numpy': 'numpy' in sys.modules}))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       env={"PYTHONPATH": str(ROOT), "PATH": ""}, timeout=60)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["before"] == []  # neither was imported to open the project and read it
    assert out["ids"] == ["doc1"]
    assert out["title"] and out["utils"]  # db[table] loads sqlite-utils on first use...
    assert not out["numpy"]  # ...without numpy


def test_applied_migrations_read_with_sql_match_sqlite_utils(project: Project) -> None:
    from annotator.store import db as dbmod

    assert applied_migrations(project.db) == known_migrations()
    assert [m.name for m in dbmod.migrations.applied(project.db.utils)] == known_migrations()


def test_nested_atomic_is_a_savepoint(project: Project) -> None:
    db = project.db
    with db.atomic():
        project.set_meta("outer", "1")
        with pytest.raises(RuntimeError), db.atomic():
            project.set_meta("inner", "1")
            raise RuntimeError("inner block fails")
        project.set_meta("after", "1")
    assert project.get_meta("outer") == "1" and project.get_meta("after") == "1"
    assert project.get_meta("inner") is None
    assert not db.conn.in_transaction


def test_a_failed_transaction_rolls_back_everything(project: Project) -> None:
    with pytest.raises(RuntimeError), project.transaction():
        project.set_meta("x", "1")
        raise RuntimeError("fails")
    assert project.get_meta("x") is None
    assert not project.db.conn.in_transaction


def test_sqlite_utils_api_writes_take_the_write_lock_at_once(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        utils = p.db.utils
        seen: list[str] = []
        p.db.conn.set_trace_callback(seen.append)
        utils["scratch"].insert({"id": 1, "v": "a"}, pk="id")
        p.db.conn.set_trace_callback(None)
        assert "BEGIN IMMEDIATE" in seen
        assert p.db["scratch"].count == 1


def test_attributes_not_answered_here_go_to_sqlite_utils(project: Project) -> None:
    db = project.db
    assert isinstance(db, ProjectDatabase)
    assert "documents" in db.table_names() and "documents" in db.utils.table_names()
    assert db.table_names(fts5=True) == []  # sqlite-utils' filters answered by sqlite-utils
    assert db.query("SELECT count(*) AS n FROM documents").__next__() == {"n": 0}
    with pytest.raises(AttributeError):
        db.__no_such_dunder__  # noqa: B018


def test_new_projects_get_16k_pages_and_older_ones_keep_theirs(tmp_path: Path) -> None:
    import shutil

    from annotator.store.db import PAGE_SIZE

    new = Project.open(tmp_path / "new.db")
    assert new.db.conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 16384
    assert new.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    new.close()
    fixture = Path(__file__).parent.parent / "data" / "projects" / "v1.annotator.db"
    old = tmp_path / "old.db"
    shutil.copy(fixture, old)
    with Project.open(old) as p:  # migrated to the newest schema, pages as they were
        assert p.db.conn.execute("PRAGMA page_size").fetchone()[0] == 4096
        assert p.documents()
