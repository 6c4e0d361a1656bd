"""Writing the server's append-only audit log (there is deliberately no function to change it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.orm import Session

from otvisit.models.base import utcnow
from otvisit.sync.server.schema import AuditEntry


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One line of the audit log: who (user, device, address) did what to which record."""

    action: str
    user_id: str | None = None
    username: str = ""
    device_id: str | None = None
    address: str = ""
    entity: str = ""
    record_id: str | None = None
    child_id: str | None = None
    detail: str = ""


def write_audit(session: Session, *, events: Iterable[AuditEvent]) -> None:
    """Append events in the caller's transaction: a write and its audit commit together."""
    now = utcnow()
    rows = [
        {
            "at": now,
            "action": event.action,
            "user_id": event.user_id,
            "username": event.username,
            "device_id": event.device_id,
            "address": event.address[:64],
            "entity": event.entity,
            "record_id": event.record_id,
            "child_id": event.child_id,
            "detail": event.detail,
        }
        for event in events
    ]
    if rows:
        session.execute(insert(AuditEntry), rows)
