"""The span layer behind the article view: which spans fall in which text block, the
underline lane of each, and the innermost span at every character.

Pure Python (no Qt) so that it can be tested and measured on its own. Offsets are code
points into the document text, half-open ``[start, end)``. The text is cut into *blocks*
exactly where the text widget cuts it (after each ``\\n``, ``\\r`` or U+2029); the part of a
span fragment inside one block is a :class:`Piece`. Painting a block looks only at its
pieces, never at every span.

Fragments are kept sorted by start (long ones, rarer, in a list of their own), so a block's
pieces are found by bisection when the block is first painted or queried. Per block, computed
lazily and cached until a span in that block changes:

- lanes: pieces sorted by (start, longest first) take the lowest free lane, so an outer
  span sits in lane 0 and each nested or crossing span one lane further out;
- background: the text cut into segments, each owned by its innermost covering piece
  (shortest fragment, then the one that starts later, then the span id).

Replacing the layer costs one sort; adding, removing or updating one span touches only the
blocks it covers.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from annotator.domain.model import Span

# Characters after which the text widget starts a new block ("\r" is shown as "\n").
_BLOCK_BREAK = re.compile("[\n\r\u2029]")
# Characters QTextDocument would treat as structure rather than text, and their stand-ins.
_QT_SPECIAL = (("\r", "\n"), ("\ufdd0", "\ufffd"), ("\ufdd1", "\ufffd"))

Rank = tuple[int, int, str]


def display_text(text: str) -> str:
    """The text the widget holds: ``text`` with the few characters Qt would reinterpret
    replaced one for one (same length, so offsets stay valid): a carriage return becomes a
    line break, Qt's frame markers U+FDD0/U+FDD1 become U+FFFD."""
    for old, new in _QT_SPECIAL:
        if old in text:
            text = text.replace(old, new)
    return text


def block_starts(text: str) -> list[int]:
    """Code point offset where each block of ``display_text(text)`` begins."""
    if "\r" in text or "\u2029" in text:
        return [0] + [m.end() for m in _BLOCK_BREAK.finditer(text)]
    out = [0]
    find = text.find
    i = find("\n")
    while i >= 0:  # str.find beats a regex scan of wide (non-Latin-1) strings
        out.append(i + 1)
        i = find("\n", i + 1)
    return out


class Piece(NamedTuple):
    """The part of one span fragment inside one block."""

    start: int
    end: int
    span_id: str
    rank: Rank  # smaller = more inner: (fragment length, -fragment start, span id)


_new_piece = tuple.__new__  # builds a Piece without NamedTuple's slower Python-level __new__

# A fragment as stored: (start, end, span id, rank), clipped to the text.
_Frag = tuple[int, int, str, Rank]
# Fragments longer than this are scanned for every block instead of found by bisection, so
# that the bisection window (a block's start minus this) stays small.
LONG_FRAGMENT = 4096


@dataclass(slots=True)
class BlockLayer:
    """What to paint in one block: pieces with their lanes, and background segments."""

    pieces: list[tuple[Piece, int]] = field(default_factory=list)  # (piece, lane)
    background: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, span)
    lanes: int = 0


