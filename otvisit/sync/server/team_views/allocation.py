"""Moving children between the team's therapists: a new version of each child record, audited.

The change is written as any synced change is: a new server sequence, ``therapist_id``
stamped with that sequence (so the per-field merge treats it as newer than what laptops
hold), ``updated_by`` the team lead. Every laptop of the team receives it on its next pull;
a laptop's concurrent edit of another field of the child still merges field by field.
"""

from __future__ import annotations

import json

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from otvisit.models.base import utcnow
from otvisit.sync.protocol import OTHER_TEAM
from otvisit.sync.server.audit import write_audit
from otvisit.sync.server.auth import Caller
from otvisit.sync.server.database import SequenceLock
from otvisit.sync.server.errors import forbidden
from otvisit.sync.server.schema import Record
from otvisit.sync.server.team_views.models import AllocationRequest, AllocationResult
from otvisit.sync.server.team_views.projection import Written, project
from otvisit.sync.server.team_views.team import team_staff

_NOTHING = "Nobody was moved."


def allocate(session: Session, *, caller: Caller, request: AllocationRequest) -> AllocationResult:
    """Give the children to the therapist, all or none (403 when one is not the team's)."""
    lock = SequenceLock(session)  # first: allocations and pushes are serialised
    staff = team_staff(session, team_id=caller.team_id)
    therapist = staff.get(request.therapist_id)
    if therapist is None or therapist.disabled:
        raise forbidden(
            OTHER_TEAM, f"That therapist is not an active member of your team. {_NOTHING}"
        )
    wanted = sorted(set(request.child_ids))
    rows = session.execute(
        select(Record.id, Record.fields, Record.field_seq).where(
            Record.id.in_(wanted),
            Record.entity == "child",
            Record.team_id == caller.team_id,
            Record.deleted.is_(False),
        )
    ).all()
    if len(rows) != len(wanted):
        # The same answer whether the child is another team's, deleted or unknown.
        raise forbidden(OTHER_TEAM, f"A child named is not on your team's caseload. {_NOTHING}")
    moved: list[str] = []
    unchanged: list[str] = []
    written: list[Written] = []
    events = []
    now = utcnow()
    for child_id, fields_text, stamps_text in rows:
        fields, stamps = json.loads(fields_text), json.loads(stamps_text)
        before = fields.get("therapist_id")
        if before == therapist.id:
            unchanged.append(child_id)
            continue
        seq = lock.next()
        fields["therapist_id"] = therapist.id
        stamps["therapist_id"] = [seq, None]
        session.execute(
            update(Record)
            .where(Record.id == child_id)
            .values(
                fields=json.dumps(fields), field_seq=json.dumps(stamps), seq=seq,
                updated_at=now, updated_by=caller.full_name, updated_device=None,
            )
        )  # fmt: skip
        written.append(Written("child", child_id, caller.team_id, child_id, fields, False))
        moved.append(child_id)
        previous = staff[before].name if isinstance(before, str) and before in staff else None
        events.append(
            caller.audit(
                "allocate",
                entity="child",
                record_id=child_id,
                child_id=child_id,
                detail=f"allocated to {therapist.name} (was {previous or 'unallocated'})",
            )
        )
    project(session, written)
    write_audit(session, events=events)
    lock.save()
    return AllocationResult(
        therapist_id=therapist.id, therapist_name=therapist.name, moved=moved, unchanged=unchanged
    )
