"""Finding a child of the team by name (for the audit trail), and reading that trail."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.sync.protocol import AuditTrailEntry
from otvisit.sync.server.audit_trail import child_trail
from otvisit.sync.server.auth import Caller
from otvisit.sync.server.console.models import ChildSummary
from otvisit.sync.server.console.scope import audit, not_found, require_lead
from otvisit.sync.server.schema import Record


def _summary(child_id: str, fields_text: str) -> ChildSummary:
    fields = json.loads(fields_text)
    name = f"{fields.get('given_name') or ''} {fields.get('family_name') or ''}".strip()
    return ChildSummary(child_id=child_id, name=name or "(no name)",
                        date_of_birth=fields.get("date_of_birth") or "")  # fmt: skip


def find_children(
    session: Session, *, caller: Caller, name: str, limit: int = 50
) -> list[ChildSummary]:
    require_lead(caller)
    wanted = name.strip().casefold()
    rows = session.execute(
        select(Record.id, Record.fields).where(
            Record.entity == "child", Record.team_id == caller.team_id, Record.deleted.is_(False)
        )
    ).all()
    found = [s for s in (_summary(*row) for row in rows) if wanted and wanted in s.name.casefold()]
    audit(session, caller, "console_view", f"searched children by name ({len(found)} found)")
    return sorted(found, key=lambda s: s.name)[:limit]


def child_of_team(session: Session, *, caller: Caller, child_id: str) -> ChildSummary:
    require_lead(caller)
    row = session.execute(
        select(Record.id, Record.fields).where(
            Record.id == child_id, Record.entity == "child", Record.team_id == caller.team_id
        )
    ).first()
    if row is None:
        raise not_found("child")
    return _summary(*row)


def trail_on_screen(
    session: Session, *, caller: Caller, child_id: str
) -> tuple[ChildSummary, list[AuditTrailEntry]]:
    child = child_of_team(session, caller=caller, child_id=child_id)
    audit(session, caller, "view", "audit trail on screen (team console)", entity="audit",
          child_id=child_id)  # fmt: skip
    return child, child_trail(session, child_id=child_id)
