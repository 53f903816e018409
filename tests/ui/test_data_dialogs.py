"""File → Export… and File → Import annotations…, driven through the real window."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QMessageBox

from annotator.domain.model import Frame
from annotator.ui.data_dialogs import ExportDialog, ImportAnnotationsDialog
from tests.formats.test_canonical import dump_db
from tests.ui.helpers import on_next_modal


def _annotate(window) -> None:
    p = window.project
    cue = p.add_span(p.make_span("doc1", "ann", "CUE", [(10, 14)]))
    src = p.add_span(p.make_span("doc1", "ann", "SOURCE", [(0, 9)]))
    con = p.add_span(p.make_span("doc1", "ann", "CONTENT", [(31, 50)]))
    p.add_frame(Frame(id="f1", document_id="doc1", annotator="ann", cue=cue.id,
                      sources=(src.id,), contents=(con.id,), attributes={"stance": "NONE"}))


def _ok(dialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def test_file_menu_has_export_and_import_before_quit(window) -> None:
    texts = [a.text() for a in window.file_menu.actions()]
    quit_at = texts.index("&Quit")
    assert texts.index("&Export…") < quit_at
    assert texts.index("Import &annotations…") < quit_at


def test_export_dialog_writes_the_chosen_format(qtbot, window, tmp_path, monkeypatch) -> None:
    _annotate(window)
    target = tmp_path / "out.jsonl"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))

    def fill(dialog: ExportDialog) -> None:
        assert "target registry" in dialog.limits.text()
        dialog.browse()
        for i in range(dialog.annotators.count()):
            if dialog.annotators.item(i).text() == "ann":
                dialog.annotators.item(i).setCheckState(Qt.CheckState.Checked)
        _ok(dialog)

    on_next_modal(fill)
    report = window.data_actions.run_export()
    assert report is not None and report.spans == 3
    line = json.loads(target.read_text(encoding="utf-8").splitlines()[0])
    assert line["annotator"] == "ann" and len(line["frames"]) == 1
    assert "Exported 1 record(s)" in window.status_label.text()


def test_export_dialog_offers_offsets_only_where_they_matter(qtbot, window, tmp_path) -> None:
    dialog = ExportDialog(window.project, tmp_path, window)
    qtbot.addWidget(dialog)
    names = [dialog.format.itemData(i) for i in range(dialog.format.count())]
    assert names == ["canonical", "spans", "brat", "doccano", "doccano-label",
                     "labelstudio", "prodigy"]
    dialog.out.setText(str(tmp_path / "x.jsonl"))
    dialog.format.setCurrentIndex(names.index("doccano"))
    assert dialog.offsets.isEnabled() and "UTF-16" in dialog.limits.text()
    dialog.format.setCurrentIndex(names.index("brat"))
    assert not dialog.offsets.isEnabled() and dialog.out.text() == str(tmp_path / "x")
    dialog.format.setCurrentIndex(names.index("labelstudio"))
    assert dialog.out.text() == str(tmp_path / "x.json")
    dialog.offsets.setCurrentIndex(2)
    assert dialog.options()["offsets"] == "utf16" and dialog.options()["annotators"] is None


def test_import_dialog_reads_a_brat_folder(qtbot, window, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "b.txt").write_text("Anna said 😀 yes.", encoding="utf-8")
    (folder / "b.ann").write_text("T1\tSOURCE 0 4\tAnna\nT2\tCUE 5 9\tsaid\n",
                                  encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(folder)))

    def fill(dialog: ImportAnnotationsDialog) -> None:
        dialog.choose_folder()
        dialog.annotator.setText("ann")
        _ok(dialog)

    on_next_modal(fill)
    report = window.data_actions.run_import()
    assert report is not None and report.documents_added == ["b"]
    assert [s.text for s in window.project.spans("b", "ann")] == ["Anna", "said"]
    assert "b" in window.documents.items  # the window was reloaded
    assert window.status_label.text().startswith("Saved: imported")


def test_import_error_shows_file_line_and_imports_nothing(qtbot, window, tmp_path,
                                                          monkeypatch) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Bob said", "annotator": "x", "entities": [{"id": 1, '
                   '"label": "CUE", "start_offset": 4, "end_offset": 99}]}\n',
                   encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(bad), "")))
    before = dump_db(window.project)
    seen: list[str] = []

    def fill(dialog: ImportAnnotationsDialog) -> None:
        dialog.choose_file()

        def close_error(box) -> None:
            assert isinstance(box, QMessageBox)
            seen.append(box.text())
            box.accept()

        _ok(dialog)
        on_next_modal(close_error)  # the error box opens once this dialog has closed

    on_next_modal(fill)
    assert window.data_actions.run_import() is None
    assert seen and seen[0].startswith(f"{bad}:1: ") and "outside the text" in seen[0]
    assert dump_db(window.project) == before


@pytest.mark.parametrize("dialog_class", [ExportDialog, ImportAnnotationsDialog])
def test_dialogs_render(qtbot, window, tmp_path, dialog_class) -> None:
    dialog = (dialog_class(window.project, tmp_path, window) if dialog_class is ExportDialog
              else dialog_class(tmp_path, window))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    image = dialog.grab()
    assert image.width() > 300 and image.height() > 150
    if QApplication.instance() is not None:
        dialog.close()
