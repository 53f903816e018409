"""The span layer behind the article view: which spans fall in which text block, the
underline lane of each, and the innermost span at every character.

Pure Python (no Qt) so that it can be tested and measured on its own. Offsets are code
points into the document text, half-open ``[start, end)``. The text is cut into *blocks*
exactly where the text widget cuts it (after each ``\\n`` or U+2029); a span fragment that
crosses a block boundary becomes one :class:`Piece` per block, so painting a block only looks
at the pieces of that block, never at every span.

Per block, computed lazily and cached until a span in that block changes:

- lanes: pieces sorted by (start, longest first) take the lowest free lane, so an outer
  span sits in lane 0 and each nested or crossing span one lane further out;
- background: the text cut into segments, each owned by its innermost covering piece
  (shortest fragment, then the one that starts later, then the span id).

Adding, removing or updating one span touches only the blocks it covers.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
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
    return [0] + [m.end() for m in _BLOCK_BREAK.finditer(text)]


class Piece(NamedTuple):
    """The part of one span fragment inside one block."""

    start: int
    end: int
    span_id: str
    rank: Rank  # smaller = more inner: (fragment length, -fragment start, span id)


_new_piece = tuple.__new__  # builds a Piece without NamedTuple's slower Python-level __new__

@dataclass(slots=True)
class BlockLayer:
    """What to paint in one block: pieces with their lanes, and background segments."""

    pieces: list[tuple[Piece, int]] = field(default_factory=list)  # (piece, lane)
    background: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, span)
    lanes: int = 0


class SpanLayer:
    """Spans indexed by block. ``block_starts`` as returned by :func:`block_starts`."""

    def __init__(self, starts: Sequence[int], text_length: int) -> None:
        if not starts or starts[0] != 0:
            raise ValueError("block starts must begin with 0")
        self._starts = list(starts)
        self._length = text_length
        self._spans: dict[str, Span] = {}
        self._pieces: dict[int, list[Piece]] = {}  # block -> pieces
        self._blocks_of: dict[str, list[int]] = {}  # span id -> blocks it has pieces in
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
        return list(self._blocks_of.get(span_id, ()))

    def pieces(self, block: int) -> list[Piece]:
        return list(self._pieces.get(block, ()))

    def covering(self, offset: int) -> list[str]:
        """Ids of the spans covering ``offset``, innermost first."""
        hits = [p for p in self._pieces.get(self.block_of(offset), ())
                if p.start <= offset < p.end]
        hits.sort(key=lambda p: p.rank)
        seen: dict[str, None] = {}
        for p in hits:
            seen.setdefault(p.span_id)
        return list(seen)

    def innermost_at(self, offset: int) -> str | None:
        ids = self.covering(offset)
        return ids[0] if ids else None

    def layer(self, block: int) -> BlockLayer:
        """Lanes and background of one block (cached)."""
        cached = self._cache.get(block)
        if cached is None:
            cached = self._cache[block] = _compute_layer(self._pieces.get(block, []))
        return cached

    # ---- changing ------------------------------------------------------------------

    def set_spans(self, spans: Iterable[Span]) -> None:
        self._spans.clear()
        self._pieces.clear()
        self._blocks_of.clear()
        self._cache.clear()
        for span in spans:
            self._insert(span)

    def add(self, span: Span) -> list[int]:
        """Add (or replace) a span; return the blocks whose painting changed."""
        touched = self.remove(span.id) if span.id in self._spans else []
        return sorted(set(touched) | set(self._insert(span)))

    def remove(self, span_id: str) -> list[int]:
        """Remove a span if present; return the blocks whose painting changed."""
        if self._spans.pop(span_id, None) is None:
            return []
        blocks = self._blocks_of.pop(span_id, [])
        for b in blocks:
            kept = [p for p in self._pieces.get(b, ()) if p.span_id != span_id]
            if kept:
                self._pieces[b] = kept
            else:
                self._pieces.pop(b, None)
            self._cache.pop(b, None)
        return blocks

    def _insert(self, span: Span) -> list[int]:
        self._spans[span.id] = span
        starts, length, pieces = self._starts, self._length, self._pieces
        last = len(starts) - 1
        blocks: list[int] = []
        for fs, fe in span.fragments:
            s = fs if fs > 0 else 0
            e = fe if fe < length else length
            if e <= s:
                continue
            rank = (fe - fs, -fs, span.id)
            b = bisect_right(starts, s) - 1
            b1 = bisect_right(starts, e - 1) - 1
            while b <= b1:
                be = starts[b + 1] - 1 if b < last else length
                ps = s if s > starts[b] else starts[b]
                pe = e if e < be else be
                if pe > ps:
                    pieces.setdefault(b, []).append(_new_piece(Piece, (ps, pe, span.id, rank)))
                    blocks.append(b)
                b += 1
        blocks = sorted(set(blocks)) if len(span.fragments) > 1 else blocks
        self._blocks_of[span.id] = blocks
        cache = self._cache
        if cache:
            for b in blocks:
                cache.pop(b, None)
        return blocks


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
