"""Alembic environment of the sync server: runs on the connection the Database hands over."""

from __future__ import annotations

from otvisit.models.migration_env import run_migrations
from otvisit.sync.server.schema import ServerBase

run_migrations(ServerBase.metadata, development_url="sqlite:///otvisit-server-dev.db")
