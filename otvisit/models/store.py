"""The local store: one SQLite file in WAL mode, migrated on open, sessions for callers."""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy.exc
import sqlcipher3
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from otvisit.models import blob_files
from otvisit.models.blob_files import FILES_KEY, AttachmentFiles, install_file_removal
from otvisit.models.encryption import StoreKeyError, key_pragma_value
from otvisit.models.outbox import install_outbox_capture

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

DATABASE_NAME = "otvisit.db"
#: The newest migration. Opening a store already at it never imports Alembic (a quicker
#: start); tests/models/test_store.py checks it equals Alembic's head.
SCHEMA_REVISION = "0015"


class StoreDamaged(StoreKeyError):
    """The store file is damaged (or empty where records were): it is not opened, never written.

    A subclass of StoreKeyError, so every place that refuses a store it can't open (the app's
    start, the commands) says this one message too.
    """


def _damaged(path: Path, problem: str) -> StoreDamaged:
    """Keep a copy of the damaged file (and its journal) beside it, and say what to do.

    The technical detail goes to the log for IT; the therapist gets one plain message.
    """
    problem = " ".join(problem.split())  # one line, whatever SQLite reported
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    copy = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}")
    with contextlib.suppress(OSError):
        shutil.copy2(path, copy)
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size:
            shutil.copy2(wal, Path(f"{copy}-wal"))
    log.info("local store %s is damaged (%s); copy kept as %s", path, problem, copy)
    empty = " (the file is empty)" if path.stat().st_size == 0 else ""
    return StoreDamaged(
        f"The records on this laptop ({path.name}) are damaged{empty}, so otvisit did not "
        f"open them and will not write to them. A copy was kept as {copy.name}: do not delete "
        "anything. Records already synced are safe on the team's server"
    )


class LocalSession(Session):
    """The session class of the local store: every synced change lands in the outbox."""


