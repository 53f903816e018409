"""Several programs on one project: the editing lease (a second window is read-only and says
so, and becomes editable when the first closes), the window noticing another program's
commits (a CLI import while it is open), and no write lost or silently refused."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from annotator.domain.model import AnnotatedDocument
from annotator.store.lock import ProjectLease, explain, lock_path
from annotator.store.project import Project
from annotator.ui import commands as C
from annotator.ui import launch
from annotator.ui.settings import Settings
from tests.conftest import make_doc

ROOT = Path(__file__).resolve().parents[2]
TEXT = ('Officials said on Tuesday that "the talks failed."\n\n'
        "Critics, including Senator Smith, argued the opposite.")


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "shared.db"
    with Project.open(path) as p:
        p.add_documents([make_doc(TEXT), make_doc("A second article.\n\nShort.", "doc2", "B")])
    return path


def open_window(path: Path, name: str, tmp_path: Path):
    window = launch.open_window(str(path), name, Settings(tmp_path / f"{name}.ini"))
    assert window is not None
    return window


def close(window) -> None:
    window.close()
    window.project.close()
    window.deleteLater()


def tag(window, start: int, end: int, label: str = "CUE") -> tuple[bool, str]:
    s = window.session
    span = s.make_span(label, [(start, end)])
    return s.execute(C.TagSpan(s, span)), span.id


# ----------------------------------------------------------------- the lease itself
def test_lease_is_exclusive_says_who_and_is_released(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    a, b = ProjectLease(path), ProjectLease(path)
    assert a.acquire("alice") and a.held
    assert not b.acquire("bob") and not b.held
    holder = b.holder()
    assert holder is not None and holder.annotator == "alice" and holder.pid == os.getpid()
    assert "alice" in holder.describe() and "this computer" in holder.describe()
    a.release()
    assert b.holder() is None
    assert b.acquire("bob")
    b.release()
    assert lock_path(path).name == "p.db.lock"


def test_a_killed_holder_leaves_no_stale_lease(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    code = (f"import sys, time; sys.path.insert(0, {str(ROOT)!r})\n"
            "from annotator.store.lock import ProjectLease\n"
            f"l = ProjectLease({str(path)!r}); assert l.acquire('ghost')\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        lease = ProjectLease(path)
        assert not lease.acquire("me")
        assert lease.holder().annotator == "ghost"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert lease.acquire("me")  # the OS dropped the dead process's lock
    lease.release()


def test_busy_and_readonly_errors_are_explained() -> None:
    import sqlite3

    assert "another program" in explain(sqlite3.OperationalError("database is locked"))
    assert "read-only" in explain(
        sqlite3.OperationalError("attempt to write a readonly database"))
    assert explain(ValueError("plain")) == "plain"


# ----------------------------------------------------------------- two connections
def test_a_transaction_that_read_first_still_writes_after_another_commit(
        project_path: Path) -> None:
    """The import's pattern (read, then write, in one transaction) while the window commits:
    with a deferred BEGIN the import failed at once with "database is locked"."""
    importer, window = Project.open(project_path), Project.open(project_path)
    errors: list[BaseException] = []
    started = threading.Event()

    def tag_in_window() -> None:
        started.set()
        try:
            window.add_span(window.make_span("doc1", "alice", "CUE", [(10, 14)]))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    with importer.transaction():
        assert importer.count_documents() == 2  # a read: the transaction has a snapshot
        thread = threading.Thread(target=tag_in_window)
        thread.start()
        started.wait()
        time.sleep(0.2)  # the window's commit waits for the import's lock
        importer.add_documents([make_doc("A third article.", "doc3")])
    thread.join(15)
    assert not errors, errors
    with Project.open(project_path) as p:
        assert p.count_documents() == 3 and len(p.spans("doc1", "alice")) == 1
    importer.close()
    window.close()


def test_a_snapshot_reads_one_state_and_does_not_block_writers(project_path: Path) -> None:
    reader, writer = Project.open(project_path), Project.open(project_path)
    with reader.snapshot():
        assert reader.count_documents() == 2
        writer.add_documents([make_doc("Written meanwhile.", "doc3")])  # not blocked
        assert reader.count_documents() == 2  # the snapshot still sees the old state
    assert reader.count_documents() == 3
    reader.close()
    writer.close()


# ----------------------------------------------------------------- two windows
def test_second_window_is_read_only_says_so_and_takes_over_when_the_first_closes(
        qtbot, project_path: Path, tmp_path: Path) -> None:
    first = open_window(project_path, "alice", tmp_path)
    assert not first.project.readonly
    assert first.guard.banner.isHidden()
    second = open_window(project_path, "bob", tmp_path)
    qtbot.addWidget(second)
    second.show()
    assert second.project.readonly
    banner = second.guard.banner_label.text()
    assert not second.guard.banner.isHidden()
    assert "Read-only" in banner and "alice" in banner and f"process {os.getpid()}" in banner
    # bob's window opened doc1 without marking it in progress (nothing written)
    assert first.project.status("doc1", "bob") == "todo"
    assert "bob" not in first.project.annotators()

    ok, _ = tag(second, 10, 14)
    assert not ok
    assert "read-only" in second.status_label.text()
    assert first.project.spans("doc1") == []

    ok, sid = tag(first, 10, 14)
    assert ok and [s.id for s in first.project.spans("doc1")] == [sid]

    second.guard.poll()  # alice's commit is an outside change for bob's window
    assert "Another program changed this project" in second.status_label.text()

    close(first)
    second.guard.poll()
    assert not second.project.readonly and second.guard.banner.isHidden()
    assert "you can edit here now" in second.status_label.text()
    ok, sid2 = tag(second, 0, 9, "SOURCE")
    assert ok
    with Project.open(project_path) as p:
        assert {s.id for s in p.spans("doc1")} == {sid, sid2}
    close(second)


def test_switching_projects_moves_the_lease(qtbot, project_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with Project.open(other) as p:
        p.add_documents([make_doc(TEXT)])
    holder = ProjectLease(other)
    assert holder.acquire("carol")
    window = open_window(project_path, "alice", tmp_path)
    qtbot.addWidget(window)
    assert window._open_project(str(other), create=False)
    assert window.project.readonly and not window.guard.banner.isHidden()
    assert ProjectLease(project_path).acquire("x")  # the first project's lease was let go
    holder.release()
    close(window)


# ----------------------------------------------------------------- the CLI while a window is open
def _articles(folder: Path, n: int) -> None:
    folder.mkdir()
    body = "The minister said that talks with officials had failed after weeks. " * 30
    for i in range(n):
        (folder / f"a{i:04d}.txt").write_text(f"Article {i}\n\n{body}\n\nEnd {i}.\n",
                                              encoding="utf-8")


def test_cli_import_while_the_window_annotates_loses_nothing(
        qtbot, project_path: Path, tmp_path: Path) -> None:
    window = open_window(project_path, "alice", tmp_path)
    qtbot.addWidget(window)
    window.guard.timer.stop()  # polled by hand below, so that its message is the last one
    folder = tmp_path / "articles"
    _articles(folder, 1200)
    proc = subprocess.Popen(
        [sys.executable, "-m", "annotator", "import", str(folder), "--project",
         str(project_path), "--quiet"], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    saved, refused, messages = [], 0, set()
    text_len = len(window.session.document.text)
    k = 0
    while proc.poll() is None:  # annotate while the import runs
        start = k % (text_len - 5)
        ok, sid = tag(window, start, start + 4)
        if ok:
            saved.append(sid)
        else:
            refused += 1
            messages.add(window.status_label.text())
        k += 1
        qtbot.wait(5)
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert "documents added: 1200" in out
    for msg in messages:  # a refused action was said to be refused, and why
        assert msg.startswith("Not saved:") and "another program" in msg
    window.guard.poll()
    assert len(window.documents.items) == 1202
    status = window.status_label.text()
    assert "Another program changed this project" in status and "1200 document(s)" in status
    with Project.open(project_path) as p:
        assert p.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert p.count_documents() == 1202
        stored = {s.id for s in p.spans("doc1", "alice")}
    assert set(saved) <= stored and len(saved) == len(stored)
    assert saved, "the window could not save anything during the import"
    print(f"\n{len(saved)} tags saved and {refused} refused (busy) during a 1200-article import")
    close(window)


def test_outside_change_to_my_layer_clears_undo_and_says_so(
        qtbot, project_path: Path, tmp_path: Path) -> None:
    window = open_window(project_path, "alice", tmp_path)
    qtbot.addWidget(window)
    ok, sid = tag(window, 10, 14)
    assert ok and window.session.undo_stack.canUndo()
    window.guard.poll()  # own commits are not outside changes
    assert window.session.undo_stack.canUndo()
    with Project.open(project_path) as other:  # e.g. `annotator merge --replace`
        doc = other.document("doc1")
        other.replace_layer(AnnotatedDocument(doc, "alice", "in progress", [
            other.make_span("doc1", "alice", "SOURCE", [(0, 9)])]))
    window.guard.poll()
    assert not window.session.undo_stack.canUndo()
    assert "undo history was cleared" in window.status_label.text()
    assert [s.label for s in window.session.spans.values()] == ["SOURCE"]
    close(window)


def test_unrelated_outside_change_keeps_undo(qtbot, project_path: Path, tmp_path: Path) -> None:
    window = open_window(project_path, "alice", tmp_path)
    qtbot.addWidget(window)
    ok, _ = tag(window, 10, 14)
    window.guard.timer.setInterval(50)
    with Project.open(project_path) as other:
        other.add_span(other.make_span("doc1", "bob", "CUE", [(10, 14)]))
    qtbot.waitUntil(  # noticed by the window's own timer
        lambda: "Another program changed this project" in window.status_label.text(),
        timeout=5000)
    assert window.session.undo_stack.canUndo()
    close(window)


def test_cli_says_busy_in_one_line_when_the_lock_is_held_too_long(project_path: Path,
                                                                  tmp_path: Path) -> None:
    """Another program holds the write lock past the busy timeout: one clear line, exit 1."""
    holder = sqlite3.connect(project_path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
                "import annotator.store.db as db\n"
                "_configure = db._configure\n"
                "def quick(conn, readonly, **kw):\n"
                "    _configure(conn, readonly, **kw); conn.execute('PRAGMA busy_timeout = 200')\n"
                "db._configure = quick\n"
                "from annotator.cli import main\n"
                "sys.exit(main(sys.argv[1:]))\n")
        art = tmp_path / "a.txt"
        art.write_text("A title\n\nSome text.\n")
        proc = subprocess.run([sys.executable, "-c", code, "import", str(art), "--project",
                               str(project_path)], capture_output=True, text=True, timeout=60)
    finally:
        holder.rollback()
        holder.close()
    err = proc.stderr.strip().splitlines()
    assert proc.returncode == 1 and len(err) == 1, proc.stderr
    assert err[0].startswith("annotator: the project is busy")


def test_window_save_blocked_too_long_is_refused_with_a_message(
        qtbot, project_path: Path, tmp_path: Path) -> None:
    window = open_window(project_path, "alice", tmp_path)
    qtbot.addWidget(window)
    holder = sqlite3.connect(project_path)
    holder.execute("BEGIN IMMEDIATE")  # another program writing for a long time
    try:
        t0 = time.monotonic()
        ok, sid = tag(window, 10, 14)
        waited = time.monotonic() - t0
    finally:
        holder.rollback()
        holder.close()
    assert not ok and sid not in window.session.spans
    assert window.status_label.text().startswith("Not saved: the project is busy")
    assert 2.0 < waited < 8.0  # waited for the other program, then gave up (not 10 s+)
    ok, sid = tag(window, 10, 14)  # the lock is gone: the same action saves
    assert ok and [s.id for s in window.project.spans("doc1", "alice")] == [sid]
    close(window)
