"""The review GUI end to end: two annotators on the seed article merged through the Review
menu, measured on the dashboard, reviewed side by side and adjudicated with keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

from annotator.domain.model import GOLD
from annotator.store.project import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.review.data import RecordFilter
from annotator.ui.review.edit_dialog import EditDialog
from annotator.ui.review.window import ReviewWindow
from annotator.ui.session import AnnotationSession
from annotator.ui.settings import Settings
from tests.seed_review import MIN_SRC, ULLYOT_SRC, make_two_projects

K = Qt.Key


@pytest.fixture
def seeds(tmp_path: Path):
    return make_two_projects(tmp_path)


@pytest.fixture
def window(qtbot, seeds, tmp_path: Path):
    alice, _bob, _doc = seeds
    session = AnnotationSession(Project.open(alice), "lead")
    w = MainWindow(session, Settings(tmp_path / "settings.ini"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    review = w.review_actions.review
    if review is not None:
        review.close()
    w.project.close()


def _gold(project: Project, doc: str) -> dict[str, str]:
    return {s.text: s.label for s in project.spans(doc, GOLD)}


def _key(qtbot, review: ReviewWindow, key, mod=Qt.KeyboardModifier.NoModifier) -> None:
    target = QApplication.focusWidget()
    if target is None or target.window() is not review:
        review.page.table.setFocus()
        target = review.page.table
    qtbot.keyClick(target, key, mod)


def _select(review: ReviewWindow, pred) -> None:
    row = next(i for i, r in enumerate(review.page.records) if pred(r))
    review.page.select_row(row)
    review.page.table.setFocus()


def test_review_menu_merge_measure_adjudicate(qtbot, window: MainWindow, seeds,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _alice, bob, doc = seeds
    names = [a.objectName() for a in window.review_menu.actions()]
    assert {"review_merge", "review_dashboard", "review_adjudicate"} <= set(names)
    assert "review_merge" in [a.objectName() for a in window.file_menu.actions()]  # File too

    # Review → Merge… with the file dialog answered
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(bob)], "")))
    report = window.review_actions.choose_and_merge()
    assert report is not None and report.layers_added[0][1] == "bob"
    assert "Merged:" in window.status_label.text()
    assert window.review_actions.choose_and_merge().changed is False  # idempotent

    # Agreement dashboard
    review = window.review_actions.open_review(adjudicate=False)
    qtbot.waitExposed(review)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is review, timeout=2000)
    dash = review.dashboard
    labels = dash.table_texts("labels")
    assert [r[0] for r in labels] == ["SOURCE", "CUE", "CONTENT", "STANCE", "Attributions"]
    source = labels[0]
    assert source[1] != "—" and source[6] == "1"  # token alpha shown; one boundary
    assert dash.table_texts("pairs")[0][1] not in ("", "—")
    assert dash.table_texts("gold") == []  # no gold yet
    assert dash.table_texts("documents")[0][3] == "11"

    # a label's boundary count opens exactly those disagreements
    dash.click("labels", 0, 6)
    assert review.tabs.currentIndex() == 1
    assert [(r.type, r.labels) for r in review.page.records] == [
        ("boundary", ("SOURCE", "SOURCE"))]
    view = review.page.view
    assert set(view.columns) == {"alice", "bob", GOLD}
    assert view.columns["bob"].item_label.text().startswith("SOURCE")
    marks = view.columns["alice"].marks
    assert any(w.startswith("current SOURCE boundary") for *_x, w in marks)

    # 1 accepts alice's source (the appositive), with a rationale typed after W
    review.page.table.setFocus()
    _key(qtbot, review, K.Key_W)
    assert QApplication.focusWidget() is review.page.rationale
    qtbot.keyClicks(review.page.rationale, "appositive is part of the source")
    qtbot.keyClick(review.page.rationale, K.Key_Return)
    assert QApplication.focusWidget() is review.page.table
    _key(qtbot, review, K.Key_1)
    project = window.project
    assert _gold(project, doc) == {ULLYOT_SRC: "SOURCE"}
    gold_src = project.spans(doc, GOLD)[0]
    prov = project.provenance(gold_src.id)
    assert (prov.decision, prov.decided_by, prov.rationale) == (
        "accept", "lead", "appositive is part of the source")
    assert review.page.rationale.text() == ""
    assert view.columns[GOLD].item_label.text().startswith("accept by lead")

    # every SOURCE disagreement: Enter moves on, R rejects the one bob lacks
    review.open_records(RecordFilter(label="SOURCE"))
    assert [r.type for r in review.page.records] == ["missed"]  # the decided one is gone
    review.page.open_only.setChecked(False)
    assert [r.type for r in review.page.records] == ["boundary", "missed"]
    _select(review, lambda r: r.type == "boundary")
    _key(qtbot, review, K.Key_Return)
    assert review.page.current_record().type == "missed"
    _key(qtbot, review, K.Key_2)  # bob has nothing to accept
    assert "bob has nothing here" in review.page.message.text()
    _key(qtbot, review, K.Key_R)
    assert MIN_SRC not in _gold(project, doc)
    recs = project.provenance_for_document(doc)
    assert [p.decision for p in recs].count("reject") == 1
    _key(qtbot, review, K.Key_Backspace)  # undo the decision on this unit
    assert [p.decision for p in project.provenance_for_document(doc)].count("reject") == 0
    _key(qtbot, review, K.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the undo
    assert [p.decision for p in project.provenance_for_document(doc)].count("reject") == 1

    # attributions: the stance disagreement, bob's frame accepted
    review.open_records(RecordFilter(label="ATTRIBUTION", type="stance"))
    assert [r.type for r in review.page.records] == ["stance"]
    _key(qtbot, review, K.Key_2)
    (frame,) = project.frames(doc, GOLD)
    assert frame.attributes["stance"] == "NEUTRAL"
    assert frame.sources == (gold_src.id,)  # reuses the gold source decided above
    _key(qtbot, review, K.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert project.frames(doc, GOLD) == []
    _key(qtbot, review, K.Key_Z, Qt.KeyboardModifier.ControlModifier
         | Qt.KeyboardModifier.ShiftModifier)
    assert len(project.frames(doc, GOLD)) == 1

    # label disagreement: U needs a label, E edits it
    review.open_records(RecordFilter(type="label"))
    _key(qtbot, review, K.Key_U)
    assert "different labels" in review.page.message.text()

    def run_edit(dialog: EditDialog) -> int:
        dialog.label_box.setCurrentText("CUE")
        dialog.rationale.setText("a speech verb")
        dialog._accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(EditDialog, "exec", run_edit)
    _key(qtbot, review, K.Key_E)
    assert _gold(project, doc)["charged"] == "CUE"
    charged = next(s for s in project.spans(doc, GOLD) if s.text == "charged")
    assert project.provenance(charged.id).decision == "edit"

    # back on the dashboard: each annotator against gold
    review.show_dashboard()
    gold_rows = review.dashboard.table_texts("gold")
    assert [r[0] for r in gold_rows] == ["alice", "bob"]
    assert all(r[1] != "—" for r in gold_rows)
    assert GOLD in [review.dashboard.pairs_table.horizontalHeaderItem(i).text()
                    for i in range(review.dashboard.pairs_table.columnCount())]
    review.dashboard.click("gold", 1, 0)
    assert review.page.filter.pair == (GOLD, "bob")
    review.page.open_only.setChecked(False)
    records = review.page.records
    assert records and all(r.annotators == (GOLD, "bob") for r in records)
    # bob's short source against the gold appositive: a boundary disagreement with gold
    assert any(r.type == "boundary" and "SOURCE" in r.labels for r in records)


def test_merge_conflict_asks_before_replacing(qtbot, window: MainWindow, seeds,
                                              tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _alice, bob, doc = seeds
    other = tmp_path / "other-alice.db"
    with Project.open(other) as p:
        from annotator.formats.articles import import_paths
        from tests.conftest import SEED_FILE

        import_paths(p, [SEED_FILE])
        p.add_span(p.make_span(doc, "alice", "SOURCE", [(0, 2)]))
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _w, _t, text, *a: asked.append(text) or QMessageBox.StandardButton.No))
    assert window.review_actions.merge_paths([str(other)]) is None
    assert "different layer by alice" in asked[0] and "--replace" not in asked[0]
    assert len(window.project.spans(doc, "alice")) == 10  # unchanged
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a: QMessageBox.StandardButton.Yes))
    report = window.review_actions.merge_paths([str(other)])
    assert report is not None and report.layers_replaced
    assert len(window.project.spans(doc, "alice")) == 1
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(
        lambda _w, _t, text, *a: warned.append(text)))
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    assert window.review_actions.merge_paths([str(bob), str(bad)]) is None
    assert f"{bad}:1" in warned[0]
    assert window.project.spans(doc, "bob") == []  # nothing merged


def test_review_texts_are_plain(qtbot, tmp_path: Path) -> None:
    from tests.conftest import make_doc

    p = Project.open(tmp_path / "p.db")
    text = "The <b>minister</b> said <i>no</i> & left."
    p.add_documents([make_doc(text, "d1", title="<img src=x> & <b>title</b>")])
    for ann, end in (("ann", 19), ("bob", 23)):
        p.add_span(p.make_span("d1", ann, "SOURCE", [(4, end)]))
    review = ReviewWindow(p, "lead")
    qtbot.addWidget(review)
    review.open_records(RecordFilter())
    view = review.page.view
    assert view.heading.textFormat() == Qt.TextFormat.PlainText
    assert view.heading.text().startswith("<img src=x> & <b>title</b>")
    col = view.columns["ann"]
    assert col.text.toPlainText() == text
    assert col.item_label.textFormat() == Qt.TextFormat.PlainText
    assert "<b>minister</b>" in col.item_label.text()
    review.close()
    p.close()


def test_edit_dialog_validates_and_builds_decisions(qtbot, seeds) -> None:
    from annotator.formats.merge import merge_sources
    from annotator.ui.review.data import ReviewData
    from annotator.ui.review.edit_dialog import parse_fragments

    alice, bob, doc = seeds
    with Project.open(alice) as p:
        merge_sources(p, [bob])
        units = ReviewData(p).units(doc)
        span_unit = next(u for u in units.units if u.kind == "span" and "boundary" in u.types)
        dialog = EditDialog(span_unit, "bob", units.document.text, p.schema, "why")
        qtbot.addWidget(dialog)
        assert dialog.preview.text() == "“John Ullyot”"
        dialog.fragments_edit.setText("537-541, 542-548")
        assert dialog.preview.text() == "“John Ullyot”"  # two fragments joined by a space
        dialog.fragments_edit.setText("548-537")
        dialog._accept()
        assert dialog.result_decision is None and "outside the text" in dialog.error.text()
        dialog.fragments_edit.setText("537-548")
        dialog._accept()
        d = dialog.result_decision
        assert (d.kind, d.annotator, d.label, d.fragments, d.rationale) == (
            "edit", "bob", "SOURCE", ((537, 548),), "why")
        frame_unit = next(u for u in units.units if u.kind == "frame" and "stance" in u.types)
        fd = EditDialog(frame_unit, "alice", units.document.text, p.schema)
        qtbot.addWidget(fd)
        fd.attr_boxes["stance"].setCurrentText("FAVOR")
        fd.attr_boxes["target"].setText("Russia")
        assert fd.decision().attributes == {"stance": "FAVOR", "target": "Russia",
                                            "quote_form": None, "type": None}
    with pytest.raises(ValueError):
        parse_fragments("12")
    assert parse_fragments("5-9; 1-3") == ((1, 3), (5, 9))


def test_read_only_project_refuses_merge_and_decisions(qtbot, window: MainWindow, seeds,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _alice, bob, doc = seeds
    window.review_actions.merge_paths([str(bob)])
    review = window.review_actions.open_review(adjudicate=True)
    window.project.set_readonly(True)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(
        lambda _w, _t, text, *a: warned.append(text)))
    assert window.review_actions.merge_paths([str(bob)]) is None
    assert "read-only" in warned[0]
    review.page.select_row(0)
    review.page.accept_nth(1)
    assert "Read-only" in review.status.text()
    assert window.project.spans(doc, GOLD) == []
    window.project.set_readonly(False)


def test_a_large_report_is_computed_off_the_gui_thread(qtbot, seeds,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from annotator.formats.merge import merge_sources
    from annotator.ui.review import window as review_window

    alice, bob, _doc = seeds
    p = Project.open(alice)
    merge_sources(p, [bob])
    quick = ReviewWindow(p, "lead")  # small: computed at once, on this thread
    qtbot.addWidget(quick)
    expected = {t: quick.dashboard.table_texts(t) for t in ("labels", "pairs", "documents")}
    assert expected["labels"] and not quick.computing
    quick.close()

    threads: list[str] = []
    full_report = review_window.ReviewData.report_job

    def job(self):  # records the thread that runs the computation
        run = full_report(self)
        return lambda: threads.append(threading.current_thread().name) or run()

    monkeypatch.setattr(review_window, "BACKGROUND_SPANS", 0)
    monkeypatch.setattr(review_window.ReviewData, "report_job", job)
    review = ReviewWindow(p, "lead")
    qtbot.addWidget(review)
    assert review.computing and review.dashboard.labels_table is None
    assert review.dashboard.busy_note is not None
    assert "Computing agreement over" in review.dashboard.busy_note.text()
    qtbot.waitUntil(lambda: not review.computing, timeout=10_000)
    assert threads == ["agreement report"]
    assert {t: review.dashboard.table_texts(t) for t in expected} == expected

    # a result computed before the data changed is dropped, and the next run shows
    review.refresh()  # re-reads; the dashboard tab is current, so a new run starts
    assert review.computing
    stale_run = review._run
    review._invalidate()  # the data changed again before that run's result came back
    for t in threading.enumerate():
        if t.name == "agreement report":
            t.join(10)  # it has posted its result by the time it ends
    assert len(threads) == 2
    qtbot.wait(20)  # the queued result arrives, and is dropped
    assert review._run == stale_run + 1 and review.dashboard.labels_table is None
    review.show_dashboard()
    qtbot.waitUntil(lambda: review.dashboard.labels_table is not None, timeout=10_000)
    assert {t: review.dashboard.table_texts(t) for t in expected} == expected
    review.close()
    p.close()
