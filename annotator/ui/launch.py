"""Start the desktop app: ``annotator [--project P] [--annotator NAME]``.

Opens ``--project`` or the default project (seeded with the sample articles on first
run), takes the annotator's name from ``--annotator`` or the settings, asking once (and
remembering the answer) when there is none, and shows the main window.

Start-up time matters (benchmarks/bench_ui_start.py): modules are imported when needed;
opening an up-to-date project does not import sqlite-utils (see
:mod:`annotator.store.db`).
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow
    from .settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator", description="Annotate news articles with source attribution and "
        "stance. Run `annotator COMMAND --help` for the command line tools.")
    parser.add_argument("--project", "-p", metavar="P",
                        help="project file to open (default: your default project)")
    parser.add_argument("--annotator", "-a", metavar="NAME",
                        help="annotate as NAME this time (default: the name you gave "
                             "on first start)")
    return parser


def application(argv: Sequence[str] = (), icon: bool = True) -> QApplication:
    """The QApplication (made once), named, styled and (``icon``) with its window icon."""
    from PySide6.QtWidgets import QApplication

    from ..paths import resources_dir

    app = QApplication.instance()
    if app is None:
        app = QApplication(["annotator", *argv])
    app.setApplicationName("Annotator")
    app.setOrganizationName("Annotator")
    style = resources_dir() / "style.qss"
    if style.is_file():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    if icon:
        set_window_icon(app)
    return app  # type: ignore[return-value]


def set_window_icon(app: QApplication) -> None:
    """The app's icon on every window. Loading the SVG icon engine costs start-up a few
    ms, so :func:`run_gui` calls this once the window has been shown."""
    from PySide6.QtGui import QIcon

    from ..paths import resources_dir

    icon = resources_dir() / "icons" / "annotator.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))


def open_window(project_path: str | None, annotator: str | None,
                settings: Settings | None = None) -> MainWindow | None:
    """The main window on ``project_path`` (None: the default project), or None when the
    project cannot be opened or no annotator name is given. Errors are shown in a box."""
    from .. import home
    from ..domain.errors import AnnotatorError
    from .main_window import MainWindow
    from .session import AnnotationSession
    from .settings import Settings

    settings = settings or Settings()
    name = (annotator or settings.annotator).strip()
    if not name:
        from .dialogs import ask_annotator_name

        _icon_before_dialog()
        asked = ask_annotator_name()
        if not asked:
            return None
        settings.annotator = name = asked
    try:
        project = home.open_project(project_path)
    except (AnnotatorError, OSError) as exc:
        from .dialogs import show_error

        _icon_before_dialog()
        show_error(None, "Cannot open project", str(exc))
        return None
    from .watch import install_guard, take_lease

    lease = take_lease(project, name)  # read-only if another window edits this project
    try:
        session = AnnotationSession(project, name)
    except (AnnotatorError, ValueError) as exc:
        project.close()
        if lease is not None:
            lease.release()
        from .dialogs import show_error

        _icon_before_dialog()
        show_error(None, "Cannot start", str(exc))
        return None
    window = MainWindow(session, settings)
    install_guard(window, lease)
    return window


def _icon_before_dialog() -> None:
    """A dialog shown before the main window gets the app icon too."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None and app.windowIcon().isNull():  # type: ignore[attr-defined]
        set_window_icon(app)  # type: ignore[arg-type]


def run_gui(argv: Sequence[str]) -> int:
    # Start-up: no cyclic garbage collection while modules, Qt types and widgets are made
    # (they allocate much and free little: the passes cost ~10 ms and find next to
    # nothing); back on as soon as the event loop runs, and in any case on return. What
    # start-up made is then frozen (gc.freeze): it lives as long as the app, and neither
    # the first pass nor any later one has to walk it again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(argv, collecting)
    finally:
        if collecting:
            gc.enable()


def _collect_again() -> None:
    gc.freeze()
    gc.enable()


def _run(argv: Sequence[str], collecting: bool) -> int:
    # no arguments (the usual start): nothing to parse, and argparse's help texts cost
    # a few ms of gettext look-ups to build
    args = (build_parser().parse_args(list(argv)) if argv
            else argparse.Namespace(project=None, annotator=None))
    import shiboken6
    from PySide6.QtCore import QTimer

    app = application(icon=False)
    window = open_window(args.project, args.annotator)
    if window is None:
        return 1
    window.show()
    # after the first paint: the icon (title bar, task bar), then the collector
    QTimer.singleShot(0, lambda: set_window_icon(app))
    if collecting:
        QTimer.singleShot(0, _collect_again)
    code = app.exec()
    project = window.project
    shiboken6.delete(window)  # now, not at interpreter exit (signal lambdas keep it alive)
    project.close()
    return int(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_gui(sys.argv[1:]))
