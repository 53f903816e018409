"""Turn a raw text selection into span offsets: trim surrounding whitespace, optionally widen
to whole words, and never cut a user-perceived character (base letter + combining accents,
emoji ZWJ sequences, skin-tone modifiers, variation selectors, flag pairs) in two.

Pure Python, code point offsets, half-open ``[start, end)``. A word is a run of letters,
digits, underscores and combining marks, with single inner apostrophes or hyphens
("O'Brien", "well-known"), which is what the agreement tokenizer calls a word, plus accents.
"""

from __future__ import annotations

import unicodedata

_JOINERS = frozenset("'’-\u2010\u2011")
_ZWJ = "\u200d"


def is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or unicodedata.category(ch)[0] == "M"


def _extends(ch: str) -> bool:
    """True for a character that attaches to the one before it (grapheme extension)."""
    cp = ord(ch)
    return (unicodedata.category(ch)[0] == "M"
            or ch == _ZWJ
            or 0xFE00 <= cp <= 0xFE0F  # variation selectors
            or 0xE0100 <= cp <= 0xE01EF
            or 0x1F3FB <= cp <= 0x1F3FF  # emoji skin tones
            or 0xE0020 <= cp <= 0xE007F)  # emoji tag sequences


def _is_regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def is_grapheme_boundary(text: str, i: int) -> bool:
    """Whether offset ``i`` lies between two user-perceived characters."""
    if i <= 0 or i >= len(text):
        return True
    if _extends(text[i]) or text[i - 1] == _ZWJ:
        return False
    if _is_regional(text[i]) and _is_regional(text[i - 1]):
        run = 0
        j = i - 1
        while j >= 0 and _is_regional(text[j]):
            run += 1
            j -= 1
        return run % 2 == 0  # between two flags, not inside one
    return True


def grapheme_start(text: str, i: int) -> int:
    while not is_grapheme_boundary(text, i):
        i -= 1
    return i


def grapheme_end(text: str, i: int) -> int:
    while not is_grapheme_boundary(text, i):
        i += 1
    return i


def _inside_word(text: str, i: int) -> bool:
    """Whether ``i`` falls strictly inside a word (so a boundary there would cut it)."""
    if i <= 0 or i >= len(text):
        return False
    before, after = text[i - 1], text[i]
    if is_word_char(before) and is_word_char(after):
        return True
    if before in _JOINERS and is_word_char(after):
        return i >= 2 and is_word_char(text[i - 2])
    if after in _JOINERS and is_word_char(before):
        return i + 1 < len(text) and is_word_char(text[i + 1])
    return False


def word_start(text: str, i: int) -> int:
    while _inside_word(text, i):
        i -= 1
    return i


def word_end(text: str, i: int) -> int:
    while _inside_word(text, i):
        i += 1
    return i


def normalise_selection(text: str, start: int, end: int,
                        snap_to_words: bool = True) -> tuple[int, int] | None:
    """The span a selection of ``text[start:end]`` makes, or None when it holds no text.

    Whitespace at either end is dropped; with ``snap_to_words`` a boundary inside a word
    moves outwards to the word's edge; a boundary inside a user-perceived character always
    moves outwards to include it whole.
    """
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    if snap_to_words:
        start, end = word_start(text, start), word_end(text, end)
    return grapheme_start(text, start), grapheme_end(text, end)
