"""Referrals and the waiting list: decisions, the 18-week clock, the bands and the order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from otvisit.models import Child, Episode, Referral, Team
from otvisit.models.store import Store
from otvisit.models.vocabulary import (
    AppointmentType,
    EpisodeStatus,
    Place,
    ReferralPriority,
    ReferralSource,
    ReferralStatus,
)
from otvisit.services import appointments, referrals, waiting_list
from otvisit.services.errors import RuleRefused, ValidationError
from tests.factories import make_child, make_team, next_nhs_number
from tests.services.conftest import Refusal

TODAY = date(2026, 11, 24)


def details(
    *,
    received_on: date,
    priority: ReferralPriority = ReferralPriority.ROUTINE,
    nhs_number: str | None = None,
    given_name: str = "Amira",
) -> referrals.ReferralDetails:
    return referrals.ReferralDetails(
        received_on=received_on,
        source=ReferralSource.HEALTH_VISITOR,
        reason="Not yet feeding herself with a spoon; parents worried about nursery start",
        priority=priority,
        referrer_name="Jo Bell, health visitor",
        child=referrals.NewChild(
            given_name=given_name,
            family_name="Haddad",
            date_of_birth=date(2023, 5, 2),
            nhs_number=nhs_number or next_nhs_number(),
            details={"postcode": "SE1 7EH"},
        ),
    )


def accepted(
    session: Session, team: Team, *, received_on: date, priority: ReferralPriority
) -> referrals.ReceivedReferral:
    received = referrals.receive_referral(
        session,
        team_id=team.id,
        details=details(received_on=received_on, priority=priority),
        today=TODAY,
    )
    referrals.accept_referral(session, referral_id=received.referral_id, accepted_on=received_on)
    return received


def test_a_referral_for_a_new_child_adds_the_child_and_an_existing_one_is_found(
    session: Session,
) -> None:
    team = make_team(session)
    known = make_child(session, team=team)
    new = referrals.receive_referral(
        session, team_id=team.id, details=details(received_on=TODAY), today=TODAY
    )
    assert new.child_created
    assert session.get(Child, new.child_id).given_name == "Amira"  # type: ignore[union-attr]
    spaced = f"{known.nhs_number[:3]} {known.nhs_number[3:6]} {known.nhs_number[6:]}"
    again = referrals.receive_referral(
        session, team_id=team.id, details=details(received_on=TODAY, nhs_number=spaced),
        today=TODAY,
    )  # fmt: skip
    assert not again.child_created and again.child_id == known.id


def test_a_referral_with_a_wrong_nhs_number_is_refused_and_writes_nothing(
    store: Store, refused: Refusal
) -> None:
    with store.transaction() as session:
        team_id = make_team(session).id
    error = refused(
        lambda s: referrals.receive_referral(
            s,
            team_id=team_id,
            details=details(received_on=TODAY, nhs_number="943 476 5918"),
            today=TODAY,
        ),
        ValidationError,
        match="NHS number",
    )
    assert "943 476 5918" in str(error) or "check digit" in str(error).lower()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"source": "friend"}, "referral source"),
        ({"priority": "whenever"}, "priority"),
        ({"reason": "   "}, "reason for referral"),
        ({"received_on": TODAY + timedelta(days=1)}, "future"),
    ],
)
def test_bad_referral_details_are_refused_with_a_clear_message(
    store: Store, refused: Refusal, bad: dict[str, object], message: str
) -> None:
    with store.transaction() as session:
        team_id = make_team(session).id
    good = details(received_on=TODAY)
    values = {**good.__dict__, **bad}
    refused(
        lambda s: referrals.receive_referral(
            s, team_id=team_id, details=referrals.ReferralDetails(**values), today=TODAY
        ),
        ValidationError,
        match=message,
    )


def test_accepting_opens_an_episode_dated_from_receipt_and_a_second_decision_is_refused(
    session: Session,
) -> None:
    team = make_team(session)
    received = referrals.receive_referral(
        session, team_id=team.id, details=details(received_on=date(2026, 10, 1)), today=TODAY
    )
    episode_id = referrals.accept_referral(
        session, referral_id=received.referral_id, accepted_on=date(2026, 10, 6)
    )
    episode = session.get(Episode, episode_id)
    assert episode is not None and episode.status is EpisodeStatus.ACCEPTED
    assert episode.referred_on == date(2026, 10, 1)
    with pytest.raises(RuleRefused, match="already been accepted"):
        referrals.decline_referral(
            session, referral_id=received.referral_id, declined_on=TODAY, reason="Not eligible"
        )


def test_declining_needs_a_reason_and_keeps_the_child_off_the_waiting_list(
    session: Session,
) -> None:
    team = make_team(session)
    received = referrals.receive_referral(
        session, team_id=team.id, details=details(received_on=TODAY), today=TODAY
    )
    with pytest.raises(ValidationError, match="reason"):
        referrals.decline_referral(
            session, referral_id=received.referral_id, declined_on=TODAY, reason=" "
        )
    referrals.decline_referral(
        session,
        referral_id=received.referral_id,
        declined_on=TODAY,
        reason="Needs are sensory only; referred to the school's inclusion team",
    )
    referral = session.get(Referral, received.referral_id)
    assert referral is not None and referral.status is ReferralStatus.DECLINED
    assert waiting_list.waiting_list(session, today=TODAY) == []


@pytest.mark.parametrize(
    ("days", "band"),
    [
        (0, "0–1"), (7, "0–1"), (8, "1–2"), (14, "1–2"), (15, "2–4"), (28, "2–4"),
        (29, "4–12"), (84, "4–12"), (85, "12–18"),
        (125, "12–18"), (126, "12–18"), (127, "18–52"),
        (364, "18–52"), (365, "52+"), (2000, "52+"),
    ],
)  # fmt: skip
def test_band_edges_including_exactly_eighteen_weeks(days: int, band: str) -> None:
    assert waiting_list.band_for_days(days) == band


def test_the_list_is_ordered_by_priority_then_longest_wait(session: Session) -> None:
    team = make_team(session)
    routine_long = accepted(
        session, team, received_on=TODAY - timedelta(weeks=30), priority=ReferralPriority.ROUTINE
    )
    urgent_short = accepted(
        session, team, received_on=TODAY - timedelta(days=3), priority=ReferralPriority.URGENT
    )
    routine_short = accepted(
        session, team, received_on=TODAY - timedelta(weeks=2), priority=ReferralPriority.ROUTINE
    )
    soon = accepted(
        session, team, received_on=TODAY - timedelta(weeks=5), priority=ReferralPriority.SOON
    )
    rows = waiting_list.waiting_list(session, today=TODAY, team_id=team.id)
    assert [row.child_id for row in rows] == [
        urgent_short.child_id, soon.child_id, routine_long.child_id, routine_short.child_id,
    ]  # fmt: skip
    assert [(row.weeks_waited, row.band) for row in rows] == [
        (0, "0–1"), (5, "4–12"), (30, "18–52"), (2, "1–2"),
    ]  # fmt: skip
    assert waiting_list.band_counts(rows)["18–52"] == 1


def test_the_clock_stops_at_the_first_appointment_that_takes_place_not_at_booking(
    session: Session,
) -> None:
    team = make_team(session)
    received_on = date(2026, 6, 1)
    received = accepted(session, team, received_on=received_on, priority=ReferralPriority.SOON)
    first = datetime(2026, 7, 13, 9, 30, tzinfo=UTC)
    appointment_id = appointments.book_appointment(
        session, child_id=received.child_id, starts_at=first, kind=AppointmentType.INITIAL,
        place=Place.HOME,
    )  # fmt: skip
    # Booked is not seen: the child still waits, and the booking shows on the list.
    (row,) = waiting_list.waiting_list(session, today=TODAY)
    assert row.next_appointment == first and row.days_waited == (TODAY - received_on).days
    appointments.mark_attended(session, appointment_id=appointment_id, now=first)
    assert waiting_list.waiting_list(session, today=TODAY) == []
    clock = waiting_list.referral_clock(session, referral_id=received.referral_id, today=TODAY)
    assert clock.started_on == received_on
    assert clock.stopped_on == date(2026, 7, 13)
    assert clock.days == 42 and clock.weeks == 6 and clock.band == "4–12"


def test_a_family_reschedule_is_recorded_and_does_not_restart_the_clock(
    session: Session,
) -> None:
    team = make_team(session)
    received_on = TODAY - timedelta(weeks=17)
    received = accepted(session, team, received_on=received_on, priority=ReferralPriority.ROUTINE)
    booked_for = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    appointment_id = appointments.book_appointment(
        session, child_id=received.child_id, starts_at=booked_for, kind=AppointmentType.INITIAL,
        place=Place.CLINIC,
    )  # fmt: skip
    appointments.reschedule_appointment(
        session, appointment_id=appointment_id, new_starts_at=booked_for + timedelta(weeks=2)
    )
    later = TODAY + timedelta(weeks=2)
    (row,) = waiting_list.waiting_list(session, today=later)
    assert row.family_reschedules == 1
    assert row.received_on == received_on
    assert row.weeks_waited == 19 and row.band == "18–52"


def test_the_list_is_scoped_to_a_team(session: Session) -> None:
    ours, theirs = make_team(session), make_team(session, name="Northside OT")
    accepted(session, ours, received_on=TODAY, priority=ReferralPriority.ROUTINE)
    accepted(session, theirs, received_on=TODAY, priority=ReferralPriority.ROUTINE)
    assert len(waiting_list.waiting_list(session, today=TODAY, team_id=ours.id)) == 1
