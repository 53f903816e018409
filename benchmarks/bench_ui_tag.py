"""Tag a selection in the real window: key press -> span row committed -> view repainted.

A MainWindow (offscreen) on a project file holding one synthetic article of W words with
S spans (many overlapping) and their attribution frames. Each round selects a fresh word
with the view's ``set_selection``, presses the label key on the article (the window's
shortcut), and repaints the article viewport synchronously; the time covers all three.
The baseline is a raw ``sqlite3`` INSERT + COMMIT of the same span row into a database file with the
project's pragmas (WAL, synchronous=FULL): the floor for "committed before shown".
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import make_doc, word_offsets
from benchmarks.figures import Figure


def run(quick: bool) -> list[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from annotator.store import rows
    from annotator.store.project import Project
    from annotator.ui.main_window import MainWindow
    from annotator.ui.session import AnnotationSession
    from annotator.ui.settings import Settings

    words, nspans, rounds = (3_000, 150, 40) if quick else (20_000, 1_000, 150)
    app = QApplication.instance() or QApplication(["bench"])
    with tempfile.TemporaryDirectory() as tmp:
        syn = make_doc(0, words, nspans, ["bench"], seed=7, emoji=True)
        project = Project.open(Path(tmp) / "bench.annotator.db")
        project.add_documents([syn.document])
        with project.transaction():
            for span in syn.spans:
                project.add_span(span)
            for frame in syn.frames:
                project.add_frame(frame)
        session = AnnotationSession(project, "bench")
        window = MainWindow(session, Settings(Path(tmp) / "settings.ini"))
        window.resize(1400, 860)
        window.show()
        window.activateWindow()
        for _ in range(20):
            app.processEvents()
        view, edit = window.view, window.view.text_edit
        offsets = word_offsets(syn.document.text)
        step = max(1, len(offsets) // (rounds + 1))
        times: list[float] = []
        made: list[str] = []
        for i in range(rounds):
            start, end = offsets[(i + 1) * step]
            view.set_selection(start, end)
            view.scroll_to_offset(start)
            app.processEvents()
            before = len(session.spans)
            t = time.perf_counter()
            QTest.keyClick(edit, Qt.Key.Key_3)
            edit.viewport().repaint()
            times.append((time.perf_counter() - t) * 1000)
            if len(session.spans) != before + 1:
                raise RuntimeError("the key press did not tag the selection")
            made.append(window.controller.selected or "")
        tag_ms = statistics.median(times)
        row = rows.span_row(project.span(made[-1]))
        window.close()
        project.close()

        # baseline: the same row, raw sqlite3, same pragmas, one transaction per insert
        conn = sqlite3.connect(str(Path(tmp) / "raw.db"), isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute('CREATE TABLE spans (id TEXT PRIMARY KEY, document_id TEXT, annotator '
                     'TEXT, label TEXT, start INTEGER, "end" INTEGER, fragments TEXT, text '
                     'TEXT, attributes TEXT, note TEXT, origin TEXT, created_at TEXT, '
                     'updated_at TEXT)')
        base: list[float] = []
        for i in range(rounds):
            values = {**row, "id": f"raw{i}"}
            t = time.perf_counter()
            conn.execute("BEGIN")
            conn.execute('INSERT INTO spans VALUES (:id, :document_id, :annotator, :label, '
                         ':start, :end, :fragments, :text, :attributes, :note, :origin, '
                         ':created_at, :updated_at)', values)
            conn.execute("COMMIT")
            base.append((time.perf_counter() - t) * 1000)
        conn.close()
    return [Figure(f"tag a selection (key -> committed -> repainted), {words:,} words, "
                   f"{nspans:,} spans, {len(syn.frames):,} frames", tag_ms, "ms",
                   "raw sqlite3 INSERT+COMMIT of the same row", statistics.median(base),
                   "<= 16 ms")]
