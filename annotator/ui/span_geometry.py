"""Where a block's spans are drawn: rectangles in the block layout's own coordinates, so
that they can be cached per block and reused while the text scrolls.

Contract: :func:`block_geometry` turns one block's :class:`~annotator.ui.span_layer.BlockLayer`
(pieces with lanes, innermost background segments) into rectangles for the tint behind the
text, the underline lanes below it, and hit boxes (a line's full pitch) for tooltips and
clicks. Offsets in the layer are code points; the layout counts UTF-16 units from the block
start, converted with the document's ``OffsetMap``. Lines are found by binary search, and in
blocks holding right-to-left text ranges are measured by glyph runs so that a range crossing
a direction change is drawn as the pieces the eye sees. Qt GUI only, no widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QRectF
from PySide6.QtGui import QTextLayout

from annotator.domain.text import OffsetMap

from .span_layer import BlockLayer, Piece

LANE_THICKNESS = 2.0
LANE_STEP = 3.0


@dataclass(slots=True)
class BlockGeometry:
    """Rectangles for one block, in layout coordinates (add the layout's position)."""

    key: tuple[object, ...]  # what it was computed for; stale when this differs
    pieces: list[tuple[Piece, list[QRectF]]] = field(default_factory=list)
    background: list[tuple[QRectF, str]] = field(default_factory=list)  # tint, span id
    lanes: list[tuple[QRectF, str]] = field(default_factory=list)  # underline, span id
    hits: list[tuple[QRectF, Piece]] = field(default_factory=list)  # line pitch high


def block_geometry(key: tuple[object, ...], layer: BlockLayer, layout: QTextLayout,
                   block_u16: int, omap: OffsetMap, rtl: bool, pitch_factor: float,
                   lo: int | None = None, hi: int | None = None) -> BlockGeometry:
    """Geometry of ``layer`` in a laid-out block starting at UTF-16 position ``block_u16``;
    with ``lo``/``hi`` (code points) only pieces meeting that range (for huge paragraphs)."""
    geo = BlockGeometry(key)

    def wanted(start: int, end: int) -> bool:
        return (lo is None or end >= lo) and (hi is None or start <= hi)

    lanes = max(1, layer.lanes)
    for piece, lane in layer.pieces:
        if not wanted(piece.start, piece.end):
            continue
        rects = range_rects(layout, omap.to_u16(piece.start) - block_u16,
                            omap.to_u16(piece.end) - block_u16, rtl)
        geo.pieces.append((piece, [r for r, _i in rects]))
        for rect, i in rects:
            line = layout.lineAt(i)
            pitch = line.height() * pitch_factor
            gap = pitch - line.height()
            step = min(LANE_STEP, max(1.0, (gap - 1.0) / lanes))
            thick = min(LANE_THICKNESS, max(1.0, step - 0.6))
            y = rect.top() + line.ascent() + line.descent() + 1.0 + lane * step
            geo.lanes.append((QRectF(rect.left(), y, rect.width(), thick), piece.span_id))
            geo.hits.append((QRectF(rect.left() - 1, rect.top(), rect.width() + 2, pitch),
                             piece))
    for start, end, span_id in layer.background:
        if not wanted(start, end):
            continue
        for rect, _i in range_rects(layout, omap.to_u16(start) - block_u16,
                                    omap.to_u16(end) - block_u16, rtl):
            geo.background.append((rect, span_id))
    return geo


def range_rects(layout: QTextLayout, a: int, b: int, rtl: bool) -> list[tuple[QRectF, int]]:
    """Rectangles covering UTF-16 block positions ``[a, b)``: one per line (per visual run
    when ``rtl``), each the line's text height, with the line's index."""
    out: list[tuple[QRectF, int]] = []
    for i in range(line_at(layout, a), layout.lineCount()):
        line = layout.lineAt(i)
        ls = line.textStart()
        le = ls + line.textLength()
        if le <= a:
            continue
        if ls >= b:
            break
        s, e = max(a, ls), min(b, le)
        if rtl:
            xs = merge_runs([r.boundingRect() for r in line.glyphRuns(s, e - s)])
        else:
            x1 = line.cursorToX(s)[0]
            x2 = line.cursorToX(e)[0]
            if e == le:  # do not paint the space a line ends with
                x2 = min(x2, line.x() + line.naturalTextWidth())
            xs = [(x1, x2)] if x2 > x1 else []
        for x1, x2 in xs:
            out.append((QRectF(x1, line.y(), x2 - x1, line.height()), i))
    return out


def line_at(layout: QTextLayout, pos: int) -> int:
    """Index of the line holding block position ``pos`` (binary search: a paragraph may
    have thousands of lines, and ``lineForTextPosition`` scans them all)."""
    return _last_line(layout, lambda i: layout.lineAt(i).textStart() <= pos)


def line_at_y(layout: QTextLayout, y: float) -> int:
    """Index of the last line starting at or above ``y`` (layout coordinates)."""
    return _last_line(layout, lambda i: layout.lineAt(i).y() <= y)


def _last_line(layout: QTextLayout, before: Callable[[int], bool]) -> int:
    """The last line index for which ``before`` holds (it holds for a prefix of lines)."""
    lo, hi = 0, layout.lineCount() - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if before(mid):
            lo = mid
        else:
            hi = mid - 1
    return max(0, lo)


def merge_runs(rects: list[QRectF]) -> list[tuple[float, float]]:
    """Horizontal extents of glyph runs, touching ones merged, left to right."""
    spans = sorted((r.left(), r.right()) for r in rects if r.width() > 0)
    out: list[tuple[float, float]] = []
    for x1, x2 in spans:
        if out and x1 <= out[-1][1] + 0.5:
            out[-1] = (out[-1][0], max(out[-1][1], x2))
        else:
            out.append((x1, x2))
    return out
