"""Who may use the console and its API, and the audit line every view and change writes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from otvisit.services.errors import NotFound
from otvisit.sync.server.audit import AuditEvent, write_audit
from otvisit.sync.server.audit_trail import EXPORT_ROLES
from otvisit.sync.server.auth import Caller
from otvisit.sync.server.errors import forbidden

#: Team leads and admins run the console; therapists and assistants use the laptop app.
CONSOLE_ROLES = EXPORT_ROLES
NOT_TEAM_LEAD = "not_team_lead"


def require_lead(caller: Caller) -> None:
    if caller.role not in CONSOLE_ROLES:
        raise forbidden(NOT_TEAM_LEAD, "Only a team lead or an admin can do this.")


def not_found(what: str) -> NotFound:
    """The same answer for a missing id and another team's: nothing tells them apart."""
    return NotFound(f"There is no {what} with that id in your team.")


def audit(session: Session, caller: Caller, action: str, detail: str, **values: str | None) -> None:
    """One line of the append-only log, by the signed-in lead (``device_id`` None: the console)."""
    event = AuditEvent(
        action=action,
        user_id=caller.user_id,
        username=caller.username,
        device_id=caller.device_id or None,
        address=caller.address,
        detail=detail,
        **values,  # type: ignore[arg-type]
    )
    write_audit(session, events=[event])
