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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

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
    frs: list[Offsets] = []
    for sid in ids:
        span = spans.get(sid)
        if span is not None:
            frs.extend(span.fragments)
    return _union(frs)


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


@dataclass(frozen=True)
class FrameMatch:
    a: Frame
    b: Frame
    cue_overlap: int
    content_overlap: int


@dataclass
class FrameAlignment:
    matches: list[FrameMatch] = field(default_factory=list)
    only_a: list[Frame] = field(default_factory=list)
    only_b: list[Frame] = field(default_factory=list)


@dataclass(frozen=True)
class _Prepared:
    frame: Frame
    cue: tuple[Offsets, ...]
    content: tuple[Offsets, ...]


def _prepare(frames: Sequence[Frame], spans: Mapping[str, Span]) -> list[_Prepared]:
    return [_Prepared(f, role_extent(f, ROLE_CUE, spans), role_extent(f, ROLE_CONTENT, spans))
            for f in frames]


def align_frames(frames_a: Sequence[Frame], spans_a: Mapping[str, Span],
                 frames_b: Sequence[Frame], spans_b: Mapping[str, Span]) -> FrameAlignment:
    """Align two layers' frames on one document (see module docstring). ``spans_*`` map
    span id -> span for each layer."""
    pa, pb = _prepare(frames_a, spans_a), _prepare(frames_b, spans_b)
    taken_a: set[int] = set()
    taken_b: set[int] = set()
    out = FrameAlignment()
    for key in ("cue", "content"):
        cands = []
        for i, x in enumerate(pa):
            if i in taken_a:
                continue
            for j, y in enumerate(pb):
                if j in taken_b:
                    continue
                cue = fragments_overlap(x.cue, y.cue) if x.cue and y.cue else 0
                con = (fragments_overlap(x.content, y.content)
                       if x.content and y.content else 0)
                primary = cue if key == "cue" else con
                if primary <= 0:
                    continue
                pos = (x.cue or x.content or ((0, 0),))[0][0]
                cands.append((-primary, -con, pos, x.frame.id, y.frame.id, i, j, cue, con))
        cands.sort()
        for *_rank, i, j, cue, con in cands:
            if i in taken_a or j in taken_b:
                continue
            taken_a.add(i)
            taken_b.add(j)
            out.matches.append(FrameMatch(pa[i].frame, pb[j].frame, cue, con))
    out.only_a = [x.frame for i, x in enumerate(pa) if i not in taken_a]
    out.only_b = [y.frame for j, y in enumerate(pb) if j not in taken_b]
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
