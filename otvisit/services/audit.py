"""The local audit trail: services append who created or changed what; views by the callers."""

from __future__ import annotations

from sqlalchemy.orm import Session

from otvisit.models import AuditEvent, SyncedRecord
from otvisit.models.vocabulary import AuditAction


def record_access(
    session: Session,
    *,
    actor_id: str | None,
    action: AuditAction,
    entity: str,
    record_id: str | None,
    child_id: str | None,
    detail: str = "",
) -> AuditEvent:
    """Append one audit event in the caller's transaction (never updated or deleted later)."""
    event = AuditEvent(
        actor_id=actor_id,
        action=AuditAction(action),
        entity=entity,
        record_id=record_id,
        child_id=child_id,
        detail=detail,
    )
    session.add(event)
    return event


def record_change(
    session: Session,
    *,
    actor_id: str | None,
    record: SyncedRecord,
    created: bool = False,
    deleted: bool = False,
    detail: str = "",
) -> AuditEvent:
    """Audit a create, change or tombstone of a synced record, finding its child."""
    child_id = record.id if record.__entity__ == "child" else getattr(record, "child_id", None)
    action = AuditAction.CHANGE
    if created:
        action = AuditAction.CREATE
    elif deleted:
        action = AuditAction.DELETE
    return record_access(
        session,
        actor_id=actor_id,
        action=action,
        entity=record.__entity__,
        record_id=record.id,
        child_id=child_id,
        detail=detail,
    )
