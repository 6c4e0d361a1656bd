"""Session notes: drafts saved often, signed once, never edited after; addenda by the author."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Child, Goal, NoteAddendum, SessionNote, Therapist, new_id, utcnow
from otvisit.models.vocabulary import Place
from otvisit.services.audit import record_change
from otvisit.services.errors import RuleRefused, ValidationError
from otvisit.services.records import check_date, get_live, optional_text, required_text

ATTENDEE_ROLES = frozenset(
    {
        "child",
        "parent",
        "carer",
        "sibling",
        "teacher",
        "teaching_assistant",
        "nursery_staff",
        "senco",
        "interpreter",
        "student",
        "other",
    }
)
_SIGNED = (
    "This note was signed on {at:%d %B %Y at %H:%M} and is part of the clinical record: "
    "it cannot be changed. Add an addendum instead."
)


class _Unset:
    """Marks a draft field the caller did not send (None can be a real value elsewhere)."""


UNSET: Any = _Unset()


def _attendees(value: object) -> list[dict[str, str]]:
    if not isinstance(value, list | tuple):
        raise ValidationError("Who was present must be a list")
    cleaned: list[dict[str, str]] = []
    for person in value:
        if not isinstance(person, dict):
            raise ValidationError("Each person present needs a role and a name")
        role = person.get("role")
        if role not in ATTENDEE_ROLES:
            raise ValidationError(
                f"The role {role!r} is not known; choose from {', '.join(sorted(ATTENDEE_ROLES))}"
            )
        entry = {
            "role": str(role),
            "name": optional_text(person.get("name", ""), what="the name", max_length=200),
        }
        # A draft may name the interpreter before the language: signing asks for it.
        language = optional_text(person.get("language", ""), what="the language", max_length=40)
        if language:
            entry["language"] = language
        cleaned.append(entry)
    return cleaned


def _slugs(value: object) -> list[str]:
    if not isinstance(value, list | tuple) or not all(
        isinstance(s, str) and s.strip() for s in value
    ):
        raise ValidationError("Strategies given must be a list of strategy names")
    return list(dict.fromkeys(s.strip() for s in value))


def _goal_ids(session: Session, child_id: str, value: object) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(g, str) for g in value):
        raise ValidationError("Goals addressed must be a list of goals")
    ids = list(dict.fromkeys(value))
    if ids:
        found = set(
            session.scalars(
                select(Goal.id).where(
                    Goal.id.in_(ids), Goal.child_id == child_id, Goal.deleted.is_(False)
                )
            )
        )
        if len(found) != len(ids):
            raise ValidationError("A goal addressed is not one of this child's goals")
    return ids


def _draft_values(session: Session, child_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "seen_on" in fields:
        values["seen_on"] = check_date(fields["seen_on"], what="the date of the session")
    if "place" in fields:
        try:
            values["place"] = Place(fields["place"])
        except ValueError:
            raise ValidationError(
                "The place must be home, nursery, school, clinic or virtual"
            ) from None
    if "attendees" in fields:
        values["attendees"] = _attendees(fields["attendees"])
    if "interpreter_language" in fields:
        values["interpreter_language"] = optional_text(
            fields["interpreter_language"], what="the interpreter language", max_length=40
        )
    if "goals_addressed" in fields:
        values["goals_addressed"] = _goal_ids(session, child_id, fields["goals_addressed"])
    if "strategies_given" in fields:
        values["strategies_given"] = _slugs(fields["strategies_given"])
    for name in ("body", "plan"):
        if name in fields:
            # Drafts keep the therapist's spacing; only signing needs real content.
            if not isinstance(fields[name], str):
                raise ValidationError(f"The {name} of the note must be text")
            values[name] = fields[name]
    return values


def create_note(
    session: Session,
    *,
    child_id: str,
    author_id: str,
    seen_on: date,
    place: Place,
    appointment_id: str | None = None,
    episode_id: str | None = None,
    attendees: Sequence[dict[str, str]] = (),
    interpreter_language: str = "",
    goals_addressed: Sequence[str] = (),
    strategies_given: Sequence[str] = (),
    body: str = "",
    plan: str = "",
) -> str:
    """A new draft note for a session with the child; returns its id."""
    get_live(session, Child, child_id, what="child")
    get_live(session, Therapist, author_id, what="therapist")
    values = _draft_values(
        session,
        child_id,
        {
            "seen_on": seen_on,
            "place": place,
            "attendees": list(attendees),
            "interpreter_language": interpreter_language,
            "goals_addressed": list(goals_addressed),
            "strategies_given": list(strategies_given),
            "body": body,
            "plan": plan,
        },
    )
    note = SessionNote(
        id=new_id(),
        child_id=child_id,
        author_id=author_id,
        appointment_id=appointment_id,
        episode_id=episode_id,
        **values,
    )
    session.add(note)
    record_change(session, actor_id=author_id, record=note, created=True)
    return note.id


def _editable(session: Session, note_id: str, actor_id: str) -> SessionNote:
    note = get_live(session, SessionNote, note_id, what="session note")
    if note.signed_at is not None:
        raise RuleRefused(_SIGNED.format(at=note.signed_at))
    if note.author_id != actor_id:
        raise RuleRefused("Only the therapist who wrote this draft can change it")
    return note


def save_draft(
    session: Session,
    *,
    note_id: str,
    actor_id: str,
    seen_on: date = UNSET,
    place: Place = UNSET,
    attendees: Sequence[dict[str, str]] = UNSET,
    interpreter_language: str = UNSET,
    goals_addressed: Sequence[str] = UNSET,
    strategies_given: Sequence[str] = UNSET,
    body: str = UNSET,
    plan: str = UNSET,
) -> list[str]:
    """Save the fields given; returns the names that really changed.

    Called every few seconds by the editor: unchanged fields are not written,
    so a repeated save costs a primary-key read and adds nothing to the outbox.
    """
    note = _editable(session, note_id, actor_id)
    given = {
        name: value
        for name, value in (
            ("seen_on", seen_on),
            ("place", place),
            ("attendees", attendees),
            ("interpreter_language", interpreter_language),
            ("goals_addressed", goals_addressed),
            ("strategies_given", strategies_given),
            ("body", body),
            ("plan", plan),
        )
        if value is not UNSET
    }
    values = _draft_values(session, note.child_id, given)
    changed = [name for name, value in values.items() if getattr(note, name) != value]
    for name in changed:
        setattr(note, name, values[name])
    if changed:
        record_change(session, actor_id=actor_id, record=note, detail=", ".join(changed))
    return changed


def sign_note(
    session: Session, *, note_id: str, actor_id: str, now: datetime | None = None
) -> datetime:
    """Sign the note as its author: from now on it is part of the record and cannot change."""
    note = _editable(session, note_id, actor_id)
    if not note.body.strip():
        raise ValidationError("An empty note cannot be signed: write what was done first")
    if any(
        person.get("role") == "interpreter" and not person.get("language")
        for person in note.attendees or ()
    ):
        raise ValidationError("Please say which language the interpreter spoke")
    note.signed_at = now or utcnow()
    note.signed_by_id = actor_id
    record_change(session, actor_id=actor_id, record=note, detail="signed")
    return note.signed_at


def delete_draft_note(session: Session, *, note_id: str, actor_id: str) -> None:
    """Throw away a draft (a tombstone that syncs). Signed notes are never deleted."""
    note = _editable(session, note_id, actor_id)
    note.deleted = True
    record_change(session, actor_id=actor_id, record=note, deleted=True)


def add_addendum(
    session: Session, *, note_id: str, author_id: str, text: str, now: datetime | None = None
) -> str:
    """A dated addition or correction to a signed note, by the note's author only."""
    note = get_live(session, SessionNote, note_id, what="session note")
    if note.signed_at is None:
        raise RuleRefused("This note is still a draft: change it directly, then sign it")
    if note.author_id != author_id:
        raise RuleRefused(
            "Only the therapist who wrote and signed this note can add an addendum to it"
        )
    addendum = NoteAddendum(
        id=new_id(),
        child_id=note.child_id,
        note_id=note.id,
        author_id=author_id,
        written_at=now or utcnow(),
        text=required_text(text, what="the text of the addendum"),
    )
    session.add(addendum)
    record_change(session, actor_id=author_id, record=addendum, created=True)
    return addendum.id


def note_addenda(session: Session, *, note_id: str) -> list[tuple[datetime, str, str]]:
    """The note's addenda as (written at, author id, text), oldest first."""
    rows = session.scalars(
        select(NoteAddendum)
        .where(NoteAddendum.note_id == note_id, NoteAddendum.deleted.is_(False))
        .order_by(NoteAddendum.written_at)
    )
    return [(row.written_at, row.author_id, row.text) for row in rows]
