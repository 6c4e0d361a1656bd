"""This device's sync settings (server, device id, pull cursor, last sync) as SyncSetting rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
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
#: Where that generation began (its restore point): a laptop whose generation a later restore
#: lost on the server re-sends above it too.
GENERATION_BEGAN = "generation_began"
#: Present while the laptop's conflicts are to be sent again to a server restored from a backup.
CONFLICTS_TO_RESEND = "conflicts_to_resend"
#: Kept when a revoked device wipes its data: the reason is shown at the next start.
WIPED_REASON = "wiped_reason"


def get_setting(session: Session, key: str, default: str = "") -> str:
    value = session.scalar(select(SyncSetting.value).where(SyncSetting.key == key))
    return default if value is None else value


#: Built once, compiled once (every sync reads its settings).
_SOME = select(SyncSetting.key, SyncSetting.value).where(
    SyncSetting.key.in_(bindparam("keys", expanding=True))
)


def get_settings(session: Session, *keys: str) -> dict[str, str]:
    rows = session.execute(_SOME, {"keys": list(keys)})
    found = {key: value for key, value in rows}
    return {key: found.get(key, "") for key in keys}


_INSERT = insert(SyncSetting)
#: Built once, run for many rows: a statement of many VALUES rows would be compiled every time
#: (several times the cost of running it, on every sync).
_UPSERT = _INSERT.on_conflict_do_update(
    index_elements=[SyncSetting.key], set_={"value": _INSERT.excluded.value}
)


def set_settings(session: Session, values: dict[str, str]) -> None:
    """Insert or replace several settings (one statement, run for each)."""
    if not values:
        return
    session.connection().execute(_UPSERT, [{"key": k, "value": v} for k, v in values.items()])


def pull_cursor(session: Session) -> int:
    return int(get_setting(session, PULL_CURSOR, "0") or 0)


def as_timestamp(value: str) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
