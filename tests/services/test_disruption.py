"""Strike days: flag a day's appointments in bulk and list the families to phone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from otvisit.models import Appointment
from otvisit.models.store import Store
from otvisit.services import appointments, disruption
from otvisit.services.errors import ValidationError
from tests.factories import (
    make_appointment,
    make_carer,
    make_child,
    make_team,
    make_therapist,
)
from tests.services.conftest import Refusal

STRIKE_DAY = date(2026, 12, 3)


def _at(hour: int, day: date = STRIKE_DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def test_flagging_a_day_lists_the_families_with_what_the_phone_call_needs(session: Session) -> None:
    team = make_team(session)
    child = make_child(
        session,
        team=team,
        given_name="Amina",
        family_name="Abdi",
        interpreter_needed=True,
        interpreter_language="Somali",
    )
    make_carer(session, child=child, full_name="Hodan Abdi", phone="07700 900456")
    make_carer(session, child=child, full_name="Ali Abdi", phone="07700 900789", main_contact=False)
    morning = make_appointment(session, child=child, starts_at=_at(9))
    other_day = make_appointment(session, child=child, starts_at=_at(9, date(2026, 12, 4)))
    flagged = disruption.flag_disrupted_day(session, day=STRIKE_DAY, reason="Strike action")
    assert flagged == [morning.id]
    assert other_day.disrupted is False
    [family] = disruption.families_to_contact(session, day=STRIKE_DAY)
    assert (family.child_name, family.interpreter_language) == ("Amina Abdi", "Somali")
    assert [c.name for c in family.carers] == ["Hodan Abdi", "Ali Abdi"]  # main contact first
    assert family.carers[0].phone == "07700 900456"
    assert (family.starts_at, family.reason, family.contacted) == (_at(9), "Strike action", False)
    assert family.setting_name == child.setting_name


def test_the_day_is_a_london_day_across_british_summer_time(session: Session) -> None:
    child = make_child(session)
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: it belongs to 1 July.
    late = make_appointment(
        session, child=child, starts_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    )
    assert disruption.flag_disrupted_day(session, day=date(2026, 6, 30), reason="Strike") == []
    assert disruption.flag_disrupted_day(session, day=date(2026, 7, 1), reason="Strike") == [
        late.id
    ]


def test_team_and_therapist_filters(session: Session) -> None:
    team = make_team(session)
    north = make_team(session, name="North")
    asha = make_therapist(session, team=team, full_name="Asha")
    ben = make_therapist(session, team=team, full_name="Ben")
    mine = make_appointment(
        session, child=make_child(session, team=team), starts_at=_at(10), therapist_id=asha.id
    )
    colleague = make_appointment(
        session, child=make_child(session, team=team), starts_at=_at(11), therapist_id=ben.id
    )
    elsewhere = make_appointment(session, child=make_child(session, team=north), starts_at=_at(12))
    assert disruption.flag_disrupted_day(
        session, day=STRIKE_DAY, reason="Strike", team_id=team.id, therapist_id=asha.id
    ) == [mine.id]
    assert disruption.flag_disrupted_day(
        session, day=STRIKE_DAY, reason="Strike", team_id=team.id
    ) == [colleague.id]
    assert elsewhere.disrupted is False
    listed = disruption.families_to_contact(session, day=STRIKE_DAY, team_id=team.id)
    assert [f.appointment_id for f in listed] == [mine.id, colleague.id]


def test_only_booked_appointments_are_flagged_and_listed(session: Session) -> None:
    child = make_child(session)
    kept = make_appointment(session, child=child, starts_at=_at(9))
    cancelled = make_appointment(session, child=child, starts_at=_at(14))
    appointments.cancel_appointment(session, appointment_id=cancelled.id)
    assert disruption.flag_disrupted_day(session, day=STRIKE_DAY, reason="Strike") == [kept.id]
    # Flagging again adds nothing and keeps the first reason.
    assert disruption.flag_disrupted_day(session, day=STRIKE_DAY, reason="Snow") == []
    assert kept.disruption_reason == "Strike"


def test_marking_a_family_contacted_takes_them_off_the_list(session: Session) -> None:
    appointment = make_appointment(session, starts_at=_at(9))
    disruption.flag_disrupted_day(session, day=STRIKE_DAY, reason="Strike")
    disruption.mark_family_contacted(session, appointment_id=appointment.id, note="Spoke to mum")
    assert disruption.families_to_contact(session, day=STRIKE_DAY) == []
    [listed] = disruption.families_to_contact(session, include_contacted=True)
    assert listed.contacted is True
    assert "Spoke to mum" in appointment.notes


def test_refusals_write_nothing(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        appointment = make_appointment(session, starts_at=_at(9))
    refused(
        lambda s: disruption.flag_disrupted_day(s, day=STRIKE_DAY, reason="  "),
        ValidationError,
        "reason",
    )
    refused(
        lambda s: disruption.mark_family_contacted(s, appointment_id=appointment.id),
        ValidationError,
        "not flagged",
    )
    with store.read_session() as session:
        kept = session.get(Appointment, appointment.id)
        assert kept is not None and kept.disrupted is False


def test_a_datetime_is_not_a_day() -> None:
    with pytest.raises(ValidationError, match="must be a date"):
        disruption.families_to_contact(None, day=_at(9))  # type: ignore[arg-type]
