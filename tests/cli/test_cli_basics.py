"""The CLI: import and stats, exit codes, one-line errors, the default project."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from annotator.cli import main
from annotator.home import default_project_path, open_project
from tests.conftest import ROOT, SEEDS


def run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    return subprocess.run([sys.executable, "-m", "annotator", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_import_then_stats(tmp_path, capsys):
    db = str(tmp_path / "p.db")
    assert main(["import", str(SEEDS), "--project", db]) == 0
    out = capsys.readouterr().out
    assert "documents added: 1" in out and "paragraphs repaired: 3" in out
    assert main(["stats", "--project", db]) == 0
    out = capsys.readouterr().out
    assert "documents: 1" in out
    assert "US and Russian military units clash in Syria" in out
    assert "Bill Van Auken" in out and "2020-08-28" in out
    assert main(["import", str(SEEDS), "--project", db]) == 0
    assert "documents added: 0" in capsys.readouterr().out


def test_bad_folder_exit_2_one_line_nothing_imported(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text("T\n\nBody.\n")
    (folder / "bad.txt").write_bytes(b"T\n\n\xc3\x28 invalid\n")
    db = tmp_path / "p.db"
    assert main(["import", str(folder), "--project", str(db)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{folder / 'bad.txt'}:3:" in err[0] and "invalid UTF-8" in err[0]
    assert not db.exists()  # no empty project left behind by the failed import
    assert main(["import", str(SEEDS), "--project", str(db)]) == 0
    assert main(["import", str(folder), "--project", str(db)]) == 2
    assert db.exists()  # an existing project is kept (and unchanged)
    capsys.readouterr()
    assert main(["stats", "--project", str(db)]) == 0
    assert "documents: 1" in capsys.readouterr().out  # the seed only: ok.txt was not added


def test_missing_path(tmp_path, capsys):
    assert main(["import", str(tmp_path / "nope.txt"), "--project", str(tmp_path / "p.db")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_console_entry_point_runs_headless(tmp_path):
    db = str(tmp_path / "p.db")
    r = run("import", str(SEEDS), "--project", db)
    assert r.returncode == 0, r.stderr
    r = run("stats", "--project", db)
    assert r.returncode == 0 and "documents: 1" in r.stdout
    assert "PySide6" not in r.stderr
    r = run("import", str(tmp_path / "missing"), "--project", db)
    assert r.returncode == 2 and r.stderr.count("\n") == 1


def test_cli_does_not_import_qt():
    code = ("import sys, annotator.cli, annotator.formats.articles, annotator.home; "
            "sys.exit(any(m.startswith('PySide6') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_default_project_is_seeded_once(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_HOME", str(tmp_path / "home"))
    assert default_project_path() == tmp_path / "home" / "default.annotator.db"
    with open_project() as p:
        docs = p.documents()
        assert [d.title for d in docs] == ["US and Russian military units clash in Syria"]
    with open_project() as p:
        assert p.count_documents() == 1


@pytest.mark.parametrize("argv", [["stats"], ["import", str(SEEDS)]])
def test_default_project_used_without_flag(argv, capsys):
    assert main(argv) == 0
    assert default_project_path().exists()


@pytest.mark.parametrize("command", [["stats"], ["agreement"], ["export", "--out", "x.jsonl"],
                                     ["adjudicate", "list"], ["schema"]])
def test_reading_commands_do_not_create_a_missing_project(tmp_path, capsys, command):
    missing = tmp_path / "typo.db"
    argv = command[:1] + ["--project", str(missing)] + command[1:]
    argv = [a if a != "x.jsonl" else str(tmp_path / "x.jsonl") for a in argv]
    assert main(argv) == 2
    assert "no such project" in capsys.readouterr().err
    assert not missing.exists()


def test_output_into_a_closed_pipe_ends_quietly(tmp_path):
    db = str(tmp_path / "p.db")
    assert run("import", str(SEEDS), "--project", db).returncode == 0
    code = (f"import subprocess, sys; p = subprocess.Popen([sys.executable, '-m', 'annotator', "
            f"'stats', '--project', {db!r}], stdout=subprocess.PIPE, stderr=subprocess.PIPE); "
            "p.stdout.close(); err = p.stderr.read().decode(); p.wait(); print(repr(err))")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert "Traceback" not in r.stdout and "BrokenPipe" not in r.stdout, r.stdout
