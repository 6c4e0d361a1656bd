"""Server settings, read from ``OTVISIT_SERVER_*`` environment variables (pydantic-settings)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServerSettings(BaseSettings):
    """What an operator may tune; every value has a default that runs with no setup."""

    model_config = SettingsConfigDict(env_prefix="OTVISIT_SERVER_", extra="ignore")

    #: SQLite file by default; ``postgresql://user@host/db`` for a team server.
    database_url: str = "sqlite:///./otvisit-server.db"
    #: How long a device token stays valid after login (0: until revoked).
    token_lifetime_days: int = Field(default=90, ge=0)
    #: Requests with a larger body are refused with 413 before being parsed.
    max_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    #: Failed logins allowed per username and address within the window, then 429.
    login_failures_allowed: int = Field(default=5, ge=1)
    #: Failed logins allowed from one address across every username within the window.
    login_failures_per_address: int = Field(default=30, ge=1)
    login_window_seconds: int = Field(default=300, ge=1)
    #: Password checks (argon2, 64 MiB and ~50 ms each) run at once per process; others wait.
    login_hashes_at_once: int = Field(default=2, ge=1)
    #: Where attachments' bytes live: ``database`` (tables of this database, in its dump) or
    #: ``filesystem`` (files under ``blob_dir``). See docs/server.md, "Attachments".
    blob_store: Literal["database", "filesystem"] = "database"
    blob_dir: str = "./otvisit-blobs"
    #: The largest attachment accepted (413 above it).
    max_attachment_bytes: int = Field(default=25 * 1024 * 1024, ge=1)
    #: Attachment bytes a team may hold, uploads in progress included (507 beyond it).
    team_attachment_quota_bytes: int = Field(default=20 * 1024**3, ge=0)
    #: A team console session ends after this long without a page being opened (seconds).
    console_idle_seconds: int = Field(default=15 * 60, ge=1)
