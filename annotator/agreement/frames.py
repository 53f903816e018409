"""Attribution frames: alignment between two layers, per-role boundary agreement, stance.

Definitions (the report repeats them):

- A frame's **role extent** is the union of the fragments of the spans filling that role
  (cue: one span; source: 0..n spans; content: 1..n spans).
- **Alignment** of two layers' frames on a document, 1:1 and greedy, in two passes:
  (1) candidate pairs whose cue extents overlap, ranked by cue overlap then content overlap
  (largest first); (2) among frames still unmatched, pairs whose content extents overlap,
  ranked by content overlap. Remaining ties break by position (cue start, then ids).
- **Per-role boundary agreement** over aligned frame pairs where at least one frame fills the
  role: ``exact`` = share of pairs with identical role extents; ``dice`` = mean of
  ``2|A ∩ B| / (|A| + |B|)`` over the role extents (code points).
- **Stance** is the frame attribute ``stance`` (FAVOR | AGAINST | NEUTRAL | NONE); an unset
  stance is missing data. Stance agreement is measured on aligned frames only: Cohen's kappa
  per annotator pair over pairs with both stances set; Krippendorff's alpha (nominal) over
  *frame units* — groups of aligned frames, at most one per annotator, built by joining the
  pairwise alignments (an alignment that would put two frames of one annotator in a group is
  skipped); Fleiss' kappa over the units that every annotator's frame is in.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ..domain.model import ROLE_CONTENT, ROLE_CUE, ROLE_SOURCE, Frame, Offsets, Span
from .spans import fragments_overlap

ROLES = (ROLE_CUE, ROLE_SOURCE, ROLE_CONTENT)
STANCE = "stance"


def role_extent(frame: Frame, role: str, spans: Mapping[str, Span]) -> tuple[Offsets, ...]:
    """Union of the fragments of the spans filling ``role`` (missing spans are skipped)."""
    if role == ROLE_CUE:
        ids: Sequence[str] = (frame.cue,) if frame.cue else ()
    elif role == ROLE_SOURCE:
        ids = frame.sources
    elif role == ROLE_CONTENT:
        ids = frame.contents
    else:
        raise ValueError(f"unknown role {role!r}")
    return _extent(ids, spans)


def _union(frs: list[Offsets]) -> tuple[Offsets, ...]:
    if len(frs) <= 1:
        return tuple(frs)
    frs.sort()
    out = [list(frs[0])]
    for s, e in frs[1:]:
        if s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


def extent_length(ext: Sequence[Offsets]) -> int:
    return sum(e - s for s, e in ext)


def frame_hull(frame: Frame, spans: Mapping[str, Span]) -> Offsets | None:
    """[start, end) covering every span of the frame, or None when it has no spans."""
    own = [spans[sid] for sid in frame.span_ids() if sid in spans]
    if not own:
        return None
    return min(s.start for s in own), max(s.end for s in own)


def stance_of(frame: Frame) -> str | None:
    value = frame.attributes.get(STANCE)
    return value if isinstance(value, str) and value else None


class FrameMatch(NamedTuple):
    """Two aligned frames and the overlaps (code points) of their cues and contents."""

    a: Frame
    b: Frame
    cue_overlap: int
    content_overlap: int


@dataclass
class FrameAlignment:
    matches: list[FrameMatch] = field(default_factory=list)
    only_a: list[Frame] = field(default_factory=list)
    only_b: list[Frame] = field(default_factory=list)
    # frame id -> role -> extent, for every frame aligned (computed once, reused)
    extents: dict[str, dict[str, tuple[Offsets, ...]]] = field(default_factory=dict)

    def extent(self, frame: Frame, role: str) -> tuple[Offsets, ...]:
        return self.extents[frame.id][role]


Extents = dict[str, tuple[Offsets, ...]]


def frame_extents(frame: Frame, spans: Mapping[str, Span]) -> Extents:
    """Every role's extent of a frame (see :func:`role_extent`)."""
    return {ROLE_CUE: _extent((frame.cue,) if frame.cue else (), spans),
            ROLE_SOURCE: _extent(frame.sources, spans),
            ROLE_CONTENT: _extent(frame.contents, spans)}


def _extent(ids: Sequence[str], spans: Mapping[str, Span]) -> tuple[Offsets, ...]:
    if len(ids) == 1:  # the common case: one span, one fragment
        span = spans.get(ids[0])
        if span is None:
            return ()
        if len(span.fragments) == 1:
            return tuple(span.fragments)
    frs: list[Offsets] = []
    for sid in ids:
        span = spans.get(sid)
        if span is not None:
            frs.extend(span.fragments)
    return _union(frs)


