"""The server database: an engine for SQLite or PostgreSQL, migrations on start, transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, make_url, select
from sqlalchemy.orm import Session, sessionmaker

from otvisit.sync.server.schema import CHANGE_SEQ, Counter


def normalise_url(url: str) -> str:
    """``postgresql://`` URLs use psycopg 3, the driver this package depends on."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Transactions are begun by _sqlite_begin, not by the sqlite3 module.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # Writers take the write lock at BEGIN, so they are serialised from their first read.
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def create_server_engine(url: str) -> Engine:
    """An engine with a pool big enough for the request thread pool."""
    url = normalise_url(url)
    engine = create_engine(url, pool_size=10, max_overflow=40, pool_pre_ping=False)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "otvisit.sync.server:migrations")
    return config


class Database:
    """Sessions on the server database; reads never take SQLite's write lock, writes always do."""

    def __init__(self, url: str) -> None:
        self.engine = create_server_engine(url)
        self._reads = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._writes = sessionmaker(
            bind=self.engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the newest revision (safe to run on every start)."""
        config = alembic_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reads() as session, session.begin():
            yield session

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A plain connection for the hot read paths (no ORM session).

        SQLite: one read transaction, so every statement reads the same snapshot.
        PostgreSQL: autocommit, sparing the BEGIN and COMMIT round trips; under
        READ COMMITTED a transaction would not give one snapshot anyway, and a
        pull stays correct without one (it reads up to the high-water mark it
        read first; a record changed meanwhile moves past it, to the next pull).
        """
        if self.dialect == "postgresql":
            with self._autocommit.connect() as connection:
                yield connection
        else:
            with self.engine.connect() as connection, connection.begin():
                yield connection

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any error."""
        with self._writes() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


class SequenceLock:
    """The change-sequence counter, locked until the caller's transaction ends.

    Every transaction that gives out sequences holds this row lock from its
    first statement to its commit, so sequence N+1 can never be committed (and
    seen by a pull) before sequence N: the classic gap bug cannot happen.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        row = select(Counter.value).where(Counter.name == CHANGE_SEQ).with_for_update()
        self._value = int(session.execute(row).scalar_one())
        self._start = self._value

    @property
    def high(self) -> int:
        """The highest sequence committed before this transaction took the lock."""
        return self._start

    def next(self) -> int:
        self._value += 1
        return self._value

    def save(self) -> None:
        """Write the counter back (call once, before the transaction commits)."""
        if self._value != self._start:
            self._session.query(Counter).filter(Counter.name == CHANGE_SEQ).update(
                {Counter.value: self._value}
            )
            self._start = self._value


def current_sequence(session: Session) -> int:
    """The highest committed change sequence (every smaller one is committed too)."""
    return int(
        session.execute(select(Counter.value).where(Counter.name == CHANGE_SEQ)).scalar_one()
    )
