"""Article import: .txt, folders, JSONL of documents; all-or-nothing; re-import no-op."""

from __future__ import annotations

import json

import pytest

from annotator.domain.errors import InputError
from annotator.formats.articles import Cancelled, import_paths, read_text_file
from tests.conftest import SEED_FILE, SEEDS


def _dump(project) -> list[str]:
    return list(project.db.conn.iterdump())


def test_seed_import(project):
    rep = import_paths(project, [SEEDS])
    assert len(rep.added) == 1 and rep.repaired == 3 and rep.files == 1
    doc = project.document(rep.added[0])
    assert doc.title == "US and Russian military units clash in Syria"
    assert (doc.author, doc.published, doc.source) == ("Bill Van Auken", "2020-08-28",
                                                       SEED_FILE.name)
    assert doc.id.startswith("2020-08-28-us-russian-units-clash-in-syria-")
    # paragraph offsets point at the paragraphs in the stored text
    firsts = [doc.text[s:e] for s, e in doc.paragraphs]
    assert firsts[0].startswith("In an incident") and len(firsts) == 27
    assert all(not p.startswith(" ") and not p.endswith(" ") for p in firsts)


def test_reimport_is_noop(project):
    import_paths(project, [SEED_FILE])
    before = _dump(project)
    rep = import_paths(project, [SEED_FILE])
    assert rep.added == [] and len(rep.skipped) == 1 and rep.repaired == 0
    assert _dump(project) == before


def test_no_repair(project):
    rep = import_paths(project, [SEED_FILE], repair=False)
    doc = project.document(rep.added[0])
    assert rep.repaired == 0 and len(doc.paragraphs) == 30


def test_folder_with_invalid_file_imports_nothing(project, tmp_path):
    good = tmp_path / "a" / "good.txt"
    good.parent.mkdir()
    good.write_text("Title\n\nBody paragraph one.\n")
    bad = tmp_path / "a" / "sub" / "bad.txt"
    bad.parent.mkdir()
    bad.write_bytes(b"Title\n\nBody \xff\xfe broken\n")
    before = _dump(project)
    with pytest.raises(InputError) as info:
        import_paths(project, [tmp_path])
    assert str(bad) in str(info.value) and ":3:" in str(info.value)
    assert _dump(project) == before


def test_binary_file_named(project, tmp_path):
    f = tmp_path / "img.txt"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(InputError, match="img.txt:3: binary"):
        import_paths(project, [f])


def test_jsonl_documents(project, tmp_path):
    f = tmp_path / "docs.jsonl"
    rows = [{"id": "a", "title": "First", "text": "One.\r\n\r\nTwo 😀.", "meta": {"x": 1}},
            {"text": "No id here."}]
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    rep = import_paths(project, [f])
    assert len(rep.added) == 2
    a = project.document("a")
    assert a.text == "One.\n\nTwo 😀." and a.meta == {"x": 1}
    assert [a.text[s:e] for s, e in a.paragraphs] == ["One.", "Two 😀."]


@pytest.mark.parametrize("line, message", [
    ('{"text": "ok"', "invalid JSON"),
    ('["text"]', "must be a JSON object"),
    ('{"title": "x"}', 'missing "text"'),
    ('{"text": 5}', '"text" must be a string'),
    ('{"text": "x", "meta": []}', '"meta" must be an object'),
    ('{"id": "a", "text": "again"}', "duplicate id 'a'"),
])
def test_jsonl_errors_name_line_and_import_nothing(project, tmp_path, line, message):
    f = tmp_path / "docs.jsonl"
    f.write_text('{"id": "a", "text": "fine"}\n' + line + "\n")
    before = _dump(project)
    with pytest.raises(InputError) as info:
        import_paths(project, [f])
    assert f"{f}:2: " in str(info.value) and message in str(info.value)
    assert _dump(project) == before


def test_different_text_same_id_refused(project, tmp_path):
    f = tmp_path / "d.jsonl"
    f.write_text('{"id": "a", "text": "first"}\n')
    import_paths(project, [f])
    g = tmp_path / "e.jsonl"
    g.write_text('{"id": "b", "text": "new"}\n{"id": "a", "text": "second"}\n')
    with pytest.raises(InputError, match="different text"):
        import_paths(project, [g])
    assert [d.id for d in project.documents()] == ["a"]


def test_cancel_leaves_nothing(project, tmp_path):
    for i in range(5):
        (tmp_path / f"{i}.txt").write_text(f"Title {i}\n\nBody {i}.\n")
    with pytest.raises(Cancelled):
        import_paths(project, [tmp_path], progress=lambda done, total: done < 3)
    assert project.count_documents() == 0


def test_read_text_file_utf8_bom_crlf(tmp_path):
    f = tmp_path / "x.txt"
    f.write_bytes("\ufeffT\r\n\r\nJo Doe 1 May 2020\r\n\r\nBody é.\r\n".encode())
    doc, n = read_text_file(f)
    assert (doc.title, doc.author, doc.published, doc.text) == ("T", "Jo Doe", "2020-05-01",
                                                                "Body é.")
