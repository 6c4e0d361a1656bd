"""The strike-day list: every affected family exactly once, ticked with the outcome."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Appointment, DisruptionContact
from otvisit.models.base import SERVICE_TIMEZONE
from otvisit.models.vocabulary import ContactOutcome
from otvisit.services import disruption
from otvisit.services.errors import ValidationError
from tests.factories import make_appointment, make_carer, make_child, make_team

STRIKE = date(2030, 9, 17)


def _at(hour: int, day: date = STRIKE) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SERVICE_TIMEZONE)


def test_every_affected_family_is_on_the_list_exactly_once(session: Session) -> None:
    team = make_team(session)
    # Two sisters: one family (the same mother's number, typed differently on each record).
    sisters = [make_child(session, team=team, given_name=n, family_name="Haddad") for n in
               ("Amira", "Lina")]  # fmt: skip
    make_carer(session, child=sisters[0], full_name="Noor Haddad", phone="07700 900123")
    make_carer(session, child=sisters[1], full_name="Noor Haddad", phone="+44 7700 900123")
    # One child with two appointments that day.
    sam = make_child(session, team=team, given_name="Sam", spoken_language="pl",
                     interpreter_needed=True, interpreter_language="Polish")  # fmt: skip
    make_carer(session, child=sam, full_name="Ewa Nowak", phone="07700 900456")
    # A child with no carer phone: reached through the address.
    kai = make_child(session, team=team, given_name="Kai", address="3 Example Row",
                     postcode="SE5 8QT")  # fmt: skip
    for child, hour in ((sisters[0], 9), (sisters[1], 10), (sam, 11), (sam, 14), (kai, 15)):
        make_appointment(session, child=child, starts_at=_at(hour))
    make_appointment(session, child=kai, starts_at=_at(9, STRIKE + timedelta(days=1)))
    other_team_child = make_child(session, given_name="Olek")
    make_appointment(session, child=other_team_child, starts_at=_at(12))

    flagged = disruption.flag_disrupted_day(
        session, day=STRIKE, reason="Strike action", team_id=team.id
    )
    assert len(flagged) == 5
    families = disruption.build_contact_list(session, day=STRIKE, team_id=team.id)
    assert sorted(f.family_name for f in families) == ["Ewa Nowak", "Family of Kai Okafor",
                                                       "Noor Haddad"]  # fmt: skip
    children = [name for family in families for name in family.children]
    assert sorted(children) == ["Amira", "Kai", "Lina", "Sam"]  # each child once, in one family
    by_name = {f.family_name: f for f in families}
    assert by_name["Noor Haddad"].appointment_count == 2
    assert by_name["Ewa Nowak"].appointment_count == 2
    assert (by_name["Ewa Nowak"].language, by_name["Ewa Nowak"].interpreter_language) == (
        "pl", "Polish",
    )  # fmt: skip

    # Made again (another laptop, or after more flags): the same records, nobody twice.
    again = disruption.build_contact_list(session, day=STRIKE, team_id=team.id)
    assert [f.contact_id for f in again] == [f.contact_id for f in families]
    assert len(session.scalars(select(DisruptionContact)).all()) == 3


def test_ticking_a_family_records_the_outcome_and_the_count_goes_down(session: Session) -> None:
    team = make_team(session)
    child = make_child(session, team=team)
    make_carer(session, child=child, phone="07700 900789")
    appointment = make_appointment(session, child=child, starts_at=_at(10))
    disruption.flag_disrupted_day(session, day=STRIKE, reason="Strike action", team_id=team.id)
    (family,) = disruption.build_contact_list(session, day=STRIKE, team_id=team.id)
    today = STRIKE - timedelta(days=3)
    assert disruption.families_not_contacted(session, team_id=team.id, today=today) == 1

    disruption.record_family_contact(
        session, contact_id=family.contact_id, outcome=ContactOutcome.NO_ANSWER, today=today
    )
    assert disruption.families_not_contacted(session, team_id=team.id, today=today) == 1
    with pytest.raises(ValidationError, match="rebooked"):
        disruption.record_family_contact(
            session, contact_id=family.contact_id, outcome="emailed", today=today
        )
    disruption.record_family_contact(
        session, contact_id=family.contact_id, outcome=ContactOutcome.REBOOKED,
        note="Moved to 24 Sept, 10:00", actor_id="t", today=today,
    )  # fmt: skip
    (ticked,) = disruption.contact_list(session, day=STRIKE, team_id=team.id)
    assert ticked.contacted and ticked.outcome is ContactOutcome.REBOOKED
    assert disruption.families_not_contacted(session, team_id=team.id, today=today) == 0
    assert session.get(Appointment, appointment.id).family_contacted  # type: ignore[union-attr]
