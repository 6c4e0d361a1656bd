"""Sync conflicts the server stored: both versions, newest first (open ones first)."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.sync.server.auth import Caller
from otvisit.sync.server.console.models import ConflictView
from otvisit.sync.server.console.scope import audit, require_lead
from otvisit.sync.server.schema import Conflict


def _shown(stored: str) -> str:
    """A stored side (JSON text) as the lead reads it: text as it is, anything else as JSON."""
    try:
        value = json.loads(stored)
    except ValueError:
        return stored
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=1)


def list_conflicts(session: Session, *, caller: Caller, limit: int = 200) -> list[ConflictView]:
    require_lead(caller)
    rows = session.execute(
        select(Conflict)
        .where(Conflict.team_id == caller.team_id)
        .order_by(Conflict.created_at.desc(), Conflict.id)
        .limit(limit)
    ).scalars()
    views = [
        ConflictView(
            conflict_id=c.id, entity=c.entity, record_id=c.record_id, child_id=c.child_id,
            field=c.field, kind=c.kind, kept=_shown(c.theirs), kept_by=c.theirs_by,
            set_aside=_shown(c.mine), set_aside_by=c.mine_by, created_at=c.created_at,
        )
        for c in rows
    ]  # fmt: skip
    views.sort(key=lambda v: v.resolved_by is not None)  # stable: open ones first, newest first
    audit(session, caller, "console_view", "sync conflicts")
    return views
