"""When access ends: a child leaves the team (unsent edits kept aside) or the device is revoked."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from otvisit.models import (
    AttachmentBlob,
    DocumentFile,
    OutboxOp,
    PushedOp,
    SetAsideEdit,
    SyncConflict,
    SyncSetting,
    UnreadableRecord,
)
from otvisit.models.blob_files import wipe_once_committed
from otvisit.models.registry import SYNCED_MODELS
from otvisit.services.attachment_blobs import forget_unused_blobs
from otvisit.sync.client import settings
from otvisit.sync.client.apply import plan_for

LEFT_TEAM_REASON = "The child is no longer on your team's caseload; this change was not sent."
CONFLICT_REASON = "An unresolved version of this field, kept when the child left your caseload."


def remove_children(session: Session, child_ids: Sequence[str]) -> int:
    """Remove these children's records from the laptop; returns how many edits were set aside."""
    if not child_ids:
        return 0
    ids = list(child_ids)
    set_aside = 0
    # Unsent work is moved, never dropped: pending and rejected operations alike.
    for op in session.scalars(
        select(OutboxOp).where(OutboxOp.child_id.in_(ids)).order_by(OutboxOp.seq)
    ):
        session.add(
            SetAsideEdit(
                child_id=op.child_id,
                entity=op.entity,
                record_id=op.record_id,
                changes={"kind": op.kind, "fields": op.changes},
                reason=op.error or LEFT_TEAM_REASON,
            )
        )
        set_aside += 1
    for conflict in session.scalars(
        select(SyncConflict).where(
            SyncConflict.child_id.in_(ids), SyncConflict.resolved_at.is_(None)
        )
    ):
        session.add(
            SetAsideEdit(
                child_id=conflict.child_id,
                entity=conflict.entity,
                record_id=conflict.record_id,
                changes={"kind": "conflict", "fields": {conflict.field: conflict.mine}},
                reason=CONFLICT_REASON,
            )
        )
        set_aside += 1
    session.flush()
    session.execute(delete(OutboxOp).where(OutboxOp.child_id.in_(ids)))
    session.execute(delete(PushedOp).where(PushedOp.child_id.in_(ids)))
    session.execute(delete(SyncConflict).where(SyncConflict.child_id.in_(ids)))
    session.execute(delete(DocumentFile).where(DocumentFile.child_id.in_(ids)))  # kept PDFs
    for model in SYNCED_MODELS:
        if model.__team_level__:
            continue
        table = plan_for(model.__entity__).table
        # Core delete: this is the server taking access away, not a local delete to sync.
        condition = (
            table.c.id.in_(ids) if model.__entity__ == "child" else table.c.child_id.in_(ids)
        )
        session.execute(delete(table).where(condition))
    forget_unused_blobs(session)  # photos and scans of children no longer here
    return set_aside


def wipe_synced_data(session: Session, *, reason: str) -> None:
    """Remove every synced record and every trace of unsent work, keeping only why.

    A revoked laptop may be lost or stolen: its unsent edits are removed too,
    because keeping them would keep children's records on a device nobody
    vouches for any more. Whatever reached the server before is safe there.
    """
    for model in SYNCED_MODELS:
        session.execute(delete(plan_for(model.__entity__).table))
    session.execute(delete(OutboxOp))
    session.execute(delete(PushedOp))
    session.execute(delete(UnreadableRecord))
    session.execute(delete(SyncConflict))
    session.execute(delete(SetAsideEdit))
    session.execute(delete(DocumentFile))  # the PDFs kept on this laptop
    forget_attachment_bytes(session)
    session.execute(delete(SyncSetting).where(SyncSetting.key != settings.SERVER_URL))
    settings.set_settings(session, {settings.WIPED_REASON: reason})


def forget_attachment_bytes(session: Session) -> None:
    """Drop every attachment's bytes (photos, scans) held on this laptop: the rows now, the files
    once this transaction has committed."""
    session.execute(delete(AttachmentBlob))
    wipe_once_committed(session)
