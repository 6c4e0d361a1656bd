"""Session notes: cheap idempotent drafts, signing, immutability, and addenda by the author."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from otvisit.models import Child, SessionNote, Team
from otvisit.models.store import Store
from otvisit.models.vocabulary import Place
from otvisit.services import notes
from otvisit.services.errors import RuleRefused, ValidationError
from tests.factories import (
    NOW,
    make_addendum,
    make_child,
    make_goal,
    make_note,
    make_therapist,
    outbox_ops,
)
from tests.services.conftest import Refusal


def test_repeated_autosaves_of_the_same_text_write_nothing_new(session: Session) -> None:
    note = make_note(session)
    before = len(outbox_ops(session, note))
    assert notes.save_draft(
        session, note_id=note.id, actor_id=note.author_id, body="Tried the coat flip."
    ) == ["body"]
    after_first = len(outbox_ops(session, note))
    for _ in range(3):
        assert (
            notes.save_draft(
                session,
                note_id=note.id,
                actor_id=note.author_id,
                body="Tried the coat flip.",
                plan=note.plan,
            )
            == []
        )
    assert after_first == before + 1
    assert len(outbox_ops(session, note)) == after_first
    assert outbox_ops(session, note)[-1].changes == {"body": "Tried the coat flip."}


def test_drafts_check_attendees_goals_and_strategies(session: Session) -> None:
    child = make_child(session)
    goal = make_goal(session, child=child)
    other_goal = make_goal(session)
    note = make_note(session, child=child)
    notes.save_draft(
        session,
        note_id=note.id,
        actor_id=note.author_id,
        attendees=[{"role": "interpreter", "name": "Mr Rahman", "language": "Bengali"}],
        goals_addressed=[goal.id, goal.id],
        strategies_given=["dressing-coat-flip"],
    )
    assert note.goals_addressed == [goal.id]
    assert note.attendees == [{"role": "interpreter", "name": "Mr Rahman", "language": "Bengali"}]
    for fields, message in [
        (
            {"attendees": [{"role": "uncle-in-law", "name": "X"}]},
            "role 'uncle-in-law' is not known",
        ),
        ({"goals_addressed": [other_goal.id]}, "not one of this child's goals"),
        ({"strategies_given": [""]}, "list of strategy names"),
        ({"place": "moon"}, "place must be"),
    ]:
        with pytest.raises(ValidationError, match=message):
            notes.save_draft(session, note_id=note.id, actor_id=note.author_id, **fields)  # type: ignore[arg-type]


def test_the_interpreter_language_is_asked_for_when_signing_not_while_drafting(
    session: Session,
) -> None:
    note = make_note(session, body="Practised buttons.")
    unnamed = [{"role": "interpreter", "name": "Mr Rahman"}]
    notes.save_draft(session, note_id=note.id, actor_id=note.author_id, attendees=unnamed)
    with pytest.raises(ValidationError, match="which language the interpreter spoke"):
        notes.sign_note(session, note_id=note.id, actor_id=note.author_id)
    assert note.signed_at is None
    named = [{**unnamed[0], "language": "Bengali"}]
    notes.save_draft(session, note_id=note.id, actor_id=note.author_id, attendees=named)
    notes.sign_note(session, note_id=note.id, actor_id=note.author_id)
    assert note.signed_at is not None


def test_only_the_author_edits_a_draft(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        note = make_note(session)
        colleague = make_therapist(session, team=_team_of(session, note), full_name="Ben")
    refused(
        lambda s: notes.save_draft(s, note_id=note.id, actor_id=colleague.id, body="Mine now"),
        RuleRefused,
        "Only the therapist who wrote this draft",
    )


def _team_of(session: Session, note: SessionNote) -> Team:
    child = session.get(Child, note.child_id)
    assert child is not None
    team = session.get(Team, child.team_id)
    assert team is not None
    return team


def test_an_empty_note_cannot_be_signed(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        note = make_note(session, body="   ")
    refused(
        lambda s: notes.sign_note(s, note_id=note.id, actor_id=note.author_id),
        ValidationError,
        "empty note cannot be signed",
    )


def test_signing_sets_who_and_when(session: Session) -> None:
    note = make_note(session)
    assert notes.sign_note(session, note_id=note.id, actor_id=note.author_id, now=NOW) == NOW
    assert (note.signed_at, note.signed_by_id) == (NOW, note.author_id)


def test_a_signed_note_can_never_be_edited_signed_again_or_deleted(
    store: Store, refused: Refusal
) -> None:
    with store.transaction() as session:
        note = make_note(session, signed=True)
    for action in (
        lambda s: notes.save_draft(s, note_id=note.id, actor_id=note.author_id, body="Changed"),
        lambda s: notes.save_draft(s, note_id=note.id, actor_id=note.author_id, plan="New plan"),
        lambda s: notes.sign_note(s, note_id=note.id, actor_id=note.author_id),
        lambda s: notes.delete_draft_note(s, note_id=note.id, actor_id=note.author_id),
    ):
        error = refused(action, RuleRefused, "cannot be changed")
        assert "Add an addendum instead" in str(error)
    with store.read_session() as session:
        kept = session.get(SessionNote, note.id)
        assert kept is not None and not kept.deleted and kept.body.startswith("Practised")


def test_addenda_are_added_by_the_author_and_listed_in_order(session: Session) -> None:
    note = make_note(session, signed=True)
    make_addendum(session, note=note, text="Mother phoned: the coat flip works.")
    notes.add_addendum(
        session,
        note_id=note.id,
        author_id=note.author_id,
        text="Correction: it was Tuesday.",
        now=NOW + timedelta(hours=2),
    )
    listed = notes.note_addenda(session, note_id=note.id)
    assert [text for _, _, text in listed] == [
        "Mother phoned: the coat flip works.",
        "Correction: it was Tuesday.",
    ]
    assert note.body.startswith("Practised")  # the note itself is untouched


def test_addenda_refusals_write_nothing(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        signed = make_note(session, signed=True)
        draft = make_note(session)
        colleague = make_therapist(session, team=_team_of(session, signed), full_name="Ben")
    refused(
        lambda s: notes.add_addendum(
            s, note_id=signed.id, author_id=colleague.id, text="I disagree"
        ),
        RuleRefused,
        "Only the therapist who wrote and signed",
    )
    refused(
        lambda s: notes.add_addendum(s, note_id=draft.id, author_id=draft.author_id, text="x"),
        RuleRefused,
        "still a draft",
    )
    refused(
        lambda s: notes.add_addendum(s, note_id=signed.id, author_id=signed.author_id, text=" "),
        ValidationError,
        "text of the addendum",
    )


def test_a_draft_can_be_thrown_away_as_a_tombstone(session: Session) -> None:
    note = make_note(session)
    notes.delete_draft_note(session, note_id=note.id, actor_id=note.author_id)
    assert note.deleted
    assert [op.kind for op in outbox_ops(session, note)] == ["upsert", "delete"]


def test_creating_a_note_checks_the_place(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        note = make_note(session)
    refused(
        lambda s: notes.create_note(
            s,
            child_id=note.child_id,
            author_id=note.author_id,
            seen_on=note.seen_on,
            place="pub",  # type: ignore[arg-type]
        ),
        ValidationError,
        "place must be",
    )
    assert note.place == Place.HOME
