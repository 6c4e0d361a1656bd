"""The team's caseload: every child with their therapist, setting and episode status."""

from __future__ import annotations

from sqlalchemy.orm import Session

from otvisit.sync.server.team_views.models import Caseload, CaseloadChild, TeamTherapist
from otvisit.sync.server.team_views.team import (
    newest_episodes,
    team_children,
    team_staff,
    therapist_name,
)


def team_caseload(session: Session, *, team_id: str) -> Caseload:
    """Children ordered by therapist, then name; therapists with how many children each holds."""
    children = team_children(session, team_id=team_id)
    staff = team_staff(session, team_id=team_id)
    episodes = newest_episodes(session, team_id=team_id)
    rows = [
        CaseloadChild(
            child_id=child.id,
            name=child.name,
            nhs_number=child.nhs_number,
            therapist_id=child.therapist_id,
            therapist_name=therapist_name(staff, child.therapist_id),
            setting_type=child.setting_type,
            setting_name=child.setting_name,
            episode_status=episodes.get(child.id, "none"),
        )
        for child in children.values()
    ]
    rows.sort(key=lambda r: (r.therapist_name, r.name, r.child_id))
    held: dict[str, int] = {}
    for child in children.values():
        if child.therapist_id:
            held[child.therapist_id] = held.get(child.therapist_id, 0) + 1
    therapists = [
        TeamTherapist(therapist_id=s.id, name=s.name, role=s.role, children=held.get(s.id, 0))
        for s in staff.values()
        if not s.disabled
    ]
    return Caseload(team_id=team_id, children=rows, therapists=therapists)
