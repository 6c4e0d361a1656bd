"""Keeping the fact tables in step with the records: called in the transaction that writes them.

Each written record's fact row is deleted and, unless the record is deleted, inserted again
from its newest fields (an upsert both SQLite and PostgreSQL run the same way). Values that
do not parse (a field a broken laptop sent before it was checked) are kept as "unknown" (None).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from otvisit.models.base import SERVICE_TIMEZONE
from otvisit.sync.server.schema import Record
from otvisit.sync.server.team_views.facts import FACT_TABLES


@dataclass(frozen=True, slots=True)
class Written:
    """A record as it stands after a write."""

    entity: str
    id: str
    team_id: str
    child_id: str | None
    fields: Mapping[str, Any]
    deleted: bool


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _moment(value: Any) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC)


def _int(value: Any, default: int | None = None) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _text(value: Any, default: str = "", limit: int = 200) -> str:
    return value[:limit] if isinstance(value, str) else default


def _id(value: Any) -> str | None:
    return value if isinstance(value, str) and len(value) <= 36 else None


def _child(w: Written) -> dict[str, Any]:
    f = w.fields
    first = _text(f.get("preferred_name")) or _text(f.get("given_name"))
    return {
        "therapist_id": _id(f.get("therapist_id")),
        "display_name": f"{first} {_text(f.get('family_name'))}".strip(),
        "nhs_number": _text(f.get("nhs_number"), limit=10),
        "setting_type": _text(f.get("setting_type"), "none", 20),
        "setting_name": _text(f.get("setting_name")),
        "written_language": _text(f.get("written_language"), "en", 40),
        "interpreter_needed": f.get("interpreter_needed") is True,
        "interpreter_language": _text(f.get("interpreter_language"), limit=40),
    }


def _episode(w: Written) -> dict[str, Any]:
    f = w.fields
    return {
        "referred_on": _day(f.get("referred_on")),
        "status": _text(f.get("status"), "referred", 20),
        "discharged_on": _day(f.get("discharged_on")),
    }


def _referral(w: Written) -> dict[str, Any]:
    f = w.fields
    return {
        "received_on": _day(f.get("received_on")),
        "priority": _text(f.get("priority"), "routine", 20),
        "status": _text(f.get("status"), "received", 20),
        "episode_id": _id(f.get("episode_id")),
    }


def _appointment(w: Written) -> dict[str, Any]:
    f = w.fields
    starts = _moment(f.get("starts_at"))
    return {
        "episode_id": _id(f.get("episode_id")),
        "status": _text(f.get("status"), "booked", 20),
        "starts_at": starts,
        "service_day": starts.astimezone(SERVICE_TIMEZONE).date() if starts else None,
        "reschedule_count": _int(f.get("reschedule_count"), 0),
    }


def _goal(w: Written) -> dict[str, Any]:
    weight = w.fields.get("gas_weight")
    if not isinstance(weight, int | float) or isinstance(weight, bool) or not weight > 0:
        weight = 1.0
    return {"episode_id": _id(w.fields.get("episode_id")), "weight": float(weight)}


def _gas_rating(w: Written) -> dict[str, Any] | None:
    f = w.fields
    goal, level = _id(f.get("goal_id")), _int(f.get("level"))
    if goal is None or level is None:
        return None
    return {"goal_id": goal, "rated_on": _day(f.get("rated_on")), "level": level}


def _copm(w: Written) -> dict[str, Any] | None:
    f = w.fields
    performance, satisfaction = (
        _int(f.get("baseline_performance")),
        _int(f.get("baseline_satisfaction")),
    )
    if performance is None or satisfaction is None:
        return None
    return {
        "baseline_performance": performance,
        "baseline_satisfaction": satisfaction,
        "reassessed_on": _day(f.get("reassessed_on")),
        "reassessed_performance": _int(f.get("reassessed_performance")),
        "reassessed_satisfaction": _int(f.get("reassessed_satisfaction")),
    }


def _survey(w: Written) -> dict[str, Any]:
    f = w.fields
    ratings = f.get("ratings")
    return {
        "received_on": _day(f.get("received_on")),
        "ratings": json.dumps(ratings if isinstance(ratings, dict) else {}),
        "comments": _text(f.get("comments"), limit=100_000),
        "language": _text(f.get("language"), "en", 40),
    }


_ROWS: dict[str, Callable[[Written], dict[str, Any] | None]] = {
    "child": _child,
    "episode": _episode,
    "referral": _referral,
    "appointment": _appointment,
    "goal": _goal,
    "gas_rating": _gas_rating,
    "copm_problem": _copm,
    "feedback_survey": _survey,
}


def fact_row(written: Written) -> dict[str, Any] | None:
    """The fact row of a record (None: nothing to keep, e.g. deleted or not a projected entity)."""
    make = _ROWS.get(written.entity)
    if make is None or written.deleted:
        return None
    values = make(written)
    if values is None:
        return None
    scope: dict[str, Any] = {"id": written.id, "team_id": written.team_id}
    if written.entity != "feedback_survey":
        child = written.id if written.entity == "child" else written.child_id
        if child is None:
            return None
        if written.entity != "child":
            scope["child_id"] = child
    return {**scope, **values}


def project(session: Session, written: Iterable[Written]) -> None:
    """Bring the facts of these records up to date, in the caller's transaction."""
    by_entity: dict[str, list[Written]] = {}
    for item in written:
        if item.entity in FACT_TABLES:
            by_entity.setdefault(item.entity, []).append(item)
    for entity, items in by_entity.items():
        table = FACT_TABLES[entity]
        ids = [item.id for item in items]
        for start in range(0, len(ids), 500):
            session.execute(delete(table).where(table.id.in_(ids[start : start + 500])))  # type: ignore[attr-defined]
        rows = [row for item in items if (row := fact_row(item)) is not None]
        for start in range(0, len(rows), 5000):
            session.execute(insert(table), rows[start : start + 5000])


def written_from_rows(rows: Iterable[Any]) -> list[Written]:
    """Records read as (entity, id, team_id, child_id, fields JSON text, deleted)."""
    return [
        Written(entity, rid, team, child, json.loads(fields), bool(deleted))
        for entity, rid, team, child, fields, deleted in rows
    ]


_COLUMNS = (
    Record.entity,
    Record.id,
    Record.team_id,
    Record.child_id,
    Record.fields,
    Record.deleted,
)


def reproject_child(session: Session, *, child_id: str) -> None:
    """Every fact of one child again (after the child moved to another team)."""
    rows = session.execute(select(*_COLUMNS).where(Record.child_id == child_id))
    project(session, written_from_rows(rows))


def reproject_all(session: Session, *, batch: int = 5000) -> int:
    """Every fact from the records (the migration that adds the tables); returns the count."""
    done = 0
    last = -1
    entities = sorted(FACT_TABLES)
    while True:
        rows = session.execute(
            select(*_COLUMNS, Record.seq)
            .where(Record.entity.in_(entities), Record.seq > last)
            .order_by(Record.seq)
            .limit(batch)
        ).all()
        if not rows:
            return done
        project(session, written_from_rows(row[:6] for row in rows))
        done += len(rows)
        last = rows[-1][6]
