"""Nothing interpreted: article text, titles, names, notes, targets and schema texts that hold
HTML, ``<img src=...>``, entities, Markdown, zero-width and right-to-left characters show
literally in every widget: the article view and its tooltips, the documents list, the
labelling and frame panels, the status bar and menus, the dialogs and the review windows.

Every widget of a window is swept and each visible text is turned into what Qt will show
(rich-text detection for labels and tooltips, mnemonics for buttons and menu actions,
``toPlainText`` for text views, model data for lists and tables). Each marker below has a
token that occurs only inside it: wherever the token is shown, the whole marker must be
shown around it (or be cut by an ellipsis). An interpreted marker loses its tags, entity,
mnemonic ``&`` or invisible characters, and the check fails naming the widget.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QTextCursor, QTextDocument
from PySide6.QtGui import Qt as QtGuiNs
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from annotator.domain.checks import check_layer
from annotator.domain.model import Frame
from annotator.domain.schema import parse_schema
from annotator.domain.text import paragraph_offsets
from annotator.store.project import Project
from annotator.ui import launch
from annotator.ui.dialogs import ChecksDialog, show_error
from annotator.ui.settings import Settings
from tests.conftest import make_doc
from tests.ui.helpers import on_next_modal

# token -> the marker it belongs to
MARKERS = {
    "BOLDWORD": "<b>BOLDWORD</b>",
    "IMGWORD": '<img src="IMGWORD.png" alt="x">',
    "AMPWORD": "AMPWORD&amp;AMPWORD",
    "ENTWORD": "&lt;ENTWORD&gt;",
    "SCRIPTWORD": "<script>SCRIPTWORD</script>",
    "MDWORD": "**MDWORD** [MDLINK](http://example.com)",
    "ZWWORD": "ZWWORD\u200bZW\u200dJ\u200cN",
    "RTLWORD": "\u202eRTLWORD\u202c",
    "HEBWORD": "HEBWORD שלום עולם",
    "ARWORD": "ARWORD مرحبا بالعالم",
    "LINKWORD": '<a href="http://evil.example">LINKWORD</a>',
    "TABLEWORD": "<table><tr><td>TABLEWORD</td></tr></table>",
}
M = MARKERS
TITLE = f"{M['BOLDWORD']} {M['AMPWORD']} {M['RTLWORD']}"  # short: the window title cuts at 70
AUTHOR = f"{M['ENTWORD']} {M['ZWWORD']}"
ANNOTATOR = "<i>ANNWORD</i>"
MARKERS["ANNWORD"] = ANNOTATOR
PARAGRAPHS = [f"Paragraph {i}: {m} said the minister." for i, m in enumerate(MARKERS.values())]
TEXT = "\n\n".join(PARAGRAPHS)


def span_at(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


@pytest.fixture
def literal_project(tmp_path: Path) -> Path:
    path = tmp_path / "literal.db"
    with Project.open(path) as p:
        raw = p.schema.raw
        for label in raw["labels"]:
            label["description"] = f"{M['LINKWORD']} {M['SCRIPTWORD']}"
        p.set_schema(parse_schema(raw))
        doc = make_doc(TEXT, "doc1", TITLE)
        doc = type(doc)(id=doc.id, text=TEXT, title=TITLE, author=AUTHOR,
                        paragraphs=paragraph_offsets(TEXT))
        p.add_documents([doc, make_doc("A plain second article.", "doc2", M["MDWORD"])])
        p.add_target(M["HEBWORD"], [M["ARWORD"]])
        for ann in (ANNOTATOR, "bob"):
            src = p.add_span(p.make_span("doc1", ann, "SOURCE", [span_at(TEXT, M["BOLDWORD"])],
                                         note=f"{M['IMGWORD']} {M['TABLEWORD']}"))
            cue = p.add_span(p.make_span("doc1", ann, "CUE", [span_at(TEXT, M["AMPWORD"])]))
            con = p.add_span(p.make_span(
                "doc1", ann, "CONTENT" if ann == "bob" else "SOURCE",
                [span_at(TEXT, M["ENTWORD"])]))
            p.add_span(p.make_span("doc1", ann, "STANCE", [span_at(TEXT, M["RTLWORD"])],
                                   attributes={"polarity": "AGAINST", "target": M["HEBWORD"]}))
            p.add_span(p.make_span("doc1", ann, "CUE", [span_at(TEXT, M["ZWWORD"])]))
            p.add_frame(Frame(id=f"f-{ann}", document_id="doc1", annotator=ann, cue=cue.id,
                              sources=(src.id,), contents=(con.id,),
                              attributes={"stance": "FAVOR", "target": M["ARWORD"]}))
    return path


# ----------------------------------------------------------------- what Qt shows
def rich(text: str) -> str:
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def auto(text: str) -> str:
    """Qt.AutoText: rich when it looks like it (labels, tooltips, message boxes)."""
    return rich(text) if QtGuiNs.mightBeRichText(text) else text


def mnemonic(text: str) -> str:
    return re.sub(r"&(.)", r"\1", text)


def label_shows(label: QLabel) -> str:
    fmt = label.textFormat()
    if fmt == Qt.TextFormat.PlainText:
        return label.text()
    if fmt == Qt.TextFormat.MarkdownText:
        doc = QTextDocument()
        doc.setMarkdown(label.text())
        return doc.toPlainText()
    return rich(label.text()) if fmt == Qt.TextFormat.RichText else auto(label.text())


def model_texts(model: QAbstractItemModel, parent: QModelIndex | None = None
                ) -> Iterator[tuple[str, str]]:
    parent = parent if parent is not None else QModelIndex()
    flat = isinstance(model, QAbstractListModel)  # its columnCount/hasChildren are private
    cols = 1 if flat else model.columnCount(parent)
    for row in range(model.rowCount(parent)):
        for col in range(cols):
            index = model.index(row, col, parent)
            display = index.data(Qt.ItemDataRole.DisplayRole)
            if display is not None:
                yield "item", str(display)
            tip = index.data(Qt.ItemDataRole.ToolTipRole)
            if tip:
                yield "item tooltip", auto(str(tip))
            if col == 0 and not flat and model.rowCount(index) > 0:
                yield from model_texts(model, index)
    for section in range(cols):
        head = model.headerData(section, Qt.Orientation.Horizontal)
        if head is not None:
            yield "header", str(head)


def shown(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text as displayed) for every text in ``root`` and its children."""
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        where = f"{type(w).__name__}({w.objectName()})"
        if w.toolTip():
            yield f"{where} tooltip", auto(w.toolTip())
        if isinstance(w, QLabel):
            yield where, label_shows(w)
        elif isinstance(w, QAbstractButton):
            yield where, mnemonic(w.text())
        elif isinstance(w, QGroupBox):
            yield where, mnemonic(w.title())
        elif isinstance(w, QTextEdit | QPlainTextEdit):
            yield where, w.toPlainText()
        elif isinstance(w, QLineEdit):
            yield where, w.text()
        elif isinstance(w, QComboBox):
            yield from ((f"{where} item", w.itemText(i)) for i in range(w.count()))
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            yield from ((f"{where} {k}", t) for k, t in model_texts(w.model()))
        if w.isWindow():
            yield f"{where} window title", w.windowTitle()
    for action in root.findChildren(QAction):
        if action.text():
            yield f"action {action.objectName()}", mnemonic(action.text())
        if action.toolTip():
            yield f"action {action.objectName()} tooltip", auto(action.toolTip())


