"""App start to a painted main window on the seed project, against a bare PySide6 window.

Both are child processes started the same way (``python -c ...``, offscreen Qt), timed
from spawn to the first paint (the child prints the wall-clock time of its first paint;
shutting down is not counted), interleaved, in the same run:

- ours: ``annotator.app.main([])`` (the real start path: the default project, already
  seeded, and the remembered annotator name); the child exits after the first paint of
  the article text;
- baseline: a QApplication with one empty 1400x860 QWidget; the child exits after its
  first paint.

The probe is an event filter on the watched widget only (ours: the article view's
viewport, installed as ``open_window`` returns, before the window is shown; bare: the
window). An application-wide Python filter would itself cost ours tens of ms (every event
of every widget crossing into Python, and PySide initialising the Python types of every
event class it sees) that a user's start does not pay.

Compiled bytecode: the children may write and use ``.pyc`` files (kept in the temporary
folder through ``PYTHONPYCACHEPREFIX``, so the tree stays clean; the untimed first run
writes them) as an installed app does; ``PYTHONDONTWRITEBYTECODE`` in the calling shell
would otherwise make every start recompile the app's modules from source.

The figure is the median wall time; the ratio is the stable part (target <= 1.5x).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.figures import Figure

ROOT = Path(__file__).resolve().parent.parent

# Shared by both children: `watch(widget)` exits once that widget has painted.
_WATCH = """
import sys
import time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print("PAINTED", repr(time.time()), flush=True)
            obj.removeEventFilter(self)
            QTimer.singleShot(0, lambda: [w.close() for w in app.topLevelWidgets()])
        return False

first_paint = FirstPaint()

def watch(widget):
    widget.installEventFilter(first_paint)
"""

OURS = _WATCH + """
from annotator.ui import launch

_open_window = launch.open_window

def open_window(*args, **kwargs):
    window = _open_window(*args, **kwargs)
    if window is not None:
        watch(window.view.text_edit.viewport())  # the article text
    return window

launch.open_window = open_window

from annotator.app import main
sys.exit(main([]))
"""

BARE = _WATCH + """
from PySide6.QtWidgets import QWidget

window = QWidget()
window.resize(1400, 860)
window.setWindowTitle("bare")
watch(window)
window.show()
sys.exit(app.exec())
"""


def _spawn(code: str, env: dict[str, str]) -> float:
    """Milliseconds from spawning the child to its first paint."""
    t = time.time()
    r = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"child failed ({r.returncode}): {r.stderr[-800:]}")
    painted = next((float(line.split()[1]) for line in r.stdout.splitlines()
                    if line.startswith("PAINTED ")), None)
    if painted is None:
        raise RuntimeError(f"child never painted: {r.stdout[-400:]} {r.stderr[-400:]}")
    return (painted - t) * 1000


def run(quick: bool) -> list[Figure]:
    repeat = 3 if quick else 9
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ANNOTATOR_HOME": home,
               "PYTHONPATH": str(ROOT), "QT_LOGGING_RULES": "qt.qpa.*=false",
               "PYTHONPYCACHEPREFIX": str(Path(home, "pycache"))}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        Path(home, "settings.ini").write_text("[General]\nannotator=bench\n",
                                              encoding="utf-8")
        _spawn(OURS, env)  # first run: creates and seeds the default project (not timed)
        _spawn(BARE, env)  # warm the OS file cache for both
        ours, bare = [], []
        for _ in range(repeat):
            ours.append(_spawn(OURS, env))
            bare.append(_spawn(BARE, env))
    return [Figure("app start to painted main window (seed project)",
                   statistics.median(ours), "ms",
                   "bare PySide6 QWidget window process", statistics.median(bare),
                   "<= 1.5x baseline")]
