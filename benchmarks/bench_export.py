"""Canonical JSONL export and import at scale, against a same-run sqlite3 + json baseline.

Full size: 10,000 documents with 1,000,000 spans (100 per document, one annotator, a frame
per CUE span), built fast by bulk inserts. Figures:

* export spans/s (``write_canonical``) vs a minimal baseline that reads the same rows with
  ``sqlite3`` (document by document) and writes one line per layer with ``json.dumps``;
* peak Python memory (tracemalloc) of the export at a tenth of the size and at full size:
  streaming keeps it flat;
* import of the exported file into an empty project (``import_canonical``), as a ratio to
  the export time, beside the raw-insert floor (``executemany`` of the same rows into the
  same tables, no parsing or checks).

``--quick`` uses 1,000 documents with 50,000 spans.
"""

from __future__ import annotations

import json
import random
import sqlite3
import tempfile
import time
import tracemalloc
from pathlib import Path

from annotator.domain.model import fragment_text, sha256_text
from annotator.domain.text import paragraph_offsets
from annotator.formats.canonical import import_canonical, write_canonical
from annotator.store.project import Project
from benchmarks.corpus import LABELS, make_text, word_offsets
from benchmarks.figures import Figure

STAMP = "2020-01-01T00:00:00.000+00:00"
SPAN_SQL = ('INSERT INTO spans(id, document_id, annotator, label, start, "end", fragments, '
            "text, attributes, note, origin, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")


def build(path: Path, docs: int, spans_per_doc: int, seed: int = 1) -> int:
    """A project of synthetic documents, spans and frames, inserted in bulk."""
    rng = random.Random(seed)
    n = 0
    with Project.open(path) as p:
        p.ensure_annotator("ann")
        conn = p.db.conn
        conn.execute("PRAGMA cache_size = -262144")
        with p.transaction():
            for i in range(docs):
                text = make_text(rng, 400, emoji=i % 10 == 0)
                doc_id = f"doc-{i:06d}"
                conn.execute(
                    "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (doc_id, f"Article {i}", "Writer", "2020-01-01", "bench", text,
                     sha256_text(text), json.dumps([list(x) for x in paragraph_offsets(text)]),
                     "{}", i, STAMP))
                wo = word_offsets(text)
                span_rows, frames, roles = [], [], []
                cue = src = None
                for k in range(spans_per_doc):
                    a = rng.randrange(len(wo))
                    s, e = wo[a][0], wo[min(len(wo) - 1, a + rng.randint(0, 6))][1]
                    label = LABELS[k % 4]
                    sid = f"{i:06d}{k:04d}{rng.getrandbits(64):016x}"
                    span_rows.append((sid, doc_id, "ann", label, s, e, f"[[{s},{e}]]",
                                      fragment_text(text, ((s, e),)), "{}", "", "manual",
                                      STAMP, STAMP))
                    if label == "SOURCE":
                        src = sid
                    elif label == "CUE":
                        cue = sid
                    elif label == "CONTENT" and cue and src:
                        fid = f"f{sid}"
                        frames.append((fid, doc_id, "ann", "ATTRIBUTION", None,
                                       '{"stance":"AGAINST","target":"Russia"}', STAMP, STAMP))
                        roles += [(fid, cue, "cue", 0), (fid, src, "source", 0),
                                  (fid, sid, "content", 0)]
                        cue = src = None
                conn.executemany(SPAN_SQL, span_rows)
                conn.executemany("INSERT INTO frames VALUES (?,?,?,?,?,?,?,?)", frames)
                conn.executemany("INSERT INTO frame_roles VALUES (?,?,?,?)", roles)
                n += len(span_rows)
    return n


