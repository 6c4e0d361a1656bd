"""Looking straight into a running server's database, to check what was (not) written."""

from __future__ import annotations

from sqlalchemy import func, select

from otvisit.sync.server.database import Database
from otvisit.sync.server.schema import (
    CHANGE_SEQ,
    AuditEntry,
    Conflict,
    Counter,
    DeviceProgress,
    OpResult,
    Record,
    ServerBase,
)

WRITTEN_TABLES = (Record, Conflict, OpResult, DeviceProgress)


def counts(database_url: str) -> dict[str, int]:
    """Rows in the tables a push writes (audit aside), and the sequence counter."""
    database = Database(database_url)
    try:
        with database.read() as session:
            found = {
                model.__tablename__: int(
                    session.execute(select(func.count()).select_from(model)).scalar_one()
                )
                for model in WRITTEN_TABLES
            }
            found["counter"] = int(
                session.execute(
                    select(Counter.value).where(Counter.name == CHANGE_SEQ)
                ).scalar_one()
            )
    finally:
        database.dispose()
    return found


def rows(database_url: str, model: type[ServerBase], *where: object) -> list[object]:
    database = Database(database_url)
    try:
        with database.read() as session:
            return list(session.execute(select(model).where(*where)).scalars())  # type: ignore[arg-type]
    finally:
        database.dispose()


def execute(database_url: str, statement: object) -> None:
    database = Database(database_url)
    try:
        with database.write() as session:
            session.execute(statement)  # type: ignore[call-overload]
    finally:
        database.dispose()


__all__ = ["AuditEntry", "counts", "execute", "rows"]
