"""A child's home programme: strategies from the team's library, in order, tied to goals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Child, Goal, HomeProgramme, ProgrammeStrategy, new_id
from otvisit.services.audit import record_change
from otvisit.services.errors import ValidationError
from otvisit.services.notes import UNSET
from otvisit.services.records import check_date, get_live, optional_text
from otvisit.services.strategy_library import team_strategy_slugs


def create_home_programme(
    session: Session,
    *,
    child_id: str,
    started_on: date,
    title: str = "Things to try at home",
    this_week: str = "",
    review_on: date | None = None,
    actor_id: str | None = None,
) -> str:
    """A new, empty programme for the child; returns its id."""
    get_live(session, Child, child_id, what="child")
    on = check_date(started_on, what="the start date")
    if review_on is not None and check_date(review_on, what="the review date") < on:
        raise ValidationError("The review date cannot be before the programme starts")
    programme = HomeProgramme(
        id=new_id(),
        child_id=child_id,
        started_on=on,
        title=optional_text(title, what="the title", max_length=200) or "Things to try at home",
        this_week=optional_text(this_week, what="this week's plan"),
        review_on=review_on,
    )
    session.add(programme)
    record_change(session, actor_id=actor_id, record=programme, created=True)
    return programme.id


def update_programme(
    session: Session,
    *,
    programme_id: str,
    this_week: str = UNSET,
    review_on: date | None = UNSET,
    actor_id: str | None = None,
) -> list[str]:
    """Change what the family agreed to try this week and/or the review date (None clears it).

    Only the arguments given are changed; every value is checked before any is
    written. Returns the names of the fields that changed.
    """
    programme = get_live(session, HomeProgramme, programme_id, what="home programme")
    values: dict[str, object] = {}
    if this_week is not UNSET:
        values["this_week"] = optional_text(this_week, what="this week's plan")
    if review_on is not UNSET:
        if review_on is not None:
            check_date(review_on, what="the review date")
            if review_on < programme.started_on:
                raise ValidationError("The review date cannot be before the programme starts")
        values["review_on"] = review_on
    changed = sorted(name for name, value in values.items() if getattr(programme, name) != value)
    for name in changed:
        setattr(programme, name, values[name])
    if changed:
        record_change(session, actor_id=actor_id, record=programme, detail=", ".join(changed))
    return changed


def programme_entries(session: Session, *, programme_id: str) -> list[ProgrammeStrategy]:
    """The live strategies of a programme in their printed order."""
    return list(
        session.scalars(
            select(ProgrammeStrategy)
            .where(
                ProgrammeStrategy.programme_id == programme_id, ProgrammeStrategy.deleted.is_(False)
            )
            .order_by(ProgrammeStrategy.position, ProgrammeStrategy.created_at)
        )
    )


def add_programme_strategy(
    session: Session,
    *,
    programme_id: str,
    strategy_slug: str,
    goal_id: str | None = None,
    how_often: str = "",
    personal_note: str = "",
    actor_id: str | None = None,
) -> str:
    """Add a library strategy at the end of the programme; returns the entry's id."""
    programme = get_live(session, HomeProgramme, programme_id, what="home programme")
    child = get_live(session, Child, programme.child_id, what="child")
    if strategy_slug not in team_strategy_slugs(session, team_id=child.team_id):
        raise ValidationError(f"The strategy {strategy_slug!r} is not in the team's library")
    entries = programme_entries(session, programme_id=programme_id)
    if any(entry.strategy_slug == strategy_slug for entry in entries):
        raise ValidationError("This strategy is already in the programme")
    if goal_id is not None:
        goal = get_live(session, Goal, goal_id, what="goal")
        if goal.child_id != programme.child_id:
            raise ValidationError("That goal belongs to another child")
    entry = ProgrammeStrategy(
        id=new_id(),
        child_id=programme.child_id,
        programme_id=programme.id,
        strategy_slug=strategy_slug,
        goal_id=goal_id,
        position=len(entries),
        how_often=optional_text(how_often, what="how often", max_length=200),
        personal_note=optional_text(personal_note, what="the note for the family"),
    )
    session.add(entry)
    record_change(session, actor_id=actor_id, record=entry, created=True)
    return entry.id


def _renumber(session: Session, entries: Sequence[ProgrammeStrategy], actor_id: str | None) -> None:
    for position, entry in enumerate(entries):
        if entry.position != position:
            entry.position = position
            record_change(session, actor_id=actor_id, record=entry, detail=f"position {position}")


def remove_programme_strategy(
    session: Session, *, entry_id: str, actor_id: str | None = None
) -> None:
    """Take a strategy out of the programme (a tombstone) and close the gap."""
    entry = get_live(session, ProgrammeStrategy, entry_id, what="programme strategy")
    entry.deleted = True
    record_change(session, actor_id=actor_id, record=entry, deleted=True)
    remaining = [
        e for e in programme_entries(session, programme_id=entry.programme_id) if e.id != entry.id
    ]
    _renumber(session, remaining, actor_id)


def reorder_programme(
    session: Session, *, programme_id: str, entry_ids: Sequence[str], actor_id: str | None = None
) -> None:
    """Put the programme's strategies in the given order (every entry exactly once)."""
    get_live(session, HomeProgramme, programme_id, what="home programme")
    entries = {entry.id: entry for entry in programme_entries(session, programme_id=programme_id)}
    if len(entry_ids) != len(set(entry_ids)) or set(entry_ids) != set(entries):
        raise ValidationError("The new order must list each strategy of the programme once")
    _renumber(session, [entries[entry_id] for entry_id in entry_ids], actor_id)
