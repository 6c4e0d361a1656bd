"""Creating and changing a child: every field checked, duplicates refused, nothing half-written."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import AuditEvent, Child, OutboxOp, Team
from otvisit.models.store import Store
from otvisit.models.vocabulary import AuditAction
from otvisit.services import children
from otvisit.services.errors import NotFound, ValidationError
from tests.factories import TODAY, make_carer, make_child, make_team, make_therapist
from tests.services.conftest import Refusal


def test_a_valid_child_is_stored_with_a_bare_nhs_number_and_audited(session: Session) -> None:
    team = make_team(session)
    child_id = children.create_child(
        session,
        team_id=team.id,
        given_name="  Amira ",
        family_name="Hussain",
        date_of_birth=date(2020, 5, 14),
        nhs_number="943 476 5919",
        interpreter_needed=True,
        interpreter_language="Arabic",
        access_needs=["large_print"],
        actor_id="someone",
        today=TODAY,
    )
    session.flush()
    child = session.get(Child, child_id)
    assert child is not None
    assert (child.given_name, child.nhs_number) == ("Amira", "9434765919")
    assert child.interpreter_language == "Arabic"
    ops = session.scalars(select(OutboxOp).where(OutboxOp.record_id == child_id)).all()
    assert [op.kind for op in ops] == ["upsert"]
    audit = session.scalars(select(AuditEvent).where(AuditEvent.record_id == child_id)).one()
    assert (audit.action, audit.actor_id, audit.child_id) == (
        AuditAction.CREATE,
        "someone",
        child_id,
    )
    summary = children.summarise_child(session, child_id=child_id)
    assert (summary.nhs_number, summary.interpreter_language) == ("943 476 5919", "Arabic")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"nhs_number": "943 476 5918"}, "check digit is wrong"),
        ({"nhs_number": "12345"}, "must have 10 digits"),
        ({"date_of_birth": date(2026, 11, 25)}, "cannot be in the future"),
        ({"date_of_birth": date(1990, 1, 1)}, "please check it"),
        ({"given_name": "   "}, "first name"),
        ({"family_name": ""}, "family name"),
        ({"interpreter_needed": True}, "which language the interpreter"),
        ({"access_needs": ["glitter"]}, "Unknown access need"),
        ({"setting_type": "university"}, "nursery, school or none"),
        ({"setting_type": "school", "setting_name": ""}, "name of the nursery or school"),
        ({"postcode": "X" * 11}, "too long"),
        ({"favourite_colour": "blue"}, "has no detail called"),
    ],
)
def test_invalid_children_are_refused_and_nothing_is_written(
    store: Store, refused: Refusal, overrides: dict[str, object], message: str
) -> None:
    with store.transaction() as session:
        team = make_team(session)
    values: dict[str, object] = {
        "given_name": "Sam",
        "family_name": "Okafor",
        "date_of_birth": date(2019, 3, 1),
        "nhs_number": "9434765919",
        "today": TODAY,
    }
    error = refused(
        lambda s: children.create_child(s, team_id=team.id, **{**values, **overrides}),  # type: ignore[arg-type]
        ValidationError,
        message,
    )
    assert str(error)[0].isupper()  # a sentence a therapist can read


def test_a_duplicate_nhs_number_in_the_team_is_refused(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        first = make_child(session, nhs_number="9434765919", given_name="Sam")
        team_id = first.team_id
    refused(
        lambda s: children.create_child(
            s,
            team_id=team_id,
            given_name="Samuel",
            family_name="Okafor",
            date_of_birth=date(2019, 3, 1),
            nhs_number="943-476-5919",
            today=TODAY,
        ),
        ValidationError,
        "Sam Okafor already has the NHS number 943 476 5919",
    )


def test_the_same_nhs_number_in_another_team_is_allowed(session: Session) -> None:
    make_child(session, nhs_number="9434765919")
    other = make_child(session, nhs_number="9434765919", team=make_team(session, name="North"))
    assert other.nhs_number == "9434765919"


def test_a_tombstoned_child_does_not_block_its_nhs_number(session: Session) -> None:
    gone = make_child(session, nhs_number="9434765919")
    gone.deleted = True
    again = make_child(session, nhs_number="9434765919", team=session.get(Team, gone.team_id))
    assert again.id != gone.id


def test_update_changes_only_what_differs_and_checks_the_whole_record(session: Session) -> None:
    child = make_child(session)
    changed = children.update_child(
        session,
        child_id=child.id,
        changes={"postcode": "SE1 7EH", "given_name": "Sam"},
        today=TODAY,
    )
    assert changed == ["postcode"]
    with pytest.raises(ValidationError, match="which language the interpreter"):
        children.update_child(session, child_id=child.id, changes={"interpreter_needed": True})
    assert child.interpreter_needed is False
    assert children.update_child(session, child_id=child.id, changes={"postcode": "SE1 7EH"}) == []


def test_update_refused_writes_nothing(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        child = make_child(session)
        other = make_child(session, team=session.get(Team, child.team_id))
    refused(
        lambda s: children.update_child(
            s, child_id=other.id, changes={"postcode": "N1", "nhs_number": child.nhs_number}
        ),
        ValidationError,
        "already has the NHS number",
    )


def test_turning_the_interpreter_off_clears_its_language(session: Session) -> None:
    child = make_child(session, interpreter_needed=True, interpreter_language="Somali")
    children.update_child(session, child_id=child.id, changes={"interpreter_needed": False})
    assert child.interpreter_language == ""


def test_a_therapist_from_another_team_cannot_hold_the_child(
    store: Store, refused: Refusal
) -> None:
    with store.transaction() as session:
        child = make_child(session)
        outsider = make_therapist(session, team=make_team(session, name="North"))
    refused(
        lambda s: children.update_child(
            s, child_id=child.id, changes={"therapist_id": outsider.id}
        ),
        ValidationError,
        "not a member of this child's team",
    )


def test_carers_need_a_name_and_a_real_child(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        child = make_child(session)
    refused(
        lambda s: children.add_carer(s, child_id=child.id, full_name=" "),
        ValidationError,
        "carer's name",
    )
    refused(lambda s: children.add_carer(s, child_id="nope", full_name="Ann"), NotFound, "child")
    refused(
        lambda s: children.add_carer(s, child_id=child.id, full_name="Ann", phone="call me"),
        ValidationError,
        "digits",
    )


def test_removing_a_carer_is_a_tombstone(session: Session) -> None:
    carer = make_carer(session)
    children.remove_carer(session, carer_id=carer.id, actor_id="t")
    session.flush()
    assert carer.deleted is True
    kinds = session.scalars(select(OutboxOp.kind).where(OutboxOp.record_id == carer.id)).all()
    assert kinds == ["upsert", "delete"]
    with pytest.raises(NotFound):
        children.remove_carer(session, carer_id=carer.id)
