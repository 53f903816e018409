"""Starting the app (annotator name asked once and remembered, --project, --annotator,
the default project seeded) and the File menu: open / new project, import articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from annotator import home
from annotator.store.project import Project
from annotator.ui import launch
from annotator.ui.main_window import MainWindow
from annotator.ui.settings import Settings
from tests.conftest import SEED_FILE
from tests.ui.helpers import on_next_modal


def _close(window: MainWindow | None) -> None:
    if window is not None:
        window.close()
        window.project.close()
        window.deleteLater()


def test_first_start_asks_the_name_once_and_opens_the_seeded_default_project(
        qtbot, monkeypatch, tmp_path):
    asked = []

    def fake_get_text(*args, **kwargs):
        asked.append(args[2])
        return "  Zoë  ", True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(fake_get_text))
    settings = Settings(tmp_path / "s.ini")
    window = launch.open_window(None, None, settings)
    assert window is not None and len(asked) == 1
    assert window.session.annotator == "Zoë"
    assert Settings(tmp_path / "s.ini").annotator == "Zoë"  # remembered on disk
    assert window.project.path == home.default_project_path()
    assert window.project.count_documents() >= 1  # seeded
    assert window.session.document is not None
    _close(window)
    window = launch.open_window(None, None, settings)  # second start: no question
    assert len(asked) == 1 and window.session.annotator == "Zoë"
    _close(window)


def test_cancelling_the_name_prompt_starts_nothing(qtbot, monkeypatch, tmp_path):
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))
    assert launch.open_window(None, None, Settings(tmp_path / "s.ini")) is None


def test_project_and_annotator_options(qtbot, project_path, tmp_path, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(
        lambda *a, **k: pytest.fail("must not ask when --annotator is given")))
    settings = Settings(tmp_path / "s.ini")
    window = launch.open_window(str(project_path), "bob", settings)
    assert window.session.annotator == "bob"
    assert window.project.path == project_path
    assert settings.annotator == ""  # a one-off --annotator is not remembered
    _close(window)


CHILD = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from annotator.ui.launch import application, run_gui
from annotator.ui.main_window import MainWindow

app = application()

def close_it():
    for w in QApplication.topLevelWidgets():
        if isinstance(w, MainWindow) and w.isVisible():
            print("TITLE", w.windowTitle(), flush=True)
            w.close()

QTimer.singleShot(200, close_it)
sys.exit(run_gui(sys.argv[1:]))
"""


def test_run_gui_opens_the_window_and_returns_when_it_closes(project_path, tmp_path):
    # a child process: QApplication.exec() may run only once per process
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", CHILD, "--project", str(project_path),
                        "--annotator", "carol"], capture_output=True, text=True, env=env,
                       timeout=60, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "TITLE First <b>article</b> — in progress — ui.annotator.db" in r.stdout
    assert "carol" in Project.open(project_path).annotators()


def test_unopenable_project_shows_an_error(qtbot, tmp_path, monkeypatch):
    bad = tmp_path / "not-a-project.db"
    bad.write_text("hello, I am text\n" * 50)
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    assert launch.open_window(str(bad), "ann", Settings(tmp_path / "s.ini")) is None
    assert "not an Annotator project" in shown[0]


def test_import_articles_from_the_menu(window, qtbot, monkeypatch, tmp_path):
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(SEED_FILE)], "")))
    window.actions.import_files.trigger()
    assert len(window.documents.items) == 4
    assert window.status_label.text().startswith("Saved: imported 1 document(s) added")
    [new] = [d for d in window.documents.items if d not in ("doc1", "doc2", "doc3")]
    window.open_document(new)  # opened: marked in progress (not an undoable action)
    assert window.project.status(new, "ann") == "in progress"

    # the import is one undoable action: undo takes the article out, redo puts it back
    window.actions.undo.trigger()
    assert list(window.documents.items) == ["doc1", "doc2", "doc3"]
    assert window.project.count_documents() == 3 and window.session.document_id == "doc1"
    assert window.status_label.text() == "Saved: undone import 1 article"
    window.actions.redo.trigger()
    assert list(window.documents.items) == ["doc1", "doc2", "doc3", new]
    assert window.project.status(new, "ann") == "in progress"


def test_import_errors_name_the_file_and_line_and_import_nothing(window, qtbot, monkeypatch,
                                                                 tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Title\n\nSome body text here.\n", encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"title": "no text"}\n', encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(good), str(bad)], "")))
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(
        (self.text(), self.informativeText())) or 0)
    window.actions.import_files.trigger()
    assert shown and shown[0][0] == f'{bad}:2: missing "text"'
    assert "Nothing was imported" in shown[0][1]
    assert window.project.count_documents() == 3


def test_open_and_new_project_from_the_menu(window, qtbot, monkeypatch, tmp_path):
    other = tmp_path / "other.annotator.db"
    p = Project.open(other)
    from tests.conftest import make_doc

    p.add_documents([make_doc("Only text in the other project.", "odoc", "Other")])
    p.close()
    changed = []
    window.project_changed.connect(lambda: changed.append(window.project.path))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(other), "")))
    window.actions.open_project.trigger()
    assert window.project.path == other and changed == [other]
    assert list(window.documents.items) == ["odoc"]
    assert window.session.document_id == "odoc"
    assert window.session.annotator == "ann"

    fresh = tmp_path / "fresh.annotator.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(fresh), "")))
    window.actions.new_project.trigger()
    assert window.project.path == fresh and fresh.exists()
    assert window.documents.items == {} and window.session.document is None
    assert "Import articles" in window.status_label.text()
    # the layout of each project is remembered separately
    assert Path(window.settings.last_project) == other


def test_keyboard_dialog_lists_the_shortcuts(window, qtbot):
    seen = []

    def read(dialog):
        from PySide6.QtWidgets import QTableWidget

        table = dialog.findChild(QTableWidget)
        seen.append(dialog.windowTitle())
        seen.extend(table.item(r, 0).text() for r in range(table.rowCount()))
        dialog.reject()

    on_next_modal(read)
    window.actions.keyboard.trigger()
    assert seen[0] == "Keyboard"
    assert {"1 – 4 (label keys)", "Alt+A", "A", "Shift+A", "N / P", "Ctrl+Z"} <= set(seen)


def test_import_a_folder_and_cancel_from_the_progress_dialog(window, qtbot, monkeypatch,
                                                             tmp_path):
    from PySide6.QtWidgets import QProgressDialog

    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(3):
        (folder / f"a{i}.txt").write_text(f"Title {i}\n\nBody number {i} of the test.\n",
                                          encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(folder)))
    shown = []
    monkeypatch.setattr(QMessageBox, "information",
                        staticmethod(lambda *a, **k: shown.append(a[2])))
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    window.actions.import_folder.trigger()
    assert shown == ["import cancelled; nothing was imported"]
    assert window.project.count_documents() == 3
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: False)
    window.actions.import_folder.trigger()
    assert window.project.count_documents() == 6
    assert [window.documents.items[d].text(0) for d in list(window.documents.items)[3:]] == [
        "Title 0", "Title 1", "Title 2"]
