"""Read articles into Documents: seed-layout ``.txt`` files, folders of them (recursive),
and JSONL of documents (``{"id"?, "title"?, "author"?, "published"?, "source"?, "text",
"meta"?}`` per line).

Readers validate every input before anything is written and raise :class:`InputError`
naming ``file:line``. :func:`import_paths` writes all documents in one transaction, so a
failure or a cancel leaves the project unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.errors import AnnotatorError, ConflictError, InputError
from ..domain.model import Document, sha256_text
from ..domain.text import (
    MAX_DOCUMENT_CHARS,
    check_document_size,
    decode_utf8,
    normalise_newlines,
    paragraph_offsets,
    parse_article,
)
from ..store.project import Project
from .jsonlines import iter_json_lines, read_input_text

# progress(done, total) -> False to cancel
Progress = Callable[[int, int], bool]
WRITE_CHUNK = 250  # documents written between two cancel checks


class Cancelled(AnnotatorError):
    """The user cancelled; nothing was written."""


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    repaired: int = 0
    files: int = 0

    def summary(self) -> str:
        return (f"{len(self.added)} document(s) added, {len(self.skipped)} skipped "
                f"(already present), {self.repaired} paragraph(s) repaired")


def slug(name: str) -> str:
    s = re.sub(r"[^\w\-]+", "-", name.strip().lower(), flags=re.UNICODE).strip("-")
    return s[:80] or "doc"


def make_document_id(source_name: str, text: str) -> str:
    """Stable id from the source name and the content hash."""
    return f"{slug(source_name)}-{sha256_text(text)[:8]}"


def read_text_file(path: Path, repair: bool = True) -> tuple[Document, int]:
    """One seed-layout article; returns the document and how many paragraphs were rejoined."""
    try:
        if path.stat().st_size > 4 * MAX_DOCUMENT_CHARS:  # too big even at 4 bytes a char
            raise InputError(str(path), None, f"file too large for one article "
                             f"({path.stat().st_size:,} bytes)")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read: {exc.strerror}") from None
    raw = decode_utf8(data, str(path))
    check_document_size(raw, str(path), None)
    if not raw.strip():
        raise InputError(str(path), 1, "the file is empty")
    art = parse_article(raw, str(path), repair=repair)
    text = art.text
    offsets, pos = [], 0
    for para in art.paragraphs:
        offsets.append((pos, pos + len(para)))
        pos += len(para) + 2
    doc = Document(id=make_document_id(path.stem, text), text=text, title=art.title,
                   author=art.author, published=art.published, source=path.name,
                   paragraphs=tuple(offsets))
    return doc, art.repaired


_DOC_FIELDS = {"id": str, "title": str, "author": str, "published": str, "source": str,
               "text": str, "meta": dict}


def read_documents_jsonl(path: Path,
                         origins: dict[str, tuple[str, int | None]] | None = None
                         ) -> list[Document]:
    """JSONL of documents; text is taken verbatim (newlines normalised), no repair.
    ``origins`` (if given) receives ``id -> (file, line)`` for each document."""
    raw = read_input_text(path)
    docs: list[Document] = []
    seen: dict[str, int] = {}
    for lineno, obj in iter_json_lines(raw, str(path)):
        if not isinstance(obj, dict):
            raise InputError(str(path), lineno, "each line must be a JSON object")
        if "text" not in obj:
            raise InputError(str(path), lineno, 'missing "text"')
        for key, typ in _DOC_FIELDS.items():
            if key in obj and not isinstance(obj[key], typ):
                raise InputError(str(path), lineno,
                                 f'"{key}" must be {"a string" if typ is str else "an object"}')
        text = normalise_newlines(obj["text"])
        check_document_size(text, str(path), lineno)
        if not text.strip():
            raise InputError(str(path), lineno, '"text" is empty')
        doc_id = obj.get("id") or make_document_id(obj.get("title") or path.stem, text)
        if doc_id in seen:
            raise InputError(str(path), lineno,
                             f"duplicate id {doc_id!r} (first on line {seen[doc_id]})")
        seen[doc_id] = lineno
        if origins is not None:
            origins[doc_id] = (str(path), lineno)
        docs.append(Document(id=doc_id, text=text, title=obj.get("title", ""),
                             author=obj.get("author", ""), published=obj.get("published", ""),
                             source=obj.get("source", path.name),
                             paragraphs=paragraph_offsets(text), meta=obj.get("meta", {})))
    if not docs:
        raise InputError(str(path), 1, "no documents in the file")
    return docs


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and every .txt/.jsonl below a folder (recursive, sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(x for x in p.rglob("*") if x.is_file()
                           and x.suffix.lower() in (".txt", ".jsonl"))
            if not found:
                raise InputError(str(p), None, "no .txt or .jsonl files in this folder")
            out += found
        elif p.exists():
            out.append(p)
        else:
            raise InputError(str(p), None, "no such file or folder")
    return out


def read_paths(paths: Iterable[str | Path], repair: bool = True,
               progress: Progress | None = None,
               origins: dict[str, tuple[str, int | None]] | None = None,
               ) -> tuple[list[Document], dict[str, int], int]:
    """Parse every input; returns (documents, paragraphs repaired per document id, files
    read). ``origins`` (if given) receives ``document id -> (file, line or None)``."""
    files = expand_paths(paths)
    docs: list[Document] = []
    repaired: dict[str, int] = {}
    for i, f in enumerate(files):
        if progress and progress(i, len(files)) is False:
            raise Cancelled("import cancelled; nothing was imported")
        if f.suffix.lower() == ".jsonl":
            docs += read_documents_jsonl(f, origins)
        elif f.suffix.lower() == ".txt":
            doc, n = read_text_file(f, repair)
            docs.append(doc)
            if n:
                repaired[doc.id] = n
            if origins is not None:
                origins.setdefault(doc.id, (str(f), None))
        else:
            raise InputError(str(f), None, "unknown file type (expected .txt or .jsonl)")
    return docs, repaired, len(files)


def import_paths(project: Project, paths: Iterable[str | Path], repair: bool = True,
                 progress: Progress | None = None) -> ImportReport:
    """Read everything, then add it in one transaction (all or nothing).

    ``progress(done, total)`` counts files while reading; while writing it is called with
    ``done == total`` every few hundred documents, and a False return still cancels (the
    transaction is rolled back), until the commit. A last call follows the commit.
    """
    origins: dict[str, tuple[str, int | None]] = {}
    docs, repaired, nfiles = read_paths(paths, repair, progress, origins)

    def cancellable() -> Iterable[Document]:
        for k, doc in enumerate(docs):
            if progress and k % WRITE_CHUNK == 0 and progress(nfiles, nfiles) is False:
                raise Cancelled("import cancelled; nothing was imported")
            yield doc

    try:
        res = project.add_documents(cancellable())
    except ConflictError as exc:
        doc_id = next((d.id for d in docs if f"document {d.id} " in str(exc)), None)
        path, line = origins.get(doc_id, ("input", None)) if doc_id else ("input", None)
        raise InputError(path, line, str(exc)) from None
    if progress:
        progress(nfiles, nfiles)
    # repairs count only where they reached the project (not for skipped documents)
    return ImportReport(res.added, res.skipped, sum(repaired.get(d, 0) for d in res.added),
                        nfiles)
