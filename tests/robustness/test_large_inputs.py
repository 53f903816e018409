"""Large inputs: an article of 200,000 words opens and scrolls without freezing the window;
importing 10,000 articles shows progress (a dialog in the GUI, a status line on a terminal)
and can be cancelled (Cancel, Ctrl+C) while reading AND while writing, leaving the project
exactly as it was.

"Without freezing" is measured as the longest time the event loop was blocked (a 5 ms
heartbeat timer) while the document opens and while the user jumps and pages through it.
The bound here (2 s) only catches a freeze; the figures themselves are in
``benchmarks/bench_large.py``.
"""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from annotator.domain.model import AnnotatedDocument
from annotator.store.project import Project
from annotator.ui import launch
from annotator.ui.dialogs import import_with_progress
from annotator.ui.settings import Settings
from benchmarks.corpus import make_doc as synthetic_doc
from tests.conftest import make_doc

ROOT = Path(__file__).resolve().parents[2]
N_ARTICLES = 10_000
FREEZE = 2.0  # seconds the event loop may be blocked before we call it a freeze


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("articles10k")
    body = ("The minister said that talks with officials had failed after weeks of "
            "negotiation. ") * 20
    for i in range(N_ARTICLES):
        (folder / f"a{i:05d}.txt").write_bytes(
            f"Article {i}\n\nAnn Writer 28 August 2020\n\n{body}\n\nEnd {i}.\n".encode())
    return folder


@pytest.fixture
def small_project(tmp_path: Path) -> Path:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        p.add_documents([make_doc("An article already here.\n\nWith two paragraphs.")])
        p.add_span(p.make_span("doc1", "alice", "CUE", [(0, 2)]))
    return path


# ----------------------------------------------------------------- 200,000 words
class Heartbeat:
    """A 5 ms timer; the longest gap between its ticks is how long the loop was blocked."""

    def __init__(self) -> None:
        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))
        self.timer.start()

    def worst_since(self, t0: float) -> float:
        ts = [t for t in self.ticks if t >= t0]
        return max((b - a for a, b in zip(ts, ts[1:], strict=False)), default=0.0)


