"""Building attribution frames from picked spans: which span fills which role.

``assign_roles(fdef, spans)`` puts each span in the frame role whose label it carries
(CUE -> cue, SOURCE -> source, CONTENT -> content in the default schema) and refuses,
with a message a user can act on, a span whose label fills no role or a role given more
spans than its ``max``. Missing required roles are allowed here (a frame may be completed
later); :mod:`annotator.domain.checks` lists them before a document is marked done.
``frame_with_roles`` writes roles into a :class:`Frame`. ``pick`` keeps the running list
of picked spans as the annotator tags. ``nested_under`` lists the frames a frame may
not be nested in (itself and its descendants would make a loop). Stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .model import ROLE_CONTENT, ROLE_CUE, ROLE_SOURCE, Frame, Span
from .schema import FrameDef

STORED_ROLES = (ROLE_CUE, ROLE_SOURCE, ROLE_CONTENT)


def role_for_label(fdef: FrameDef, label: str) -> str | None:
    return next((r.name for r in fdef.roles if r.label == label), None)


def assign_roles(fdef: FrameDef, spans: Sequence[Span],
                 existing: Frame | None = None) -> dict[str, list[str]]:
    """Role name -> span ids: ``existing``'s roles (if any) plus ``spans``, in order."""
    roles: dict[str, list[str]] = {r.name: [] for r in fdef.roles}
    if existing is not None:
        for role, sid, _pos in existing.roles():
            roles.setdefault(role, []).append(sid)
    for span in spans:
        role = role_for_label(fdef, span.label)
        if role is None:
            wanted = ", ".join(f"{r.label} ({r.name})" for r in fdef.roles)
            raise ValueError(f"a {span.label} span fills no role of {fdef.type}; "
                             f"it takes {wanted}")
        if role not in STORED_ROLES:
            raise ValueError(f"role {role!r} of {fdef.type} cannot be stored "
                             f"(frames hold {', '.join(STORED_ROLES)})")
        if span.id in roles[role]:
            continue
        roles[role].append(span.id)
    for r in fdef.roles:
        if r.max is not None and len(roles[r.name]) > r.max:
            raise ValueError(f"{fdef.type} takes at most {r.max} {r.name} "
                             f"({r.label}); {len(roles[r.name])} given")
    return roles


def frame_with_roles(frame: Frame, roles: dict[str, list[str]]) -> Frame:
    cues = roles.get(ROLE_CUE, [])
    return frame.with_changes(cue=cues[0] if cues else None,
                              sources=tuple(roles.get(ROLE_SOURCE, [])),
                              contents=tuple(roles.get(ROLE_CONTENT, [])))


def without_span(frame: Frame, span_id: str) -> Frame:
    return frame.with_changes(cue=None if frame.cue == span_id else frame.cue,
                              sources=tuple(s for s in frame.sources if s != span_id),
                              contents=tuple(s for s in frame.contents if s != span_id))


def pick(fdef: FrameDef | None, picks: list[Span], span: Span) -> list[Span]:
    """The picked spans after tagging ``span``: appended when its label fills a role that
    still has room; a fresh pick list when that role is full (a new attribution began);
    unchanged when the label fills no role."""
    if fdef is None:
        return picks
    role = next((r for r in fdef.roles if r.label == span.label), None)
    if role is None:
        return picks
    same = [p for p in picks if p.label == span.label]
    if role.max is not None and len(same) >= role.max:
        return [span]
    return [*picks, span]


def nested_under(frames: Iterable[Frame], frame_id: str) -> set[str]:
    """Ids of the frames nested, at any depth, in ``frame_id`` (itself not included):
    none of them can become its parent without a loop."""
    children: dict[str, list[str]] = {}
    for f in frames:
        if f.parent_id:
            children.setdefault(f.parent_id, []).append(f.id)
    found: set[str] = set()
    todo = list(children.get(frame_id, ()))
    while todo:
        fid = todo.pop()
        if fid not in found and fid != frame_id:
            found.add(fid)
            todo.extend(children.get(fid, ()))
    return found
