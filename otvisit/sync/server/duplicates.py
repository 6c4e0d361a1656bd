"""Children registered twice (the same NHS number, e.g. offline on two laptops), for a team lead.

The server never merges them by itself: both records and their notes stay, and the team lead
sees the pairs (``GET /api/v1/duplicates``, ``otvisit-server admin list-duplicates``) to merge.
"""

from __future__ import annotations

import json
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.sync.protocol import DuplicateChild, DuplicateGroup
from otvisit.sync.server.schema import Record


def duplicate_children(session: Session, *, team_id: str | None = None) -> list[DuplicateGroup]:
    """Live children sharing an NHS number within one team (every team when ``team_id`` is None)."""
    query = select(Record.id, Record.team_id, Record.fields, Record.created_at, Record.seq).where(
        Record.entity == "child", Record.deleted.is_(False)
    )
    if team_id is not None:
        query = query.where(Record.team_id == team_id)
    groups: dict[tuple[str, str], list[DuplicateChild]] = defaultdict(list)
    for record_id, team, fields_json, created_at, _seq in session.execute(
        query.order_by(Record.seq)
    ):
        fields = json.loads(fields_json)
        number = fields.get("nhs_number")
        if not isinstance(number, str) or not number:
            continue
        groups[(team, number)].append(
            DuplicateChild(
                child_id=record_id,
                given_name=str(fields.get("given_name", "")),
                family_name=str(fields.get("family_name", "")),
                date_of_birth=str(fields.get("date_of_birth", "")),
                created_at=created_at,
            )
        )
    return [
        DuplicateGroup(team_id=team, nhs_number=number, children=children)
        for (team, number), children in sorted(groups.items())
        if len(children) > 1
    ]
