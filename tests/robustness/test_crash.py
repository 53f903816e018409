"""Crash safety: a child process works on a project and is killed with SIGKILL at random
moments. After every kill the project opens, ``PRAGMA integrity_check`` is ok, every action
whose call had returned (acknowledged on the child's stdout) is present, and the action in
flight, if any, is either wholly there or wholly absent.

The child is ``crash_child.py``; its stdout goes to a file (not a pipe) so that it never
blocks on a full pipe and everything written before the kill is kept by the kernel.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from annotator.domain.model import AnnotatedDocument, Document
from annotator.domain.text import paragraph_offsets
from annotator.store.project import Project

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

CHILD = Path(__file__).resolve().parent / "crash_child.py"
ANNOTATOR = "crash"
KILLS = 50


class Worker:
    """A forked child of the fork server; reaped by the kernel when it dies."""

    def __init__(self, pid: int, out: Path) -> None:
        self.pid, self.out = pid, out

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.wait(10)

    def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.alive():
            if time.monotonic() > deadline:
                raise AssertionError(f"worker {self.pid} still running")
            time.sleep(0.001)


class ForkServer:
    """``crash_child.py serve``: Python and Annotator are imported once, then every worker is
    a fresh ``fork()``, so 50 kills cost seconds, not a Python start-up each."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        self.proc = subprocess.Popen([sys.executable, str(CHILD), "serve"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env)
        assert "serving" in json.loads(self.proc.stdout.readline())

    def spawn(self, args: list[str], out: Path) -> Worker:
        self.proc.stdin.write(json.dumps({"argv": args, "out": str(out)}) + "\n")
        self.proc.stdin.flush()
        return Worker(json.loads(self.proc.stdout.readline())["pid"], out)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server():
    srv = ForkServer()
    yield srv
    srv.close()


def lines(out: Path) -> list[dict]:
    got = []
    raws = out.read_text().splitlines() if out.exists() else []
    for i, raw in enumerate(raws):
        try:
            got.append(json.loads(raw))
        except json.JSONDecodeError:
            assert i == len(raws) - 1, f"garbled line {raw!r}"  # only the last can be cut
    return got


