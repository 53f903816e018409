"""Article parsing, page-break repair, paragraphs, tokenizer and UTF-16 offset maps."""

from __future__ import annotations

import pytest

from annotator.domain.errors import InputError
from annotator.domain.text import (
    OffsetMap,
    decode_utf8,
    paragraph_offsets,
    parse_article,
    repair_page_breaks,
    tokenize,
)
from tests.conftest import SEED_FILE


@pytest.fixture(scope="module")
def seed():
    return parse_article(SEED_FILE.read_text(encoding="utf-8"), str(SEED_FILE))


def test_seed_header(seed):
    assert seed.title == "US and Russian military units clash in Syria"
    assert seed.author == "Bill Van Auken"
    assert seed.published == "2020-08-28"


def test_seed_page_breaks_rejoined(seed):
    text = seed.text
    assert "posing the threat of a direct confrontation" in text
    assert "revealed that the Trump administration" in text
    assert "in the Democratic Party" in text
    assert seed.repaired == 3
    assert not any(p.endswith(("threat of", "the Trump", "in the")) for p in seed.paragraphs)


def test_seed_last_paragraph_intact(seed):
    raw_last = SEED_FILE.read_text(encoding="utf-8").strip().split("\n\n")[-1].strip()
    assert seed.paragraphs[-1] == raw_last
    assert seed.paragraphs[0].startswith("In an incident that poses the stark danger")


def test_no_repair_keeps_text_verbatim():
    art = parse_article(SEED_FILE.read_text(encoding="utf-8"), repair=False)
    assert art.repaired == 0
    assert "The incident is by no means the first posing the threat of" in art.paragraphs


def test_repair_keeps_sub_headings():
    paras = ["A long paragraph that ends properly.", "The Democrats and the drive to war",
             "Senator Tammy Duckworth demanded an answer."]
    assert repair_page_breaks(paras) == (paras, 0)
    cut = ["The company, headed by a veteran of the", "Pentagon, signed the deal."]
    assert repair_page_breaks(cut)[1] == 1
    lower = ["It was revealed that the Trump administration", "has backed a deal."]
    assert repair_page_breaks(lower)[1] == 1


def test_repair_leaves_short_headings_and_sentences():
    paras = ["Background", "The talks began in May.", "They said the plan would fail",
             "because of the oil deal."]
    out, n = repair_page_breaks(paras)
    assert n == 1
    assert out == ["Background", "The talks began in May.",
                   "They said the plan would fail because of the oil deal."]


def test_crlf_and_bom():
    raw = "\ufeffTitle\r\n\r\nJane Roe 3 March 2021\r\n\r\nFirst para.\r\n\r\nSecond para.\r\n"
    art = parse_article(raw)
    assert (art.title, art.author, art.published) == ("Title", "Jane Roe", "2021-03-03")
    assert art.paragraphs == ["First para.", "Second para."]


def test_missing_byline_keeps_paragraph():
    art = parse_article("Title\n\nNot a byline here.\n\nMore.")
    assert art.author == "" and art.paragraphs == ["Not a byline here.", "More."]


def test_decode_rejects_binary_and_bad_utf8():
    with pytest.raises(InputError, match=r"f\.txt:2: binary"):
        decode_utf8(b"ok\n\x00\x01", "f.txt")
    with pytest.raises(InputError, match=r"f\.txt:3: invalid UTF-8"):
        decode_utf8(b"a\nb\n\xff", "f.txt")
    with pytest.raises(InputError, match="UTF-16"):
        decode_utf8("hi".encode("utf-16"), "f.txt")
    assert decode_utf8("\ufeffé".encode(), "f") == "é"


def test_paragraph_offsets():
    text = "One.\n\nTwo two.\n \nThree."
    offs = paragraph_offsets(text)
    assert [text[s:e] for s, e in offs] == ["One.", "Two two.", "Three."]


def test_tokenize():
    text = "Trump's U.S.-backed \"deal\" isn't café—fine."
    toks = [text[s:e] for s, e in tokenize(text)]
    assert toks[:3] == ["Trump's", "U", "."]
    assert "isn't" in toks and "café" in toks and '"' in toks and "—" in toks


@pytest.mark.parametrize("text", ["plain ascii", "café ñ", "a😀b", "👩‍👩‍👧 x 😀😀",
                                  "e\u0301 😀 مرحبا 𝄞"])
def test_offset_map_round_trip(text):
    m = OffsetMap(text)
    u16 = text.encode("utf-16-le")
    assert m.u16_length == len(u16) // 2
    for cp in range(len(text) + 1):
        u = m.to_u16(cp)
        assert u16[: 2 * u].decode("utf-16-le") == text[:cp]
        assert m.to_cp(u) == cp


def test_offset_map_inside_surrogate_pair_snaps_forward():
    m = OffsetMap("a😀b")
    assert m.to_cp(2) == 2  # between the two halves of 😀 -> after it


def test_find_all_ignores_case_and_spacing_and_counts_code_points():
    from annotator.domain.text import find_all

    text = "He said 😀 that SAID it. Saïd\u0301 said\nthe man; said   \nthe end"
    hits = find_all(text, "said")
    assert [text[a:b] for a, b in hits] == ["said", "SAID", "said", "said"]
    assert hits[1] == (text.index("SAID"), text.index("SAID") + 4)  # after the emoji
    assert [text[a:b] for a, b in find_all(text, " said  the ")] == [
        "said\nthe", "said   \nthe"]
    assert find_all(text, "   ") == [] and find_all(text, "") == []
    assert find_all(text, "a.b") == [] and find_all("x a.b y", "a.b") == [(2, 5)]  # literal