def _ov(x: tuple[Offsets, ...], y: tuple[Offsets, ...]) -> int:
    if not x or not y or x[0][0] >= y[-1][1] or y[0][0] >= x[-1][1]:
        return 0
    if len(x) == 1 and len(y) == 1:
        return min(x[0][1], y[0][1]) - max(x[0][0], y[0][0])
    return fragments_overlap(x, y)


class _Window:
    """Which of a list of extents have a hull overlapping a given extent's hull."""

    def __init__(self, extents: Sequence[tuple[Offsets, ...]]) -> None:
        self.items = sorted((e[0][0], e[-1][1], j) for j, e in enumerate(extents) if e)
        self.starts = [x[0] for x in self.items]
        self.longest = max((x[1] - x[0] for x in self.items), default=0)

    def near(self, ext: tuple[Offsets, ...]) -> set[int]:
        if not ext or not self.items:
            return set()
        lo, hi = ext[0][0], ext[-1][1]
        window = self.items[bisect_left(self.starts, lo - self.longest):
                            bisect_left(self.starts, hi)]
        return {j for _s, e, j in window if e > lo}


_DIRECT = 4096  # up to this many frame pairs, one window over whole frames
Overlap = tuple[int, int, int, str, str, int, int]  # cue, content, position, ids, indexes


def _overlaps_windowed(frames_a: Sequence[Frame], frames_b: Sequence[Frame],
                       ext: dict[str, Extents]) -> list[Overlap]:
    """(cue overlap, content overlap, position of a, id a, id b, i, j) of every pair with
    an overlapping cue or content, by i then j; frames of b are looked up in windows."""
    cue_b = [ext[f.id][ROLE_CUE] for f in frames_b]
    con_b = [ext[f.id][ROLE_CONTENT] for f in frames_b]
    cue_win = _Window(cue_b)
    con_win = _Window(con_b)
    overlaps = []
    for i, fa in enumerate(frames_a):
        x = ext[fa.id]
        cue_a, con_a = x[ROLE_CUE], x[ROLE_CONTENT]
        near = cue_win.near(cue_a) | con_win.near(con_a)
        if not near:
            continue
        pos = (cue_a or con_a or ((0, 0),))[0][0]
        for j in sorted(near):
            cue = _ov(cue_a, cue_b[j])
            con = _ov(con_a, con_b[j])
            if cue or con:
                overlaps.append((cue, con, pos, fa.id, frames_b[j].id, i, j))
    return overlaps


def _overlaps_direct(frames_a: Sequence[Frame], frames_b: Sequence[Frame],
                     ext: dict[str, Extents]) -> list[Overlap]:
    """What :func:`_overlaps_windowed` gives (in another order, which the ranking that
    follows makes irrelevant), testing the cue and content of every frame of b whose hull
    (over cue and content) meets the hull of a's."""
    side_b = []
    longest = 0
    for j, f in enumerate(frames_b):
        x = ext[f.id]
        cue, con = x[ROLE_CUE], x[ROLE_CONTENT]
        if cue or con:
            b_lo, b_hi = (cue[0][0], cue[-1][1]) if cue else (con[0][0], con[-1][1])
            m_lo, m_hi = (con[0][0], con[-1][1]) if con else (b_lo, b_hi)
            lo, hi = min(b_lo, m_lo), max(b_hi, m_hi)
            longest = max(longest, hi - lo)
            side_b.append((lo, j, f.id, cue, b_lo, b_hi, con, m_lo, m_hi))
    side_b.sort()
    starts = [x[0] for x in side_b]
    overlaps = []
    for i, fa in enumerate(frames_a):
        x = ext[fa.id]
        cue_a, con_a = x[ROLE_CUE], x[ROLE_CONTENT]
        if not (cue_a or con_a):
            continue
        pos = (cue_a or con_a)[0][0]
        a_lo, a_hi = (cue_a[0][0], cue_a[-1][1]) if cue_a else (con_a[0][0], con_a[-1][1])
        n_lo, n_hi = (con_a[0][0], con_a[-1][1]) if con_a else (a_lo, a_hi)
        lo, hi = min(a_lo, n_lo), max(a_hi, n_hi)
        window = side_b[bisect_left(starts, lo - longest):bisect_left(starts, hi)]
        for _lo, j, fid, cue_b, b_lo, b_hi, con_b, m_lo, m_hi in window:
            cue = con = 0
            if cue_a and cue_b and a_lo < b_hi and b_lo < a_hi:
                if len(cue_a) == 1 and len(cue_b) == 1:
                    cue = (a_hi if a_hi < b_hi else b_hi) - (a_lo if a_lo > b_lo else b_lo)
                else:
                    cue = fragments_overlap(cue_a, cue_b)
            if con_a and con_b and n_lo < m_hi and m_lo < n_hi:
                if len(con_a) == 1 and len(con_b) == 1:
                    con = (n_hi if n_hi < m_hi else m_hi) - (n_lo if n_lo > m_lo else m_lo)
                else:
                    con = fragments_overlap(con_a, con_b)
            if cue or con:
                overlaps.append((cue, con, pos, fa.id, fid, i, j))
    return overlaps


