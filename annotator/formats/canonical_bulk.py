"""Canonical JSONL into an EMPTY project at bulk speed: planned rows, batched inserts.

:func:`import_into_empty` runs inside the caller's transaction (``import_canonical``
holds it, with the bulk page cache and the secondary indexes deferred): lines become rows
(:class:`~annotator.formats.canonical_rows.RowPlanner`, no domain objects) and the rows
of many layers go in with one ``executemany`` per table. Errors name ``file:line`` as the
object path does; the caller's transaction rolls everything back on any error.

A large file is parsed in a second process while this one inserts (parsing and checking
cost about half of what SQLite does with the rows): the parser sends batches of rows
(``marshal``) through a pipe, which it blocks on when it runs ahead, so memory stays
bounded. Its error comes back as the same :class:`InputError`; an error here, a
cancellation or ``KeyboardInterrupt`` ends the parser. Nothing is committed unless the
parser reached the end of the file without an error.
"""

from __future__ import annotations

import gc
import marshal
import os
import pickle
import queue
import sqlite3
import struct
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from ..domain.errors import InputError
from ..domain.model import ROLE_CONTENT, ROLE_CUE, ROLE_SOURCE, now_iso
from ..domain.schema import Schema, parse_schema
from ..store import rows
from ..store.project import Project
from .articles import Cancelled, Progress
from .canonical_read import json_lines
from .canonical_rows import PlanResult, RowBatch, RowPlanner
from .layers import AnnotationImportReport

BATCH_ROWS = 20_000  # spans + frames + documents per executemany round
PARALLEL_BYTES = 16 << 20  # files at least this large are parsed in a second process
READ_AHEAD = 3  # batches received but not yet inserted, at most

_INSERT_DOCUMENT = (
    "INSERT INTO documents VALUES (:id, :title, :author, :published, :source, :text, "
    ":text_sha256, :paragraphs, :meta, :position, :imported_at)")
_INSERT_ANNOTATOR = "INSERT OR IGNORE INTO annotators(name, created_at) VALUES (?, ?)"
_INSERT_ROLE = "INSERT INTO frame_roles VALUES (?, ?, ?, ?)"
# the shortcuts of a RowBatch expanded: a span's one fragment, a frame's three roles
_INSERT_SPAN = (f"INSERT INTO spans({rows.SPAN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                "coalesce(?7, '[[' || ?5 || ',' || ?6 || ']]'), ?8, ?9, ?10, ?11, ?12, ?13)")
_INSERT_TRIAD = (f"INSERT INTO frame_roles SELECT ?1, ?2, '{ROLE_CUE}', 0 UNION ALL "
                 f"SELECT ?1, ?3, '{ROLE_SOURCE}', 0 UNION ALL "
                 f"SELECT ?1, ?4, '{ROLE_CONTENT}', 0")
_INSERT_STATUS = "INSERT INTO document_status VALUES (?, ?, ?, ?)"


