"""Merge and adjudication.

- merge: another annotator's project file (N documents x 40 spans + frames, same texts)
  merged into a project that holds the documents and a first annotator's layers, with
  :func:`annotator.formats.merge.merge_sources` (reads, checks and writes everything in
  one transaction). Baseline: the raw-SQL floor — ``ATTACH`` the source and
  ``INSERT ... SELECT`` its spans, frames, roles and statuses (no reading, no checks).
- adjudication units: :func:`annotator.agreement.units.document_units` for every document
  of the correlated 3-annotator corpus of ``bench_agreement`` (what the review screen and
  ``annotator adjudicate list`` build). Baseline: the peer disagreement records of the
  same corpus (:func:`annotator.agreement.disagreements.disagreements`; the same pairwise
  alignments).
- one decision: ``decide`` + ``Project.apply_gold`` on a frame unit (a gold frame, its
  role spans and their provenance, one transaction), median. Baseline: ``Project.add_span``
  (the smallest annotation action, one transaction).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from annotator.agreement import Corpus, disagreements
from annotator.agreement.adjudication import Decision, GoldState, decide
from annotator.agreement.units import document_units
from annotator.domain.model import GOLD, STATUS_DONE, AnnotatedDocument
from annotator.formats.merge import merge_sources
from annotator.store.project import Project
from benchmarks.bench_agreement import correlated
from benchmarks.corpus import make_doc
from benchmarks.figures import Figure, median_ms

SPANS = 40
WORDS = 600


def _build(folder: Path, n: int) -> tuple[Path, Path]:
    """(target project with alice, source project with bob), same documents."""
    target, source = folder / "target.db", folder / "source.db"
    with Project.open(target) as t, Project.open(source) as s:
        with t.transaction(), s.transaction():
            for i in range(n):
                sd = make_doc(i, WORDS, SPANS, ["alice", "bob"], seed=3)
                t.add_documents([sd.document])
                s.add_documents([sd.document])
                for ann, p in (("alice", t), ("bob", s)):
                    p.replace_layer(AnnotatedDocument(
                        sd.document, ann, STATUS_DONE,
                        [x for x in sd.spans if x.annotator == ann],
                        [f for f in sd.frames if f.annotator == ann]))
    return target, source


def _raw_merge(target: Path, source: Path) -> None:
    con = sqlite3.connect(target)
    con.execute("ATTACH ? AS src", (str(source),))
    with con:
        con.execute("INSERT OR IGNORE INTO annotators SELECT * FROM src.annotators")
        for table in ("spans", "frames", "frame_roles", "document_status"):
            con.execute(f"INSERT INTO {table} SELECT * FROM src.{table}")
    con.close()


def _timed_on_copy(folder: Path, target: Path, fn, repeat: int) -> float:
    times = []
    for k in range(repeat):
        work = folder / f"work{k}.db"
        shutil.copy(target, work)
        t = time.perf_counter()
        fn(work)
        times.append((time.perf_counter() - t) * 1000)
        work.unlink()
    return sorted(times)[len(times) // 2]


def run(quick: bool) -> list[Figure]:
    n = 100 if quick else 1000
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        target, source = _build(folder, n)

        def ours(work: Path) -> None:
            with Project.open(work) as p:
                report = merge_sources(p, [source])
            assert len(report.layers_added) == n

        t_ours = _timed_on_copy(folder, target, ours, 3)
        t_raw = _timed_on_copy(folder, target, lambda w: _raw_merge(w, source), 3)
        figures.append(Figure(f"merge a project file: {n:,} docs x {SPANS} spans (+frames)",
                              t_ours, "ms", "raw SQL ATTACH + INSERT SELECT", t_raw))

        # adjudication units vs disagreement records, 3 annotators
        m = 200 if quick else 1000
        docs, layers = correlated(m)
        corpus = Corpus.build(docs, layers)
        t_units = median_ms(lambda: [document_units(corpus, d.id) for d in docs], 3)
        t_recs = median_ms(lambda: disagreements(corpus, corpus.pairs()), 3)
        units = sum(len(document_units(corpus, d.id).units) for d in docs)
        figures.append(Figure(f"adjudication units for {m:,} docs x 3 annotators x {SPANS} "
                              f"spans ({units:,} units)", t_units, "ms",
                              "peer disagreement records, same corpus", t_recs))

        # one decision, against one add_span
        with Project.open(folder / "decide.db") as p:
            small_docs, small_layers = correlated(20)
            with p.transaction():
                p.add_documents(small_docs)
                for la in small_layers:
                    p.replace_layer(la)
            c = Corpus.build(*p.all_layers())
            frame_units = [(du, u) for du in (document_units(c, d.id) for d in small_docs)
                           for u in du.frame_units() if len(u.items) == 3]
            it = iter(frame_units)

            def one_decision() -> None:
                du, u = next(it)
                doc = du.document.id
                state = GoldState(p.spans(doc, GOLD), p.frames(doc, GOLD),
                                  p.provenance_for_document(doc))
                p.apply_gold(decide(du, u, Decision("accept", annotator="annotator1"),
                                    state, "bench"))

            doc0 = small_docs[0]

            def one_span() -> None:
                p.add_span(p.make_span(doc0.id, "bench", "CUE", [(0, 5)]))

            reps = min(15, len(frame_units) - 2)
            t_decide = median_ms(one_decision, reps)
            t_span = median_ms(one_span, reps)
        figures.append(Figure("one adjudication decision (accept a frame: gold frame + role "
                              "spans + provenance)", t_decide, "ms",
                              "Project.add_span (one span, one transaction)", t_span))
    return figures
