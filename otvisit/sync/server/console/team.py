"""The team's details (name, address, phone, email, logo): on every document, synced to laptops."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.services.team_logo import CleanLogo
from otvisit.sync.server.auth import Caller
from otvisit.sync.server.console.models import TeamContact, TeamDetails
from otvisit.sync.server.console.records import update_fields
from otvisit.sync.server.console.scope import audit, not_found, require_lead
from otvisit.sync.server.schema import Record


def team_details(session: Session, *, caller: Caller, audited: bool = True) -> TeamDetails:
    fields_text = session.execute(
        select(Record.fields).where(
            Record.id == caller.team_id, Record.entity == "team", Record.team_id == caller.team_id
        )
    ).scalar_one_or_none()
    if fields_text is None:
        raise not_found("team")
    fields = json.loads(fields_text)
    if audited:
        audit(session, caller, "console_view", "team details")
    return TeamDetails(
        team_id=caller.team_id, name=fields.get("name") or caller.team_name,
        phone=fields.get("phone") or "", email=fields.get("email") or "",
        address=fields.get("address") or "", logo_png=fields.get("logo_png") or "",
    )  # fmt: skip


def update_contact(session: Session, *, caller: Caller, contact: TeamContact) -> TeamDetails:
    """New contact details; every laptop receives them at its next sync, for its letterheads."""
    require_lead(caller)
    given = contact.model_dump()
    if not update_fields(session, entity="team", record_id=caller.team_id,
                         team_id=caller.team_id, given=given):  # fmt: skip
        raise not_found("team")
    audit(session, caller, "console_change", "updated the team's phone, email and address")
    return team_details(session, caller=caller, audited=False)


def set_logo(session: Session, *, caller: Caller, logo: CleanLogo) -> TeamDetails:
    """A new letterhead logo (made by ``team_logo.clean_logo``); laptops print it after a sync."""
    require_lead(caller)
    if not update_fields(session, entity="team", record_id=caller.team_id,
                         team_id=caller.team_id, given={"logo_png": logo.field_text}):  # fmt: skip
        raise not_found("team")
    size = f"{logo.width} × {logo.height} px PNG, {len(logo.png)} bytes"
    audit(session, caller, "console_change", f"set the team's logo ({size})")
    return team_details(session, caller=caller, audited=False)


def remove_logo(session: Session, *, caller: Caller) -> TeamDetails:
    """No logo on the letterhead any more (laptops drop it at their next sync)."""
    require_lead(caller)
    if not update_fields(session, entity="team", record_id=caller.team_id,
                         team_id=caller.team_id, given={"logo_png": ""}):  # fmt: skip
        raise not_found("team")
    audit(session, caller, "console_change", "removed the team's logo")
    return team_details(session, caller=caller, audited=False)
