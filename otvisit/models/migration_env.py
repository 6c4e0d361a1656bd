"""The one Alembic environment body shared by the local store's and the server's migrations."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection, MetaData, create_engine

from otvisit.models.base import StrEnumType, UTCDateTime


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    # Migrations spell out plain column types so they never depend on today's Python classes.
    if type_ == "type" and isinstance(obj, StrEnumType):
        return "sa.String(length=32)"
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection, metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations(metadata: MetaData, *, development_url: str) -> None:
    """Migrate on the connection the caller handed over, else (autogenerate) on a dev URL."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection, metadata)
        return
    url = context.config.get_main_option("sqlalchemy.url") or development_url
    with create_engine(url).begin() as own:
        _run(own, metadata)
