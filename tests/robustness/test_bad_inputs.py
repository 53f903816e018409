"""The bad-input corpus (``tests/data/bad/``, listed in its README): every file goes through
the real CLI into a project holding data, and each must give exactly one line on stderr
naming ``file:line`` (the line where one applies), exit code 2, and leave the project's
content exactly as it was (a full ``iterdump`` before and after).

A few inputs are made at test time instead of committed: the 50 MB single-line files, and
project files (``.db``) for ``merge``.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.cli import main as cli_main
from annotator.domain.model import Frame, sha256_text
from annotator.store.project import Project
from tests.conftest import make_doc

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"
FIXTURE = Path(__file__).resolve().parent.parent / "data" / "projects" / "v1.annotator.db"
MB50 = 50 * 1024 * 1024

CANON = ("merge", "import:canonical")  # canonical JSONL is read by both

# file -> (command(s), line or None, what the message must say[, the file it names])
CASES: dict[str, tuple[str, int | None, str]] = {
    # articles (.txt)
    "txt-empty.txt": ("import", 1, "empty"),
    "txt-blank.txt": ("import", 1, "empty"),
    "txt-binary.txt": ("import", 3, "binary data"),
    "txt-invalid-utf8.txt": ("import", 4, "invalid UTF-8"),
    "txt-utf16-bom.txt": ("import", 1, "UTF-16"),
    "txt-utf16-be-bom.txt": ("import", 1, "UTF-16"),
    "txt-latin1.txt": ("import", 1, "invalid UTF-8"),
    "txt-wrong-extension.rtf": ("import", None, "unknown file type"),
    "txt-50mb-single-line.txt": ("import", None, "too large"),  # generated
    # documents JSONL
    "docs-broken-line.jsonl": ("import", 3, "invalid JSON"),
    "docs-wrong-type-text.jsonl": ("import", 2, '"text" must be a string'),
    "docs-wrong-type-meta.jsonl": ("import", 1, '"meta" must be an object'),
    "docs-wrong-type-title.jsonl": ("import", 3, '"title" must be a string'),
    "docs-not-object.jsonl": ("import", 2, "must be a JSON object"),
    "docs-missing-text.jsonl": ("import", 3, 'missing "text"'),
    "docs-empty-text.jsonl": ("import", 1, "empty"),
    "docs-duplicate-ids.jsonl": ("import", 3, "duplicate id 'new1'"),
    "docs-empty.jsonl": ("import", 1, "no documents"),
    "docs-invalid-utf8.jsonl": ("import", 2, "invalid UTF-8"),
    "docs-utf16-bom.jsonl": ("import", 1, "UTF-16"),
    "docs-id-conflict.jsonl": ("import", 2, "doc1 already exists with different text"),
    "docs-binary.jsonl": ("import", 1, "binary data"),
    "docs-50mb-single-line.jsonl": ("import", 1, "too large"),  # generated
    # annotation schemas (annotator schema --set)
    "schema-invalid-json.json": ("schema", 5, "invalid JSON"),
    "schema-missing-labels.json": ("schema", None, 'missing key "labels"'),
    "schema-missing-name.json": ("schema", None, 'missing key "name"'),
    "schema-label-missing-color.json": ("schema", 4, 'missing key "color"'),
    "schema-duplicate-label-key.json": ("schema", 5, "duplicate key '1'"),
    "schema-duplicate-label.json": ("schema", 5, "duplicate label SOURCE"),
    "schema-bad-colour-name.json": ("schema", 4, "bad colour 'orange'"),
    "schema-bad-colour-short.json": ("schema", 3, "bad colour"),
    "schema-duplicate-json-key.json": ("schema", 4, 'the key "key" twice'),
    "schema-role-unknown-label.json": ("schema", 11, "unknown label 'SPEAKER'"),
    "schema-role-label-wrong-type.json": ("schema", 8, "must be strings"),
    "schema-labels-wrong-type.json": ("schema", 2, '"labels" must be a non-empty list'),
    "schema-key-too-long.json": ("schema", 3, "key must be one character"),
    "schema-drops-used-label.json": ("schema", None, "uses label CUE"),
    "schema-empty.json": ("schema", 1, "empty"),
    "schema-utf16-bom.json": ("schema", 1, "UTF-16"),
    "schema-not-object.json": ("schema", None, "must be a JSON object"),
    # merge sources (generated project files)
    "merge-not-sqlite.db": ("merge", None, "not an Annotator project"),
    "merge-foreign-sqlite.db": ("merge", None, "not an Annotator project"),
    "merge-newer-version.db": ("merge", None, "newer Annotator"),
    "merge-different-text.db": ("merge", None, "different text"),
    # canonical JSONL (read by merge)
    "canon-broken-line.jsonl": (CANON, 2, "invalid JSON"),
    "canon-offsets-out-of-range.jsonl": (CANON, 2, "outside the text"),
    "canon-offsets-reversed.jsonl": (CANON, 2, "offsets [14, 10)"),
    "canon-span-text-mismatch.jsonl": (CANON, 2, "differs from the document text"),
    "canon-duplicate-span-ids.jsonl": (CANON, 1, "duplicate span id 'carol-cue'"),
    "canon-unknown-label.jsonl": (CANON, 2, "label 'SPEAKER'"),
    "canon-dangling-frame-role.jsonl": (CANON, 2, "no-such-span"),
    "canon-wrong-types.jsonl": (CANON, 2, "start '10'"),
    "canon-sha-mismatch.jsonl": (CANON, 1, "text_sha256 does not match"),
    "canon-bad-status.jsonl": (CANON, 1, "unknown status 'finished'"),
    "canon-not-canonical.jsonl": (CANON, 1, 'missing "document_id"'),
    "canon-frame-parent-cycle.jsonl": (CANON, 1, "cycle"),
    "canon-50mb-single-line.jsonl": (CANON, 1, "too large"),  # generated
    # brat standoff (import --format brat; the .txt is found beside the .ann)
    "brat/doc3_offsets-out-of-range.ann": ("import:brat", 1, "offsets [0, 900)"),
    "brat/doc3_offsets-reversed.ann": ("import:brat", 2, "offsets [14, 10)"),
    "brat/doc3_text-mismatch.ann": ("import:brat", 1, "'The Mayor' differs"),
    "brat/doc3_duplicate-ids.ann": ("import:brat", 4, "duplicate id 'T2'"),
    "brat/doc3_unknown-label.ann": ("import:brat", 2, "unknown label 'SPEAKER'"),
    "brat/doc3_dangling-role.ann": ("import:brat", 5, "missing span 'T9'"),
    "brat/doc3_bad-line.ann": ("import:brat", 3, "bad offsets 'fifteen 38'"),
    "brat/doc3_invalid-utf8.ann": ("import:brat", 3, "invalid UTF-8"),
    "brat/orphan_alice.ann": ("import:brat", None, "no text file"),
    "brat/bin_alice.ann": ("import:brat", 3, "binary data", "brat/bin.txt"),
    "brat-50mb/huge_alice.ann": ("import:brat", None, "too large", "brat-50mb/huge.txt"),
    # doccano JSONL (import --format doccano)
    "docc-broken-line.jsonl": ("import:doccano", 2, "invalid JSON"),
    "docc-offsets-out-of-range.jsonl": ("import:doccano", 2, "offsets [15, 400)"),
    "docc-offsets-reversed.jsonl": ("import:doccano", 2, "offsets [14, 10)"),
    "docc-unknown-label.jsonl": ("import:doccano", 2, "unknown label 'SPEAKER'"),
    "docc-wrong-types.jsonl": ("import:doccano", 2, "must be integers"),
    "docc-duplicate-entity-ids.jsonl": ("import:doccano", 1, "duplicate id '1'"),
    "docc-dangling-relation.jsonl": ("import:doccano", 2, "missing span '99'"),
    "docc-label-shape-bad.jsonl": ("import:doccano", 1, "label #2 must be"),
    "docc-text-not-string.jsonl": ("import:doccano", 1, '"text" must be'),
    "docc-50mb-single-line.jsonl": ("import:doccano", 1, "too large"),  # generated
    # Label Studio JSON (import --format labelstudio)
    "ls-invalid-json.json": ("import:labelstudio", 41, "invalid JSON"),
    "ls-not-a-list.json": ("import:labelstudio", 1, "a task must be an object"),
    "ls-offsets-out-of-range.json": ("import:labelstudio", 99, "offsets [15, 400)"),
    "ls-text-mismatch.json": ("import:labelstudio", 99, "'The Mayor' differs"),
    "ls-unknown-label.json": ("import:labelstudio", 99, "unknown label 'SPEAKER'"),
    "ls-dangling-relation.json": ("import:labelstudio", 99, "missing span 'nowhere'"),
    "ls-wrong-types.json": ("import:labelstudio", 99, "must be integers"),
    "ls-task-not-object.json": ("import:labelstudio", 196, "a task must be an object"),
    "ls-50mb-single-line.json": ("import:labelstudio", 1, "too large"),  # generated
    # Prodigy JSONL (import --format prodigy)
    "prodigy-broken-line.jsonl": ("import:prodigy", 2, "invalid JSON"),
    "prodigy-offsets-out-of-range.jsonl": ("import:prodigy", 2, "offsets [15, 400)"),
    "prodigy-offsets-reversed.jsonl": ("import:prodigy", 2, "offsets [14, 10)"),
    "prodigy-unknown-label.jsonl": ("import:prodigy", 2, "unknown label 'SPEAKER'"),
    "prodigy-wrong-types.jsonl": ("import:prodigy", 2, '"spans" must be a list'),
    "prodigy-dangling-relation.jsonl": ("import:prodigy", 2, "child is not one of"),
    "prodigy-no-annotator.jsonl": ("import:prodigy", 1, "no annotator"),
    "prodigy-50mb-single-line.jsonl": ("import:prodigy", 1, "too large"),  # generated
}


BIG_LINES = {  # one JSON line (or value) with a 50 MB text, per reader; "BIG" is replaced
    "docc-50mb-single-line.jsonl": {"text": "BIG", "document_id": "huge", "annotator": "al",
                                    "entities": [], "relations": []},
    "ls-50mb-single-line.json": [{"data": {"text": "BIG", "document_id": "huge"},
                                  "annotations": [{"completed_by": "al", "result": []}]}],
    "prodigy-50mb-single-line.jsonl": {"text": "BIG", "spans": [], "answer": "accept",
                                       "meta": {"document_id": "huge", "annotator": "al"}},
}
GENERATED = {name for name in CASES if "50mb" in name or name.startswith("merge-")}
SUPPORT = {"README.md", "brat/doc3.txt", "brat/bin.txt"}  # not inputs themselves
RUNS = sorted((name, cmd) for name, (cmds, *_) in CASES.items()
              for cmd in ((cmds,) if isinstance(cmds, str) else cmds))


def make_generated(name: str, folder: Path) -> Path:
    path = folder / name
    if name == "txt-50mb-single-line.txt":
        with open(path, "wb") as fh:
            chunk = b"the minister said that the talks had failed " * 4096
            while fh.tell() < MB50:
                fh.write(chunk)
    elif name == "docs-50mb-single-line.jsonl":
        with open(path, "wb") as fh:
            fh.write(b'{"id": "huge", "title": "Huge", "text": "')
            chunk = b"the minister said that the talks had failed " * 4096
            while fh.tell() < MB50:
                fh.write(chunk)
            fh.write(b'"}\n')
    elif name == "canon-50mb-single-line.jsonl":
        line = json.loads((BAD / "canon-bad-status.jsonl").read_text(encoding="utf-8"))
        text = "the minister said that the talks had failed " * (MB50 // 44 + 1)
        line.update(document_id="huge", text=text, text_sha256=sha256_text(text),
                    paragraphs=[[0, len(text)]], spans=[], frames=[], status="done")
        path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    elif name in BIG_LINES:
        text = "the minister said that the talks had failed " * (MB50 // 44 + 1)
        obj = BIG_LINES[name]
        obj = json.loads(json.dumps(obj).replace('"BIG"', json.dumps(text)))
        path.write_text(json.dumps(obj) + "\n", encoding="utf-8")
    elif name == "brat-50mb/huge_alice.ann":
        path.parent.mkdir()
        with open(path.parent / "huge.txt", "wb") as fh:
            chunk = b"the minister said that the talks had failed " * 4096
            while fh.tell() < MB50:
                fh.write(chunk)
        path.write_text("T1\tSOURCE 0 3\tthe\n", encoding="utf-8")
    elif name == "merge-not-sqlite.db":
        path.write_text("this is a text file with a .db name\n" * 50)
    elif name == "merge-foreign-sqlite.db":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        conn.commit()
        conn.close()
    elif name == "merge-newer-version.db":
        shutil.copyfile(FIXTURE, path)
        conn = sqlite3.connect(path)
        with conn:
            conn.execute("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) "
                         "VALUES ('annotator', '9999_future', '2099-01-01')")
        conn.close()
    elif name == "merge-different-text.db":
        with Project.open(path) as other:
            other.add_documents([make_doc("Completely different words under the same id.")])
            other.add_span(other.make_span("doc1", "bob", "CUE", [(0, 10)]))
    else:
        raise AssertionError(name)
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with documents, two annotators' spans, a frame, status and targets."""
    path = tmp_path_factory.mktemp("template") / "project.db"
    text = ('Officials said on Tuesday that "the talks failed."\n\n'
            "Critics, including Senator Smith, argued the opposite.")
    with Project.open(path) as p:
        p.add_documents([make_doc(text), make_doc("Another article.\n\nTwo paragraphs.",
                                                  "doc2", "Second")])
        cue = p.add_span(p.make_span("doc1", "alice", "CUE", [(10, 14)]))
        src = p.add_span(p.make_span("doc1", "alice", "SOURCE", [(0, 9)]))
        con = p.add_span(p.make_span("doc1", "alice", "CONTENT", [(31, 50)]))
        p.add_frame(Frame(id="f1", document_id="doc1", annotator="alice", cue=cue.id,
                          sources=(src.id,), contents=(con.id,),
                          attributes={"stance": "AGAINST", "target": "Talks"}))
        p.add_span(p.make_span("doc1", "bob", "CUE", [(10, 14)]))
        p.set_status("doc1", "alice", "done")
        p.add_target("Talks", ["the talks"])
    return path


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def argv(command: str, file: Path, project: Path) -> list[str]:
    if command == "import":
        return ["import", str(file), "--project", str(project), "--quiet"]
    if command.startswith("import:"):
        return ["import", "--format", command.split(":")[1], str(file), "--project",
                str(project), "--quiet"]
    if command == "schema":
        return ["schema", "--set", str(file), "--project", str(project)]
    if command == "merge":
        return ["merge", str(file), "--project", str(project)]
    raise AssertionError(command)


