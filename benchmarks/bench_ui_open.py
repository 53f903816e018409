"""Opening an article in the article view, and repainting after one span is added.

- open: ``ArticleView.set_document`` of a 20,000-word article with 1,000 spans (about a third
  overlapping or nested; a few emoji so that offsets need the UTF-16 map) plus a synchronous
  repaint, against a bare ``QTextEdit.setPlainText`` of the same text plus a repaint, same
  size and font, in the same run. Target: median <= 150 ms and <= 2x the baseline.
- add span: ``add_span`` + repaint of the viewport with the 1,000 spans shown, against a
  repaint of the same viewport with nothing changed. Target (whole tagging path): <= 16 ms.
- open large: the same for a 200,000-word article (must not freeze), reported for reference.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QFont  # noqa: E402
from PySide6.QtWidgets import QApplication, QTextEdit  # noqa: E402

from annotator.domain.model import Span, fragment_text  # noqa: E402
from annotator.ui.article_view import ArticleView  # noqa: E402
from benchmarks.corpus import make_doc, word_offsets  # noqa: E402
from benchmarks.figures import Figure, median_ms  # noqa: E402

COLOURS = {"SOURCE": "#4e79a7", "CUE": "#f28e2b", "CONTENT": "#59a14f", "STANCE": "#e15759"}
SIZE = (900, 800)


def _app() -> QApplication:
    app = QApplication.instance()
    return app if isinstance(app, QApplication) else QApplication([])


def _bare_edit(font: QFont) -> QTextEdit:
    edit = QTextEdit()
    edit.setFont(font)
    edit.setReadOnly(True)
    edit.resize(*SIZE)
    edit.show()
    return edit


def _open_figures(words: int, spans: int, repeat: int, name: str) -> list[Figure]:
    app = _app()
    syn = make_doc(0, words, spans, ["annotator1"], seed=7, emoji=True)
    doc = syn.document
    view = ArticleView()
    view.resize(*SIZE)
    view.show()
    bare = _bare_edit(view.text_edit.font())
    app.processEvents()

    def open_view() -> None:
        view.set_document(doc, syn.spans, COLOURS)
        view.repaint()

    def open_bare() -> None:
        bare.setPlainText(doc.text)
        bare.repaint()

    # alternate the two, one run each, so that machine noise hits both alike
    open_view()
    open_bare()
    ours, base = [], []
    for _ in range(repeat):
        ours.append(_time_ms(open_view))
        base.append(_time_ms(open_bare))
    ours = [statistics.median(ours)]
    base = [statistics.median(base)]
    figs = [Figure(f"{name}: {words:,} words, {len(syn.spans):,} spans, set_document + repaint",
                   ours[0], "ms", "bare QTextEdit.setPlainText + repaint", base[0],
                   target="<= 150 ms and <= 2x baseline" if words <= 20_000 else
                   "no freeze (reference)")]
    if words <= 20_000:
        figs.append(_add_span_figure(view, syn.spans, repeat))
    bare.close()
    view.close()
    app.processEvents()
    return figs


def _time_ms(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def _add_span_figure(view: ArticleView, spans: list[Span], repeat: int) -> Figure:
    doc = view.document
    assert doc is not None
    view.scroll_to_offset(0)
    viewport = view.text_edit.viewport()
    viewport.repaint()
    # new spans over words near the top (in view), overlapping what is there
    words = word_offsets(doc.text)[:60]
    times: list[float] = []
    for i in range(repeat):
        first = words[i % 50]
        last = words[i % 50 + 1 + i % 4]
        frags = ((first[0], last[1]),)
        new = Span(id=f"bench-new-{i}", document_id=doc.id, annotator="annotator1",
                   label=("SOURCE", "CUE", "CONTENT")[i % 3], fragments=frags,
                   text=fragment_text(doc.text, frags))
        t = time.perf_counter()
        view.add_span(new)
        viewport.repaint()
        times.append((time.perf_counter() - t) * 1000)
    base = median_ms(viewport.repaint, repeat)
    return Figure(f"add_span + viewport repaint ({len(spans):,} spans shown)",
                  statistics.median(times), "ms", "viewport repaint, nothing changed", base,
                  target="<= 16 ms (whole tagging path)")


def run(quick: bool) -> list[Figure]:
    figs = _open_figures(2_000 if quick else 20_000, 100 if quick else 1_000,
                         9 if quick else 31, "open")
    if not quick:
        figs += _open_figures(200_000, 1_000, 9, "open large")
    return figs


if __name__ == "__main__":
    import sys

    for fig in run("--quick" in sys.argv):
        print(fig.line())
