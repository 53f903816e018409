"""Child process for the kill tests (``test_crash.py``): does real work on a project and says
on stdout what it is about to do and what has returned, one JSON line each, flushed at once.

    python crash_child.py annotate PROJECT SEED   # random annotation actions, forever
    python crash_child.py import PROJECT FOLDER   # one big import
    python crash_child.py merge PROJECT SOURCE... # one merge of other annotators' work
    python crash_child.py serve                   # fork server running the above on request

Lines: ``{"ready": ...}`` once the project is open; ``{"intent": {...}}`` before an action and
``{"ack": n}`` after the call that performs it has returned (so the action must be in the
project from then on, whatever happens to this process). ``annotate`` goes through the same
code path as the window: the :class:`AnnotationSession` when it exists, else ``Project``.
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


class ProjectDriver:
    """Annotation actions straight on Project (one transaction per call)."""

    def __init__(self, project: Project) -> None:
        self.p = project

    def add_span(self, doc: str, label: str, start: int, end: int, span_id: str) -> None:
        self.p.add_span(self.p.make_span(doc, ANNOTATOR, label, [(start, end)], id=span_id))

    def relabel(self, span_id: str, label: str) -> None:
        self.p.update_span(span_id, label=label)

    def delete_span(self, span_id: str) -> None:
        self.p.delete_span(span_id)

    def add_frame(self, doc: str, frame_id: str, cue: str, content: str) -> None:
        self.p.add_frame(Frame(id=frame_id, document_id=doc, annotator=ANNOTATOR, cue=cue,
                               contents=(content,), attributes={"stance": "NONE"}))

    def set_stance(self, frame_id: str, stance: str) -> None:
        f = self.p.frame(frame_id)
        self.p.update_frame(f.with_changes(attributes={**f.attributes, "stance": stance}))

    def delete_frame(self, frame_id: str) -> None:
        self.p.delete_frame(frame_id)

    def set_status(self, doc: str, status: str) -> None:
        self.p.set_status(doc, ANNOTATOR, status)


def annotate(project_path: str, seed: int) -> None:
    rng = random.Random(seed)
    project = Project.open(project_path)
    driver = ProjectDriver(project)
    docs = {d.id: len(project.document(d.id).text) for d in project.documents()}
    spans: dict[str, tuple[str, str]] = {}  # id -> (doc, label)
    frames: dict[str, str] = {}  # id -> doc
    for doc in docs:
        spans.update({s.id: (doc, s.label) for s in project.spans(doc, ANNOTATOR)})
        frames.update({f.id: doc for f in project.frames(doc, ANNOTATOR)})
    say(ready=True, spans=len(spans), frames=len(frames))
    n = 0
    while True:
        op = rng.choices(["add_span", "relabel", "delete_span", "add_frame", "set_stance",
                          "delete_frame", "set_status"], [6, 2, 1, 2, 2, 1, 1])[0]
        doc = rng.choice(sorted(docs))
        if op == "add_span" or not spans:
            start = rng.randrange(docs[doc] - 1)
            end = min(docs[doc], start + rng.randint(1, 40))
            act = {"op": "add_span", "doc": doc, "label": rng.choice(LABELS), "start": start,
                   "end": end, "span_id": new_id()}
        elif op == "relabel":
            act = {"op": op, "span_id": rng.choice(sorted(spans)), "label": rng.choice(LABELS)}
        elif op == "delete_span":
            act = {"op": op, "span_id": rng.choice(sorted(spans))}
        elif op == "add_frame":
            doc = spans[rng.choice(sorted(spans))][0]
            cues = sorted(k for k, (d, lab) in spans.items() if d == doc and lab == "CUE")
            cons = sorted(k for k, (d, lab) in spans.items() if d == doc and lab == "CONTENT")
            if not cues or not cons:
                continue
            act = {"op": op, "doc": doc, "frame_id": new_id(), "cue": rng.choice(cues),
                   "content": rng.choice(cons)}
        elif op in ("set_stance", "delete_frame"):
            if not frames:
                continue
            act = {"op": op, "frame_id": rng.choice(sorted(frames))}
            if op == "set_stance":
                act["stance"] = rng.choice(STANCES)
        else:
            act = {"op": op, "doc": doc, "status": rng.choice(STATUSES)}
        n += 1
        say(intent=act, n=n)
        args = {k: v for k, v in act.items() if k != "op"}
        getattr(driver, act["op"])(**args)
        say(ack=n)
        if act["op"] == "add_span":
            spans[act["span_id"]] = (act["doc"], act["label"])
        elif act["op"] == "relabel":
            spans[act["span_id"]] = (spans[act["span_id"]][0], act["label"])
        elif act["op"] == "delete_span":
            del spans[act["span_id"]]
        elif act["op"] == "add_frame":
            frames[act["frame_id"]] = act["doc"]
        elif act["op"] == "delete_frame":
            del frames[act["frame_id"]]


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
    from annotator.formats import merge  # the merge helper's module

    project = Project.open(project_path)
    say(ready=True, t=time.monotonic())
    report = merge.merge_paths(project, sources)
    say(ack=1, report=str(report), t=time.monotonic())


def serve() -> None:
    """Fork server: import everything once, then fork one worker per request.

    Each stdin line is ``{"argv": [...], "out": PATH}``; the worker's stdout goes to PATH and
    its pid is printed. Workers are reaped by the kernel (SIGCHLD ignored), so a killed worker
    disappears at once. Nothing here opens a project before forking.
    """
    import os
    import signal

    import annotator.formats.articles  # noqa: F401  (warm imports for the workers)

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
