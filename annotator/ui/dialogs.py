"""Dialogs of the annotation window: the checks before a document is marked done, the
keyboard reference, the annotator-name prompt and article import with a progress dialog.

Every text shown is plain (problem messages and titles can hold anything).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.checks import Problem
from ..domain.errors import AnnotatorError
from ..formats.articles import Cancelled, ImportReport, import_paths
from ..store.project import Project
from .fields import plain_label

# ChecksDialog results (QDialog.exec() return values)
CANCEL, FIX, OVERRIDE = 0, 2, 3


class ChecksDialog(QDialog):
    """Lists the problems; "Go to problem" (FIX) or "Mark done anyway" (OVERRIDE)."""

    def __init__(self, problems: Sequence[Problem], title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Checks before marking done")
        self.problems = list(problems)
        lay = QVBoxLayout(self)
        n = len(self.problems)
        lay.addWidget(plain_label(f"“{title}” has {n} problem{'s' if n != 1 else ''}. "
                                  "Go to one to fix it, or mark the document done anyway.",
                                  wrap=True))
        self.list = QListWidget()
        self.list.setObjectName("problems")
        for p in self.problems:
            item = QListWidgetItem(p.message)
            item.setToolTip(p.kind)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _i: self.done(FIX))
        lay.addWidget(self.list, 1)
        buttons = QDialogButtonBox()
        self.fix_button = QPushButton("Go to problem")
        self.fix_button.setDefault(True)
        self.override_button = QPushButton("Mark done anyway")
        buttons.addButton(self.fix_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.override_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.fix_button.clicked.connect(lambda: self.done(FIX))
        self.override_button.clicked.connect(lambda: self.done(OVERRIDE))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(520, 320)

    def chosen(self) -> Problem | None:
        row = self.list.currentRow()
        return self.problems[row] if 0 <= row < len(self.problems) else None


def keyboard_rows(frame_key: str = "A") -> list[tuple[str, str]]:
    """The keyboard reference shown in Help and the README."""
    return [
        ("1 – 4 (label keys)", "tag the selected text; with no text selected, relabel the "
                               "selected span"),
        ("Alt+A", "add the selected text as another fragment of the selected span"),
        (frame_key, "make an attribution frame from the picked spans (tagged since the last "
                    "frame, or Ctrl+clicked) and the selected span"),
        (f"Shift+{frame_key}", "add the picked spans (and the selected span) to the current "
                               "frame"),
        ("Shift+Del", "remove the selected span from the current frame"),
        ("Ctrl+click", "pick / unpick a span for the next frame"),
        ("S / T", "edit the stance / target of the current frame (or the selected span's "
                  "attributes); Enter or Esc returns to the article"),
        ("Del", "delete the selected span (or the frame/role whose list has focus)"),
        ("Esc", "clear the picks, then the text selection, then the selected span"),
        ("] / [", "select the next / previous span"),
        ("N / P", "next / previous document"),
        ("Ctrl+F", "find in the article (Enter / Shift+Enter: next / previous match; Esc: "
                   "back to the text with the match selected, ready to tag)"),
        ("F3 / Shift+F3", "next / previous match"),
        ("Ctrl+D / Ctrl+Shift+D", "mark the document done (runs the checks) / back in "
                                  "progress"),
        ("Ctrl+Z", "undo"),
        ("Ctrl+Shift+Z, Ctrl+Y", "redo"),
        ("Ctrl+O / Ctrl+N / Ctrl+I", "open a project / new project / import articles"),
        ("Ctrl+E", "export annotations"),
        ("Ctrl+Shift+A / Ctrl+Shift+J", "agreement dashboard / adjudicate"),
        ("F1", "this table"),
    ]


class KeyboardDialog(QDialog):
    def __init__(self, frame_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard")
        rows = keyboard_rows(frame_key)
        table = QTableWidget(len(rows), 2)
        table.setHorizontalHeaderLabels(["Key", "Action"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setWordWrap(True)
        for r, (key, what) in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(key))
            table.setItem(r, 1, QTableWidgetItem(what))
        table.horizontalHeader().setStretchLastSection(True)
        table.resizeColumnToContents(0)
        table.resizeRowsToContents()
        lay = QVBoxLayout(self)
        lay.addWidget(table)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay.addWidget(close)
        self.resize(660, 480)


def ask_annotator_name(parent: QWidget | None = None) -> str | None:
    """Ask once for the annotator's name; None when cancelled or left empty."""
    name, ok = QInputDialog.getText(
        parent, "Annotator", "Your name as annotator (stored with every span you make):")
    name = name.strip() if ok else ""
    return name or None


def _plain_box(icon: QMessageBox.Icon, title: str, text: str, detail: str,
               button: QMessageBox.StandardButton, parent: QWidget | None,
               name: str) -> QMessageBox:
    """A message box whose texts are plain (they quote titles and file contents)."""
    box = QMessageBox(icon, title, "", button, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    if detail:
        box.setInformativeText(detail)
    box.setObjectName(name)
    return box


def confirm(parent: QWidget | None, title: str, text: str, detail: str = "",
            yes: str = "OK") -> bool:
    """Ask before a big change. Cancel is the default."""
    box = _plain_box(QMessageBox.Icon.Question, title, text, detail,
                     QMessageBox.StandardButton.Cancel, parent, "confirm_box")
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is ok


def show_error(parent: QWidget | None, title: str, text: str, detail: str = "") -> None:
    """A warning box (error messages quote file contents: plain text)."""
    _plain_box(QMessageBox.Icon.Warning, title, text, detail, QMessageBox.StandardButton.Ok,
               parent, "error_box").exec()


def import_with_progress(project: Project, paths: Sequence[str | Path],
                         parent: QWidget | None = None) -> ImportReport | None:
    """Import articles all-or-nothing with a cancellable progress dialog. Errors are shown
    naming ``file:line``; returns the report, or None when nothing was imported."""
    dialog = QProgressDialog("Reading articles…", "Cancel", 0, 0, parent)
    dialog.setWindowTitle("Import articles")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoReset(False)  # at total the import still writes (and can be cancelled):
    dialog.setAutoClose(False)  # keep the dialog until import_paths returns

    def progress(done: int, total: int) -> bool:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))
        dialog.setLabelText(f"Reading article {min(done + 1, total)} of {total}…"
                            if done < total else  # then one transaction, still cancellable
                            f"Saving {total} article file(s) to the project…")
        QApplication.processEvents()
        return not dialog.wasCanceled()

    try:
        report = import_paths(project, paths, progress=progress)
    except Cancelled as exc:
        dialog.close()
        QMessageBox.information(parent, "Import cancelled", str(exc))
        return None
    except AnnotatorError as exc:
        dialog.close()
        show_error(parent, "Import failed", str(exc),
                   "Nothing was imported. Fix the file and import again.")
        return None
    dialog.close()
    return report
