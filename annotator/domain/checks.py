"""Checks before a document is marked done: what an annotator's layer still lacks.

``check_layer(spans, frames, schema)`` lists :class:`Problem` s, in text order:

- a frame whose role has fewer spans than the schema's ``min`` (e.g. an ATTRIBUTION
  without a cue or without a content), or more than its ``max`` (two cues);
- a span in a role whose schema label it does not have (a SOURCE as an ATTRIBUTION's
  cue, e.g. after an import or a schema change);
- a span whose label fills a role of some frame type (CUE, SOURCE, CONTENT in the default
  schema) but that belongs to no frame.

Labels that fill no role (STANCE) are never flagged. Pure function, stdlib only; the
caller decides whether the annotator fixes the problems or overrides them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .model import Frame, Span
from .schema import Schema
from .text import short

KIND_ROLE_MISSING = "role missing"
KIND_ROLE_EXCESS = "too many in role"
KIND_UNLINKED = "in no frame"
KIND_WRONG_LABEL = "wrong label in role"


@dataclass(frozen=True)
class Problem:
    kind: str
    message: str
    span_id: str | None = None
    frame_id: str | None = None
    offset: int = 0  # where in the text the problem is, for ordering and scrolling


def check_layer(spans: Iterable[Span], frames: Iterable[Frame], schema: Schema) -> list[Problem]:
    by_id = {s.id: s for s in spans}
    frames = list(frames)
    problems: list[Problem] = []
    in_frame: set[str] = set()
    for frame in frames:
        members = [sid for sid in frame.span_ids() if sid in by_id]
        in_frame.update(members)
        offset = min((by_id[sid].start for sid in members), default=0)
        fdef = schema.frame(frame.type)
        if fdef is None:
            continue
        cue = by_id.get(frame.cue) if frame.cue else None
        name = f"{frame.type} “{short(cue.text)}”" if cue else f"{frame.type} (no cue)"
        counts = {"cue": 1 if frame.cue else 0, "source": len(frame.sources),
                  "content": len(frame.contents)}
        roles = {"cue": (frame.cue,) if frame.cue else (), "source": frame.sources,
                 "content": frame.contents}
        for role in fdef.roles:
            for sid in roles.get(role.name, ()):
                member = by_id.get(sid)
                if member is not None and member.label != role.label:
                    problems.append(Problem(
                        KIND_WRONG_LABEL, f"{name}: its {role.name} “{short(member.text)}” "
                        f"is a {member.label}, not a {role.label}", span_id=sid,
                        frame_id=frame.id, offset=member.start))
            n = counts.get(role.name, 0)
            if n < role.min:
                problems.append(Problem(
                    KIND_ROLE_MISSING, f"{name} has no {role.name}" if n == 0 else
                    f"{name} has {n} {role.name}(s); needs at least {role.min}",
                    frame_id=frame.id, offset=offset))
            elif role.max is not None and n > role.max:
                problems.append(Problem(
                    KIND_ROLE_EXCESS, f"{name} has {n} {role.name}s; at most {role.max}",
                    frame_id=frame.id, offset=offset))
    role_labels = {r.label for f in schema.frames for r in f.roles}
    for span in by_id.values():
        if span.label in role_labels and span.id not in in_frame:
            problems.append(Problem(KIND_UNLINKED,
                                    f"{span.label} “{short(span.text)}” is in no frame",
                                    span_id=span.id, offset=span.start))
    problems.sort(key=lambda p: (p.offset, p.kind, p.message))
    return problems
