"""Alembic environment of the local store: runs on the connection the Store hands over."""

from __future__ import annotations

import otvisit.models  # noqa: F401  (registers every table on the metadata)
from otvisit.models.base import Base
from otvisit.models.migration_env import run_migrations

run_migrations(Base.metadata, development_url="sqlite:///otvisit-dev.db")
