"""Token-level agreement: the label of each token, missing data, and the coefficients."""

from __future__ import annotations

import random

import krippendorff
import numpy as np
import pytest

from annotator.agreement import Corpus
from annotator.agreement.coefficients import alpha_codes
from annotator.agreement.tokens import per_document_alpha, token_agreement, token_grid
from annotator.domain.text import tokenize

from .helpers import doc, layer, span

TEXT = 'Officials said on Tuesday that "the talks failed," critics argued.'


def labels_of(grid, annotator: str) -> list[str]:
    names = ("O",) + grid.labels
    return [names[c] if c >= 0 else "-" for c in grid.codes[grid.row(annotator)]]


def test_tokens_take_the_innermost_label_or_o() -> None:
    d = doc(TEXT)
    toks = tokenize(TEXT)
    words = [TEXT[s:e] for s, e in toks]
    assert words[:6] == ["Officials", "said", "on", "Tuesday", "that", '"']
    outer = span(d, "a", "CONTENT", (31, 50))  # "the talks failed,"
    inner = span(d, "a", "CUE", (35, 40))  # "talks"
    src = span(d, "a", "SOURCE", (0, 9))
    grid = token_grid(Corpus.build([d], [layer(d, "a", [outer, inner, src])],
                                   labels=["SOURCE", "CUE", "CONTENT"]))
    got = dict(zip(words, labels_of(grid, "a"), strict=False))
    assert got["Officials"] == "SOURCE"
    assert got["talks"] == "CUE"  # the shorter span wins
    assert got["the"] == "CONTENT" and got["failed"] == "CONTENT"
    assert got["said"] == "O" and got["critics"] == "O"


def test_equal_length_ties_follow_the_label_order() -> None:
    d = doc(TEXT)
    spans = [span(d, "a", "B", (0, 9)), span(d, "a", "A", (0, 9))]
    for order, want in ((["A", "B"], "A"), (["B", "A"], "B")):
        grid = token_grid(Corpus.build([d], [layer(d, "a", spans)], labels=order))
        assert labels_of(grid, "a")[0] == want
        # per-label coverage sees both labels whatever wins the token
        assert grid.binary[0, :, 0].tolist() == [1, 1]


def test_partly_covered_tokens_and_fragments() -> None:
    d = doc(TEXT)
    # "ficials" (inside the first word) and a fragment over "Tuesday"
    s = span(d, "a", "X", (2, 9), (18, 25))
    grid = token_grid(Corpus.build([d], [layer(d, "a", [s])]))
    assert labels_of(grid, "a")[:5] == ["X", "O", "O", "X", "O"]


def test_unannotated_documents_are_missing() -> None:
    d1, d2 = doc(TEXT, "d1"), doc("Short text here.", "d2")
    layers = [layer(d1, "a", [span(d1, "a", "X", (0, 9))]),
              layer(d1, "b", [span(d1, "b", "X", (0, 9))]),
              layer(d2, "a", [], status="in progress"),  # annotated: all O
              layer(d2, "b", [], status="todo")]  # not annotated: missing
    grid = token_grid(Corpus.build([d1, d2], layers))
    n1 = len(tokenize(TEXT))
    assert (grid.codes[grid.row("a"), n1:] == 0).all()
    assert (grid.codes[grid.row("b"), n1:] == -1).all()
    figures = token_agreement(grid)
    assert figures["overall"]["units"] == n1
    assert figures["overall"]["pairs"]["a|b"]["units"] == n1


def _naive_codes(corpus: Corpus, annotator: str) -> list[int]:
    """The definition, token by token."""
    rank = {label: k for k, label in enumerate(corpus.labels)}
    out: list[int] = []
    for d in corpus.documents:
        toks = tokenize(d.text)
        if not corpus.has(d.id, annotator):
            out += [-1] * len(toks)
            continue
        spans = corpus.spans(d.id, annotator)
        for ts, te in toks:
            cover = [s for s in spans if any(fs < te and ts < fe for fs, fe in s.fragments)]
            if not cover:
                out.append(0)
                continue
            best = min(cover, key=lambda s: (s.length, rank[s.label], s.start, s.id))
            out.append(rank[best.label] + 1)
    return out


def _random_corpus(seed: int, n_docs: int = 12) -> Corpus:
    rng = random.Random(seed)
    words = "the minister said that talks had failed , critics argued ( again ) .".split()
    docs, layers = [], []
    for i in range(n_docs):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 60)))
        d = doc(text, f"d{i}")
        docs.append(d)
        for ann in ("a", "b", "c"):
            spans = []
            for _ in range(rng.randint(0, 8)):
                s = rng.randrange(len(text))
                e = min(len(text), s + rng.randint(1, 25))
                frs = [(s, e)]
                if rng.random() < 0.2 and e + 3 < len(text):
                    frs.append((e + 2, min(len(text), e + 2 + rng.randint(1, 9))))
                spans.append(span(d, ann, rng.choice("XYZ"), *frs))
            status = "done" if rng.random() < 0.85 else "todo"
            layers.append(layer(d, ann, spans if status == "done" else [], status=status))
    return Corpus.build(docs, layers, labels=["Z", "X", "Y"])