def import_into_empty(project: Project, path: Path, size: int, *, add_labels: bool = False,
                      rename_to: str | None = None, progress: Progress | None = None,
                      parallel: bool | None = None) -> AnnotationImportReport:
    """Import ``path`` into ``project``, which holds no documents; call inside a
    transaction. ``progress(bytes_read, size)`` as rows go in; False cancels.
    ``parallel``: parse in a second process (None: when the file is large and the
    machine has a second CPU)."""
    if parallel is None:
        parallel = size >= PARALLEL_BYTES and can_run_parser()
    name, stamp = str(path), now_iso()
    conn = project.db.conn
    with _collector_paused():
        if parallel:
            result = _run_parser(conn, name, size, project.schema, add_labels, rename_to,
                                 stamp, progress)
        else:
            planner = RowPlanner(name, project.schema, add_labels=add_labels,
                                 rename_to=rename_to, stamp=stamp)
            for lineno, obj, offset in json_lines(path):
                planner.line(obj, lineno, offset)
                if progress and progress(offset, size) is False:
                    raise Cancelled("import cancelled; nothing was imported")
                if len(planner.batch) >= BATCH_ROWS:
                    insert_rows(conn, planner.take(), name)
            insert_rows(conn, planner.take(), name)
            result = planner.finish()
    if result.schema is not None:
        project.set_schema(result.schema)
    if result.provenance:
        project.put_provenance(result.provenance)
    return result.report


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while rows stream through: they hold no cycles, and
    each pass over a million fresh tuples costs time for nothing."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def insert_rows(conn: sqlite3.Connection, batch: RowBatch, path: str) -> None:
    """One ``executemany`` per table for the batch. An id already taken (by an earlier
    line) names the line of the first layer that holds it, as ``LayerWriter`` does."""
    try:
        if batch.documents:
            conn.executemany(_INSERT_DOCUMENT, batch.documents)
        if batch.annotators:
            conn.executemany(_INSERT_ANNOTATOR, batch.annotators)
        if batch.spans:
            conn.executemany(_INSERT_SPAN, batch.spans)
        if batch.frames:
            conn.executemany(rows.INSERT_FRAME_ROW, batch.frames)
            conn.executemany(_INSERT_TRIAD, batch.triads)
            conn.executemany(_INSERT_ROLE, batch.roles)
        if batch.statuses:
            conn.executemany(_INSERT_STATUS, batch.statuses)
    except sqlite3.IntegrityError as exc:
        line, clash = _clash(conn, batch)
        raise InputError(path, line, "an id in this layer is already used by another "
                         f"document or annotator ({clash or exc})") from None


def _clash(conn: sqlite3.Connection, batch: RowBatch) -> tuple[int | None, str]:
    """The first layer of a failed batch with a span or frame id that the project holds
    for another (document, annotator). The rows of the batch before the failing one are
    in already, each under its own layer, so a layer only clashes with an earlier one (or
    an earlier batch): the one that ``LayerWriter`` would have refused first."""
    s = f = 0
    for line, n_spans, n_frames in batch.layers:
        for table, items in (("spans", batch.spans[s:s + n_spans]),
                             ("frames", batch.frames[f:f + n_frames])):
            for item in items:
                r = conn.execute(f"SELECT document_id, annotator FROM {table} WHERE id = ?",
                                 (item[0],)).fetchone()
                if r and (r[0], r[1]) != (item[1], item[2]):
                    return line, (f"{table[:-1]} id {item[0]!r} belongs to document {r[0]}, "
                                  f"annotator {r[1]}")
        s, f = s + n_spans, f + n_frames
    return (batch.layers[0][0] if batch.layers else None), ""


# ------------------------------------------------------------------ the parser process
_ROWS, _DONE, _ERROR, _CRASH = b"R", b"D", b"E", b"C"
_HEADER = struct.Struct("<cQ")  # kind, payload length

# The parser runs in a fresh interpreter started on this module (not multiprocessing:
# its spawn start re-runs the caller's main script, which a script without a
# ``__main__`` guard cannot survive). Arguments come on stdin, messages go to stdout.
_BOOT = ("import pickle, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
         "args = pickle.load(sys.stdin.buffer); sys.path[:] = args.pop('sys_path'); "
         "out = sys.stdout.buffer; sys.stdout = sys.stderr; "
         "from annotator.formats.canonical_bulk import parser_main; parser_main(out, **args)")


def can_run_parser() -> bool:
    """A second CPU and a Python interpreter to run the parser in."""
    return ((os.cpu_count() or 1) > 1 and bool(sys.executable)
            and not getattr(sys, "frozen", False))


