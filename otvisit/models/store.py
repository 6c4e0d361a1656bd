"""The local store: one SQLite file in WAL mode, migrated on open, sessions for callers."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from otvisit.models.outbox import install_outbox_capture

log = logging.getLogger(__name__)

DATABASE_NAME = "otvisit.db"


class LocalSession(Session):
    """The session class of the local store: every synced change lands in the outbox."""


install_outbox_capture(LocalSession)


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


def create_sqlite_engine(path: Path) -> Engine:
    """An engine on a SQLite file with the store's pragmas and transaction handling."""
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def alembic_config() -> Config:
    """The Alembic configuration of the local store (scripts inside the package)."""
    config = Config()
    config.set_main_option("script_location", "otvisit.models:migrations")
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


class Store:
    """The local database of one profile: migrated to the current schema when opened."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._sessions = sessionmaker(bind=engine, class_=LocalSession, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            bind=engine.execution_options(sqlite_begin="DEFERRED"),
            class_=LocalSession,
            expire_on_commit=False,
        )

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (or create) the store at path and bring its schema up to date."""
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_sqlite_engine(path)
        store = cls(path, engine)
        store.migrate()
        return store

    def current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def migrate(self) -> None:
        """Upgrade to the newest schema, after copying the file aside if it held data."""
        current, head = self.current_revision(), head_revision()
        if current == head:
            return
        if current is not None:
            self.backup(self.path.with_name(f"{self.path.stem}.before-{head}.db"))
        config = alembic_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        log.info("local store %s upgraded from %s to %s", self.path, current, head)

    def backup(self, target: Path) -> None:
        """A consistent copy of the database through SQLite's online backup."""
        source = sqlite3.connect(self.path)
        try:
            destination = sqlite3.connect(target)
            with destination:
                source.backup(destination)
            destination.close()
        finally:
            source.close()

    def session(self) -> Session:
        """A new session whose transactions take the write lock when they begin."""
        return self._sessions()

    def read_session(self) -> Session:
        """A new session for reading only (does not take the write lock)."""
        return self._read_sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()