def baseline_export(db: Path, out: Path) -> None:
    """Read the same rows with sqlite3, write one JSON line per (document, annotator)."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    with open(out, "w", encoding="utf-8") as fh:
        for d in conn.execute("SELECT * FROM documents ORDER BY position").fetchall():
            spans: dict[str, list] = {}
            for r in conn.execute('SELECT * FROM spans WHERE document_id = ? '
                                  'ORDER BY annotator, start, "end", id', (d["id"],)):
                spans.setdefault(r["annotator"], []).append(
                    {"id": r["id"], "label": r["label"], "start": r["start"], "end": r["end"],
                     "fragments": json.loads(r["fragments"]), "text": r["text"],
                     "attributes": json.loads(r["attributes"]), "note": r["note"],
                     "origin": r["origin"], "created_at": r["created_at"],
                     "updated_at": r["updated_at"]})
            roles: dict[str, list] = {}
            for r in conn.execute("SELECT r.* FROM frame_roles r JOIN frames f ON "
                                  "f.id = r.frame_id WHERE f.document_id = ?", (d["id"],)):
                roles.setdefault(r["frame_id"], []).append(r)
            frames: dict[str, list] = {}
            for f in conn.execute("SELECT * FROM frames WHERE document_id = ? "
                                  "ORDER BY annotator, created_at, id", (d["id"],)):
                rs = roles.get(f["id"], [])
                frames.setdefault(f["annotator"], []).append(
                    {"id": f["id"], "type": f["type"], "parent": f["parent_id"],
                     "attributes": json.loads(f["attributes"]),
                     "cue": next((r["span_id"] for r in rs if r["role"] == "cue"), None),
                     "sources": [r["span_id"] for r in rs if r["role"] == "source"],
                     "contents": [r["span_id"] for r in rs if r["role"] == "content"]})
            for ann in sorted(set(spans) | set(frames)):
                fh.write(json.dumps({
                    "document_id": d["id"], "title": d["title"], "text": d["text"],
                    "paragraphs": json.loads(d["paragraphs"]), "annotator": ann,
                    "spans": spans.get(ann, []), "frames": frames.get(ann, [])},
                    ensure_ascii=False) + "\n")
    conn.close()


def raw_insert_floor(src: Path, dst: Path) -> float:
    """Copy the span/frame rows into an empty project with executemany (no parse, no
    checks): the least an import into these tables can cost."""
    conn = sqlite3.connect(src)
    spans = conn.execute("SELECT id, document_id, annotator, label, start, \"end\", "
                         "fragments, text, attributes, note, origin, created_at, updated_at "
                         "FROM spans ORDER BY rowid").fetchall()
    docs = conn.execute("SELECT * FROM documents").fetchall()
    frames = conn.execute("SELECT * FROM frames").fetchall()
    roles = conn.execute("SELECT * FROM frame_roles").fetchall()
    conn.close()
    with Project.open(dst) as p:
        p.ensure_annotator("ann")
        c = p.db.conn
        c.execute("PRAGMA cache_size = -262144")
        t = time.perf_counter()
        with p.transaction():
            c.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)", docs)
            c.executemany(SPAN_SQL, spans)
            c.executemany("INSERT INTO frames VALUES (?,?,?,?,?,?,?,?)", frames)
            c.executemany("INSERT INTO frame_roles VALUES (?,?,?,?)", roles)
        return time.perf_counter() - t


def peak_export_memory(db: Path, out: Path) -> float:
    with Project.open(db) as p:
        tracemalloc.start()
        write_canonical(p, out)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak / 1e6


def run(quick: bool) -> list[Figure]:
    docs, per = (1000, 50) if quick else (10_000, 100)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        small, big = tmpd / "small.db", tmpd / "big.db"
        build(small, docs // 10, per)
        n = build(big, docs, per)
        out = tmpd / "out.jsonl"
        with Project.open(big) as p:
            t = time.perf_counter()
            write_canonical(p, out)
            ours = time.perf_counter() - t
        t = time.perf_counter()
        baseline_export(big, tmpd / "base.jsonl")
        base = time.perf_counter() - t
        figures.append(Figure(f"export {docs:,} docs / {n:,} spans to canonical JSONL",
                              n / ours, "spans/s", "sqlite3 rows + json.dumps", n / base,
                              target=">= 300,000 spans/s and <= 1.5x baseline",
                              higher_is_better=True))
        mem_small = peak_export_memory(small, tmpd / "s.jsonl")
        mem_big = peak_export_memory(big, tmpd / "b.jsonl")
        figures.append(Figure(f"export peak Python memory, {docs:,} docs", mem_big, "MB",
                              f"same at {docs // 10:,} docs", mem_small,
                              target="flat as the project grows (ratio ~1)"))
        with Project.open(tmpd / "imported.db") as p:
            t = time.perf_counter()
            import_canonical(p, out)
            imp = time.perf_counter() - t
        figures.append(Figure(f"import the same file ({out.stat().st_size / 1e6:,.0f} MB) "
                              "into an empty project", imp, "s", "our export of it", ours,
                              target="<= 2x export time"))
        floor = raw_insert_floor(big, tmpd / "floor.db")
        figures.append(Figure("import time", imp, "s",
                              "raw executemany of the same rows (no parse, no checks)", floor))
    return figures
