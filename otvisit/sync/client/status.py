"""The sync state the therapist sees: pending changes, last good sync, last error, in progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from otvisit.models import OutboxOp, SetAsideEdit, SyncConflict
from otvisit.sync.client import settings


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows; times are device-clock times, for display only."""

    pending_ops: int
    rejected_ops: int
    open_conflicts: int
    set_aside_edits: int
    last_success_at: datetime | None
    last_error: str
    last_attempt_at: datetime | None
    in_progress: bool
    signed_in_as: str
    server_url: str


def sync_status(session: Session) -> SyncStatus:
    rows = session.execute(select(OutboxOp.state, func.count()).group_by(OutboxOp.state))
    counts: dict[str, int] = {state: count for state, count in rows}
    open_conflicts = session.scalar(
        select(func.count()).select_from(SyncConflict).where(SyncConflict.resolved_at.is_(None))
    )
    set_aside = session.scalar(select(func.count()).select_from(SetAsideEdit))
    values = settings.get_settings(
        session,
        settings.LAST_SUCCESS_AT,
        settings.LAST_ERROR,
        settings.LAST_ATTEMPT_AT,
        settings.IN_PROGRESS,
        settings.USERNAME,
        settings.SERVER_URL,
    )
    return SyncStatus(
        pending_ops=counts.get("pending", 0),
        rejected_ops=counts.get("rejected", 0),
        open_conflicts=open_conflicts or 0,
        set_aside_edits=set_aside or 0,
        last_success_at=settings.as_timestamp(values[settings.LAST_SUCCESS_AT]),
        last_error=values[settings.LAST_ERROR],
        last_attempt_at=settings.as_timestamp(values[settings.LAST_ATTEMPT_AT]),
        in_progress=bool(values[settings.IN_PROGRESS]),
        signed_in_as=values[settings.USERNAME],
        server_url=values[settings.SERVER_URL],
    )
