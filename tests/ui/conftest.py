"""Fixtures for driving the real main window offscreen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from annotator.store.project import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.session import AnnotationSession
from annotator.ui.settings import Settings
from tests.conftest import make_doc

TEXT1 = ('Officials said on Tuesday that "the talks failed."\n\n'
         "Critics, including Senator Smith, argued the opposite.")
TEXT2 = "Second article. The minister told reporters that peace was near."
TEXT3 = "Third article, about <b>bold</b> claims & <img src=x> tags &amp; entities."


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "ui.annotator.db"
    p = Project.open(path)
    p.add_documents([make_doc(TEXT1, "doc1", "First <b>article</b>"),
                     make_doc(TEXT2, "doc2", "Second article"),
                     make_doc(TEXT3, "doc3", "Third & last")])
    p.close()
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "settings.ini")


@pytest.fixture
def make_window(qtbot, project_path: Path, settings: Settings):
    """make_window(annotator="ann") -> a shown, active MainWindow on ``project_path``."""
    made: list[MainWindow] = []

    def make(annotator: str = "ann") -> MainWindow:
        session = AnnotationSession(Project.open(project_path), annotator)
        window = MainWindow(session, settings)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
        made.append(window)
        return window

    yield make
    for w in made:
        try:
            w.project.close()
        except Exception:
            pass


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window()