def _run_parser(conn: sqlite3.Connection, path: str, size: int, schema: Schema,
                add_labels: bool, rename_to: str | None, stamp: str,
                progress: Progress | None) -> PlanResult:
    """Insert the rows a parser process sends until it is done; raise its error. A
    thread reads a few messages ahead, so that the parser does not wait while a batch
    goes in (it blocks only when READ_AHEAD batches are waiting)."""
    # a session of its own: Ctrl+C in a terminal reaches the importer, which ends it
    proc = subprocess.Popen([sys.executable, "-c", _BOOT], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, start_new_session=True)
    assert proc.stdin is not None and proc.stdout is not None
    messages: queue.Queue[tuple[bytes, bytes] | None] = queue.Queue(READ_AHEAD)
    stop = threading.Event()
    reader = threading.Thread(target=_read_messages, args=(proc.stdout, messages, stop),
                              name="import-parser-reader", daemon=True)
    last = False  # the parser sent its last message and is exiting by itself
    try:
        try:
            proc.stdin.write(pickle.dumps({
                "sys_path": sys.path, "path": path, "schema_raw": schema.raw,
                "add_labels": add_labels, "rename_to": rename_to, "stamp": stamp,
                "batch_rows": BATCH_ROWS}))
            proc.stdin.close()
        except BrokenPipeError:  # it died at once: reading says so below
            pass
        reader.start()
        while True:
            message = messages.get()
            if message is None:
                raise RuntimeError(f"the parser process for {path} stopped unexpectedly "
                                   f"(exit code {proc.wait()}); nothing was imported")
            kind, body = message
            if kind == _ROWS:
                batch = RowBatch(*marshal.loads(body))
                del message, body
                insert_rows(conn, batch, path)
                if progress and progress(batch.offset, size) is False:
                    raise Cancelled("import cancelled; nothing was imported")
                continue
            last = True
            if kind == _DONE:
                result: PlanResult = pickle.loads(body)
                return result
            if kind == _ERROR:
                raise InputError(*pickle.loads(body))
            raise pickle.loads(body)
    finally:
        stop.set()
        if last:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        while reader.is_alive():  # its read ends at EOF; a put on a full queue, here
            try:
                messages.get(timeout=0.05)
            except queue.Empty:
                pass
        proc.stdout.close()


def _read_messages(stream: BinaryIO, messages: queue.Queue[tuple[bytes, bytes] | None],
                   stop: threading.Event) -> None:
    """The reader thread: each message of the parser into ``messages``, None at EOF
    (or on any failure here: the importer then says the parser stopped)."""
    try:
        while not stop.is_set():
            head = stream.read(_HEADER.size)
            kind, length = _HEADER.unpack(head) if len(head) == _HEADER.size else (b"", 0)
            body = stream.read(length) if kind else b""
            if not kind or len(body) != length:
                break
            messages.put((kind, body))
            if kind != _ROWS:
                return
    except Exception:  # noqa: BLE001 - reported as the parser stopping
        pass
    messages.put(None)


def parser_main(out: BinaryIO, path: str, schema_raw: dict[str, Any], add_labels: bool,
                rename_to: str | None, stamp: str, batch_rows: int = BATCH_ROWS) -> None:
    """The parser process: plan the file, send the batches, then the result or error."""
    gc.disable()  # a process of its own whose rows hold no cycles: no collector passes

    def send(kind: bytes, payload: bytes) -> None:
        out.write(_HEADER.pack(kind, len(payload)))
        out.write(payload)
        out.flush()

    try:
        planner = RowPlanner(path, parse_schema(schema_raw, "<project schema>"),
                             add_labels=add_labels, rename_to=rename_to, stamp=stamp)

        def rows(batch: RowBatch) -> None:
            send(_ROWS, marshal.dumps((
                batch.documents, batch.annotators, batch.spans, batch.frames, batch.roles,
                batch.triads, batch.statuses, batch.layers, batch.offset)))

        for lineno, obj, offset in json_lines(path):
            planner.line(obj, lineno, offset)
            if len(planner.batch) >= batch_rows:
                rows(planner.take())
        rows(planner.take())
        send(_DONE, pickle.dumps(planner.finish()))
    except InputError as exc:
        send(_ERROR, pickle.dumps((exc.path, exc.line, exc.message)))
    except (BrokenPipeError, ConnectionResetError):  # the importer stopped listening
        pass
    except Exception as exc:  # noqa: BLE001 - the importer raises it
        try:
            payload = pickle.dumps(exc)
        except Exception:  # noqa: BLE001 - cannot travel: its traceback as text
            payload = pickle.dumps(RuntimeError(f"the parser process for {path} failed:\n"
                                                f"{traceback.format_exc()}"))
        send(_CRASH, payload)
