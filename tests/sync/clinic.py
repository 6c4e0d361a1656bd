"""Small clinical records made on a test laptop: a child with a session note."""

from __future__ import annotations

from datetime import date

from otvisit.models import Child, SessionNote
from otvisit.models.vocabulary import Place
from otvisit.sync.client import settings
from otvisit.sync.protocol import SignedInUser
from tests.sync.laptop import Laptop


def child_with_note(laptop: Laptop, *, team_id: str, body: str) -> tuple[str, str]:
    """A child and one unsigned session note by the laptop's user; returns (child id, note id)."""
    with laptop.store.transaction() as session:
        author = SignedInUser.model_validate_json(
            settings.get_setting(session, settings.USER)
        ).therapist_id
        child = Child(
            team_id=team_id, given_name="Amara", family_name="Okafor",
            date_of_birth=date(2019, 3, 1), nhs_number="9434765919",
        )  # fmt: skip
        session.add(child)
        session.flush()
        note = SessionNote(
            child_id=child.id, author_id=author, seen_on=date(2026, 11, 20), place=Place.SCHOOL,
            body=body,
        )  # fmt: skip
        session.add(note)
        session.flush()
        return child.id, note.id


def write_note(laptop: Laptop, note_id: str, body: str) -> None:
    with laptop.store.transaction() as session:
        note = session.get(SessionNote, note_id)
        assert note is not None
        note.body = body


def note_body(laptop: Laptop, note_id: str) -> str:
    note = laptop.get(SessionNote, note_id)
    assert note is not None
    return str(note.body)