def test_the_corpus_is_complete_and_documented() -> None:
    committed = {p.relative_to(BAD).as_posix() for p in BAD.rglob("*") if p.is_file()}
    assert committed - SUPPORT == set(CASES) - GENERATED
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    for name in CASES:
        assert f"`{name}`" in readme, f"{name} is not described in tests/data/bad/README.md"
    readers = {cmd for _, cmd in RUNS}
    assert len(CASES) >= 30 and len(readers) >= 8


@pytest.mark.parametrize(("name", "command"), RUNS, ids=[f"{n}-{c}" for n, c in RUNS])
def test_bad_input_gives_one_line_exit_2_and_changes_nothing(
        name: str, command: str, template: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    _, line, message, *named = CASES[name]
    project = tmp_path / "project.db"
    shutil.copyfile(template, project)
    file = make_generated(name, tmp_path) if name in GENERATED else BAD / name
    shown = (file.parent.parent / named[0]) if named else file
    before = dump(project)
    code = cli_main(argv(command, file, project))
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == 2, f"exit {code}; stderr: {err!r}"
    assert len(lines) == 1, f"expected one line, got {lines!r}"
    where = f"{shown}:{line}: " if line is not None else f"{shown}: "
    assert lines[0].startswith(f"annotator: {where}"), lines[0]
    assert re.search(re.escape(message), lines[0], re.IGNORECASE), lines[0]
    assert len(lines[0]) < 400, "one clear line, not a dump"
    assert dump(project) == before
    assert not list(tmp_path.glob("*.bak"))