@pytest.mark.parametrize("seed", range(5))
def test_grid_equals_the_definition(seed: int) -> None:
    corpus = _random_corpus(seed)
    grid = token_grid(corpus)
    for name in corpus.annotators:
        assert grid.codes[grid.row(name)].tolist() == _naive_codes(corpus, name)


@pytest.mark.parametrize("seed", range(5))
def test_token_alpha_equals_krippendorff_package(seed: int) -> None:
    corpus = _random_corpus(seed, n_docs=30)
    grid = token_grid(corpus)
    ours = token_agreement(grid)["overall"]["alpha"]
    data = grid.codes.astype(float)
    data[grid.codes < 0] = np.nan
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal",
                                value_domain=list(range(len(grid.labels) + 1)))
    assert ours == pytest.approx(theirs, abs=1e-9)


def test_per_document_alpha_equals_alpha_of_each_slice() -> None:
    corpus = _random_corpus(7, n_docs=20)
    grid = token_grid(corpus)
    per_doc = per_document_alpha(grid)
    for i in range(len(grid.doc_ids)):
        expected = alpha_codes(grid.codes[:, grid.doc_slice(i)], len(grid.labels) + 1)
        if expected != expected:  # nan
            assert per_doc[i] is None
        else:
            assert per_doc[i] == pytest.approx(expected, abs=1e-12)


def test_identical_layers_give_perfect_token_agreement() -> None:
    d = doc(TEXT)
    spans = [span(d, "a", "X", (0, 9)), span(d, "a", "Y", (31, 50))]
    other = [s.with_changes(id=s.id + "b", annotator="b") for s in spans]
    fig = token_agreement(token_grid(Corpus.build([d], [layer(d, "a", spans),
                                                         layer(d, "b", other)])))
    assert fig["overall"]["alpha"] == 1.0
    assert fig["overall"]["pairs"]["a|b"]["cohen_kappa"] == 1.0
    assert fig["labels"]["X"]["alpha"] == 1.0


def test_token_table_holds_exactly_the_tokenizer_tokens() -> None:
    from annotator.agreement.table import FragmentTable, TokenTable

    texts = ["Hello, world!", "", "end-to-end's test", "x", "naïve café — Zoë’s 😀 emoji."]
    docs = [doc(t, f"d{i}") for i, t in enumerate(texts)]
    corpus = Corpus.build(docs, [])
    ft = FragmentTable(corpus)
    tt = TokenTable.build(corpus, ft.doc_offset)
    for i, d in enumerate(docs):
        rows = slice(int(tt.bounds[i]), int(tt.bounds[i + 1]))
        off = int(ft.doc_offset[i])
        got = list(zip((tt.start[rows] - off).tolist(), (tt.end[rows] - off).tolist(),
                       strict=True))
        assert got == tokenize(d.text)


def test_token_offsets_equal_the_regular_expression_tokenizer() -> None:
    """The numpy tokenizer gives exactly tokenize()'s tokens, joiners and non-ASCII too."""
    import random

    from annotator.agreement.table import token_offsets

    rng = random.Random(3)
    alphabet = "ab1_ -'’\n\t.,!éß中😀\u00a0\u2009\u0301٣\ud800"
    texts = ["", "-", "a", "a-b", "a--b", "-a-", "a-'b", "x’y’z", "rock'n'roll!"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
              for _ in range(2000)]
    for text in texts:
        start, end = token_offsets(text)
        assert list(zip(start.tolist(), end.tolist(), strict=True)) == tokenize(text), text


@pytest.mark.parametrize("coders", [2, 3, 4])
def test_pattern_sums_equal_the_per_unit_sums(coders: int, monkeypatch) -> None:
    """Token figures and per-document alpha are the same bit for bit whether computed
    over unit patterns or unit by unit (random codes with missing data)."""
    import numpy as np

    from annotator.agreement import patterns, tokens
    from annotator.agreement.tokens import TokenGrid

    rng = np.random.default_rng(coders)
    n_tok, labels = 5000, ("A", "B", "C")
    codes = rng.integers(-1, len(labels) + 1, size=(coders, n_tok)).astype(np.int8)
    codes[:, 4000:] = np.where(rng.random((coders, 1000)) < 0.8, 0, codes[:, 4000:])
    binary = rng.integers(-1, 2, size=(coders, len(labels), n_tok)).astype(np.int8)
    bounds = np.concatenate(([0], np.sort(rng.choice(np.arange(1, n_tok), 29,
                                                     replace=False)), [n_tok]))
    names = tuple(f"c{i}" for i in range(coders))
    grid = TokenGrid(labels, names, [f"d{i}" for i in range(30)], bounds, codes, binary)
    fast = (token_agreement(grid), per_document_alpha(grid))
    monkeypatch.setattr(patterns, "MAX_PATTERNS", 0)
    monkeypatch.setattr(tokens, "_PER_DOC_CELLS", 0)
    slow = (token_agreement(grid), per_document_alpha(grid))
    assert fast == slow