install_outbox_capture(LocalSession)
install_file_removal(LocalSession)


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Take over transaction control from the sqlite3 module so BEGIN is ours (see _on_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # FULL: a committed note survives a power cut too, not only an application crash.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _on_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock at BEGIN, so a read-then-write transaction never
    # fails half way with SQLITE_BUSY when another connection wrote in between.
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")


def create_sqlite_engine(path: Path, key: str | None = None) -> Engine:
    """An engine on a SQLite file (SQLCipher-encrypted when a key is given)."""
    if key is None:
        engine = create_engine(f"sqlite:///{path}")
    else:
        # The pysqlcipher dialect sends PRAGMA key first on every new connection.
        url = URL.create("sqlite+pysqlcipher", password=key_pragma_value(key), database=str(path))
        engine = create_engine(url)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def alembic_config() -> Config:
    """The Alembic configuration of the local store (scripts inside the package)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "otvisit.models:migrations")
    return config


def head_revision() -> str | None:
    """The newest migration according to Alembic's scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


class Store:
    """The local database of one profile: migrated to the current schema when opened."""

    def __init__(self, path: Path, engine: Engine, key: str | None = None) -> None:
        self.path = path
        self.engine = engine
        self.encrypted = key is not None
        self._key = key
        #: SQLite's page check of an existing file, when it runs beside the start (see open).
        self.integrity: Future[None] | None = None
        #: The photos' and scans' bytes, in encrypted files beside the store.
        self.attachment_files = AttachmentFiles.beside(path, key)
        info = {FILES_KEY: self.attachment_files}
        self._sessions = sessionmaker(
            bind=engine, class_=LocalSession, expire_on_commit=False, info=info
        )
        self._read_sessions = sessionmaker(
            bind=engine.execution_options(sqlite_begin="DEFERRED"),
            class_=LocalSession,
            expire_on_commit=False,
            info=info,
        )

    @classmethod
    def open(
        cls, path: Path, *, key: str | None = None, check_in_background: bool = False
    ) -> Store:
        """Open (or create) the store at path and bring its schema up to date.

        With a key the file is SQLCipher-encrypted; a wrong key is a StoreKeyError.

        The page check of an existing file reads every page (a quarter of a second for a
        caseload, more for years of records). With ``check_in_background`` it runs on its own
        thread while the app builds its window (SQLite leaves Python's lock while it reads),
        and every write waits for it: a damaged store is still never written. Reads may start
        before it ends; ``integrity`` tells the result. A store that needs a migration is
        always checked first.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        existed = path.exists()
        if existed and path.stat().st_size == 0:
            # A store is never empty once made: this one lost its records (never re-create it).
            raise _damaged(path, "the file is empty")
        for own in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            own.touch(mode=0o600, exist_ok=True)  # children's records: this user only
        engine = create_sqlite_engine(path, key)
        store = cls(path, engine, key)
        try:
            if existed and check_in_background and store.current_revision() == SCHEMA_REVISION:
                store._check_beside()
            elif existed:
                store.check_integrity()
            store.migrate()
            store._tidy_attachment_files()
        except StoreDamaged:
            engine.dispose()
            raise
        except Exception as error:
            engine.dispose()
            raise store._refusal(error) from None
        return store

    def _refusal(self, error: Exception) -> Exception:
        """What opening or checking the file failed with, as the therapist's message."""
        if "file is not a database" in str(error):
            return StoreKeyError(
                f"{self.path.name} cannot be opened: it is encrypted with another key, "
                "or it is damaged, or it is not an otvisit store"
            )
        if isinstance(error, sqlalchemy.exc.DatabaseError):
            return _damaged(self.path, str(error.orig).splitlines()[0][:120])
        return error

    def check_integrity(self) -> None:
        """SQLite's quick check of every page; a failing store is StoreDamaged (a copy kept)."""
        with self.engine.connect() as connection:
            found = [str(row[0]) for row in connection.exec_driver_sql("PRAGMA quick_check(5)")]
        if found != ["ok"]:
            raise _damaged(self.path, f"check failed: {'; '.join(found)[:160]}")

    def _check_beside(self) -> None:
        checked: Future[None] = Future()

        def check() -> None:
            try:
                self.check_integrity()
            except Exception as error:  # handed to whoever waits on the check
                refusal = error if isinstance(error, StoreDamaged) else self._refusal(error)
                checked.set_exception(refusal)
            else:
                checked.set_result(None)

        self.integrity = checked
        threading.Thread(target=check, name="store-page-check", daemon=True).start()

    def _checked(self) -> None:
        """Wait for the page check started beside the start (it raises if the file is damaged)."""
        if self.integrity is not None:
            self.integrity.result()

    def current_revision(self) -> str | None:
        """The schema revision recorded in the file (None for a new, empty store)."""
        with self.engine.connect() as connection:
            has_table = connection.execute(
                text(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
                )
            ).first()
            if has_table is None:
                return None
            found = connection.execute(text("SELECT version_num FROM alembic_version")).first()
            return None if found is None else str(found[0])

    def migrate(self) -> None:
        """Upgrade to the newest schema, after copying the file aside if it held data."""
        current = self.current_revision()
        if current == SCHEMA_REVISION:
            return
        from alembic import command

        if current is not None:
            self.backup(self.path.with_name(f"{self.path.stem}.before-{SCHEMA_REVISION}.db"))
        config = alembic_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        log.info("local store %s upgraded from %s to %s", self.path, current, SCHEMA_REVISION)

    def _tidy_attachment_files(self) -> None:
        """Move bytes kept inside the store by an older otvisit out into their files, sweep the
        folder, and let bytes lost from it (a power cut before a fetched file reached the disk)
        be fetched again. Reads only when there is nothing to move or heal: the page check
        beside the start is not waited for."""
        with self.read_session() as session:
            inside = blob_files.bytes_inside_the_store(session)
        if inside:
            with self.transaction() as session:
                blob_files.move_bytes_out_of_the_store(session)
        with self.read_session() as session:
            held = blob_files.held_blobs(session)
        swept = self.attachment_files.sweep(held)
        if swept.lost:
            with self.transaction() as session:
                blob_files.forget_lost_blobs(session, swept.lost)

    def backup(self, target: Path) -> None:
        """A consistent copy through SQLite's online backup (encrypted with the same key)."""
        raw = self.engine.raw_connection()
        try:
            source = raw.driver_connection
            if self._key is None:
                destination = sqlite3.connect(target)
            else:
                destination = sqlcipher3.connect(str(target))
                destination.execute(f'PRAGMA key = "{key_pragma_value(self._key)}"')
            with destination:
                source.backup(destination)  # type: ignore[union-attr]
            destination.close()
        finally:
            raw.close()

    def session(self) -> Session:
        """A new session whose transactions take the write lock when they begin."""
        self._checked()
        return self._sessions()

    def read_session(self) -> Session:
        """A new session for reading only (does not take the write lock)."""
        return self._read_sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        self._checked()
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def unforced_transaction(self) -> Iterator[Session]:
        """A transaction whose commit is not forced to the disk (``synchronous=NORMAL``).

        Only for values whose loss in a power cut is harmless and that nothing else relies on
        (a sync's "last synced" time when it brought nothing): in WAL mode such a commit is
        still atomic and survives an application crash, and the next ordinary commit's fsync
        carries it to the disk. Every other write stays ``synchronous=FULL``: the setting is
        put back before the connection returns to the pool, or the connection is discarded.
        """
        self._checked()
        with self.engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA synchronous=NORMAL")  # before BEGIN: no transaction yet
            try:
                with self._sessions(bind=connection) as session, session.begin():
                    yield session
            finally:
                try:
                    raw.execute("PRAGMA synchronous=FULL")
                except Exception:
                    connection.invalidate()  # never back to the pool unforced
                    raise

    def close(self) -> None:
        if self.integrity is not None:
            concurrent.futures.wait([self.integrity])  # the check's connection goes first
        self.engine.dispose()
