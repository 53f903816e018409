"""Bulk canonical import into an empty project: layers inserted as new
(``Project.insert_new_layer``) with the secondary indexes built once at the end, inside
the same all-or-nothing transaction."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.domain.errors import InputError
from annotator.formats.canonical import import_canonical, write_canonical
from annotator.store.project import Project
from tests.formats.test_canonical import dump_db, fill


def indexes(p: Project) -> list[tuple[str, str]]:
    return p.db.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                             "ORDER BY name").fetchall()


def test_import_into_empty_project_keeps_every_index(project: Project, tmp_path: Path) -> None:
    fill(project)
    out = tmp_path / "a.jsonl"
    write_canonical(project, out)
    with Project.open(tmp_path / "new.db") as other:
        before = indexes(other)
        assert any(name == "idx_spans_doc" for name, _ in before)
        import_canonical(other, out)
        assert indexes(other) == before
        assert other.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        again = tmp_path / "b.jsonl"
        write_canonical(other, again)
        assert again.read_bytes() == out.read_bytes()
        plan = other.db.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM spans WHERE document_id = 'd1' "
            "AND annotator = 'alice'").fetchall()
        assert "idx_spans_doc" in str(plan)


def test_failed_import_into_empty_project_leaves_it_untouched(project: Project,
                                                              tmp_path: Path) -> None:
    fill(project)
    out = tmp_path / "a.jsonl"
    write_canonical(project, out)
    lines = out.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines + [lines[0].replace('"annotator":"alice"',
                                                       '"annotator":"zed"', 1)
                                      .replace('"status":"done"', '"status":"later"')])
                   + "\n", encoding="utf-8")
    with Project.open(tmp_path / "new.db") as other:
        before, rows = indexes(other), dump_db(other)
        with pytest.raises(InputError, match="unknown status"):
            import_canonical(other, bad)
        assert indexes(other) == before and dump_db(other) == rows


def test_insert_new_layer_writes_what_replace_layer_writes(project: Project,
                                                           tmp_path: Path) -> None:
    fill(project)
    layers = [project.layer("d1", "alice"), project.layer("d1", "bob")]
    with Project.open(tmp_path / "a.db") as a, Project.open(tmp_path / "b.db") as b:
        for p in (a, b):
            p.add_documents([layers[0].document])
        for layer in layers:
            a.replace_layer(layer)
            b.insert_new_layer(layer)
        assert same_items(a, b)
        with pytest.raises(sqlite3.IntegrityError):
            b.insert_new_layer(layers[0])  # its ids are taken
        assert same_items(a, b)


def same_items(a: Project, b: Project) -> bool:
    """Spans, frames, roles alike; statuses alike but for their time stamps."""
    da, db = dump_db(a), dump_db(b)
    return (da[3:6] == db[3:6] and da[7:] == db[7:]
            and [r[:3] for r in da[6]] == [r[:3] for r in db[6]] and len(da[3]) > 0)


def test_fast_span_constructor_builds_the_same_span() -> None:
    from annotator.domain.model import Span
    from annotator.formats.canonical import _new_span
    args = ("s1", "d1", "alice", "CUE", ((1, 4), (6, 9)), "abc def", {"k": "v"}, "a note",
            "imported", "2020-01-01", "2020-01-02")
    fast, slow = _new_span(*args), Span(*args)
    assert fast == slow and repr(fast) == repr(slow)
    assert vars(fast) == vars(slow) and (fast.start, fast.end) == (1, 9)
    with pytest.raises(AttributeError):
        fast.label = "SOURCE"  # still frozen
    with pytest.raises(ValueError):
        _new_span(*args[:-1])  # every field, no defaults


def test_indexes_built_after_keeps_the_appended_ones_and_rebuilds_the_rest(
        project: Project) -> None:
    from annotator.store.bulk import APPENDED_INDEXES, indexes_built_after

    before = indexes(project)
    with pytest.raises(RuntimeError), indexes_built_after(project):
        pass
    with project.transaction(), indexes_built_after(project):
        during = {name for name, _ in indexes(project)}
        assert APPENDED_INDEXES <= during
        assert "idx_frame_roles_span" not in during
    assert indexes(project) == before
