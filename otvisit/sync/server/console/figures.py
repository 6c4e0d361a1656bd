"""The team's figures on console pages: the same team_views services the JSON API answers with.

Each call is audited like the API's: a page that names children puts a line on each child's
trail, the others one line for the team.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from otvisit.sync.server.auth import Caller
from otvisit.sync.server.console.scope import audit
from otvisit.sync.server.team_views.allocation import allocate
from otvisit.sync.server.team_views.caseload import team_caseload
from otvisit.sync.server.team_views.experience import team_experience
from otvisit.sync.server.team_views.models import (
    AllocationRequest,
    AllocationResult,
    Caseload,
    Experience,
    Outcomes,
    ReferralToDecideRow,
    WaitingList,
)
from otvisit.sync.server.team_views.outcomes import team_outcomes
from otvisit.sync.server.team_views.waiting_list import referrals_to_decide, team_waiting_list


def _children_seen(session: Session, caller: Caller, what: str, child_ids: list[str]) -> None:
    for child_id in child_ids:
        audit(session, caller, "view", what, entity="child", child_id=child_id)


def caseload(session: Session, *, caller: Caller) -> Caseload:
    found = team_caseload(session, team_id=caller.team_id)
    _children_seen(session, caller, "console caseload", [c.child_id for c in found.children])
    return found


def move_children(
    session: Session, *, caller: Caller, request: AllocationRequest
) -> AllocationResult:
    """Give the chosen children to a therapist of the team (audited by the service)."""
    return allocate(session, caller=caller, request=request)


def waiting_list(session: Session, *, caller: Caller, today: date) -> WaitingList:
    found = team_waiting_list(session, team_id=caller.team_id, today=today)
    _children_seen(session, caller, "console waiting list", [c.child_id for c in found.children])
    return found


def to_decide(session: Session, *, caller: Caller) -> list[ReferralToDecideRow]:
    """Referrals waiting to be accepted or declined (an imported one among them)."""
    found = referrals_to_decide(session, team_id=caller.team_id)
    _children_seen(session, caller, "console referrals to decide", [r.child_id for r in found])
    return found


def waiting_list_for_return(session: Session, *, caller: Caller, today: date) -> WaitingList:
    """The counts behind the CSV return (no child named)."""
    audit(session, caller, "console_view", "waiting list return (CSV)")
    return team_waiting_list(session, team_id=caller.team_id, today=today)


def outcomes(session: Session, *, caller: Caller, start: date, end: date) -> Outcomes:
    audit(session, caller, "console_view", f"outcomes {start}..{end}")
    return team_outcomes(session, team_id=caller.team_id, start=start, end=end)


def experience(session: Session, *, caller: Caller) -> Experience:
    audit(session, caller, "console_view", "family experience")
    return team_experience(session, team_id=caller.team_id, start=None, end=None)
