"""Synthetic corpus generator: N articles of W words, S spans each, K annotators.

Deterministic for a given seed. Text mixes plain ASCII words with a few accented words and
(optionally) emoji so that offset handling is exercised. Spans are made of whole words;
about a third overlap or nest another span, and every CUE has a frame with a SOURCE and a
CONTENT span when the schema allows it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from annotator.domain.model import Document, Frame, Span, fragment_text, new_id
from annotator.domain.text import paragraph_offsets

WORDS = ("the minister said that talks with officials in the capital had failed after "
         "weeks of negotiation over troops oil sanctions and a ceasefire while critics "
         "argued reporters were told by spokesman café naïve Zoë résumé").split()
LABELS = ("SOURCE", "CUE", "CONTENT", "STANCE")


@dataclass
class SyntheticDoc:
    document: Document
    spans: list[Span]
    frames: list[Frame]


def make_text(rng: random.Random, words: int, emoji: bool = False) -> str:
    paras, current, out = [], [], []
    for i in range(words):
        w = rng.choice(WORDS)
        if emoji and i % 97 == 0:
            w += "😀"
        current.append(w)
        if len(current) >= rng.randint(40, 120):
            paras.append(" ".join(current) + ".")
            current = []
    if current:
        paras.append(" ".join(current) + ".")
    out = "\n\n".join(paras)
    return out


def word_offsets(text: str) -> list[tuple[int, int]]:
    out, start = [], None
    for i, ch in enumerate(text):
        if ch.isspace():
            if start is not None:
                out.append((start, i))
                start = None
        elif start is None:
            start = i
    if start is not None:
        out.append((start, len(text)))
    return out


def make_doc(index: int, words: int, spans: int, annotators: list[str], seed: int = 0,
             emoji: bool = False) -> SyntheticDoc:
    rng = random.Random(seed * 1_000_003 + index)
    text = make_text(rng, words, emoji)
    doc = Document(id=f"syn-{index:06d}", text=text, title=f"Synthetic article {index}",
                   author="Generator", published="2020-01-01", source="synthetic",
                   paragraphs=paragraph_offsets(text))
    wo = word_offsets(text)
    all_spans: list[Span] = []
    all_frames: list[Frame] = []
    for ann in annotators:
        made: list[Span] = []
        for _ in range(spans):
            i = rng.randrange(len(wo))
            j = min(len(wo) - 1, i + rng.randint(0, 8))
            s, e = wo[i][0], wo[j][1]
            label = rng.choice(LABELS)
            made.append(Span(id=new_id(), document_id=doc.id, annotator=ann, label=label,
                             fragments=((s, e),), text=fragment_text(text, ((s, e),)),
                             created_at="2020-01-01T00:00:00.000+00:00",
                             updated_at="2020-01-01T00:00:00.000+00:00"))
        by_label: dict[str, list[Span]] = {}
        for sp in made:
            by_label.setdefault(sp.label, []).append(sp)
        for k, cue in enumerate(by_label.get("CUE", [])):
            src = by_label.get("SOURCE", [])
            con = by_label.get("CONTENT", [])
            if not con:
                break
            all_frames.append(Frame(
                id=new_id(), document_id=doc.id, annotator=ann, cue=cue.id,
                sources=(src[k % len(src)].id,) if src else (),
                contents=(con[k % len(con)].id,),
                attributes={"stance": rng.choice(("FAVOR", "AGAINST", "NEUTRAL", "NONE")),
                            "target": rng.choice(("Russia", "US", "Trump"))},
                created_at="2020-01-01T00:00:00.000+00:00",
                updated_at="2020-01-01T00:00:00.000+00:00"))
        all_spans += made
    return SyntheticDoc(doc, all_spans, all_frames)


def corpus(n: int, words: int, spans: int, annotators: int = 1, seed: int = 0,
           emoji: bool = False) -> Iterator[SyntheticDoc]:
    names = [f"annotator{k + 1}" for k in range(annotators)]
    for i in range(n):
        yield make_doc(i, words, spans, names, seed, emoji)
