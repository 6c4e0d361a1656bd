"""This device's sync settings (server, device id, pull cursor, last sync) as SyncSetting rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from otvisit.models import SyncSetting

SERVER_URL = "server_url"
USERNAME = "username"
DEVICE_ID = "device_id"
#: The signed-in user as JSON (a protocol SignedInUser).
USER = "user"
TEAM_ID = "team_id"
PULL_CURSOR = "pull_cursor"
LAST_SUCCESS_AT = "last_success_at"
LAST_ATTEMPT_AT = "last_attempt_at"
LAST_ERROR = "last_error"
IN_PROGRESS = "in_progress"
#: The server's generation seen at the last pull (a restored server has a new one).
SERVER_GENERATION = "server_generation"
#: Kept when a revoked device wipes its data: the reason is shown at the next start.
WIPED_REASON = "wiped_reason"


def get_setting(session: Session, key: str, default: str = "") -> str:
    value = session.scalar(select(SyncSetting.value).where(SyncSetting.key == key))
    return default if value is None else value


def get_settings(session: Session, *keys: str) -> dict[str, str]:
    rows = session.execute(
        select(SyncSetting.key, SyncSetting.value).where(SyncSetting.key.in_(keys))
    )
    found = {key: value for key, value in rows}
    return {key: found.get(key, "") for key in keys}


def set_settings(session: Session, values: dict[str, str]) -> None:
    """Insert or replace several settings with one statement."""
    if not values:
        return
    statement = insert(SyncSetting).values([{"key": k, "value": v} for k, v in values.items()])
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[SyncSetting.key], set_={"value": statement.excluded.value}
        )
    )


def pull_cursor(session: Session) -> int:
    return int(get_setting(session, PULL_CURSOR, "0") or 0)


def as_timestamp(value: str) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
