"""Article import throughput: `import_paths` on a JSONL of N synthetic articles against raw
``sqlite3`` inserts of the same document rows (one transaction) in the same run."""

from __future__ import annotations

import json
import sqlite3
import tempfile
import time
from pathlib import Path

from annotator.formats.articles import import_paths, read_documents_jsonl
from annotator.store import rows
from annotator.store.project import Project
from benchmarks.corpus import make_text
from benchmarks.figures import Figure


def run(quick: bool) -> list[Figure]:
    import random

    n, words = (300, 400) if quick else (2000, 800)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "docs.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for i in range(n):
                fh.write(json.dumps({"id": f"d{i}", "title": f"Article {i}",
                                     "text": make_text(rng, words)}) + "\n")
        t = time.perf_counter()
        with Project.open(Path(tmp) / "ours.db") as project:
            import_paths(project, [src])
        ours = time.perf_counter() - t

        t = time.perf_counter()
        docs = read_documents_jsonl(src)
        conn = sqlite3.connect(Path(tmp) / "raw.db")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE documents (id TEXT PRIMARY KEY, title, author, published, "
                     "source, text, text_sha256, paragraphs, meta, position, imported_at)")
        with conn:
            conn.executemany(
                "INSERT INTO documents VALUES (:id, :title, :author, :published, :source, "
                ":text, :text_sha256, :paragraphs, :meta, :position, :imported_at)",
                (rows.document_row(d, i, "now") for i, d in enumerate(docs)))
        conn.close()
        raw = time.perf_counter() - t
    return [Figure(f"import {n} articles of {words} words (JSONL)", n / ours, "docs/s",
                   "parse + raw sqlite3 executemany", n / raw, higher_is_better=True)]
