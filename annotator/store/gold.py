"""Store side of adjudication: write a gold decision atomically, undo it, read provenance.

Used through :class:`annotator.store.project.Project` (``apply_gold``, ``undo_gold``,
``provenance``, ``provenance_for_document``, ``decided_items``). A decision
(:class:`GoldChange`) adds gold spans, gold frames and their provenance rows in one
transaction; undo removes exactly those. Provenance of a gold item that has since been
deleted is not reported (the row stays, harmless, and goes when the item's id is reused).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..domain.errors import ConflictError
from ..domain.model import GOLD
from ..domain.provenance import GoldChange, Provenance, SourceRef

if TYPE_CHECKING:
    from .project import Project


def apply(project: Project, change: GoldChange) -> None:
    """Add the decision's gold spans, frames and provenance rows, all or nothing."""
    for item in (*change.spans, *change.frames):
        if item.annotator != GOLD:
            raise ValueError(f"item {item.id} belongs to {item.annotator!r}, not the gold layer")
        if item.document_id != change.document_id:
            raise ValueError(f"item {item.id} is in another document than the decision")
    try:
        with project.transaction():
            for span in change.spans:
                project.add_span(span)
            for frame in change.frames:
                project.add_frame(frame)
            project.db.conn.executemany(
                "INSERT INTO provenance(item_id, item_kind, sources, decided_by, decided_at, "
                "decision, rationale) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(p.item_id, p.item_kind, p.sources_json(), p.decided_by, p.decided_at,
                  p.decision, p.rationale) for p in change.provenance])
    except sqlite3.IntegrityError as exc:
        raise ConflictError(f"this decision is already recorded ({exc})") from None


def undo(project: Project, change: GoldChange) -> None:
    """Remove what :func:`apply` added (items already gone are skipped)."""
    with project.transaction():
        for frame in change.frames:
            project.db.execute("DELETE FROM frames WHERE id = ? AND annotator = ?",
                               (frame.id, GOLD))
        for span in change.spans:
            project.db.execute("DELETE FROM spans WHERE id = ? AND annotator = ?",
                               (span.id, GOLD))
        for p in change.provenance:
            project.db.execute("DELETE FROM provenance WHERE item_id = ?", (p.item_id,))


def _row_provenance(row: sqlite3.Row) -> Provenance:
    return Provenance(item_id=row["item_id"], item_kind=row["item_kind"],
                      sources=tuple(SourceRef.from_json(s) for s in json.loads(row["sources"])),
                      decided_by=row["decided_by"], decided_at=row["decided_at"],
                      decision=row["decision"], rationale=row["rationale"])


def provenance(project: Project, item_id: str) -> Provenance | None:
    rows = project._q("SELECT * FROM provenance WHERE item_id = ?", (item_id,))
    return _row_provenance(rows[0]) if rows else None


_LIVE = """(p.decision = 'reject'
            OR EXISTS (SELECT 1 FROM spans s WHERE s.id = p.item_id AND s.annotator = 'gold')
            OR EXISTS (SELECT 1 FROM frames f WHERE f.id = p.item_id AND f.annotator = 'gold'))"""


def for_document(project: Project, document_id: str) -> list[Provenance]:
    """Every live decision record touching ``document_id``, oldest first."""
    rows = project._q(
        "SELECT p.* FROM provenance p WHERE EXISTS (SELECT 1 FROM json_each(p.sources) j "
        "WHERE json_extract(j.value, '$.document_id') = ?) AND " + _LIVE +
        " ORDER BY p.decided_at, p.item_id", (document_id,))
    return [_row_provenance(r) for r in rows]


def all_records(project: Project) -> list[Provenance]:
    rows = project._q("SELECT p.* FROM provenance p WHERE " + _LIVE +
                      " ORDER BY p.decided_at, p.item_id")
    return [_row_provenance(r) for r in rows]


def decided_items(project: Project, document_id: str) -> set[str]:
    """Ids of annotator items some live decision in ``document_id`` has considered."""
    return {s.id for p in for_document(project, document_id) for s in p.sources}


def put(project: Project, records: Iterable[Provenance]) -> int:
    """Insert or overwrite records by ``item_id``; returns how many rows changed."""
    changed = 0
    with project.transaction():
        for p in records:
            row = (p.item_id, p.item_kind, p.sources_json(), p.decided_by, p.decided_at,
                   p.decision, p.rationale)
            old = project._q("SELECT item_id, item_kind, sources, decided_by, decided_at, "
                             "decision, rationale FROM provenance WHERE item_id = ?",
                             (p.item_id,))
            if old and tuple(old[0]) == row:
                continue
            project.db.execute(
                "INSERT INTO provenance(item_id, item_kind, sources, decided_by, decided_at, "
                "decision, rationale) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(item_id) DO "
                "UPDATE SET item_kind = excluded.item_kind, sources = excluded.sources, "
                "decided_by = excluded.decided_by, decided_at = excluded.decided_at, "
                "decision = excluded.decision, rationale = excluded.rationale", row)
            changed += 1
    return changed


def change_for_items(project: Project, document_id: str,
                     item_ids: Iterable[str]) -> GoldChange | None:
    """The recorded decision(s) that considered any of ``item_ids``, as a GoldChange that
    :func:`undo` can remove; None when there is none.

    A frame decision takes along the gold role spans it created (same ``decided_at``). An
    item the decision did not make (it was in gold before: its ``created_at`` differs from
    ``decided_at``) is kept; only the record goes.
    Refused (:class:`ConflictError`) when a gold span to remove fills a role of a gold frame
    that is not removed with it.
    """
    ids = set(item_ids)
    records = for_document(project, document_id)
    chosen = {p.item_id: p for p in records if ids & set(p.considered_ids)}
    if not chosen:
        return None
    gold_spans = {s.id: s for s in project.spans(document_id, GOLD)}
    gold_frames = {f.id: f for f in project.frames(document_id, GOLD)}
    by_id = {p.item_id: p for p in records}
    for p in list(chosen.values()):
        frame = gold_frames.get(p.item_id)
        if frame is None:
            continue
        for sid in frame.span_ids():
            q = by_id.get(sid)
            if q is not None and q.decided_at == p.decided_at and q.decided_by == p.decided_by:
                chosen.setdefault(sid, q)
    # an item is removed only when the decision made it (made at the moment it was
    # decided); one that was in gold before (imported without provenance, then decided
    # into) stays, and only the record goes
    frames = tuple(gold_frames[i] for i, p in chosen.items()
                   if i in gold_frames and gold_frames[i].created_at == p.decided_at)
    spans = tuple(gold_spans[i] for i, p in chosen.items()
                  if i in gold_spans and gold_spans[i].created_at == p.decided_at)
    kept = tuple(i for i in chosen if (i in gold_spans or i in gold_frames)
                 and i not in {x.id for x in (*frames, *spans)})
    removed = {f.id for f in frames}
    for f in gold_frames.values():
        if f.id in removed:
            continue
        shared = [s.id for s in spans if s.id in f.span_ids()]
        if shared:
            raise ConflictError(f"gold span {shared[0]} fills a role of gold attribution "
                                f"{f.id}; undo that attribution's decision first")
    decision = next(iter(chosen.values())).decision
    return GoldChange(document_id, decision, spans, frames, tuple(chosen.values()), kept)
