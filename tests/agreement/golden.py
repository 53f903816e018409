"""A small, fixed, messy corpus for the report's golden test (tests/agreement/test_golden.py).

Deterministic and self-contained (no benchmark code): 14 documents with non-ASCII words,
hyphen and apostrophe joiners and emoji; four annotators plus gold, some of whom skip some
documents; spans of four labels that nest, overlap, repeat, and are sometimes
discontinuous; frames with sources, contents and stance. The other annotators copy the
first one's layer with shifted boundaries, changed labels, misses and extras, as the
benchmark's correlated annotators do.
"""

from __future__ import annotations

import random

from annotator.domain.model import (
    GOLD,
    STATUS_DONE,
    STATUS_TODO,
    AnnotatedDocument,
    Document,
    Frame,
    Span,
    fragment_text,
)
from annotator.domain.text import paragraph_offsets

WORDS = ("the minister said that talks had failed after weeks of well-known negotiation "
         "over oil sanctions while critics argued rock'n'roll café naïve Zoë’s résumé , . ; "
         "— ( ) 😀 x-ray 3.5 «quoted»").split()
LABELS = ("SOURCE", "CUE", "CONTENT", "STANCE")
STANCES = ("FAVOR", "AGAINST", "NEUTRAL", "NONE", None)
ANNOTATORS = ("ann", "bob", "cat", "dan")


def _text(rng: random.Random) -> str:
    paras = []
    for _ in range(rng.randint(1, 4)):
        paras.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60))))
    return "\n\n".join(paras)


def _words(text: str) -> list[tuple[int, int]]:
    out, start = [], None
    for i, ch in enumerate(text + " "):
        if ch.isspace():
            if start is not None:
                out.append((start, i))
                start = None
        elif start is None:
            start = i
    return out


def _span(rng: random.Random, doc: Document, ann: str, words: list[tuple[int, int]],
          n: int) -> Span:
    i = rng.randrange(len(words))
    j = min(len(words) - 1, i + rng.randint(0, 5))
    frs: tuple[tuple[int, int], ...] = ((words[i][0], words[j][1]),)
    if rng.random() < 0.12 and j + 3 < len(words):  # discontinuous
        k = min(len(words) - 1, j + rng.randint(2, 4))
        frs = ((words[i][0], words[j][1]), (words[k][0], words[k][1]))
    return Span(id=f"{ann}-{doc.id}-s{n}", document_id=doc.id, annotator=ann,
                label=rng.choice(LABELS), fragments=frs, text=fragment_text(doc.text, frs))


def _frames(rng: random.Random, doc: Document, ann: str, spans: list[Span]) -> list[Frame]:
    out = []
    for n in range(rng.randint(0, 4)):
        if len(spans) < 3:
            break
        cue, *rest = rng.sample(spans, min(len(spans), rng.randint(2, 4)))
        stance = rng.choice(STANCES)
        out.append(Frame(id=f"{ann}-{doc.id}-f{n}", document_id=doc.id, annotator=ann,
                         cue=cue.id if rng.random() < 0.9 else None,
                         sources=tuple(s.id for s in rest[:1]),
                         contents=tuple(s.id for s in rest[1:]),
                         attributes={"stance": stance} if stance else {}))
    return out


def _copy(rng: random.Random, doc: Document, first: AnnotatedDocument, ann: str,
          words: list[tuple[int, int]]) -> AnnotatedDocument:
    starts = [w[0] for w in words]
    ends = [w[1] for w in words]
    ids: dict[str, str] = {}
    spans = []
    for s in first.spans:
        r = rng.random()
        if r < 0.1:
            continue
        frs, label = s.fragments, s.label
        if r < 0.3 and len(frs) == 1:
            a, b = frs[0]
            if rng.random() < 0.5:
                a = starts[max(0, starts.index(a) - 1)]
            else:
                b = ends[min(len(ends) - 1, ends.index(b) + 1)]
            frs = ((a, b),)
        elif r < 0.4:
            label = rng.choice(LABELS)
        new = Span(id=f"{ann}-{s.id}", document_id=doc.id, annotator=ann, label=label,
                   fragments=frs, text=fragment_text(doc.text, frs))
        ids[s.id] = new.id
        spans.append(new)
    for n in range(rng.randint(0, 3)):
        spans.append(_span(rng, doc, ann, words, 100 + n))
    frames = []
    for f in first.frames:
        if rng.random() < 0.15:
            continue
        stance = f.attributes.get("stance")
        if rng.random() < 0.25:
            stance = rng.choice(STANCES)
        frames.append(f.with_changes(
            id=f"{ann}-{f.id}", annotator=ann, cue=ids.get(f.cue or ""),
            sources=tuple(ids[x] for x in f.sources if x in ids),
            contents=tuple(ids[x] for x in f.contents if x in ids),
            attributes={"stance": stance} if stance else {}))
    return AnnotatedDocument(doc, ann, STATUS_DONE, spans, frames)


def golden_corpus(seed: int = 2024) -> tuple[list[Document], list[AnnotatedDocument]]:
    rng = random.Random(seed)
    docs, layers = [], []
    for d in range(14):
        text = _text(rng)
        doc = Document(id=f"doc{d:02}", text=text, paragraphs=paragraph_offsets(text),
                       title=f"Document {d}")
        docs.append(doc)
        words = _words(text)
        spans = [_span(rng, doc, ANNOTATORS[0], words, n) for n in range(rng.randint(0, 12))]
        if spans and rng.random() < 0.3:  # the same span twice
            spans.append(spans[0].with_changes(id=spans[0].id + "-dup"))
        first = AnnotatedDocument(doc, ANNOTATORS[0], STATUS_DONE, spans,
                                  _frames(rng, doc, ANNOTATORS[0], spans))
        layers.append(first)
        for ann in ANNOTATORS[1:] + (GOLD,):
            if rng.random() < 0.15:  # this annotator has not started the document
                layers.append(AnnotatedDocument(doc, ann, STATUS_TODO, [], []))
            else:
                layers.append(_copy(rng, doc, first, ann, words))
    return docs, layers


def canonical(report: dict) -> dict:
    """The report as the golden file keeps it: without the (constant) definitions, and with
    the disagreement records replaced by their number and a SHA-256 of their JSON."""
    import hashlib
    import json

    def strip(x: object) -> object:
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k != "definitions"}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x

    out = strip(report)
    assert isinstance(out, dict)
    dis = out["disagreements"]
    if "records" in dis:
        raw = json.dumps(dis["records"], sort_keys=True, ensure_ascii=False)
        dis["records"] = {"count": len(dis["records"]),
                          "sha256": hashlib.sha256(raw.encode()).hexdigest()}
    return out


def golden_reports() -> dict:
    """The three reports the golden file holds (see test_golden.py)."""
    from annotator.agreement.report import full_report

    docs, layers = golden_corpus()
    return {
        "all": canonical(full_report(docs, layers, include_disagreements=True)),
        "three": canonical(full_report(docs, layers, annotators=["ann", "bob", "cat"],
                                       include_disagreements=True)),
        "two": canonical(full_report(docs, layers, annotators=["bob", "dan"],
                                     labels=["SOURCE", "CUE", "CONTENT"])),
    }