def misshown(texts: list[tuple[str, str]]) -> list[str]:
    """Every place where a token shows without its whole marker around it."""
    bad = []
    for where, text in texts:
        if "\ufffc" in text:
            bad.append(f"{where}: an embedded object (image?) in {text[:80]!r}")
        for token, marker in MARKERS.items():
            inside = [j.start() for j in re.finditer(re.escape(token), marker)]
            for m in re.finditer(re.escape(token), text):
                if not any(_within(text, m.start() - k, marker) for k in inside):
                    context = text[max(0, m.start() - 20):][:60]
                    bad.append(f"{where}: {token} shown as {context!r}")
    return bad


def _within(text: str, at: int, marker: str) -> bool:
    """``marker`` is at ``at`` in ``text``, whole or cut short by an ellipsis."""
    if at < 0:
        return False
    seg = text[at: at + len(marker)]
    return seg == marker or ("…" in seg and marker.startswith(seg.split("…")[0]))


def assert_literal(root: QWidget, must_show: list[str]) -> list[tuple[str, str]]:
    texts = list(shown(root))
    assert not misshown(texts), "\n".join(misshown(texts))
    everything = "\n".join(t for _, t in texts)
    missing = [m for m in must_show if m not in everything]
    assert not missing, f"not shown literally anywhere: {missing}"
    return texts