class SpanLayer:
    """Spans indexed by block. ``starts`` as returned by :func:`block_starts`."""

    def __init__(self, starts: Sequence[int], text_length: int) -> None:
        if not starts or starts[0] != 0:
            raise ValueError("block starts must begin with 0")
        self._starts = list(starts)
        self._length = text_length
        self._spans: dict[str, Span] = {}
        self._frags: list[_Frag] = []  # fragments up to LONG_FRAGMENT, sorted
        self._long: list[_Frag] = []  # longer fragments (few), any order
        self._cache: dict[int, BlockLayer] = {}

    # ---- reading -------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._spans)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._spans

    def get(self, span_id: str) -> Span | None:
        return self._spans.get(span_id)

    def spans(self) -> list[Span]:
        return list(self._spans.values())

    @property
    def block_count(self) -> int:
        return len(self._starts)

    def block_range(self, block: int) -> tuple[int, int]:
        """``[start, end)`` of a block's text, excluding the separator that ends it."""
        start = self._starts[block]
        end = self._starts[block + 1] - 1 if block + 1 < len(self._starts) else self._length
        return start, end

    def block_of(self, offset: int) -> int:
        """The block holding code point ``offset`` (a separator belongs to the block it ends)."""
        return max(0, bisect_right(self._starts, offset) - 1)

    def blocks_of(self, span_id: str) -> list[int]:
        """Blocks in which a span has a (non-empty) piece."""
        span = self._spans.get(span_id)
        if span is None:
            return []
        out: set[int] = set()
        for s, e in self._clipped(span):
            for b in range(self.block_of(s), self.block_of(e - 1) + 1):
                bs, be = self.block_range(b)
                if min(e, be) > max(s, bs):
                    out.add(b)
        return sorted(out)

    def pieces(self, block: int) -> list[Piece]:
        return [p for p, _lane in self.layer(block).pieces]

    def covering(self, offset: int) -> list[str]:
        """Ids of the spans covering ``offset``, innermost first."""
        hits = [p for p in self.pieces(self.block_of(offset)) if p.start <= offset < p.end]
        hits.sort(key=lambda p: p.rank)
        return list(dict.fromkeys(p.span_id for p in hits))

    def innermost_at(self, offset: int) -> str | None:
        ids = self.covering(offset)
        return ids[0] if ids else None

    def layer(self, block: int) -> BlockLayer:
        """Pieces, lanes and background of one block (cached)."""
        cached = self._cache.get(block)
        if cached is None:
            cached = self._cache[block] = _compute_layer(self._find_pieces(block))
        return cached

    def _find_pieces(self, block: int) -> list[Piece]:
        if not 0 <= block < len(self._starts):
            return []
        bs, be = self.block_range(block)
        frags = self._frags
        lo = bisect_left(frags, (bs - LONG_FRAGMENT,))
        hi = bisect_left(frags, (be,))
        out = []
        for f in frags[lo:hi]:
            if f[1] > bs:
                out.append(_new_piece(Piece, (max(f[0], bs), min(f[1], be), f[2], f[3])))
        for f in self._long:
            if f[0] < be and f[1] > bs:
                out.append(_new_piece(Piece, (max(f[0], bs), min(f[1], be), f[2], f[3])))
        return [p for p in out if p.end > p.start]

    # ---- changing ------------------------------------------------------------------

    def set_spans(self, spans: Iterable[Span]) -> None:
        self._spans = {span.id: span for span in spans}
        frags: list[_Frag] = []
        long: list[_Frag] = []
        for span in self._spans.values():
            for f in self._frags_of(span):
                (long if f[1] - f[0] > LONG_FRAGMENT else frags).append(f)
        frags.sort()
        self._frags, self._long = frags, long
        self._cache.clear()

    def add(self, span: Span) -> list[int]:
        """Add (or replace) a span; return the blocks whose painting changed."""
        touched = set(self.remove(span.id)) if span.id in self._spans else set()
        self._spans[span.id] = span
        for f in self._frags_of(span):
            if f[1] - f[0] > LONG_FRAGMENT:
                self._long.append(f)
            else:
                insort(self._frags, f)
        touched |= self._invalidate(span)
        return sorted(touched)

    def remove(self, span_id: str) -> list[int]:
        """Remove a span if present; return the blocks whose painting changed."""
        span = self._spans.get(span_id)
        if span is None:
            return []
        touched = self._invalidate(span)
        del self._spans[span_id]
        for f in self._frags_of(span):
            target = self._long if f[1] - f[0] > LONG_FRAGMENT else self._frags
            if target is self._frags:
                i = bisect_left(target, f)
                if i < len(target) and target[i] == f:
                    del target[i]
            else:
                target.remove(f)
        return sorted(touched)

    def _clipped(self, span: Span) -> list[tuple[int, int]]:
        out = []
        for fs, fe in span.fragments:
            s, e = max(0, fs), min(self._length, fe)
            if e > s:
                out.append((s, e))
        return out

    def _frags_of(self, span: Span) -> list[_Frag]:
        sid, length = span.id, self._length
        out = []
        for fs, fe in span.fragments:
            s = fs if fs > 0 else 0
            e = fe if fe < length else length
            if e > s:
                out.append((s, e, sid, (fe - fs, -fs, sid)))
        return out

    def _invalidate(self, span: Span) -> set[int]:
        touched = set(self.blocks_of(span.id))
        for b in touched:
            self._cache.pop(b, None)
        return touched


def _compute_layer(pieces: list[Piece]) -> BlockLayer:
    ordered = sorted(pieces, key=lambda p: (p.start, -p.end, p.rank))
    lane_ends: list[int] = []
    with_lanes: list[tuple[Piece, int]] = []
    for p in ordered:
        for lane, end in enumerate(lane_ends):
            if end <= p.start:
                lane_ends[lane] = p.end
                break
        else:
            lane = len(lane_ends)
            lane_ends.append(p.end)
        with_lanes.append((p, lane))
    return BlockLayer(with_lanes, _innermost_segments(ordered), len(lane_ends))


def _innermost_segments(ordered: list[Piece]) -> list[tuple[int, int, str]]:
    """Sweep over piece boundaries keeping a heap of covering pieces by rank."""
    if not ordered:
        return []
    points = sorted({p.start for p in ordered} | {p.end for p in ordered})
    out: list[tuple[int, int, str]] = []
    heap: list[tuple[Rank, int]] = []  # (rank, end)
    i = 0
    for x, y in zip(points, points[1:], strict=False):
        while i < len(ordered) and ordered[i].start <= x:
            heapq.heappush(heap, (ordered[i].rank, ordered[i].end))
            i += 1
        while heap and heap[0][1] <= x:
            heapq.heappop(heap)
        if not heap:
            continue
        owner = heap[0][0][2]
        if out and out[-1][1] == x and out[-1][2] == owner:
            out[-1] = (out[-1][0], y, owner)
        else:
            out.append((x, y, owner))
    return out
