"""Text handling: decoding, newline normalisation, article layout, page-break repair,
paragraph offsets, the agreement tokenizer, and code point <-> UTF-16 offset maps.

Stdlib only. Every offset here is a Unicode code point index, half-open ``[start, end)``,
except where a name says ``u16`` (UTF-16 code units, what Qt counts).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from .errors import InputError

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "January February March April May June July August September October November "
        "December".split()
    )
}
BYLINE_RE = re.compile(
    r"^(?P<author>.+?)\s+(?P<day>\d{1,2})\s+(?P<month>" + "|".join(MONTHS) + r")\s+(?P<year>\d{4})$"
)
_BLANK_SPLIT = re.compile(r"\n[ \t\f\v]*\n")
# A paragraph that ends like this, and is not a short heading, was cut by a page break.
# A paragraph ending in a comma, dash or open bracket cannot end there.
_OPEN_END_RE = re.compile(r"[,\-–—(]$")
_LAST_WORD_RE = re.compile(r"(\w+)$")
# Words a sentence or a heading does not end on: a paragraph ending on one was cut.
_FUNCTION_WORDS = frozenset(
    "a an the of in on at to for from by with into onto upon about as than and or but nor "
    "that which who whom whose whether if because while although though since unless until "
    "its their his her our your my this these those is are was were be been being has have "
    "had will would shall should can could may might must not no very so such".split())
TOKEN_RE = re.compile(r"\w+(?:['’\-]\w+)*|[^\w\s]")


# The largest document text accepted (code points): a 200,000-word article is ~1.3 million;
# anything beyond this is almost certainly not one article (a dump, a binary, a log).
MAX_DOCUMENT_CHARS = 10_000_000


def short(text: str, limit: int = 40) -> str:
    """One line of at most ``limit`` characters, for messages."""
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


def check_document_size(text: str, path: str, line: int | None) -> None:
    """Refuse a document text longer than :data:`MAX_DOCUMENT_CHARS`."""
    if len(text) > MAX_DOCUMENT_CHARS:
        raise InputError(path, line, f"document text too large ({len(text):,} characters; "
                         f"the limit is {MAX_DOCUMENT_CHARS:,}): is this one article?")


def decode_utf8(data: bytes, path: str) -> str:
    """Decode UTF-8 (BOM allowed); refuse binary data and other encodings, naming the line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, 1, "file is UTF-16 encoded; save it as UTF-8")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError(path, line, "binary data (NUL byte); expected UTF-8 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            path, line, f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at column {column}); "
            "is it Latin-1 or Windows-1252? save it as UTF-8"
        ) from None


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def paragraph_offsets(text: str) -> tuple[tuple[int, int], ...]:
    """Paragraphs are runs of text separated by blank lines; offsets exclude the separators."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _BLANK_SPLIT.finditer(text):
        _append_trimmed(out, text, pos, m.start())
        pos = m.end()
    _append_trimmed(out, text, pos, len(text))
    return tuple(out)


def _append_trimmed(out: list[tuple[int, int]], text: str, s: int, e: int) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append((s, e))


@dataclass
class ParsedArticle:
    title: str
    author: str
    published: str
    paragraphs: list[str]
    repaired: int = 0
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def needs_rejoin(paragraph: str, following: str) -> bool:
    """True when ``paragraph`` was cut mid-sentence by a page break before ``following``.

    It must be at least five words long and end without closing punctuation, and either
    end in a comma, dash or open bracket, or go on with a lower-case word, or end on a
    word no sentence or heading ends on ("the", "of", "and" ...). A sub-heading such as
    "The Democrats and the drive to war" followed by a capitalised paragraph is kept.
    """
    if not following or following[0].isspace() or len(paragraph.split()) < 5:
        return False
    if _OPEN_END_RE.search(paragraph):
        return True
    last = _LAST_WORD_RE.search(paragraph)
    if last is None:
        return False
    return following[0].islower() or last.group(1).lower() in _FUNCTION_WORDS


def repair_page_breaks(paragraphs: list[str]) -> tuple[list[str], int]:
    """Rejoin paragraphs split mid-sentence; return the new list and how many joins."""
    out: list[str] = []
    joins = 0
    for para in paragraphs:
        if out and needs_rejoin(out[-1], para):
            out[-1] = out[-1] + " " + para
            joins += 1
        else:
            out.append(para)
    return out, joins


def parse_article(raw: str, path: str = "<text>", repair: bool = True) -> ParsedArticle:
    """Parse the seed layout: title, blank line, byline, blank line, paragraphs.

    The byline is optional; when the second block does not look like
    ``Author D Month YYYY`` it is kept as a paragraph.
    """
    text = normalise_newlines(raw.removeprefix("\ufeff"))
    blocks = [text[s:e] for s, e in paragraph_offsets(text)]
    if not blocks:
        raise InputError(path, 1, "the file holds no text")
    title = " ".join(blocks[0].split())
    rest = blocks[1:]
    author = published = ""
    if rest:
        m = BYLINE_RE.match(" ".join(rest[0].split()))
        if m:
            author = m["author"]
            published = f"{int(m['year']):04d}-{MONTHS[m['month']]:02d}-{int(m['day']):02d}"
            rest = rest[1:]
    if not rest:
        # a one-block file: the block is the body, not a title
        rest, title = [blocks[0]], title if len(blocks) > 1 else ""
    repaired = 0
    if repair:
        rest, repaired = repair_page_breaks(rest)
    return ParsedArticle(title=title, author=author, published=published, paragraphs=rest,
                         repaired=repaired)


def tokenize(text: str) -> list[tuple[int, int]]:
    """The agreement tokenizer: words (letters/digits/underscore, with inner ' ’ -) and
    single punctuation marks. Returns code point offsets."""
    return [(m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def find_all(text: str, query: str) -> list[tuple[int, int]]:
    """Every occurrence of ``query`` in ``text``, ignoring case, as code point offsets
    (non-overlapping, in order); none for an empty or all-space query. Whitespace in the
    query matches any run of whitespace (a phrase across a line break is found)."""
    words = query.split()
    if not words:
        return []
    pattern = r"\s+".join(re.escape(w) for w in words)
    return [(m.start(), m.end()) for m in re.finditer(pattern, text, re.IGNORECASE)]


class OffsetMap:
    """Convert between code point offsets (the store's) and UTF-16 offsets (Qt's).

    O(log n) per conversion, O(k) memory for k characters outside the BMP; identity when
    there are none. A UTF-16 offset inside a surrogate pair maps to the code point after it.
    """

    __slots__ = ("_cp", "_u16_end", "length", "u16_length")

    def __init__(self, text: str) -> None:
        self._cp: list[int] = []  # code point index of each astral character
        self._u16_end: list[int] = []  # UTF-16 offset just after each astral character
        self.length = len(text)
        if text.isascii():
            self.u16_length = self.length
            return
        for k, m in enumerate(re.finditer(r"[\U00010000-\U0010FFFF]", text)):
            self._cp.append(m.start())
            self._u16_end.append(m.start() + k + 2)
        self.u16_length = self.length + len(self._cp)

    def to_u16(self, cp: int) -> int:
        if not self._cp:
            return cp
        return cp + bisect_right(self._cp, cp - 1)

    def to_cp(self, u16: int) -> int:
        if not self._cp:
            return u16
        k = bisect_right(self._u16_end, u16)  # astral chars wholly before u16
        if k < len(self._cp) and u16 > self._cp[k] + k:  # inside the k-th pair
            return self._cp[k] + 1
        return u16 - k