def wait_for(worker: Worker, key: str, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for obj in lines(worker.out):
            if key in obj:
                return obj
        if not worker.alive():
            raise AssertionError(f"child exited before {key!r}: {worker.out.read_text()}")
        time.sleep(0.002)
    raise AssertionError(f"child never said {key!r}")


def check_integrity(project: Project) -> None:
    assert project.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert project.db.execute("PRAGMA foreign_key_check").fetchall() == []


# --------------------------------------------------------------------- annotate
@dataclass
class Model:
    """What the project must hold for the ``crash`` annotator after a list of actions."""

    spans: dict[str, tuple] = field(default_factory=dict)  # id -> (doc, label, start, end)
    frames: dict[str, tuple] = field(default_factory=dict)  # id -> (doc, cue, contents, stance)
    status: dict[str, str] = field(default_factory=dict)

    def copy(self) -> Model:
        return Model(dict(self.spans), dict(self.frames), dict(self.status))

    def apply(self, act: dict) -> None:
        op = act["op"]
        if op == "add_span":
            self.spans[act["span_id"]] = (act["doc"], act["label"], act["start"], act["end"])
        elif op == "relabel":
            doc, _, s, e = self.spans[act["span_id"]]
            self.spans[act["span_id"]] = (doc, act["label"], s, e)
        elif op == "delete_span":
            del self.spans[act["span_id"]]
            for fid, (doc, cue, contents, stance) in list(self.frames.items()):
                self.frames[fid] = (doc, None if cue == act["span_id"] else cue,
                                    tuple(c for c in contents if c != act["span_id"]), stance)
        elif op == "add_frame":
            self.frames[act["frame_id"]] = (act["doc"], act["cue"], (act["content"],), "NONE")
        elif op == "set_stance":
            doc, cue, contents, _ = self.frames[act["frame_id"]]
            self.frames[act["frame_id"]] = (doc, cue, contents, act["stance"])
        elif op == "delete_frame":
            del self.frames[act["frame_id"]]
        elif op == "set_status":
            self.status[act["doc"]] = act["status"]
        elif op == "open":  # an unbegun document is marked in progress when opened
            if (self.status.get(act["doc"], "todo") == "todo"
                    and not any(v[0] == act["doc"] for v in self.spans.values())):
                self.status[act["doc"]] = "in progress"
        else:
            raise AssertionError(f"unknown op {op}")


class Tracker:
    """The model through one child's life: its undo stack is linear, so an undo returns the
    project to the state before the undone action and a redo to the state after it."""

    def __init__(self, model: Model) -> None:
        self.states, self.index = [model], 0

    @property
    def model(self) -> Model:
        return self.states[self.index]

    def step(self, act: dict) -> None:
        if act["op"] == "undo":
            self.index -= 1
        elif act["op"] == "redo":
            self.index += 1
        else:
            m = self.model.copy()
            m.apply(act)
            if act["op"] == "open":  # not an undoable action: the stack starts here
                self.states, self.index = [m], 0
            else:
                self.states = self.states[: self.index + 1] + [m]
                self.index += 1
        assert 0 <= self.index < len(self.states)


def read_state(project: Project, docs: list[str]) -> Model:
    m = Model()
    for doc in docs:
        for s in project.spans(doc, ANNOTATOR):
            m.spans[s.id] = (doc, s.label, s.start, s.end)
        for f in project.frames(doc, ANNOTATOR):
            m.frames[f.id] = (doc, f.cue, f.contents, f.attributes.get("stance"))
        st = project.status(doc, ANNOTATOR)
        if st != "todo" or doc in m.status:
            m.status[doc] = st
    return m


def _same(state: Model, model: Model, docs: list[str]) -> bool:
    def norm(m: Model) -> tuple:
        return (m.spans, m.frames, {d: m.status.get(d, "todo") for d in docs})
    return norm(state) == norm(model)


def make_project(path: Path) -> list[str]:
    texts = [
        "Officials said on Tuesday that \"the talks failed.\"\n\n"
        "Critics, including Senator Smith, argued the opposite. " * 3,
        "Zoë 😀 told reporters the café was closed.\n\nThe mayor 🏛 said that 𝔘nity mattered.",
        "The ministry issued a statement declaring that troops would stay. " * 20,
    ]
    docs = [Document(id=f"doc{i}", text=t, title=f"Doc {i}", paragraphs=paragraph_offsets(t))
            for i, t in enumerate(texts)]
    with Project.open(path) as p:
        p.add_documents(docs)
    return [d.id for d in docs]


def test_sigkill_while_annotating_loses_no_acknowledged_action(tmp_path: Path,
                                                               server: ForkServer) -> None:
    path = tmp_path / "project.db"
    docs = make_project(path)
    rng = random.Random(20240501)
    model = Model()
    acked = in_flight_committed = in_flight_lost = during_startup = 0
    ops: set[str] = set()
    for k in range(KILLS):
        out = tmp_path / f"child{k}.out"
        worker = server.spawn(["annotate", str(path), str(k)], out)
        if k % 10 == 9:  # now and then, kill while the project opens
            time.sleep(rng.uniform(0.0, 0.02))
        else:
            wait_for(worker, "ready")
            time.sleep(rng.uniform(0.0, 0.12))
        worker.kill()
        got = lines(out)
        if not any("ready" in o for o in got):
            during_startup += 1
        assert not any("error" in o for o in got), got[-1]
        intents = {o["n"]: o["intent"] for o in got if "intent" in o}
        acks = [o["ack"] for o in got if "ack" in o]
        assert acks == list(range(1, len(acks) + 1))
        tracker = Tracker(model)
        for n in acks:
            tracker.step(intents[n])
        acked += len(acks)
        model = tracker.model
        ops.update(intents[n]["op"] for n in acks)
        with Project.open(path) as project:
            check_integrity(project)
            state = read_state(project, docs)
        pending = intents.get(len(acks) + 1)
        if _same(state, model, docs):
            if pending is not None:
                in_flight_lost += 1
            continue
        assert pending is not None, f"kill {k}: an acknowledged action is missing"
        tracker.step(pending)
        assert _same(state, tracker.model, docs), (
            f"kill {k}: the project is neither before nor after the action in flight {pending}")
        model = tracker.model
        in_flight_committed += 1
    print(f"\n{KILLS} kills survived: {acked} acknowledged actions all present; "
          f"{in_flight_committed} in-flight actions committed whole, {in_flight_lost} not "
          f"begun or rolled back; {during_startup} kills before the project was ready")
    assert acked > KILLS  # the children did real work between kills
    assert ops >= {"add_span", "relabel", "delete_span", "add_frame", "set_stance",
                   "delete_frame", "set_status", "undo", "redo"}
    assert len(model.spans) > 10


# --------------------------------------------------------------------- import
def _write_articles(folder: Path, n: int) -> None:
    folder.mkdir()
    body = "The minister said that talks with officials had failed after weeks. " * 40
    for i in range(n):
        (folder / f"a{i:05d}.txt").write_text(
            f"Article {i}\n\nAnn Writer 28 August 2020\n\n{body}\n\nParagraph {i} ends.\n",
            encoding="utf-8")


def test_sigkill_during_a_large_import_is_all_or_nothing(tmp_path: Path,
                                                         server: ForkServer) -> None:
    base = tmp_path / "base.db"
    docs = make_project(base)
    folder = tmp_path / "articles"
    n = 1500
    _write_articles(folder, n)
    # calibration: when does reading end and the single write transaction finish?
    cal = tmp_path / "cal.db"
    cal.write_bytes(base.read_bytes())
    out = tmp_path / "cal.out"
    server.spawn(["import", str(cal), str(folder)], out).wait(60)
    got = lines(out)
    t0 = next(o["t"] for o in got if "ready" in o)
    t_read = next(o["t"] for o in got if "read_last" in o) - t0
    t_done = next(o["t"] for o in got if "ack" in o) - t0
    assert next(o["added"] for o in got if "ack" in o) == n
    rng = random.Random(7)
    outcomes = {"nothing": 0, "all": 0, "killed while writing": 0}
    for k in range(8):
        path = tmp_path / f"imp{k}.db"
        path.write_bytes(base.read_bytes())
        out = tmp_path / f"imp{k}.out"
        worker = server.spawn(["import", str(path), str(folder)], out)
        ready = wait_for(worker, "ready")
        # most kills aim at the write phase (between the last file read and the commit)
        delay = rng.uniform(t_read * 0.9, t_done * 1.05) if k % 4 else rng.uniform(0, t_read)
        time.sleep(max(0.0, ready["t"] + delay - time.monotonic()))
        worker.kill()
        got = lines(out)
        acked = any("ack" in o for o in got)
        in_write = any("read_last" in o for o in got) and not acked
        with Project.open(path) as project:
            check_integrity(project)
            count = project.count_documents()
            assert project.document(docs[0]).title == "Doc 0"
        assert count in (len(docs), len(docs) + n), f"half an import: {count} documents"
        if acked:
            assert count == len(docs) + n
        outcomes["all" if count > len(docs) else "nothing"] += 1
        outcomes["killed while writing"] += in_write
    print(f"\nimport kills: {outcomes} (read {t_read:.2f}s, committed at {t_done:.2f}s)")


# --------------------------------------------------------------------- merge
def signature(path: Path) -> tuple:
    """What a merge may change: documents, every layer's spans and frames, targets."""
    with Project.open(path) as p:
        check_integrity(p)
        q = p.db.execute
        return (q("SELECT id, text_sha256 FROM documents ORDER BY id").fetchall(),
                q('SELECT id, document_id, annotator, label, start, "end" FROM spans '
                  "ORDER BY id").fetchall(),
                q("SELECT id, document_id, annotator FROM frames ORDER BY id").fetchall(),
                q("SELECT * FROM frame_roles ORDER BY frame_id, span_id, role").fetchall(),
                q("SELECT document_id, annotator, status FROM document_status "
                  "ORDER BY document_id, annotator").fetchall())


def test_sigkill_during_a_merge_is_all_or_nothing(tmp_path: Path, server: ForkServer) -> None:
    from benchmarks.corpus import corpus

    made = list(corpus(160, 300, 40, annotators=1, seed=3))
    base, other = tmp_path / "base.db", tmp_path / "bob.db"
    with Project.open(base) as p:  # alice's project: most documents, her own layer on some
        p.add_documents(sd.document for sd in made[:140])
        for sd in made[:20]:
            p.replace_layer(AnnotatedDocument(sd.document, "alice", "done", [
                s.with_changes(annotator="alice", id="a" + s.id) for s in sd.spans]))
    with Project.open(other) as p:  # bob's copy: every document, his layer on each
        p.add_documents(sd.document for sd in made)
        with p.transaction():
            for sd in made:
                p.replace_layer(AnnotatedDocument(
                    sd.document, "bob", "in progress",
                    [s.with_changes(annotator="bob") for s in sd.spans],
                    [f.with_changes(annotator="bob") for f in sd.frames]))
    before = signature(base)
    cal = tmp_path / "cal.db"
    cal.write_bytes(base.read_bytes())
    out = tmp_path / "cal.out"
    server.spawn(["merge", str(cal), str(other)], out).wait(60)
    got = lines(out)
    t_done = next(o["t"] for o in got if "ack" in o) - next(o["t"] for o in got if "ready" in o)
    after = signature(cal)
    assert len(after[1]) > len(before[1]) and len(after[0]) == len(made)
    rng = random.Random(11)
    outcomes = {"nothing": 0, "all": 0}
    for k in range(6):
        path = tmp_path / f"m{k}.db"
        path.write_bytes(base.read_bytes())
        out = tmp_path / f"m{k}.out"
        worker = server.spawn(["merge", str(path), str(other)], out)
        ready = wait_for(worker, "ready")
        delay = rng.uniform(0.3 * t_done, 1.05 * t_done)
        time.sleep(max(0.0, ready["t"] + delay - time.monotonic()))
        worker.kill()
        acked = any("ack" in o for o in lines(out))
        sig = signature(path)
        assert sig in (before, after), f"kill {k}: half a merge"
        if acked:
            assert sig == after
        outcomes["all" if sig == after else "nothing"] += 1
    print(f"\nmerge kills: {outcomes} (merge took {t_done:.2f}s)")
