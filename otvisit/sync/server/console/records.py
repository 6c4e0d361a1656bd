"""Changing fields of a synced record from the server, so every laptop receives the new version."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from otvisit.models.base import utcnow
from otvisit.sync.server.database import SequenceLock
from otvisit.sync.server.schema import Record


def update_fields(
    session: Session, *, entity: str, record_id: str, team_id: str, given: dict[str, Any]
) -> bool:
    """Set ``given`` on the record at a new change sequence; False when the team has none."""
    lock = SequenceLock(session)
    row = session.execute(
        select(Record.fields, Record.field_seq).where(
            Record.id == record_id, Record.entity == entity, Record.team_id == team_id
        )
    ).first()
    if row is None:
        return False
    seq = lock.next()
    fields = {**json.loads(row.fields), **given}
    stamps = {**json.loads(row.field_seq), **{name: [seq, None] for name in given}}
    session.execute(
        update(Record)
        .where(Record.id == record_id)
        .values(
            fields=json.dumps(fields), field_seq=json.dumps(stamps), seq=seq,
            updated_at=utcnow(), updated_by="team console",
        )
    )  # fmt: skip
    lock.save()
    return True