def align_frames(frames_a: Sequence[Frame], spans_a: Mapping[str, Span],
                 frames_b: Sequence[Frame], spans_b: Mapping[str, Span],
                 cache: dict[str, Extents] | None = None) -> FrameAlignment:
    """Align two layers' frames on one document (see module docstring). ``spans_*`` map
    span id -> span for each layer; ``cache`` (frame id -> extents) may carry extents
    already computed for these frames and spans."""
    out = FrameAlignment()
    ext = out.extents
    for f in frames_a:
        ext[f.id] = cache[f.id] if cache and f.id in cache else frame_extents(f, spans_a)
    for f in frames_b:
        ext[f.id] = cache[f.id] if cache and f.id in cache else frame_extents(f, spans_b)
    if cache is not None:
        cache.update(ext)
    if len(frames_a) * len(frames_b) > _DIRECT:
        overlaps = _overlaps_windowed(frames_a, frames_b, ext)
    else:
        overlaps = _overlaps_direct(frames_a, frames_b, ext)
    taken_a: set[int] = set()
    taken_b: set[int] = set()
    first = sorted((-cue, -con, pos, ia, ib, i, j, cue, con)
                   for cue, con, pos, ia, ib, i, j in overlaps if cue > 0)
    second = sorted((-con, 0, pos, ia, ib, i, j, cue, con)
                    for cue, con, pos, ia, ib, i, j in overlaps if con > 0)
    make = FrameMatch._make
    for cands in (first, second):
        for *_rank, i, j, cue, con in cands:
            if i in taken_a or j in taken_b:
                continue
            taken_a.add(i)
            taken_b.add(j)
            out.matches.append(make((frames_a[i], frames_b[j], cue, con)))
    out.only_a = [f for i, f in enumerate(frames_a) if i not in taken_a]
    out.only_b = [f for j, f in enumerate(frames_b) if j not in taken_b]
    return out


@dataclass
class RoleAgreement:
    """Counts behind per-role boundary agreement."""

    pairs: int = 0  # aligned pairs where at least one frame fills the role
    exact: int = 0  # ... with identical extents
    dice_sum: float = 0.0

    def add_pair(self, ea: Sequence[Offsets], eb: Sequence[Offsets]) -> bool:
        """Count one aligned pair; returns True when the extents are identical."""
        if not ea and not eb:
            return True
        self.pairs += 1
        same = tuple(ea) == tuple(eb)
        if same:
            self.exact += 1
            self.dice_sum += 1.0
        else:
            total = extent_length(ea) + extent_length(eb)
            self.dice_sum += 2 * fragments_overlap(ea, eb) / total if total else 0.0
        return same

    def add(self, other: RoleAgreement) -> None:
        self.pairs += other.pairs
        self.exact += other.exact
        self.dice_sum += other.dice_sum

    def as_dict(self) -> dict[str, float | int | None]:
        return {"exact": self.exact / self.pairs if self.pairs else None,
                "dice": self.dice_sum / self.pairs if self.pairs else None,
                "pairs": self.pairs, "identical": self.exact}


class FrameUnits:
    """Groups of aligned frames across annotators (for multi-annotator stance alpha)."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.members: dict[str, dict[str, Frame]] = {}  # root -> annotator -> frame

    def add(self, frame: Frame) -> None:
        if frame.id not in self.parent:
            self.parent[frame.id] = frame.id
            self.members[frame.id] = {frame.annotator: frame}

    def find(self, fid: str) -> str:
        root = fid
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[fid] != root:
            self.parent[fid], fid = root, self.parent[fid]
        return root

    def join(self, a: Frame, b: Frame) -> bool:
        """Join the groups of two aligned frames unless one annotator would appear twice."""
        self.add(a)
        self.add(b)
        ra, rb = self.find(a.id), self.find(b.id)
        if ra == rb:
            return True
        ma, mb = self.members[ra], self.members[rb]
        if set(ma) & set(mb):
            return False
        self.parent[rb] = ra
        ma.update(mb)
        del self.members[rb]
        return True

    def groups(self) -> list[dict[str, Frame]]:
        return list(self.members.values())
