"""File → Export… and File → Import annotations… on the main window.

``install_data_actions(window)`` adds the two actions to ``window.file_menu`` before Quit.
The dialogs (:mod:`annotator.ui.data_dialogs`) are imported when one is first opened
(window start-up time, benchmarks/bench_ui_start.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from ..formats.canonical import ExportReport
    from ..formats.layers import AnnotationImportReport
    from .main_window import MainWindow


class DataActions:
    """File → Export… / Import annotations… on a main window."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self.export = QAction("&Export…", window)
        self.export.setObjectName("file_export")
        self.export.setShortcut("Ctrl+E")
        self.export.triggered.connect(lambda _c=False: self.run_export())
        self.import_annotations = QAction("Import &annotations…", window)
        self.import_annotations.setObjectName("file_import_annotations")
        self.import_annotations.triggered.connect(lambda _c=False: self.run_import())
        quit_action = window.actions.quit
        window.file_menu.insertAction(quit_action, self.import_annotations)
        window.file_menu.insertAction(quit_action, self.export)
        window.file_menu.insertSeparator(quit_action)
        for a in (self.export, self.import_annotations):
            window.addAction(a)

    def run_export(self) -> ExportReport | None:
        from PySide6.QtWidgets import QDialog

        from .data_dialogs import ExportDialog, export_with_progress, show_notes

        dialog = ExportDialog(self.w.project, self.w._dialog_dir(), self.w)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        opts = dialog.options()
        fmt, out = opts.pop("fmt"), opts.pop("out")
        report = export_with_progress(self.w.project, fmt, out, self.w, **opts)
        if report is not None:
            extra = f" ({len(report.notes)} note(s) on what {fmt} cannot hold)" \
                if report.notes else ""
            self.w.show_message(f"Exported {report.summary()} to {out}{extra}.")
            if report.notes:
                show_notes(self.w, "Export notes", report.notes)
        return report

    def run_import(self) -> AnnotationImportReport | None:
        from PySide6.QtWidgets import QDialog

        from .data_dialogs import ImportAnnotationsDialog, import_annotations_with_progress

        dialog = ImportAnnotationsDialog(self.w._dialog_dir(), self.w)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        opts = dialog.options()
        fmt, path = opts.pop("fmt"), opts.pop("path")
        report = import_annotations_with_progress(self.w.project, fmt, path, self.w, **opts)
        if report is not None:
            self.w.actions.set_schema()  # --add-labels may have added labels
            self.w.reload()
            self.w.show_message(f"Saved: imported {report.summary()}.")
        return report




def install_data_actions(window: MainWindow) -> DataActions:
    return DataActions(window)
