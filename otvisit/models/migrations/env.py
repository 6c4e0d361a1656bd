"""Alembic environment of the local store: runs on the connection the Store hands over."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection, create_engine

import otvisit.models  # noqa: F401  (registers every table on the metadata)
from otvisit.models.base import Base, StrEnumType, UTCDateTime

connection = context.config.attributes.get("connection")


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    # Migrations spell out plain column types so they never depend on today's Python classes.
    if type_ == "type" and isinstance(obj, StrEnumType):
        return "sa.String(length=32)"
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(conn: Connection) -> None:
    context.configure(
        connection=conn,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is None:
    url = context.config.get_main_option("sqlalchemy.url") or "sqlite:///otvisit-dev.db"
    with create_engine(url).begin() as conn:
        _run(conn)
else:
    _run(connection)
