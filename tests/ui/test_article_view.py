"""ArticleView: code point offsets from Qt selections, trimming and word snapping, plain-text
display, span layer updates, hit testing, tooltips, selection outline and highlights."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel

from annotator.domain.model import Document, Span, fragment_text
from annotator.domain.text import OffsetMap, paragraph_offsets
from annotator.ui.article_view import ArticleView

COLOURS = {"SOURCE": "#4e79a7", "CUE": "#f28e2b", "CONTENT": "#59a14f", "STANCE": "#e15759"}


def doc_of(text: str, title: str = "A title") -> Document:
    return Document(id="d", text=text, title=title, paragraphs=paragraph_offsets(text))


def span(sid: str, text: str, label: str, *frags: tuple[int, int], **attrs: str) -> Span:
    return Span(id=sid, document_id="d", annotator="alice", label=label, fragments=tuple(frags),
                text=fragment_text(text, frags), attributes=dict(attrs))


def find(text: str, phrase: str) -> tuple[int, int]:
    s = text.index(phrase)
    return s, s + len(phrase)


@pytest.fixture
def view(qtbot):
    v = ArticleView()
    qtbot.addWidget(v)
    v.resize(700, 500)
    v.show()
    qtbot.waitExposed(v)
    return v


def qt_select(view: ArticleView, text: str, start: int, end: int) -> None:
    """Select code points [start, end) the way a user's selection arrives: a QTextCursor on
    the widget, positioned in UTF-16 units."""
    u16 = OffsetMap(text)
    cursor = QTextCursor(view.text_edit.document())
    cursor.setPosition(u16.to_u16(start))
    cursor.setPosition(u16.to_u16(end), QTextCursor.MoveMode.KeepAnchor)
    view.text_edit.setTextCursor(cursor)


# ---- selection -> code point offsets ---------------------------------------------------

HARD_TEXTS = [
    "Smile 😀 said the 👩‍👩‍👧 family, then 😀😀 again.",
    "Caf\u0065\u0301 owner Jose\u0301 said “no”.",
    "The minister said שלום עולם and then مرحبا بالعالم to reporters.",
    "🇫🇷 Ministre: «Nous refusons» — 👍🏽 done.",
]


@pytest.mark.parametrize("text", HARD_TEXTS)
def test_every_word_selected_in_qt_stores_exactly_those_characters(view, text):
    view.set_document(doc_of(text), [], COLOURS)
    import re

    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    assert words
    for snap in (False, True):
        view.snap_to_words = snap
        for s, e in words:
            qt_select(view, text, s, e)
            frags = view.selection_fragments()
            assert len(frags) == 1
            fs, fe = frags[0]
            assert text[fs:fe] == text[s:e]
        # a run of several words, selected backwards (anchor after position)
        s, e = words[1][0], words[-2][1]
        u16 = OffsetMap(text)
        cursor = QTextCursor(view.text_edit.document())
        cursor.setPosition(u16.to_u16(e))
        cursor.setPosition(u16.to_u16(s), QTextCursor.MoveMode.KeepAnchor)
        view.text_edit.setTextCursor(cursor)
        assert [text[a:b] for a, b in view.selection_fragments()] == [text[s:e]]


def test_selecting_an_emoji_alone_and_with_zwj_sequence(view):
    text = "a 😀 b 👩‍👩‍👧 c"
    view.set_document(doc_of(text), [], COLOURS)
    view.snap_to_words = False
    for phrase in ("😀", "👩‍👩‍👧", "😀 b 👩‍👩‍👧"):
        qt_select(view, text, *find(text, phrase))
        (s, e), = view.selection_fragments()
        assert text[s:e] == phrase
    # a selection that would split the ZWJ family is widened to the whole cluster
    s = text.index("👩")
    view.set_selection(s + 2, s + 3)
    (a, b), = view.selection_fragments()
    assert text[a:b] == "👩‍👩‍👧"


def test_combining_accent_is_never_cut_off(view):
    text = "le cafe\u0301 noir"
    view.set_document(doc_of(text), [], COLOURS)
    view.snap_to_words = False
    e_pos = text.index("e\u0301")
    view.set_selection(3, e_pos + 1)  # "cafe" without its accent
    (s, e), = view.selection_fragments()
    assert text[s:e] == "cafe\u0301"


def test_selection_is_trimmed_of_whitespace(view):
    text = "Officials said  \n\n  the talks failed.  "
    view.set_document(doc_of(text), [], COLOURS)
    s = text.index("said") + 4
    view.set_selection(s, text.index("talks") + 5)
    (a, b), = view.selection_fragments()
    assert text[a:b] == "the talks"
    view.set_selection(s, s + 2)  # whitespace only
    assert view.selection_fragments() == []
    view.clear_selection()
    assert view.selection_fragments() == []


def test_word_snapping_on_and_off(view):
    text = "Senator O'Brien dismissed well-known claims."
    view.set_document(doc_of(text), [], COLOURS)
    s = text.index("nator")
    view.set_selection(s, text.index("O'Brien") + 3)  # "nator O'B"
    assert view.snap_to_words is True
    (a, b), = view.selection_fragments()
    assert text[a:b] == "Senator O'Brien"
    view.snap_to_words = False
    (a, b), = view.selection_fragments()
    assert text[a:b] == "nator O'B"
    view.snap_to_words = True
    view.set_selection(text.index("known"), text.index("known") + 2)
    (a, b), = view.selection_fragments()
    assert text[a:b] == "well-known"
    # punctuation at an edge stays as selected
    view.set_selection(text.index("claims"), len(text))
    (a, b), = view.selection_fragments()
    assert text[a:b] == "claims."


def test_keyboard_selection_with_shift_arrows(view, qtbot):
    text = "Moscow and Washington traded charges."
    view.set_document(doc_of(text), [], COLOURS)
    view.text_edit.setFocus()
    view.set_selection(0, 0)
    mods = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(view.text_edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view.text_edit, Qt.Key.Key_Right, mods)
    qtbot.keyClick(view.text_edit, Qt.Key.Key_Right, mods)
    (a, b), = view.selection_fragments()
    assert text[a:b] == "and Washington"
    # the raw selection ends after the space that follows "Washington"
    qtbot.keyClick(view.text_edit, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view.text_edit, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    view.snap_to_words = False
    (a, b), = view.selection_fragments()
    assert text[a:b] == "and Washingto"


def test_selection_changed_signal(view, qtbot):
    view.set_document(doc_of("one two three"), [], COLOURS)
    with qtbot.waitSignal(view.selection_changed, timeout=1000):
        view.set_selection(4, 7)
    assert view.selection_fragments() == [(4, 7)]


# ---- plain text only -----------------------------------------------------------------

def test_html_like_text_is_shown_literally(view):
    text = "Title <b>bold</b> and <img src=x onerror=alert(1)> &amp; &lt;tag&gt;\n\nNext <i>para"
    doc = doc_of(text, title="<b>Not bold</b> &amp;")
    view.set_document(doc, [], COLOURS)
    edit = view.text_edit
    assert edit.toPlainText() == text
    assert edit.document().characterCount() - 1 == len(text)
    assert "<b>" in edit.document().toRawText()
    assert "bold" not in edit.document().toHtml().split("<body")[0]
    assert not edit.acceptRichText()
    assert view.title_label.textFormat() == Qt.TextFormat.PlainText
    assert view.title_label.text() == "<b>Not bold</b> &amp;"
    assert all(lbl.textFormat() == Qt.TextFormat.PlainText for lbl in view.findChildren(QLabel))
    cursor = QTextCursor(edit.document())
    cursor.setPosition(text.index("bold"))
    assert not cursor.charFormat().font().bold()
    assert edit.document().findBlockByNumber(0).text() == text.split("\n")[0]


def test_text_widget_holds_exactly_the_document_text(view):
    text = "Line one\r\nline two\u2028same block\n\nthird\ufdd0"
    view.set_document(doc_of(text), [], COLOURS)
    raw = view.text_edit.document().toRawText()
    assert len(raw) == len(text)  # one UTF-16 unit per code point here: offsets line up
    assert raw.replace("\u2029", "\n") == text.replace("\r", "\n").replace("\ufdd0", "\ufffd")


# ---- spans ---------------------------------------------------------------------------

NESTED = 'US spokesman John Ullyot said that "the Russian vehicle struck" a US vehicle.'


def nested_spans(text: str = NESTED) -> list[Span]:
    return [
        span("src", text, "SOURCE", find(text, "US spokesman John Ullyot")),
        span("name", text, "SOURCE", find(text, "John Ullyot")),
        span("cue", text, "CUE", find(text, "said")),
        span("con", text, "CONTENT", find(text, '"the Russian vehicle struck"')),
        span("veh", text, "STANCE", find(text, "Russian vehicle struck\" a US")),
    ]


def test_span_at_returns_the_innermost_span(view):
    view.set_document(doc_of(NESTED), nested_spans(), COLOURS)
    assert view.span_at(NESTED.index("spokesman")) == "src"
    assert view.span_at(NESTED.index("Ullyot")) == "name"
    assert view.spans_covering(NESTED.index("Ullyot")) == ["name", "src"]
    assert view.span_at(NESTED.index("said")) == "cue"
    assert view.span_at(NESTED.index("the Russian")) == "con"
    assert view.span_at(NESTED.index("Russian")) == "veh"  # crossing spans: the shorter
    assert view.span_at(NESTED.index(" said")) is None
    assert view.span_at(len(NESTED) - 1) is None


def test_add_update_remove_span(view):
    text = NESTED
    view.set_document(doc_of(text), [], COLOURS)
    assert view.span_at(text.index("said")) is None
    cue = span("cue", text, "CUE", find(text, "said"))
    view.add_span(cue)
    assert view.span_at(text.index("said")) == "cue"
    assert view.span(cue.id) == cue
    moved = cue.with_changes(fragments=(find(text, "struck"),), label="STANCE")
    view.update_span(moved)
    assert view.span_at(text.index("said")) is None
    assert view.span_at(text.index("struck")) == "cue"
    assert view.span("cue").label == "STANCE"
    view.select_span("cue")
    view.highlight_spans(["cue"])
    view.remove_span("cue")
    assert view.span_at(text.index("struck")) is None
    assert view.spans() == []
    assert view.selected_span() is None and view.highlighted_spans() == []
    view.remove_span("no-such-span")  # harmless


def test_set_spans_replaces_the_layer(view):
    view.set_document(doc_of(NESTED), nested_spans(), COLOURS)
    only = [span("x", NESTED, "CUE", find(NESTED, "a US vehicle"))]
    view.set_spans(only)
    assert [s.id for s in view.spans()] == ["x"]
    assert view.span_at(NESTED.index("Ullyot")) is None


def test_discontinuous_span_covers_only_its_fragments(view):
    text = "He said, speaking on Tuesday, that it failed."
    view.set_document(doc_of(text), [], COLOURS)
    sp = span("d", text, "CUE", find(text, "said"), find(text, "speaking"))
    view.add_span(sp)
    assert view.span_at(text.index("said")) == "d"
    assert view.span_at(text.index("speaking") + 2) == "d"
    assert view.span_at(text.index(", speaking")) is None


def test_select_and_highlight(view):
    view.set_document(doc_of(NESTED), nested_spans(), COLOURS)
    view.select_span("cue")
    assert view.selected_span() == "cue"
    view.select_span("missing")
    assert view.selected_span() is None
    view.select_span("cue", scroll=False)
    view.select_span(None)
    assert view.selected_span() is None
    view.highlight_spans(["con", "cue", "missing"])
    assert view.highlighted_spans() == ["con", "cue"]
    view.highlight_spans([])
    assert view.highlighted_spans() == []


def point_of(view: ArticleView, offset: int) -> QPoint:
    """Viewport point in the middle of the character at ``offset``."""
    edit = view.text_edit
    u16 = edit.omap.to_u16(offset)
    cursor = QTextCursor(edit.document())
    cursor.setPosition(u16)
    left = edit.cursorRect(cursor)
    cursor.setPosition(edit.omap.to_u16(offset + 1))
    right = edit.cursorRect(cursor)
    return QPoint((left.center().x() + right.center().x()) // 2, left.center().y())


def test_click_emits_innermost_span_or_empty(view, qtbot):
    view.set_document(doc_of(NESTED), nested_spans(), COLOURS)
    vp = view.text_edit.viewport()
    with qtbot.waitSignal(view.span_clicked, timeout=1000) as sig:
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=point_of(view, NESTED.index("Ull")))
    assert sig.args == ["name"]
    with qtbot.waitSignal(view.span_clicked, timeout=1000) as sig:
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=point_of(view, NESTED.index("man")))
    assert sig.args == ["src"]
    with qtbot.waitSignal(view.span_clicked, timeout=1000) as sig:
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton,
                         pos=point_of(view, NESTED.index("vehicle.") + 2))
    assert sig.args == [""]


def test_tooltip_names_label_annotator_attributes_escaped(view):
    text = "The <b>critics</b> said so."
    sp = span("s", text, "STANCE", find(text, "<b>critics</b>"),
              target="<script>alert(1)</script>", polarity="AGAINST & more")
    view.set_document(doc_of(text), [sp.with_changes(note="<i>n</i>")], COLOURS)
    tip = view.text_edit.tooltip_at(point_of(view, text.index("critics")))
    assert "STANCE" in tip and "alice" in tip
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in tip
    assert "<script>" not in tip
    assert "AGAINST &amp; more" in tip
    assert "&lt;i&gt;n&lt;/i&gt;" in tip
    assert view.text_edit.tooltip_at(point_of(view, text.index("said"))) == ""
    assert view.describe_span("s").startswith("STANCE · alice")


def test_clear_shows_no_document(view):
    view.set_document(doc_of(NESTED, title="T"), nested_spans(), COLOURS)
    view.clear()
    assert view.text_edit.toPlainText() == ""
    assert view.spans() == [] and view.document is None
    assert view.selection_fragments() == []
    assert view.span_at(0) is None
    assert view.title_label.isHidden()


def test_title_and_byline(view):
    doc = Document(id="d", text="Body.", title="US and Russian units clash",
                   author="Bill Van Auken", published="2020-08-28")
    view.set_document(doc, [], COLOURS)
    assert view.title_label.text() == "US and Russian units clash"
    assert view.meta_label.text() == "Bill Van Auken  ·  28 August 2020"


def long_doc(paragraphs: int = 200) -> Document:
    text = "\n\n".join(f"Paragraph {i} " + "word " * 60 + "end." for i in range(paragraphs))
    return doc_of(text)


def test_scroll_to_offset_and_top_offset_round_trip(view, qtbot):
    doc = long_doc()
    view.set_document(doc, [], COLOURS)
    assert view.top_offset() == 0
    target = doc.text.index("Paragraph 120 ")
    view.scroll_to_offset(target)
    top = view.top_offset()
    assert doc.text.index("Paragraph 119 ") < top <= target + 1
    view.scroll_to_offset(0)
    view.scroll_to_offset(top)
    assert view.top_offset() == top


def test_select_span_scrolls_it_into_view(view):
    doc = long_doc()
    far = find(doc.text, "Paragraph 150 ")
    view.set_document(doc, [span("far", doc.text, "CUE", far)], COLOURS)
    view.select_span("far", scroll=False)
    assert view.text_edit.verticalScrollBar().value() == 0
    view.select_span("far")
    assert view.text_edit.verticalScrollBar().value() > 0
    vp = view.text_edit.viewport().rect()
    assert vp.contains(point_of(view, far[0]))
    view.scroll_to_offset(0)
    view.highlight_spans(["far"])
    assert vp.contains(point_of(view, far[0]))


def test_paints_without_error_and_colours_the_span(view):
    text = "plain words then SPAN here and more plain words"
    sp = span("s", text, "CUE", find(text, "SPAN here"))
    view.set_document(doc_of(text), [sp], COLOURS)
    view.select_span("s", scroll=False)
    image = view.text_edit.viewport().grab().toImage()
    p = point_of(view, text.index("SPAN"))
    # the top rows of the line box lie behind the glyphs' ascent: tinted, not white
    cursor = QTextCursor(view.text_edit.document())
    cursor.setPosition(text.index("SPAN") + 1)
    top = view.text_edit.cursorRect(cursor).top() + 1
    tinted = image.pixelColor(p.x(), top)
    plain_p = point_of(view, text.index("words"))
    plain = image.pixelColor(plain_p.x(), top)
    assert plain.name() == "#ffffff"
    assert tinted.name() != "#ffffff"
    assert tinted.red() > tinted.blue()  # orange-ish (CUE)


def test_point_helper_is_inside_viewport(view):
    view.set_document(doc_of("abc"), [], COLOURS)
    assert view.text_edit.viewport().rect().contains(point_of(view, 1))
    assert isinstance(QPointF(point_of(view, 1)), QPointF)


def test_label_keys_reach_the_window_while_the_text_has_focus(view, qtbot):
    """Digits typed over the read-only text are not swallowed: window shortcuts fire."""
    from PySide6.QtGui import QAction, QKeySequence

    view.set_document(doc_of(NESTED), [], COLOURS)
    fired: list[str] = []
    action = QAction("tag", view)
    action.setShortcut(QKeySequence("1"))
    action.triggered.connect(lambda: fired.append("1"))
    view.addAction(action)
    view.activateWindow()
    view.text_edit.setFocus()
    qtbot.waitUntil(view.text_edit.hasFocus, timeout=1000)
    view.set_selection(0, 2)
    qtbot.keyClick(view.text_edit, Qt.Key.Key_1)
    assert fired == ["1"]
    assert view.text_edit.toPlainText() == NESTED  # and nothing was typed


def _pixel_above_glyphs(view: ArticleView, offset: int):
    image = view.text_edit.viewport().grab().toImage()
    cursor = QTextCursor(view.text_edit.document())
    cursor.setPosition(view.text_edit.omap.to_u16(offset) + 1)
    top = view.text_edit.cursorRect(cursor).top() + 1
    return image.pixelColor(point_of(view, offset).x(), top)


def test_highlighted_and_selected_spans_are_emphasised(view):
    text = "alpha beta gamma delta"
    spans = [span("b", text, "SOURCE", find(text, "beta")),
             span("g", text, "SOURCE", find(text, "gamma"))]
    view.set_document(doc_of(text), spans, COLOURS)
    plain = _pixel_above_glyphs(view, text.index("gamma"))
    view.highlight_spans(["g"])
    strong = _pixel_above_glyphs(view, text.index("gamma"))
    assert strong.lightness() < plain.lightness() < 255
    assert _pixel_above_glyphs(view, text.index("beta")) == plain
    view.highlight_spans([])
    view.select_span("b", scroll=False)
    assert _pixel_above_glyphs(view, text.index("beta")).lightness() < plain.lightness()


def test_nested_spans_each_get_an_underline_lane(view):
    text = "said that the talks had failed today"
    outer = find(text, "that the talks had failed")
    inner = find(text, "talks")
    view.set_document(doc_of(text), [span("o", text, "CONTENT", outer),
                                     span("i", text, "CUE", inner)], COLOURS)
    image = view.text_edit.viewport().grab().toImage()
    x_inner = point_of(view, text.index("alks")).x()
    x_outer = point_of(view, text.index("hat")).x()
    x_none = point_of(view, text.index("oday")).x()
    edit = view.text_edit
    line = edit.document().firstBlock().layout().lineAt(0)
    y0 = int(edit.document().firstBlock().layout().position().y() - edit.verticalScrollBar().value()
             + line.ascent() + line.descent())
    column = range(y0, y0 + 12)

    def coloured_rows(x: int) -> int:
        return sum(1 for y in column if image.pixelColor(x, y).saturation() > 80)

    assert coloured_rows(x_none) == 0
    assert coloured_rows(x_outer) > 0
    assert coloured_rows(x_inner) > coloured_rows(x_outer)  # two lanes under "talks"


def test_text_is_read_only_and_selectable_by_keyboard(view):
    flags = view.text_edit.textInteractionFlags()
    assert view.text_edit.isReadOnly()
    assert flags & Qt.TextInteractionFlag.TextSelectableByMouse
    assert flags & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert not flags & Qt.TextInteractionFlag.TextEditable


def test_zoom_widens_the_number_margin_and_keeps_the_title_aligned(view):
    view.set_document(long_doc(120), [], COLOURS)
    before = view.text_edit.gutter
    view.text_edit.zoomIn(6)
    after = view.text_edit.gutter
    assert after > before
    assert view.text_edit.document().rootFrame().frameFormat().leftMargin() == after
    assert view._header.contentsMargins().left() == int(after)


def test_hit_testing_follows_right_to_left_layout(view):
    text = "The minister said مرحبا بالعالم to reporters, and שלום עולם too."
    spans = [span("ar", text, "CONTENT", find(text, "بالعالم")),
             span("he", text, "SOURCE", find(text, "שלום")),
             span("mix", text, "CUE", find(text, "said مرحبا"))]
    view.set_document(doc_of(text), spans, COLOURS)
    edit = view.text_edit
    for word, expected in (("بالعالم", "ar"), ("مرحبا", "mix"), ("שלום", "he"),
                           ("said", "mix"), ("עולם", None)):
        offset = text.index(word) + 2
        assert view.span_at(offset) == expected
        hits = edit.spans_at(point_of(view, offset))
        assert (hits[0] if hits else None) == expected, word


def test_hovering_shows_the_escaped_tooltip(view, qtbot):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    text = "The critics said so."
    sp = span("s", text, "SOURCE", find(text, "The critics"), role="<b>x</b>")
    view.set_document(doc_of(text), [sp], COLOURS)
    vp = view.text_edit.viewport()
    pos = point_of(view, text.index("critics"))
    QApplication.sendEvent(vp, QHelpEvent(QEvent.Type.ToolTip, pos, vp.mapToGlobal(pos)))
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    assert "SOURCE" in QToolTip.text() and "&lt;b&gt;x&lt;/b&gt;" in QToolTip.text()
    pos = point_of(view, text.index("so."))
    QApplication.sendEvent(vp, QHelpEvent(QEvent.Type.ToolTip, pos, vp.mapToGlobal(pos)))
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=2000)


def test_unknown_label_is_painted_grey(view):
    text = "a mystery label here"
    view.set_document(doc_of(text), [span("m", text, "MYSTERY", find(text, "mystery"))],
                      COLOURS)
    tint = _pixel_above_glyphs(view, text.index("mystery"))
    assert tint.name() != "#ffffff"
    assert abs(tint.red() - tint.blue()) < 8  # grey


def test_random_selections_over_mixed_scripts_round_trip(view):
    import random

    from annotator.ui.text_selection import is_grapheme_boundary

    pieces = ["word", "😀", "👩‍👩‍👧", "cafe\u0301", "שלום", "مرحبا", "<b>", "&amp;", "Zoë",
              "🇫🇷", "x"]
    rng = random.Random(5)
    text = " ".join(rng.choice(pieces) for _ in range(120))
    view.set_document(doc_of(text), [], COLOURS)
    view.snap_to_words = False
    bounds = [i for i in range(len(text) + 1) if is_grapheme_boundary(text, i)]
    for _ in range(200):
        s, e = sorted(rng.sample(bounds, 2))
        qt_select(view, text, s, e)
        frags = view.selection_fragments()
        expected = text[s:e].strip()
        assert [text[a:b] for a, b in frags] == ([expected] if expected else [])
