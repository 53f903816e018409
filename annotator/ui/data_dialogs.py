"""File → Export… and File → Import annotations…: dataset formats in the GUI.

Both dialogs offer what ``annotator export`` / ``annotator import`` offer (the table in
:mod:`annotator.formats.registry`): the format, the layers to export (annotators, gold,
status) or the annotator to import as, ``--add-labels``, and the offset unit for tools
that count otherwise. The work runs with a cancellable progress dialog; an export is
written whole or not at all, an import is all or nothing, and errors are shown as the one
``file:line: message`` line the CLI prints. The menu actions that open them are
:mod:`annotator.ui.data_actions` (this module is imported when one is first used).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import AnnotatorError
from ..domain.model import GOLD, STATUSES
from .fields import plain_label

if TYPE_CHECKING:
    from ..formats.canonical import ExportReport
    from ..formats.layers import AnnotationImportReport
    from ..store.project import Project

# The formats are imported when a dialog first opens (window start-up time).
UNITS = ("codepoint", "utf16")  # annotator.formats.interchange.UNITS

DETECT = "detect"


def _offsets_box() -> QComboBox:
    box = QComboBox()
    box.addItem("The tool's own convention", None)
    for unit in UNITS:
        box.addItem({"codepoint": "Code points (Python)",
                     "utf16": "UTF-16 units (JavaScript)"}[unit], unit)
    return box


class _Progress:
    """A cancellable progress dialog as a ``progress(done, total) -> bool`` callback."""

    def __init__(self, parent: QWidget | None, title: str, label: str) -> None:
        self.dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoReset(False)  # at done == total work may still be running (and
        self.dialog.setAutoClose(False)  # cancellable): the caller closes the dialog

    def __call__(self, done: int, total: int) -> bool:
        top = max(total, 1)
        if self.dialog.maximum() != top:
            self.dialog.setMaximum(top)
        self.dialog.setValue(min(done, top))
        QApplication.processEvents()
        return not self.dialog.wasCanceled()

    def close(self) -> None:
        self.dialog.close()


# ------------------------------------------------------------------------------ export
class ExportDialog(QDialog):
    def __init__(self, project: Project, start_dir: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export annotations")
        self.start_dir = start_dir
        lay = QVBoxLayout(self)
        form = QFormLayout()
        from ..formats.registry import FORMATS

        self.format = QComboBox()
        self.format.setObjectName("export_format")
        for f in FORMATS:
            if f.can_export:
                self.format.addItem(f.title, f.name)
        form.addRow("Format", self.format)
        self.limits = plain_label(wrap=True)
        self.limits.setObjectName("export_limits")
        form.addRow("", self.limits)
        self.annotators = QListWidget()
        self.annotators.setObjectName("export_annotators")
        for name in project.annotators():
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.annotators.addItem(item)
        self.annotators.setMaximumHeight(110)
        form.addRow("Annotators\n(none ticked: all)", self.annotators)
        self.status = QComboBox()
        self.status.setObjectName("export_status")
        self.status.addItem("Any status", None)
        for st in STATUSES:
            self.status.addItem(f"Only layers marked {st}", st)
        form.addRow("Status", self.status)
        self.offsets = _offsets_box()
        self.offsets.setObjectName("export_offsets")
        form.addRow("Offsets", self.offsets)
        row = QHBoxLayout()
        self.out = QLineEdit()
        self.out.setObjectName("export_out")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        row.addWidget(self.out, 1)
        row.addWidget(browse)
        form.addRow("Save to", row)
        lay.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self._format_changed()
        self.resize(560, 0)

    def _format_changed(self) -> None:
        from ..formats.registry import info

        f = info(self.format.currentData())
        self.limits.setText(f.limits)
        self.offsets.setEnabled(f.offsets is not None)
        out = self.out.text().strip()
        if out:
            p = Path(out)
            self.out.setText(str(p.with_suffix(f.suffix) if f.suffix else p.with_suffix("")))

    def browse(self) -> None:
        from ..formats.registry import info

        f = info(self.format.currentData())
        if f.folder:
            path = QFileDialog.getExistingDirectory(self, "Export to a folder",
                                                    str(self.start_dir))
        else:
            path, _ = QFileDialog.getSaveFileName(
                self, "Export annotations", str(self.start_dir / f"annotations{f.suffix}"),
                f"{f.title} (*{f.suffix});;All files (*)")
        if path:
            self.out.setText(path)

    def _accept(self) -> None:
        if not self.out.text().strip():
            self.browse()
        if self.out.text().strip():
            self.accept()

    def options(self) -> dict:
        picked = [self.annotators.item(i).text() for i in range(self.annotators.count())
                  if self.annotators.item(i).checkState() == Qt.CheckState.Checked]
        return {"fmt": self.format.currentData(), "out": self.out.text().strip(),
                "annotators": [a for a in picked if a != GOLD] or None,
                "gold": GOLD in picked, "status": self.status.currentData(),
                "offsets": self.offsets.currentData() if self.offsets.isEnabled() else None}


def export_with_progress(project: Project, fmt: str, out: str, parent: QWidget | None = None,
                         **options: object) -> ExportReport | None:
    from ..formats.articles import Cancelled
    from ..formats.registry import export
    from .dialogs import show_error

    progress = _Progress(parent, "Export", "Writing the export…")
    try:
        report = export(project, fmt, out, progress=progress, **options)  # type: ignore[arg-type]
    except Cancelled:
        progress.close()
        QMessageBox.information(parent, "Export cancelled", "Nothing was written.")
        return None
    except (AnnotatorError, OSError, ValueError) as exc:
        progress.close()
        show_error(parent, "Export failed", str(exc), "Nothing was written.")
        return None
    progress.close()
    return report


# ------------------------------------------------------------------------------ import
class ImportAnnotationsDialog(QDialog):
    def __init__(self, start_dir: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Import annotations")
        self.start_dir = start_dir
        lay = QVBoxLayout(self)
        form = QFormLayout()
        from ..formats.registry import FORMATS

        self.format = QComboBox()
        self.format.setObjectName("import_format")
        self.format.addItem("Detect from the file", DETECT)
        for f in FORMATS:
            if f.can_import:
                self.format.addItem(f.title, f.name)
        form.addRow("Format", self.format)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setObjectName("import_path")
        file_button = QPushButton("File…")
        file_button.clicked.connect(self.choose_file)
        folder_button = QPushButton("Folder…")
        folder_button.clicked.connect(self.choose_folder)
        row.addWidget(self.path, 1)
        row.addWidget(file_button)
        row.addWidget(folder_button)
        form.addRow("From", row)
        self.annotator = QLineEdit()
        self.annotator.setObjectName("import_annotator")
        self.annotator.setPlaceholderText("as named in the file")
        form.addRow("Annotator", self.annotator)
        self.add_labels = QCheckBox("Add labels the schema lacks (instead of refusing)")
        self.add_labels.setObjectName("import_add_labels")
        form.addRow("", self.add_labels)
        self.offsets = _offsets_box()
        self.offsets.setObjectName("import_offsets")
        form.addRow("Offsets", self.offsets)
        lay.addLayout(form)
        lay.addWidget(plain_label("Everything is checked first: on any problem nothing is "
                                  "imported. A layer replaces that annotator's layer on the "
                                  "document.", wrap=True))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(560, 0)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import annotations", str(self.start_dir),
            "Annotations (*.jsonl *.json *.ann);;All files (*)")
        if path:
            self.path.setText(path)

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Import a brat folder",
                                                str(self.start_dir))
        if path:
            self.path.setText(path)

    def _accept(self) -> None:
        if not self.path.text().strip():
            self.choose_file()
        if self.path.text().strip():
            self.accept()

    def options(self) -> dict:
        return {"fmt": self.format.currentData(), "path": self.path.text().strip(),
                "annotator": self.annotator.text().strip() or None,
                "add_labels": self.add_labels.isChecked(),
                "offsets": self.offsets.currentData()}


def import_annotations_with_progress(project: Project, fmt: str, path: str,
                                     parent: QWidget | None = None, **options: object,
                                     ) -> AnnotationImportReport | None:
    from ..formats.articles import Cancelled
    from ..formats.registry import detect, import_annotations
    from .dialogs import show_error

    if fmt == DETECT:
        found = detect(path)
        if found is None or found == "articles":
            show_error(parent, "Import failed", f"{path}: cannot tell which annotation "
                       "format this is", "Choose the format in the list.")
            return None
        fmt = found
    progress = _Progress(parent, "Import annotations", "Reading and checking…")
    try:
        report = import_annotations(project, fmt, [path], progress=progress,
                                    **options)  # type: ignore[arg-type]
    except Cancelled:
        progress.close()
        QMessageBox.information(parent, "Import cancelled", "Nothing was imported.")
        return None
    except (AnnotatorError, OSError, ValueError) as exc:
        progress.close()
        show_error(parent, "Import failed", str(exc),
                   "Nothing was imported. Fix the file and import again.")
        return None
    progress.close()
    return report


def show_notes(parent: QWidget | None, title: str, notes: list[str]) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, "", QMessageBox.StandardButton.Ok,
                      parent)
    box.setObjectName("notes_box")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText("\n".join(notes))
    box.exec()