def run_loop(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def test_a_200000_word_article_opens_and_scrolls_without_freezing(qtbot, tmp_path: Path
                                                                  ) -> None:
    big = synthetic_doc(0, 200_000, 2_000, ["alice"], emoji=True)
    path = tmp_path / "big.db"
    with Project.open(path) as p:
        p.add_documents([make_doc("A short article.", "a-short"), big.document])
        p.replace_layer(AnnotatedDocument(big.document, "alice", "in progress", big.spans,
                                          big.frames))
    window = launch.open_window(str(path), "alice", Settings(tmp_path / "s.ini"))
    qtbot.addWidget(window)
    window.resize(1300, 800)
    window.show()
    qtbot.waitExposed(window)
    beat = Heartbeat()
    run_loop(0.1)
    edit = window.view.text_edit
    bar = edit.verticalScrollBar()
    worst = {}

    t0 = time.perf_counter()  # open, then jump around at once (layout not finished yet)
    QTimer.singleShot(0, lambda: window.open_document(big.document.id))
    for i, frac in enumerate((0.5, 1.0, 0.1)):
        QTimer.singleShot(50 + 80 * i, lambda f=frac: bar.setValue(int(bar.maximum() * f)))
    QTimer.singleShot(400, lambda: QTest.keyClick(edit, Qt.Key.Key_End,
                                                  Qt.KeyboardModifier.ControlModifier))
    run_loop(2.5)
    worst["open and jump"] = beat.worst_since(t0)
    assert window.session.document_id == big.document.id
    assert edit.toPlainText() == big.document.text

    t1 = time.perf_counter()  # page through it, and select spans far apart
    for i in range(20):
        QTimer.singleShot(25 * i, lambda: QTest.keyClick(edit, Qt.Key.Key_PageUp))
    far = sorted(window.session.spans.values(), key=lambda s: s.start)
    for i, span in enumerate((far[0], far[-1], far[len(far) // 2])):
        QTimer.singleShot(600 + 100 * i, lambda s=span: window.controller.select_span(s.id))
    run_loop(1.2)
    worst["page and select"] = beat.worst_since(t1)
    beat.timer.stop()
    print(f"\nevent loop blocked at most: {worst} (chars {len(big.document.text):,})")
    assert all(v < FREEZE for v in worst.values()), worst


# ----------------------------------------------------------------- 10,000 articles, CLI
def run_cli_with_tty(args: list[str], interrupt_when: str | None) -> tuple[int, str, str]:
    """Run ``annotator ARGS`` with stderr on a terminal; SIGINT once stderr matches the
    regex ``interrupt_when``. Returns (exit code, stdout, everything on the terminal)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "annotator", *args], cwd=ROOT,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen, sent = b"", False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                chunk = b""
            if not chunk and proc.poll() is not None:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
        if interrupt_when and not sent and re.search(interrupt_when.encode(), seen):
            proc.send_signal(signal.SIGINT)
            sent = True
    out = proc.stdout.read().decode()
    code = proc.wait(timeout=30)
    os.close(master)
    return code, out, seen.decode(errors="replace")


@pytest.mark.parametrize("phase", [r"reading [1-9]\d{2,}/", "writing"], ids=["reading", "writing"])
def test_cli_import_of_10000_articles_shows_progress_and_ctrl_c_leaves_nothing(
        articles: Path, small_project: Path, phase: str) -> None:
    before = dump(small_project)
    code, out, term = run_cli_with_tty(
        ["import", str(articles), "--project", str(small_project)], interrupt_when=phase)
    assert "reading " in term and f"/{N_ARTICLES} files" in term
    if phase == "writing":
        assert f"reading {N_ARTICLES - 1}/{N_ARTICLES}" in term or "writing" in term
    assert code == 130, (code, out, term[-300:])
    last = [ln for ln in term.replace("\r", "\n").splitlines() if ln.strip()][-1]
    assert last.startswith("annotator: interrupted; nothing was written"), term[-300:]
    assert "documents added" not in out
    assert dump(small_project) == before


def test_cli_import_of_10000_articles_completes_with_progress(articles: Path,
                                                              small_project: Path) -> None:
    code, out, term = run_cli_with_tty(
        ["import", str(articles), "--project", str(small_project)], interrupt_when=None)
    assert code == 0, term[-300:]
    assert f"documents added: {N_ARTICLES}" in out
    assert f"writing {N_ARTICLES} files…" in term
    assert term.endswith("\n")  # the status line is ended before the report
    with Project.open(small_project) as p:
        assert p.count_documents() == N_ARTICLES + 1


# ----------------------------------------------------------------- 10,000 articles, GUI
class DialogDriver:
    """Watches the import's progress dialog (its labels and values) and presses Cancel
    when ``cancel_when(dialog)`` says so; closes the message box that follows."""

    def __init__(self, cancel_when=None) -> None:  # noqa: ANN001
        self.cancel_when = cancel_when
        self.labels: list[str] = []
        self.maximum = 0
        self.cancelled_at = ""
        self.messages: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QProgressDialog) and w.isVisible():
                label = w.labelText()
                if not self.labels or self.labels[-1] != label:
                    self.labels.append(label)
                self.maximum = max(self.maximum, w.maximum())
                if self.cancel_when and not self.cancelled_at and self.cancel_when(w):
                    self.cancelled_at = label
                    w.cancel()
            if isinstance(w, QMessageBox) and w.isVisible():
                self.messages.append(w.text())
                w.close()


def gui_import(qtbot, project_path: Path, folder: Path, cancel_when=None):  # noqa: ANN001
    window = launch.open_window(str(project_path), "alice", Settings(project_path.with_suffix(
        ".ini")))
    qtbot.addWidget(window)
    window.show()
    driver = DialogDriver(cancel_when)
    report = import_with_progress(window.project, [str(folder)], window)
    driver.timer.stop()
    window.close()
    window.project.close()
    return report, driver


def test_gui_import_of_10000_articles_shows_progress(qtbot, articles: Path,
                                                     small_project: Path) -> None:
    report, driver = gui_import(qtbot, small_project, articles)
    assert report is not None and len(report.added) == N_ARTICLES
    assert driver.maximum == N_ARTICLES
    assert any(lab.startswith("Reading article") for lab in driver.labels)
    assert any(lab.startswith("Saving") for lab in driver.labels)


@pytest.mark.parametrize("phase", ["reading", "saving"])
def test_gui_import_cancel_leaves_nothing(qtbot, articles: Path, small_project: Path,
                                          phase: str) -> None:
    before = dump(small_project)

    def when(dialog: QProgressDialog) -> bool:
        if phase == "reading":
            return 500 <= dialog.value() < dialog.maximum() - 1
        return dialog.labelText().startswith("Saving")

    report, driver = gui_import(qtbot, small_project, articles, when)
    assert report is None
    assert driver.cancelled_at.lower().startswith(phase), driver.cancelled_at
    assert driver.messages and "nothing was imported" in driver.messages[0]
    assert dump(small_project) == before
