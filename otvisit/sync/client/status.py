"""The sync state the therapist sees: pending changes, last good sync, last error, in progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from otvisit.models import OutboxOp, SetAsideEdit, SyncConflict, UnreadableRecord
from otvisit.models.base import utcnow
from otvisit.sync.client import settings
from otvisit.sync.client.recovery import AWAITING, held_for_colleagues

#: A sync marked in progress for longer than this was cut short (the app closed or crashed).
STALE_SYNC = timedelta(minutes=15)


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows; times are device-clock times, for display only."""

    pending_ops: int
    #: Edits of a colleague's note held until her laptop sends it back to a restored server.
    awaiting_ops: int
    rejected_ops: int
    open_conflicts: int
    set_aside_edits: int
    #: Records pulled from the server that this laptop could not store (set aside, reported).
    unreadable_records: int
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
    unreadable = session.scalar(select(func.count()).select_from(UnreadableRecord))
    values = settings.get_settings(
        session,
        settings.LAST_SUCCESS_AT,
        settings.LAST_ERROR,
        settings.LAST_ATTEMPT_AT,
        settings.IN_PROGRESS,
        settings.USERNAME,
        settings.SERVER_URL,
    )
    pending, awaiting = counts.get("pending", 0), 0
    if counts.get(AWAITING):
        # Held for a colleague's laptop, with the edits typed on the same notes since.
        held, behind = held_for_colleagues(session)
        awaiting, pending = held + behind, pending - behind
    return SyncStatus(
        pending_ops=pending,
        awaiting_ops=awaiting,
        rejected_ops=counts.get("rejected", 0),
        open_conflicts=open_conflicts or 0,
        set_aside_edits=set_aside or 0,
        unreadable_records=unreadable or 0,
        last_success_at=settings.as_timestamp(values[settings.LAST_SUCCESS_AT]),
        last_error=values[settings.LAST_ERROR],
        last_attempt_at=settings.as_timestamp(values[settings.LAST_ATTEMPT_AT]),
        in_progress=_running(values[settings.IN_PROGRESS], values[settings.LAST_ATTEMPT_AT]),
        signed_in_as=values[settings.USERNAME],
        server_url=values[settings.SERVER_URL],
    )


def _running(flag: str, last_attempt: str) -> bool:
    started = settings.as_timestamp(last_attempt)
    return bool(flag) and started is not None and utcnow() - started < STALE_SYNC


@dataclass(frozen=True)
class RejectedChange:
    """A change the server refused for good: kept on the laptop and shown with the reason."""

    op_seq: int
    entity: str
    record_id: str
    child_id: str | None
    changes: dict[str, Any]
    reason: str
    made_at: datetime


@dataclass(frozen=True)
class SetAside:
    """An unsent change to a child who left this laptop: kept, shown, never sent."""

    id: str
    entity: str
    record_id: str
    child_id: str | None
    changes: dict[str, Any]
    reason: str
    set_aside_at: datetime


def list_rejected(session: Session) -> list[RejectedChange]:
    ops = session.scalars(
        select(OutboxOp).where(OutboxOp.state == "rejected").order_by(OutboxOp.seq)
    )
    return [
        RejectedChange(
            op.seq, op.entity, op.record_id, op.child_id, op.changes, op.error, op.created_at
        )
        for op in ops
    ]


def list_set_aside(session: Session) -> list[SetAside]:
    edits = session.scalars(select(SetAsideEdit).order_by(SetAsideEdit.set_aside_at))
    return [
        SetAside(e.id, e.entity, e.record_id, e.child_id, e.changes, e.reason, e.set_aside_at)
        for e in edits
    ]