# ----------------------------------------------------------------- the tests
@pytest.fixture
def window(qtbot, literal_project: Path, tmp_path: Path):
    w = launch.open_window(str(literal_project), ANNOTATOR, Settings(tmp_path / "s.ini"))
    qtbot.addWidget(w)
    w.resize(1300, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    review = w.review_actions.review
    if review is not None:
        review.close()
    w.close()
    w.project.close()


def test_the_main_window_shows_everything_literally(qtbot, window) -> None:
    s = window.session
    assert s.document.id == "doc1"
    assert window.view.text_edit.toPlainText() == TEXT  # exactly, invisible characters too
    src = next(x for x in s.spans.values() if x.label == "SOURCE" and x.note)
    window.controller.select_span(src.id)
    window.controller.choose_frame(f"f-{ANNOTATOR}")
    qtbot.wait(50)
    assert_literal(window, [TITLE, *MARKERS.values(), src.note])
    # the span tooltips of the article (rich text built by the view)
    edit = window.view.text_edit
    for span in s.spans.values():
        cursor = QTextCursor(edit.document())
        cursor.setPosition(span.start + 1)
        tip = edit.tooltip_at(edit.cursorRect(cursor).center())
        texts = [("span tooltip", auto(tip))]
        assert not misshown(texts), misshown(texts)
        if span.note:
            assert span.note in texts[0][1] or "…" in texts[0][1]
        if span.attributes.get("target"):
            assert span.attributes["target"] in texts[0][1]


def test_undo_and_menus_show_span_text_literally(qtbot, window) -> None:
    from annotator.ui import commands as C

    s = window.session
    span = s.make_span("CUE", [span_at(TEXT, M["AMPWORD"])])
    assert s.execute(C.TagSpan(s, span))
    qtbot.wait(10)
    texts = [(f"action {a.objectName()}", mnemonic(a.text()))
             for a in window.findChildren(QAction) if a.text()]
    assert not misshown(texts), misshown(texts)
    assert any(M["AMPWORD"] in t for _, t in texts)


def test_dialogs_show_titles_and_messages_literally(qtbot, window) -> None:
    s = window.session
    problems = check_layer(s.spans.values(), s.frames.values(), s.schema)
    assert problems
    dialog = ChecksDialog(problems, TITLE, window)
    qtbot.addWidget(dialog)
    assert_literal(dialog, [TITLE])
    dialog.close()

    seen: list[list[tuple[str, str]]] = []

    def grab(box: QWidget) -> None:
        seen.append(list(shown(box)))
        box.close()

    on_next_modal(grab)
    show_error(window, "Cannot open project", f"{M['SCRIPTWORD']}: {M['IMGWORD']}",
               M["TABLEWORD"])
    assert seen and not misshown(seen[0]), misshown(seen[0])
    everything = "\n".join(t for _, t in seen[0])
    assert M["SCRIPTWORD"] in everything and M["TABLEWORD"] in everything


def test_merge_errors_are_shown_literally(qtbot, window, tmp_path: Path) -> None:
    folder = tmp_path / "<b>BOLDWORD<"
    folder.mkdir()
    bad = folder / "b>.db"  # the path reads .../<b>BOLDWORD</b>.db
    bad.write_text("not a project\n")
    seen: list[list[tuple[str, str]]] = []

    def grab(box: QWidget) -> None:
        seen.append(list(shown(box)))
        box.close()

    on_next_modal(grab)
    assert window.review_actions.merge_paths([str(bad)]) is None
    assert seen, "the merge error was not shown"
    assert not misshown(seen[0]), misshown(seen[0])
    assert any(M["BOLDWORD"] in t for _, t in seen[0])


def test_review_windows_show_everything_literally(qtbot, window, tmp_path: Path) -> None:
    review = window.review_actions.open_review(adjudicate=False)
    qtbot.waitExposed(review)
    qtbot.wait(50)
    assert_literal(review, [TITLE])
    review.show_adjudication()
    qtbot.wait(50)
    page = review.page
    if page.records:
        for row in range(min(len(page.records), 8)):
            page.select_row(row)
            qtbot.wait(10)
            texts = list(shown(review))
            assert not misshown(texts), "\n".join(misshown(texts))
    everything = "\n".join(t for _, t in shown(review))
    assert M["BOLDWORD"] in everything and M["AMPWORD"] in everything
    for box in QApplication.topLevelWidgets():
        if isinstance(box, QMessageBox):
            box.close()
