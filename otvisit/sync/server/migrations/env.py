"""Alembic environment of the sync server: runs on the connection the Database hands over."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection, create_engine

from otvisit.models.base import UTCDateTime
from otvisit.sync.server.schema import ServerBase

connection = context.config.attributes.get("connection")


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    # Migrations spell out plain column types so they never depend on today's Python classes.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(conn: Connection) -> None:
    context.configure(
        connection=conn,
        target_metadata=ServerBase.metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is None:
    url = context.config.get_main_option("sqlalchemy.url") or "sqlite:///otvisit-server-dev.db"
    with create_engine(url).begin() as conn:
        _run(conn)
else:
    _run(connection)
