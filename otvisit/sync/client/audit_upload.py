"""Sending this laptop's audit trail to the server's append-only log, in batches."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from otvisit.models import AuditEvent, utcnow
from otvisit.models.store import Store
from otvisit.sync.protocol import MAX_AUDIT_EVENTS, AuditReceipt, AuditUpload, UploadedAuditEvent

#: Events sent per request (the server takes up to MAX_AUDIT_EVENTS).
AUDIT_BATCH = min(500, MAX_AUDIT_EVENTS)


def next_audit_batch(session: Session, *, device_id: str) -> AuditUpload | None:
    """The oldest events not yet acknowledged by the server, or None when all were sent."""
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.uploaded_at.is_(None))
        .order_by(AuditEvent.at, AuditEvent.id)
        .limit(AUDIT_BATCH)
    ).all()
    if not events:
        return None
    return AuditUpload(
        device_id=device_id,
        events=[
            UploadedAuditEvent(
                event_id=event.id,
                at=event.at,
                actor_id=event.actor_id,
                action=event.action.value,
                entity=event.entity,
                record_id=event.record_id,
                child_id=event.child_id,
                detail=event.detail[:2000],
            )
            for event in events
        ],
    )


def mark_uploaded(session: Session, receipt: AuditReceipt) -> int:
    """Stamp the events the server now holds; only those, so nothing is skipped."""
    if not receipt.accepted:
        return 0
    result = session.execute(
        update(AuditEvent)
        .where(AuditEvent.id.in_(receipt.accepted), AuditEvent.uploaded_at.is_(None))
        .values(uploaded_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def pending_audit_events(store: Store) -> bool:
    with store.read_session() as session:
        return has_audit_events(session)


def has_audit_events(session: Session) -> bool:
    """Audit events not yet held by the server."""
    found = session.scalar(select(AuditEvent.id).where(AuditEvent.uploaded_at.is_(None)).limit(1))
    return found is not None
