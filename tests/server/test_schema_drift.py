"""The server's migrations build exactly the schema its models describe."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from otvisit.sync.server.database import Database
from otvisit.sync.server.schema import ServerBase


def test_server_migrations_match_the_models(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'server.db'}")
    try:
        database.migrate()
        with database.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), ServerBase.metadata)
    finally:
        database.dispose()
    assert diff == []
