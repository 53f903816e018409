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

- reference: the same window without any of our code (``SKELETON``): a QMainWindow with
  our widget tree (the same widget classes and counts: menus with 51 shortcut actions, a
  tool bar, the documents list with one item, title labels over a read-only QTextEdit
  holding the seed article as plain text, the labelling and frame panels' buttons, combo
  boxes, line edit and lists, the status bar). It is the floor any PySide6 Widgets window
  of this shape pays on this machine; the figure shows it beside the bare window.

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


# The window's shape without our code: what every PySide6 window like ours pays.
SKELETON = _WATCH + """
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListWidget,
    QMainWindow, QProgressBar, QPushButton, QScrollArea, QSplitter, QStackedWidget,
    QTextEdit, QToolBar, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

text = next(Path("seeds").glob("*.txt")).read_text(encoding="utf-8")
w = QMainWindow()
w.resize(1400, 860)
n = 0
for title in ("&File", "&Edit", "&Annotate", "&Frames", "&View", "&Review"):
    menu = w.menuBar().addMenu(title)
    for _ in range(8 if n < 40 else 11):
        a = QAction(f"Action {n}", w)
        a.setShortcut(QKeySequence(f"Ctrl+Shift+{chr(65 + n % 26)}"))
        menu.addAction(a)
        n += 1
bar = QToolBar("main")
bar.addAction(QAction("Undo", w))
w.addToolBar(bar)

left = QWidget()
ll = QVBoxLayout(left)
top = QHBoxLayout()
top.addWidget(QLabel("Show"))
status = QComboBox()
for s in ("all documents", "todo", "in progress", "done"):
    status.addItem(s, s)
top.addWidget(status, 1)
ll.addLayout(top)
tree = QTreeWidget()
tree.setHeaderLabels(["Title", "Date", "Status", "Spans"])
tree.setHeaderHidden(True)
tree.setRootIsDecorated(False)
tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
for c in (1, 2, 3):
    tree.setColumnHidden(c, True)
QTreeWidgetItem(tree, ["US and Russian units clash in Syria", "2020-08-28", "todo", "0"])
ll.addWidget(tree, 1)
ll.addWidget(QProgressBar())
ll.addWidget(QPushButton("Mark done  (Ctrl+D)"))

middle = QWidget()
ml = QVBoxLayout(middle)
title = QLabel("US and Russian units clash in Syria")
title.setTextFormat(Qt.TextFormat.PlainText)
font = QFont(title.font())
font.setPointSizeF(15)
font.setBold(True)
title.setFont(font)
byline = QLabel("Writer  ·  28 August 2020")
byline.setTextFormat(Qt.TextFormat.PlainText)
ml.addWidget(title)
ml.addWidget(byline)
edit = QTextEdit()
edit.setReadOnly(True)
font = QFont(edit.font())
font.setPointSizeF(11.5)
edit.setFont(font)
edit.setPlainText(text)
ml.addWidget(edit, 1)

right = QWidget()
rl = QVBoxLayout(right)
labels = QGroupBox("Labels")
grid = QGridLayout(labels)
for i, name in enumerate(("SOURCE", "CUE", "CONTENT", "STANCE")):
    grid.addWidget(QPushButton(f"{i + 1}   {name}"), i // 2, i % 2)
rl.addWidget(labels)
span_box = QGroupBox("Selected span")
sv = QVBoxLayout(span_box)
stack = QStackedWidget()
stack.addWidget(QLabel("No span selected"))
details = QWidget()
dv = QVBoxLayout(details)
dv.addWidget(QLabel("Label"))
label_combo = QComboBox()
label_combo.addItems(["SOURCE", "CUE", "CONTENT", "STANCE"])
dv.addWidget(label_combo)
dv.addWidget(QLineEdit())
dv.addWidget(QPushButton("Delete span  (Del)"))
stack.addWidget(details)
sv.addWidget(stack)
rl.addWidget(span_box)
builder = QGroupBox("Attribution")
bv = QVBoxLayout(builder)
for s in ("New frame  (A)", "Add to frame  (Shift+A)", "Remove  (Shift+Del)", "Delete frame"):
    bv.addWidget(QPushButton(s))
bv.addWidget(QLabel("Stance"))
bv.addWidget(QListWidget())
rl.addWidget(builder)
frames = QGroupBox("Frames")
QVBoxLayout(frames).addWidget(QListWidget())
rl.addWidget(frames)
scroll = QScrollArea()
scroll.setWidgetResizable(True)
scroll.setWidget(right)

splitter = QSplitter(Qt.Orientation.Horizontal)
for pane in (left, middle, scroll):
    splitter.addWidget(pane)
splitter.setSizes([270, 760, 360])
w.setCentralWidget(splitter)
message = QLabel("Ready")
message.setTextFormat(Qt.TextFormat.PlainText)
w.statusBar().addWidget(message, 1)
w.statusBar().addPermanentWidget(QLabel("bench  ·  default.annotator.db"))
watch(edit.viewport())
w.show()
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
        _spawn(BARE, env)  # warm the OS file cache for all three
        _spawn(SKELETON, env)
        ours, bare, skeleton = [], [], []
        for _ in range(repeat):
            ours.append(_spawn(OURS, env))
            bare.append(_spawn(BARE, env))
            skeleton.append(_spawn(SKELETON, env))
    b = statistics.median(bare)
    return [Figure("app start to painted main window (seed project)",
                   statistics.median(ours), "ms",
                   "bare PySide6 QWidget window process", b, "<= 1.5x baseline"),
            Figure("reference: our window's widget tree, none of our code (skeleton)",
                   statistics.median(skeleton), "ms",
                   "bare PySide6 QWidget window process", b,
                   "none: the floor for this window shape")]
