"""Appointments: booking rules, two family reschedules at most, and did-not-attend proposals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Appointment, AuditEvent, Episode
from otvisit.models.store import Store
from otvisit.models.vocabulary import (
    AppointmentStatus,
    AppointmentType,
    DischargeReason,
    EpisodeStatus,
    Place,
)
from otvisit.services import appointments, episodes, safeguarding
from otvisit.services.errors import RuleRefused, ValidationError
from tests.factories import NOW, make_appointment, make_child, make_episode
from tests.services.conftest import Refusal

LATER = NOW + timedelta(days=14)


def _book(session: Session, child_id: str, **overrides: object) -> str:
    values: dict[str, object] = {
        "starts_at": NOW + timedelta(days=3),
        "kind": AppointmentType.INITIAL,
        "place": Place.HOME,
    }
    return appointments.book_appointment(session, child_id=child_id, **{**values, **overrides})  # type: ignore[arg-type]


def test_booking_suggests_an_interpreter_in_the_childs_language(session: Session) -> None:
    child = make_child(session, interpreter_needed=True, interpreter_language="Bengali")
    make_episode(session, child=child)
    appointment = session.get(Appointment, _book(session, child.id))
    assert appointment is not None
    assert (appointment.interpreter_booked, appointment.interpreter_language) == (True, "Bengali")
    assert appointment.status is AppointmentStatus.BOOKED and appointment.duration_minutes == 45


def test_no_interpreter_unless_needed_or_asked(session: Session) -> None:
    child = make_child(session)
    make_episode(session, child=child)
    plain = session.get(Appointment, _book(session, child.id))
    asked = session.get(
        Appointment,
        _book(session, child.id, interpreter_booked=True, interpreter_language="Polish"),
    )
    assert plain is not None and asked is not None
    assert (plain.interpreter_booked, plain.interpreter_language) == (False, "")
    assert (asked.interpreter_booked, asked.interpreter_language) == (True, "Polish")


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"duration_minutes": 29}, ValidationError, "30 minutes to one hour"),
        ({"duration_minutes": 61}, ValidationError, "30 minutes to one hour"),
        ({"duration_minutes": 45.0}, ValidationError, "whole number"),
        ({"kind": "massage"}, ValidationError, "appointment type must be one of"),
        ({"place": "beach"}, ValidationError, "place must be one of"),
        ({"starts_at": datetime(2026, 12, 1, 10, 0)}, ValidationError, "time zone"),
        ({"interpreter_booked": True}, ValidationError, "which language"),
    ],
)
def test_bad_bookings_are_refused_and_write_nothing(
    store: Store,
    refused: Refusal,
    overrides: dict[str, object],
    error: type[Exception],
    message: str,
) -> None:
    with store.transaction() as session:
        child = make_child(session)
        make_episode(session, child=child)
    refused(lambda s: _book(s, child.id, **overrides), error, message)  # type: ignore[arg-type]


@pytest.mark.parametrize("minutes", [30, 60])
def test_thirty_and_sixty_minutes_are_both_allowed(session: Session, minutes: int) -> None:
    child = make_child(session)
    make_episode(session, child=child)
    assert _book(session, child.id, duration_minutes=minutes)


def test_booking_needs_an_accepted_referral(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        child = make_child(session)
    refused(lambda s: _book(s, child.id), RuleRefused, "Open a referral")
    with store.transaction() as session:
        make_episode(session, child=child, accepted=False)
    refused(lambda s: _book(s, child.id), RuleRefused, "Accept the referral")


def test_a_family_may_reschedule_twice_and_the_third_time_is_refused(
    store: Store, refused: Refusal
) -> None:
    with store.transaction() as session:
        appointment = make_appointment(session)
        assert (
            appointments.reschedule_appointment(
                session, appointment_id=appointment.id, new_starts_at=NOW + timedelta(days=8)
            )
            == 1
        )
        assert (
            appointments.reschedule_appointment(
                session, appointment_id=appointment.id, new_starts_at=NOW + timedelta(days=9)
            )
            == 2
        )
    error = refused(
        lambda s: appointments.reschedule_appointment(
            s, appointment_id=appointment.id, new_starts_at=NOW + timedelta(days=10)
        ),
        RuleRefused,
        "already been rescheduled twice",
    )
    assert "The service allows two changes" in str(error)
    with store.read_session() as session:
        kept = session.get(Appointment, appointment.id)
        assert kept is not None
        assert (kept.starts_at, kept.reschedule_count) == (NOW + timedelta(days=9), 2)
        assert kept.status is AppointmentStatus.BOOKED
        details = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.record_id == appointment.id)
        ).all()
    assert any("rescheduled by family from" in d for d in details)


def test_a_move_by_the_service_does_not_count_toward_the_familys_two(session: Session) -> None:
    appointment = make_appointment(session)
    for day in (8, 9, 10):
        appointments.reschedule_appointment(
            session,
            appointment_id=appointment.id,
            new_starts_at=NOW + timedelta(days=day),
            by_family=False,
        )
    assert appointment.reschedule_count == 0
    assert (
        appointments.reschedule_appointment(
            session, appointment_id=appointment.id, new_starts_at=NOW + timedelta(days=11)
        )
        == 1
    )


def test_rescheduling_to_the_same_time_or_a_cancelled_one_is_refused(session: Session) -> None:
    appointment = make_appointment(session)
    with pytest.raises(ValidationError, match="same as the current"):
        appointments.reschedule_appointment(
            session, appointment_id=appointment.id, new_starts_at=appointment.starts_at
        )
    appointments.cancel_appointment(session, appointment_id=appointment.id, reason="Family ill")
    assert appointment.status is AppointmentStatus.CANCELLED and "Family ill" in appointment.notes
    with pytest.raises(RuleRefused, match="already marked cancelled"):
        appointments.reschedule_appointment(
            session, appointment_id=appointment.id, new_starts_at=LATER
        )


def test_attended_opens_the_episode_and_cannot_be_in_the_future(session: Session) -> None:
    appointment = make_appointment(session, starts_at=NOW - timedelta(hours=2))
    future = make_appointment(session, child=None)
    with pytest.raises(RuleRefused, match="before it starts"):
        appointments.mark_attended(session, appointment_id=future.id, now=NOW)
    appointments.mark_attended(session, appointment_id=appointment.id, now=NOW)
    episode = session.get(Episode, appointment.episode_id)
    assert appointment.status is AppointmentStatus.ATTENDED
    assert episode is not None and episode.status is EpisodeStatus.OPEN


def test_did_not_attend_without_notice_proposes_discharge_for_the_therapist(
    session: Session,
) -> None:
    child = make_child(session, given_name="Leo", family_name="Nowak")
    appointment = make_appointment(session, child=child, starts_at=NOW - timedelta(hours=3))
    outcome = appointments.mark_did_not_attend(
        session, appointment_id=appointment.id, notice_given=False, now=NOW
    )
    proposal = outcome.discharge_proposal
    assert proposal is not None
    assert proposal.reason is DischargeReason.DID_NOT_ATTEND and proposal.child_name == "Leo Nowak"
    assert "did not attend" in proposal.message and "Confirm" in proposal.message
    episode = session.get(Episode, proposal.episode_id)
    assert episode is not None
    # Proposed, not done: the therapist decides.
    assert episode.status is not EpisodeStatus.DISCHARGED
    assert episode.discharge_proposed_reason is DischargeReason.DID_NOT_ATTEND
    assert appointment.status is AppointmentStatus.DID_NOT_ATTEND


def test_did_not_attend_with_notice_proposes_nothing(session: Session) -> None:
    appointment = make_appointment(session, starts_at=NOW - timedelta(hours=3))
    outcome = appointments.mark_did_not_attend(
        session, appointment_id=appointment.id, notice_given=True, now=NOW
    )
    episode = session.get(Episode, appointment.episode_id)
    assert outcome.discharge_proposal is None
    assert episode is not None and episode.discharge_proposed_reason is None
    assert "let us know" in appointment.notes


def test_confirming_the_proposal_discharges_with_the_reason(session: Session) -> None:
    appointment = make_appointment(session, starts_at=NOW - timedelta(hours=3))
    outcome = appointments.mark_did_not_attend(
        session, appointment_id=appointment.id, notice_given=False, now=NOW
    )
    assert outcome.discharge_proposal is not None
    safeguarding.record_safeguarding_check(
        session,
        episode_id=outcome.discharge_proposal.episode_id,
        answers=safeguarding.SafeguardingAnswers(
            known_to_social_care=False,
            concern=False,
            told_gp=True,
            told_health_visitor_or_school_nurse=True,
            told_referrer=True,
        ),
    )
    result = episodes.confirm_discharge(
        session, episode_id=outcome.discharge_proposal.episode_id, actor_id="t", now=NOW
    )
    episode = session.get(Episode, result.episode_id)
    assert episode is not None
    assert (episode.status, episode.discharge_reason) == (
        EpisodeStatus.DISCHARGED,
        DischargeReason.DID_NOT_ATTEND,
    )
    assert episode.discharge_proposed_reason is None and episode.discharge_summary


def test_withdrawing_the_proposal_keeps_the_child_open(session: Session) -> None:
    appointment = make_appointment(session, starts_at=NOW - timedelta(hours=3))
    outcome = appointments.mark_did_not_attend(
        session, appointment_id=appointment.id, notice_given=False, now=NOW
    )
    assert outcome.discharge_proposal is not None
    episode_id = outcome.discharge_proposal.episode_id
    episodes.withdraw_discharge_proposal(session, episode_id=episode_id, why="Bus strike")
    episode = session.get(Episode, episode_id)
    assert episode is not None and episode.discharge_proposed_reason is None
    assert episode.status is not EpisodeStatus.DISCHARGED
    with pytest.raises(RuleRefused, match="no discharge waiting"):
        episodes.confirm_discharge(session, episode_id=episode_id)


def test_did_not_attend_refusals_write_nothing(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        future = make_appointment(session, starts_at=NOW + timedelta(days=1))
    refused(
        lambda s: appointments.mark_did_not_attend(
            s, appointment_id=future.id, notice_given=False, now=NOW
        ),
        RuleRefused,
        "before it starts",
    )
    refused(
        lambda s: appointments.mark_did_not_attend(
            s,
            appointment_id=future.id,
            notice_given="no",
            now=datetime(2027, 1, 1, tzinfo=UTC),  # type: ignore[arg-type]
        ),
        ValidationError,
        "let us know in advance",
    )
