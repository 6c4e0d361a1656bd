"""Audit events uploaded from laptops, and one child's audit trail exported for a team lead."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from otvisit.models.base import utcnow
from otvisit.services.errors import NotFound
from otvisit.sync.protocol import (
    NOT_TEAM_LEAD,
    OTHER_TEAM,
    AuditReceipt,
    AuditTrail,
    AuditTrailEntry,
    AuditUpload,
    UploadedAuditEvent,
)
from otvisit.sync.server.audit import AuditEvent, write_audit
from otvisit.sync.server.auth import Caller
from otvisit.sync.server.errors import forbidden
from otvisit.sync.server.schema import AuditEntry, Record, TeamDeparture

#: Roles that may read a child's audit trail (of their own team's children only).
EXPORT_ROLES = frozenset({"team_lead", "admin"})
#: Device clocks outside these years can only be a broken clock: marked, stamped on receipt.
_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_LATEST = datetime(2100, 1, 1, tzinfo=UTC)
_NOTHING_SAVED = "Nothing from this upload was saved."
TRAIL_COLUMNS = (
    "at", "origin", "action", "username", "user_id", "actor_id", "device_id", "entity",
    "record_id", "child_id", "detail", "device_clock",
)  # fmt: skip


def _event_time(event: UploadedAuditEvent, *, received: datetime) -> tuple[datetime, str | None]:
    """When the event happened, and the laptop's own clock when that can't be right.

    A laptop clock outside 2000–2099 never stops an upload: the event is stamped with the
    time the server received it, and the device's time is kept beside it, marked.
    """
    at = event.at if event.at.tzinfo is not None else event.at.replace(tzinfo=UTC)
    try:
        at = at.astimezone(UTC)
    except OverflowError:
        return received, event.at.isoformat()[:40]
    if not _EARLIEST <= at < _LATEST:
        return received, event.at.isoformat()[:40]
    return at, None


def _team_children(session: Session, *, team_id: str, child_ids: set[str]) -> set[str]:
    """Which of these children are, or once were, on the team's caseload."""
    if not child_ids:
        return set()
    ids = sorted(child_ids)
    current = session.execute(
        select(Record.id).where(
            Record.id.in_(ids), Record.entity == "child", Record.team_id == team_id
        )
    ).scalars()
    former = session.execute(
        select(TeamDeparture.child_id).where(
            TeamDeparture.child_id.in_(ids), TeamDeparture.team_id == team_id
        )
    ).scalars()
    return set(current) | set(former)


def _other_teams(session: Session, *, team_id: str, events: list[UploadedAuditEvent]) -> bool:
    """Whether any event names a child or record that belongs to another team (and never ours).

    Children the server does not know yet are accepted: an event about a child
    created offline must not be lost because its record has not arrived.
    """
    named_children = {e.child_id for e in events if e.child_id}
    known_children = set(
        session.execute(
            select(Record.id).where(Record.id.in_(sorted(named_children)), Record.entity == "child")
        ).scalars()
    ) if named_children else set()  # fmt: skip
    allowed = _team_children(session, team_id=team_id, child_ids=named_children)
    if known_children - allowed:
        return True
    record_ids = sorted({e.record_id for e in events if e.record_id})
    if not record_ids:
        return False
    rows = session.execute(
        select(Record.team_id, Record.child_id).where(Record.id.in_(record_ids))
    ).all()
    outside = {child for team, child in rows if team != team_id}
    if any(child is None for child in outside):  # a team-level record of another team
        return True
    return bool(
        outside - _team_children(session, team_id=team_id, child_ids={c for c in outside if c})
    )


