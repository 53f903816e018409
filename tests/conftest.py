"""Shared fixtures. Qt runs headless: the platform is set before PySide6 is imported."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from annotator.domain.model import Document  # noqa: E402
from annotator.domain.text import paragraph_offsets  # noqa: E402
from annotator.store.project import Project  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILE = SEEDS / "2020-08-28-us-russian-units-clash-in-syria.txt"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test touches the real user's data folder or Qt settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ANNOTATOR_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def project(tmp_path: Path):
    p = Project.open(tmp_path / "project.db")
    yield p
    p.close()


def make_doc(text: str, doc_id: str = "doc1", title: str = "A title") -> Document:
    return Document(id=doc_id, text=text, title=title, paragraphs=paragraph_offsets(text))


@pytest.fixture
def doc_project(project: Project):
    """A project holding one two-paragraph document ``doc1``."""
    text = ('Officials said on Tuesday that "the talks failed."\n\n'
            "Critics, including Senator Smith, argued the opposite.")
    project.add_documents([make_doc(text)])
    return project
