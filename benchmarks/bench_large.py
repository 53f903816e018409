"""A very long article in the real window: how long the event loop is blocked (the user's
"freeze") while it opens and while the user jumps and pages through it.

- open + jumps: the main window opens a 200,000-word article with 2,000 spans (emoji
  included), and right away (layout not finished) jumps to the middle, the end, near the
  start and presses Ctrl+End. Figure: the longest gap between ticks of a 5 ms timer.
- paging: 20 PageUp presses and 3 spans selected far apart, once laid out.
Baseline, same run: a bare read-only ``QTextEdit`` given the same text with
``setPlainText`` and the same jumps / key presses. Target (issue 6): no freeze; we read
"no freeze" as a block under 1 s, and report the ratio to the bare widget.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QTextEdit  # noqa: E402

from benchmarks.corpus import make_doc  # noqa: E402
from benchmarks.figures import Figure  # noqa: E402


def _loop(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def _worst_block(actions: list[tuple[int, Callable[[], object]]], settle: float) -> float:
    """Run ``actions`` (ms after start, callable) on the event loop; the longest block (ms)."""
    ticks: list[float] = []
    beat = QTimer()
    beat.setInterval(5)
    beat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    beat.start()
    _loop(0.05)
    t0 = time.perf_counter()
    for at, fn in actions:
        QTimer.singleShot(at, fn)
    _loop(settle)
    beat.stop()
    ts = [t for t in ticks if t >= t0]
    return 1000 * max((b - a for a, b in zip(ts, ts[1:], strict=False)), default=0.0)


def _jumps(edit: QTextEdit, first: Callable[[], object]) -> list[tuple[int, Callable]]:
    bar = edit.verticalScrollBar()
    out: list[tuple[int, Callable]] = [(0, first)]
    for i, frac in enumerate((0.5, 1.0, 0.1)):
        out.append((50 + 80 * i, lambda f=frac: bar.setValue(int(bar.maximum() * f))))
    out.append((400, lambda: QTest.keyClick(edit, Qt.Key.Key_End,
                                            Qt.KeyboardModifier.ControlModifier)))
    return out


def _pages(edit: QTextEdit) -> list[tuple[int, Callable]]:
    return [(25 * i, lambda: QTest.keyClick(edit, Qt.Key.Key_PageUp)) for i in range(20)]


def run(quick: bool) -> list[Figure]:
    from annotator.domain.model import AnnotatedDocument
    from annotator.store.project import Project
    from annotator.ui import launch
    from annotator.ui.settings import Settings
    from tests.conftest import make_doc as small_doc

    app = QApplication.instance() or QApplication([])
    words = 50_000 if quick else 200_000
    big = make_doc(0, words, words // 100, ["alice"], emoji=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.db"
        with Project.open(path) as p:
            p.add_documents([small_doc("A short article.", "a-short"), big.document])
            p.replace_layer(AnnotatedDocument(big.document, "alice", "in progress", big.spans,
                                              big.frames))
        window = launch.open_window(str(path), "alice", Settings(Path(tmp) / "s.ini"))
        window.resize(1300, 800)
        window.show()
        app.processEvents()
        edit = window.view.text_edit
        ours_open = _worst_block(_jumps(edit, lambda: window.open_document(big.document.id)),
                                 2.5)
        select = [(600 + 100 * i, lambda s=s: window.controller.select_span(s.id))
                  for i, s in enumerate(sorted(big.spans, key=lambda s: s.start)[::700][:3])]
        ours_page = _worst_block(_pages(edit) + select, 1.2)
        window.close()
        window.project.close()
        window.deleteLater()

        bare = QTextEdit()
        bare.setReadOnly(True)
        bare.setFont(edit.font())
        bare.resize(900, 760)
        bare.show()
        app.processEvents()
        base_open = _worst_block(_jumps(bare, lambda: bare.setPlainText(big.document.text)),
                                 2.5)
        base_page = _worst_block(_pages(bare), 1.2)
        bare.close()
    label = f"{words:,} words, {len(big.spans):,} spans"
    return [
        Figure(f"longest event-loop block, open + immediate jumps ({label})", ours_open, "ms",
               "bare QTextEdit.setPlainText + same jumps", base_open, "no freeze (< 1000 ms)"),
        Figure(f"longest event-loop block, paging + selecting spans ({label})", ours_page,
               "ms", "bare QTextEdit, same paging", base_page, "no freeze (< 1000 ms)"),
    ]
