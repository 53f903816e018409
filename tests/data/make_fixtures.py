"""Write the fixture project for the CURRENT schema version: ``projects/vN.annotator.db``.

Run once each time a migration is added (``python tests/data/make_fixtures.py``), then commit
the new file. Existing fixtures are never rewritten: they stand for projects that users made
with older versions of Annotator, and ``tests/robustness/test_migrations.py`` opens every one
of them with the current code and checks that :data:`CONTENT` survived every later migration.

The content is fixed (ids, timestamps) so that the check can compare exactly. It holds what a
real project holds: several documents (one with characters outside the BMP, so offsets in code
points differ from UTF-16), three annotators and the gold layer, contiguous and discontinuous
spans with attributes and notes, an attribution frame nested in another, statuses, targets with
aliases, a provenance record and the project's schema.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from annotator.domain.model import Document, Frame, Span, fragment_text  # noqa: E402
from annotator.domain.text import paragraph_offsets  # noqa: E402
from annotator.store.db import schema_version  # noqa: E402
from annotator.store.project import Project  # noqa: E402

PROJECTS = Path(__file__).resolve().parent / "projects"
STAMP = "2024-05-01T10:00:00.000+00:00"

TEXT_1 = ('Officials said on Tuesday that "the talks failed."\n\n'
          "Critics, including Senator Smith, argued the opposite.")
TEXT_2 = ("Zoë 😀 told reporters the café was closed.\n\n"
          "The mayor 🏛 said, according to aides, that 𝔘nity mattered.")

DOCS = [
    ("doc-talks", TEXT_1, "Talks fail", "Ann Writer", "2020-08-28", {"batch": 1}),
    ("doc-emoji", TEXT_2, "Café 😀", "", "", {}),
]

# (id, document, annotator, label, fragments, attributes, note, origin)
SPANS = [
    ("s-a-src", "doc-talks", "alice", "SOURCE", ((0, 9),), {}, "", "manual"),
    ("s-a-cue", "doc-talks", "alice", "CUE", ((10, 14),), {}, "plain cue", "manual"),
    ("s-a-con", "doc-talks", "alice", "CONTENT", ((31, 50),), {}, "", "manual"),
    ("s-a-src2", "doc-talks", "alice", "SOURCE", ((52, 59),), {}, "", "manual"),
    ("s-a-cue2", "doc-talks", "alice", "CUE", ((86, 92),), {}, "", "manual"),
    ("s-a-con2", "doc-talks", "alice", "CONTENT", ((93, 105),), {}, "", "manual"),
    ("s-a-stance", "doc-talks", "alice", "STANCE", ((36, 48),),
     {"polarity": "AGAINST", "target": "Talks"}, "", "suggested"),
    ("s-b-src", "doc-talks", "bob", "SOURCE", ((0, 9),), {}, "", "manual"),
    ("s-b-cue", "doc-talks", "bob", "CUE", ((10, 14), (15, 17)), {}, "discontinuous", "manual"),
    ("s-b-con", "doc-talks", "bob", "CONTENT", ((32, 49),), {}, "", "imported"),
    ("s-e-src", "doc-emoji", "alice", "SOURCE", ((0, 3),), {}, "", "manual"),
    ("s-e-cue", "doc-emoji", "alice", "CUE", ((6, 20),), {}, "", "manual"),
    ("s-e-con", "doc-emoji", "alice", "CONTENT", ((21, 41),), {}, "", "manual"),
    ("s-e-cue2", "doc-emoji", "alice", "CUE", ((55, 59), (61, 80)), {}, "", "manual"),
    ("s-e-con2", "doc-emoji", "alice", "CONTENT", ((81, 100),), {}, "", "manual"),
    ("s-g-src", "doc-talks", "gold", "SOURCE", ((0, 9),), {}, "", "adjudicated"),
    ("s-g-cue", "doc-talks", "gold", "CUE", ((10, 14),), {}, "", "adjudicated"),
    ("s-g-con", "doc-talks", "gold", "CONTENT", ((31, 50),), {}, "", "adjudicated"),
]

# (id, document, annotator, cue, sources, contents, parent, attributes)
FRAMES = [
    ("f-a-1", "doc-talks", "alice", "s-a-cue", ("s-a-src",), ("s-a-con",), None,
     {"stance": "AGAINST", "target": "Talks", "quote_form": "DIRECT", "type": "ASSERTION"}),
    ("f-a-2", "doc-talks", "alice", "s-a-cue2", ("s-a-src2",), ("s-a-con2",), None,
     {"stance": "FAVOR", "target": "Talks"}),
    ("f-b-1", "doc-talks", "bob", "s-b-cue", ("s-b-src",), ("s-b-con",), None,
     {"stance": "NEUTRAL"}),
    ("f-e-1", "doc-emoji", "alice", "s-e-cue", ("s-e-src",), ("s-e-con",), None, {}),
    ("f-e-2", "doc-emoji", "alice", "s-e-cue2", (), ("s-e-con2",), "f-e-1",
     {"quote_form": "INDIRECT"}),
    ("f-g-1", "doc-talks", "gold", "s-g-cue", ("s-g-src",), ("s-g-con",), None,
     {"stance": "AGAINST", "target": "Talks"}),
]

STATUSES = [("doc-talks", "alice", "done"), ("doc-talks", "bob", "in progress"),
            ("doc-emoji", "alice", "in progress"), ("doc-talks", "gold", "done")]
TARGETS = [("Talks", ("negotiations", "the talks")), ("Russia", ("Moscow",))]
PROVENANCE = ("s-g-cue", "span", '["s-a-cue","s-b-cue"]', "carol", STAMP, "boundary",
              "bob's second fragment is not part of the cue")


def documents() -> list[Document]:
    return [Document(id=i, text=t, title=ti, author=au, published=pu, source=f"{i}.txt",
                     paragraphs=paragraph_offsets(t), meta=me)
            for i, t, ti, au, pu, me in DOCS]


def spans() -> list[Span]:
    texts = {i: t for i, t, *_ in DOCS}
    return [Span(id=i, document_id=d, annotator=a, label=lab, fragments=frs,
                 text=fragment_text(texts[d], frs), attributes=attrs, note=note, origin=orig,
                 created_at=STAMP, updated_at=STAMP)
            for i, d, a, lab, frs, attrs, note, orig in SPANS]


def frames() -> list[Frame]:
    return [Frame(id=i, document_id=d, annotator=a, cue=cue, sources=src, contents=con,
                  parent_id=parent, attributes=attrs, created_at=STAMP, updated_at=STAMP)
            for i, d, a, cue, src, con, parent, attrs in FRAMES]


def build(path: Path) -> int:
    """Write the fixture at ``path`` with the current code; returns its schema version."""
    with Project.open(path) as project:
        project.set_schema(project.schema)  # store the schema as a real project does
        project.set_meta("seeded", "1")
        project.add_documents(documents())
        for span in spans():
            project.add_span(span)
        for frame in frames():  # list order puts parents first
            project.add_frame(frame)
        for doc_id, ann, status in STATUSES:
            project.set_status(doc_id, ann, status)
        for name, aliases in TARGETS:
            project.add_target(name, aliases)
        with project.transaction():
            project.db.execute("INSERT INTO provenance VALUES (?, ?, ?, ?, ?, ?, ?)",
                               PROVENANCE)
        version = schema_version(project.db)
        project.db.execute("VACUUM")
    return version


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECTS,
                        help="folder for the fixture (default: tests/data/projects)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = args.out / "new.annotator.db.tmp"
    scratch.unlink(missing_ok=True)
    version = build(scratch)
    target = args.out / f"v{version}.annotator.db"
    if target.exists():
        scratch.unlink()
        print(f"{target} exists; fixtures of released versions are never rewritten")
        return 1
    scratch.rename(target)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
