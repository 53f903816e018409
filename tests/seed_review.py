"""Two annotators' work on the seed article, for merge / review / adjudication tests.

``alice`` annotates in one project, ``bob`` in another (``make_two_projects``). Their
layers differ in known ways: a source boundary and a stance (Ullyot), an agreed
attribution (the Pentagon), an attribution bob missed (the Defense Ministry), a label
disagreement ("charged"), and a STANCE span only bob made ("threateningly").
"""

from __future__ import annotations

from pathlib import Path

from annotator.domain.model import STATUS_DONE, Frame
from annotator.formats.articles import import_paths
from annotator.store.project import Project
from tests.conftest import SEED_FILE

ULLYOT_SRC = "US National Security Council spokesman John Ullyot"
ULLYOT_CUE = "issued a statement Thursday charging"
ULLYOT_CON = 'that a Russian armored vehicle had "struck" a US Mine-Resistant Ambush ' \
    "Protected (MRAP) vehicle"
PENT_CON = 'that four American soldiers had suffered "mild concussion-like" symptoms as a ' \
    "result of the collision"
MIN_SRC = "A Russian Defense Ministry statement"
MIN_CON = 'that the incident stemmed from "an attempt to block the Russian patrol."'


def _at(text: str, phrase: str, after: str = "") -> list[tuple[int, int]]:
    start = text.index(phrase, text.index(after) if after else 0)
    return [(start, start + len(phrase))]


def _frame(p: Project, doc: str, ann: str, name: str, src: str, cue: str, con: str,
           stance: str, after: str = "") -> None:
    text = p.document(doc).text
    s = p.add_span(p.make_span(doc, ann, "SOURCE", _at(text, src, after)))
    c = p.add_span(p.make_span(doc, ann, "CUE", _at(text, cue, after or src)))
    o = p.add_span(p.make_span(doc, ann, "CONTENT", _at(text, con, after or src)))
    p.add_frame(Frame(id=f"{ann}-{name}", document_id=doc, annotator=ann, cue=c.id,
                      sources=(s.id,), contents=(o.id,), attributes={"stance": stance}))


def annotate(p: Project, doc: str, ann: str) -> None:
    text = p.document(doc).text
    if ann == "alice":
        _frame(p, doc, ann, "ullyot", ULLYOT_SRC, ULLYOT_CUE, ULLYOT_CON, "AGAINST")
        _frame(p, doc, ann, "ministry", MIN_SRC, "said", MIN_CON, "AGAINST", after=MIN_SRC)
        p.add_span(p.make_span(doc, ann, "STANCE", _at(text, "charged")))
    else:
        _frame(p, doc, ann, "ullyot", "John Ullyot", "issued a statement", ULLYOT_CON,
               "NEUTRAL", after=ULLYOT_SRC)
        p.add_span(p.make_span(doc, ann, "CUE", _at(text, "charged")))
        p.add_span(p.make_span(doc, ann, "STANCE", _at(text, "threateningly"),
                               attributes={"polarity": "AGAINST"}))
    _frame(p, doc, ann, "pentagon", "The Pentagon", "reported", PENT_CON, "NONE",
           after="The Pentagon reported")
    p.set_status(doc, ann, STATUS_DONE)


def make_two_projects(tmp: Path) -> tuple[Path, Path, str]:
    """(alice's project, bob's project, seed document id)."""
    paths = []
    for ann in ("alice", "bob"):
        path = tmp / f"{ann}.db"
        with Project.open(path) as p:
            report = import_paths(p, [SEED_FILE])
            doc = report.added[0]
            annotate(p, doc, ann)
        paths.append(path)
    return paths[0], paths[1], doc