def upload_events(session: Session, *, caller: Caller, upload: AuditUpload) -> AuditReceipt:
    """Append a device's audit events; events already held are acknowledged, not written again.

    The whole upload is refused (nothing written) when one event is about
    another team's child or record. A laptop clock that can't be right is marked, not refused.
    """
    if upload.device_id != caller.device_id:
        raise forbidden(
            "device_mismatch", "This upload names another device than the one signed in."
        )
    unique = list({event.event_id: event for event in upload.events}.values())
    now = utcnow()
    times = {event.event_id: _event_time(event, received=now) for event in unique}
    if _other_teams(session, team_id=caller.team_id, events=unique):
        raise forbidden(
            OTHER_TEAM,
            f"An audit event is about a child or record that is not on your team's caseload. "
            f"{_NOTHING_SAVED}",
        )
    held: set[str] = set()
    ids = [event.event_id for event in unique]
    for start in range(0, len(ids), 500):
        held.update(
            session.execute(
                select(AuditEntry.event_id).where(AuditEntry.event_id.in_(ids[start : start + 500]))
            ).scalars()  # type: ignore[arg-type]
        )
    rows = [
        {
            "at": times[event.event_id][0],
            "device_clock": times[event.event_id][1],
            "received_at": now,
            "origin": "device",
            "event_id": event.event_id,
            "action": event.action,
            "user_id": caller.user_id,
            "username": caller.username,
            "device_id": caller.device_id,
            "address": caller.address[:64],
            "actor_id": event.actor_id,
            "entity": event.entity,
            "record_id": event.record_id,
            "child_id": event.child_id,
            "detail": event.detail,
        }
        for event in unique
        if event.event_id not in held
    ]
    if rows:
        session.execute(insert(AuditEntry), rows)
    return AuditReceipt(accepted=ids)


def check_may_export(session: Session, *, caller: Caller, child_id: str) -> None:
    """A team lead or admin of the child's current team; anyone else is refused (403).

    A child of another team and a child that does not exist get the same answer,
    so the refusal does not tell whether another team holds that child.
    """
    if caller.role not in EXPORT_ROLES:
        raise forbidden(NOT_TEAM_LEAD, "Only a team lead can export a child's audit trail.")
    found = session.execute(
        select(Record.id).where(
            Record.id == child_id, Record.entity == "child", Record.team_id == caller.team_id
        )
    ).first()
    if found is None:
        raise forbidden(OTHER_TEAM, "This child is not on your team's caseload.")


def child_trail(session: Session, *, child_id: str) -> list[AuditTrailEntry]:
    """Every audit line about a child or its records, oldest first."""
    rows = session.execute(
        select(AuditEntry)
        .where(or_(AuditEntry.child_id == child_id, AuditEntry.record_id == child_id))
        .order_by(AuditEntry.at, AuditEntry.id)
    ).scalars()
    return [
        AuditTrailEntry(
            at=row.at,
            origin="device" if row.origin == "device" else "server",
            action=row.action,
            username=row.username,
            user_id=row.user_id,
            actor_id=row.actor_id,
            device_id=row.device_id,
            entity=row.entity,
            record_id=row.record_id,
            child_id=row.child_id,
            detail=row.detail,
            device_clock=row.device_clock,
        )
        for row in rows
    ]


def record_export(
    session: Session, *, caller: Caller | None, child_id: str, file_format: str
) -> None:
    """The export is itself a line of the child's audit trail (``caller`` None: the operator)."""
    detail = f"exported the child's audit trail ({file_format})"
    event = (
        caller.audit("export", detail=detail, entity="audit", child_id=child_id)
        if caller is not None
        else AuditEvent(
            action="export", username="(admin)", detail=detail, entity="audit", child_id=child_id
        )
    )
    write_audit(session, events=[event])


def export_child_trail(
    session: Session, *, caller: Caller | None, child_id: str, file_format: str
) -> AuditTrail:
    """The operator's export (``caller`` None) of any child the server holds, audited."""
    known = session.execute(
        select(Record.id).where(Record.id == child_id, Record.entity == "child")
    ).first()
    if known is None:
        raise NotFound(f"There is no child with id {child_id} on the server.")
    record_export(session, caller=caller, child_id=child_id, file_format=file_format)
    return AuditTrail(
        child_id=child_id, exported_at=utcnow(), events=child_trail(session, child_id=child_id)
    )


def _cell(value: object) -> str:
    text = "" if value is None else value.isoformat() if isinstance(value, datetime) else str(value)
    # A spreadsheet would run a cell starting like a formula: text from laptops must stay text.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def trail_csv(entries: list[AuditTrailEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TRAIL_COLUMNS)
    for entry in entries:
        writer.writerow([_cell(getattr(entry, column)) for column in TRAIL_COLUMNS])
    return out.getvalue()
