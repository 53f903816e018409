"""Open a project file: SQLite in WAL mode with foreign keys on, and versioned migrations.

``open_database(path)`` returns a ``sqlite_utils.Database`` at the newest schema version.
Before migrating a project that already holds data it writes a backup copy beside it
(``<name>.v<N>.bak``). A project written by a newer Annotator (a migration this code does
not know) is refused with :class:`ProjectVersionError` and left untouched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from ..domain.errors import AnnotatorError

MIGRATION_SET = "annotator"
migrations = Migrations(MIGRATION_SET)


class ProjectDatabase(Database):
    """A sqlite-utils ``Database`` whose write transactions begin ``IMMEDIATE``.

    With two programs on one project (the app and ``annotator import``), a transaction that
    began with a plain (deferred) ``BEGIN``, read, and then wrote after the other program
    had committed fails at once with "database is locked" (SQLite cannot upgrade a stale
    read snapshot; the busy timeout does not apply). ``BEGIN IMMEDIATE`` takes the write
    lock first, waiting up to the busy timeout for the other writer, so both writes land.
    Nested ``atomic()`` blocks are savepoints, as in sqlite-utils. Reads that must see one
    snapshot without blocking writers use :meth:`snapshot` instead.
    """

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise

    @contextmanager
    def snapshot(self) -> Iterator[Database]:
        """A read-only transaction: every read inside sees one committed state (WAL), and
        other programs may write meanwhile. Nothing may be written inside."""
        if self.conn.in_transaction:
            yield self
            return
        self.conn.execute("BEGIN")
        try:
            yield self
        finally:
            self.rollback()


class ProjectVersionError(AnnotatorError):
    """The project file was written by a newer version of Annotator."""


class ProjectFileError(AnnotatorError):
    """The file is not an Annotator project (or not SQLite at all)."""


@migrations(name="0001_initial")
def _m0001_initial(db: Database) -> None:
    for sql in (
        """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        """CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            published TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            text_sha256 TEXT NOT NULL,
            paragraphs TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}',
            position INTEGER NOT NULL,
            imported_at TEXT NOT NULL)""",
        "CREATE INDEX idx_documents_sha ON documents(text_sha256)",
        """CREATE TABLE annotators (name TEXT PRIMARY KEY, created_at TEXT NOT NULL)""",
        """CREATE TABLE spans (
            id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name),
            label TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            fragments TEXT NOT NULL,
            text TEXT NOT NULL,
            attributes TEXT NOT NULL DEFAULT '{}',
            note TEXT NOT NULL DEFAULT '',
            origin TEXT NOT NULL DEFAULT 'manual',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (start >= 0 AND "end" > start))""",
        "CREATE INDEX idx_spans_doc ON spans(document_id, annotator, start)",
        """CREATE TABLE frames (
            id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name),
            type TEXT NOT NULL,
            parent_id TEXT REFERENCES frames(id) ON DELETE SET NULL,
            attributes TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
        "CREATE INDEX idx_frames_doc ON frames(document_id, annotator)",
        """CREATE TABLE frame_roles (
            frame_id TEXT NOT NULL REFERENCES frames(id) ON DELETE CASCADE,
            span_id TEXT NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (frame_id, span_id, role))""",
        "CREATE INDEX idx_frame_roles_span ON frame_roles(span_id)",
        """CREATE TABLE targets (
            name TEXT PRIMARY KEY,
            aliases TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL)""",
        """CREATE TABLE document_status (
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name),
            status TEXT NOT NULL CHECK (status IN ('todo', 'in progress', 'done')),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (document_id, annotator))""",
        """CREATE TABLE provenance (
            item_id TEXT PRIMARY KEY,
            item_kind TEXT NOT NULL CHECK (item_kind IN ('span', 'frame')),
            sources TEXT NOT NULL DEFAULT '[]',
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            decision TEXT NOT NULL DEFAULT '',
            rationale TEXT NOT NULL DEFAULT '')""",
    ):
        db.execute(sql)


def known_migrations() -> list[str]:
    return [m.name for m in migrations._migrations]


def schema_version(db: Database) -> int:
    """How many of our migrations the file has applied."""
    return len(migrations.applied(db))


def _configure(conn: sqlite3.Connection, readonly: bool) -> None:
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise ProjectFileError(f"cannot switch the project to WAL mode (got {mode})")
    # FULL: a committed action survives power loss too, not only a process kill.
    conn.execute("PRAGMA synchronous = FULL")
    if readonly:
        conn.execute("PRAGMA query_only = ON")


def open_database(path: str | Path, *, create: bool = True, readonly: bool = False) -> Database:
    """Open (or create) a project database at the newest schema version."""
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise ProjectFileError(f"{path}: no such project")
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ProjectFileError(f"{path}: not an Annotator project ({exc})") from None
    db = ProjectDatabase(conn)
    try:
        _check_version(db, path)  # before any write: a foreign file stays untouched
        _configure(conn, readonly)
        pending = migrations.pending(db)
        if pending:
            if readonly:
                raise ProjectVersionError(f"{path}: needs an upgrade; open it writable once")
            if exists and db["documents"].exists():
                backup(db, path.with_name(f"{path.name}.v{schema_version(db)}.bak"))
            migrations.apply(db)
    except BaseException:
        db.close()
        raise
    return db


def _check_version(db: Database, path: Path) -> None:
    tables = set(db.table_names())
    if tables and "_sqlite_migrations" not in tables:
        raise ProjectFileError(f"{path}: not an Annotator project (tables: "
                               f"{', '.join(sorted(tables)[:5])})")
    unknown = [m.name for m in migrations.applied(db) if m.name not in known_migrations()]
    if unknown:
        raise ProjectVersionError(
            f"{path}: made by a newer Annotator (schema step {unknown[-1]}); "
            "upgrade Annotator to open it"
        )


def backup_file(source: str | Path, target: str | Path) -> Path:
    """Copy the project file ``source`` to ``target`` with the online backup API through a
    connection that cannot write: consistent while others write, any schema version, no
    migration, the source's content never changed. The copy is one file (no WAL)."""
    source = Path(source)
    if not source.is_file():
        raise ProjectFileError(f"{source}: no such project")
    # query_only rather than mode=ro: the last connection to close tidies the -wal/-shm files
    conn = sqlite3.connect(str(source))
    try:
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if "_sqlite_migrations" not in tables or "documents" not in tables:
            raise ProjectFileError(f"{source}: not an Annotator project")
        dest = sqlite3.connect(str(target))
        try:
            conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # the copy: one self-contained file
        finally:
            dest.close()
    except sqlite3.DatabaseError as exc:
        raise ProjectFileError(f"{source}: not an Annotator project ({exc})") from None
    finally:
        conn.close()
    return Path(target)


def check_copy(path: str | Path) -> dict[str, int]:
    """Row counts of a project copy after ``PRAGMA integrity_check`` passed on it;
    :class:`ProjectFileError` when the check fails or the file is not a project."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise ProjectFileError(f"{path}: integrity check failed: {result}")
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("documents", "spans", "frames")}
    except sqlite3.DatabaseError as exc:
        raise ProjectFileError(f"{path}: not a readable project ({exc})") from None
    finally:
        conn.close()


def backup(db: Database, target: Path) -> Path:
    """A consistent copy of the live database (SQLite's online backup API)."""
    dest = sqlite3.connect(str(target))
    try:
        db.conn.backup(dest)
    finally:
        dest.close()
    return target
