"""Child process for the kill tests (``test_crash.py``): does real work on a project and says
on stdout what it is about to do and what has returned, one JSON line each, flushed at once.

    python crash_child.py annotate PROJECT SEED   # random annotation actions, forever
    python crash_child.py import PROJECT FOLDER   # one big import
    python crash_child.py merge PROJECT SOURCE... # one merge of other annotators' work
    python crash_child.py serve                   # fork server running the above on request

Lines: ``{"ready": ...}`` once the project is open; ``{"intent": {...}}`` before an action and
``{"ack": n}`` after the call that performs it has returned (so the action must be in the
project from then on, whatever happens to this process). ``annotate`` goes through the same
code path as the window: :class:`AnnotationSession` running the undoable commands.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from annotator.domain.model import Frame, new_id  # noqa: E402
from annotator.store.project import Project  # noqa: E402

ANNOTATOR = "crash"
LABELS = ("SOURCE", "CUE", "CONTENT", "STANCE")
STANCES = ("FAVOR", "AGAINST", "NEUTRAL", "NONE")
STATUSES = ("todo", "in progress", "done")


def say(**obj: object) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def annotate(project_path: str, seed: int) -> None:
    """Random user actions on one document through AnnotationSession + undoable commands,
    exactly as the window runs them (``session.execute`` / the undo stack)."""
    from PySide6.QtCore import QCoreApplication

    from annotator.ui import commands as C
    from annotator.ui.session import AnnotationSession

    app = QCoreApplication.instance() or QCoreApplication([])  # noqa: F841
    rng = random.Random(seed)
    project = Project.open(project_path)
    doc = rng.choice(sorted(d.id for d in project.documents()))
    say(intent={"op": "open", "doc": doc}, n=1)
    session = AnnotationSession(project, ANNOTATOR)
    failures: list[str] = []
    session.failed.connect(failures.append)
    session.open_document(doc)
    say(ack=1)
    length = len(session.document.text)
    stack = session.undo_stack
    say(ready=True, spans=len(session.spans), frames=len(session.frames))
    n = 1
    while True:
        op = rng.choices(["add_span", "relabel", "delete_span", "add_frame", "set_stance",
                          "delete_frame", "set_status", "undo", "redo"],
                         [6, 2, 1, 2, 2, 1, 1, 2, 1])[0]
        spans, frames = session.spans, session.frames
        if op == "add_span" or not spans:
            start = rng.randrange(length - 1)
            span = session.make_span(rng.choice(LABELS),
                                     [(start, min(length, start + rng.randint(1, 40)))])
            act = {"op": "add_span", "doc": doc, "label": span.label, "start": span.start,
                   "end": span.end, "span_id": span.id}
            action = C.TagSpan(session, span)
        elif op == "relabel":  # a frame's member keeps its role's label (the app refuses)
            framed = {sid for f in frames.values() for sid in f.span_ids()}
            free = sorted(k for k in spans if k not in framed)
            if not free:
                continue
            span = spans[rng.choice(free)]
            act = {"op": op, "span_id": span.id, "label": rng.choice(LABELS)}
            action = C.EditSpan(session, span, "relabel", label=act["label"])
        elif op == "delete_span":
            span = spans[rng.choice(sorted(spans))]
            act = {"op": op, "span_id": span.id}
            action = C.DeleteSpan(session, span)
        elif op == "add_frame":
            cues = sorted(k for k, s in spans.items() if s.label == "CUE")
            cons = sorted(k for k, s in spans.items() if s.label == "CONTENT")
            if not cues or not cons:
                continue
            frame = Frame(id=new_id(), document_id=doc, annotator=ANNOTATOR,
                          cue=rng.choice(cues), contents=(rng.choice(cons),),
                          attributes={"stance": "NONE"})
            act = {"op": op, "doc": doc, "frame_id": frame.id, "cue": frame.cue,
                   "content": frame.contents[0]}
            action = C.MakeFrame(session, frame, "make frame")
        elif op in ("set_stance", "delete_frame"):
            if not frames:
                continue
            frame = frames[rng.choice(sorted(frames))]
            act = {"op": op, "frame_id": frame.id}
            if op == "set_stance":
                act["stance"] = rng.choice(STANCES)
                action = C.EditFrame(session, frame.with_changes(
                    attributes={**frame.attributes, "stance": act["stance"]}), "stance")
            else:
                action = C.DeleteFrame(session, frame, "delete frame")
        elif op == "set_status":
            act = {"op": op, "doc": doc, "status": rng.choice(STATUSES)}
            action = C.SetStatus(session, doc, act["status"])
        elif op == "undo":
            if not stack.canUndo():
                continue
            act, action = {"op": "undo"}, None
        else:
            if not stack.canRedo():
                continue
            act, action = {"op": "redo"}, None
        n += 1
        say(intent=act, n=n)
        if action is not None:
            ok = session.execute(action)
        else:
            (stack.undo if op == "undo" else stack.redo)()
            ok = not failures
        if not ok or failures:
            say(error=failures)
            raise SystemExit(1)
        say(ack=n)


def do_import(project_path: str, folder: str) -> None:
    from annotator.formats.articles import import_paths

    project = Project.open(project_path)
    say(ready=True, t=time.monotonic())

    def progress(done: int, total: int) -> bool:
        if done == total - 1:
            say(read_last=True, t=time.monotonic())
        return True

    report = import_paths(project, [folder], progress=progress)
    say(ack=1, added=len(report.added), t=time.monotonic())


def do_merge(project_path: str, sources: list[str]) -> None:
    from annotator.formats.merge import merge_sources

    project = Project.open(project_path)
    say(ready=True, t=time.monotonic())
    report = merge_sources(project, sources)
    say(ack=1, report=report.summary(), t=time.monotonic())


def serve() -> None:
    """Fork server: import everything once, then fork one worker per request.

    Each stdin line is ``{"argv": [...], "out": PATH}``; the worker's stdout goes to PATH and
    its pid is printed. Workers are reaped by the kernel (SIGCHLD ignored), so a killed worker
    disappears at once. Nothing here opens a project before forking.
    """
    import os
    import signal

    import annotator.formats.articles  # noqa: F401  (warm imports for the workers)
    import annotator.formats.merge  # noqa: F401
    import annotator.ui.commands  # noqa: F401

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    say(serving=os.getpid())
    for raw in sys.stdin:
        req = json.loads(raw)
        pid = os.fork()
        if pid == 0:
            fd = os.open(req["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.close(fd)
            code = 0
            try:
                main(req["argv"])
            except BaseException:  # noqa: BLE001 - report and exit non-zero
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                os._exit(code)
        say(pid=pid)


def main(argv: list[str]) -> None:
    mode = argv[0]
    if mode == "serve":
        serve()
    elif mode == "annotate":
        annotate(argv[1], int(argv[2]))
    elif mode == "import":
        do_import(argv[1], argv[2])
    elif mode == "merge":
        do_merge(argv[1], argv[2:])
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
