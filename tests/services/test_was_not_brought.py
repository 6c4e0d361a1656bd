"""Was not brought and no access: discharge is proposed, and confirmed only after the check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Appointment, AuditEvent, Child, Episode, SafeguardingCheck
from otvisit.models.groups import PlaceStatus, place_id
from otvisit.models.store import Store
from otvisit.models.vocabulary import AppointmentStatus, EpisodeStatus, Place
from otvisit.services import appointments, episodes, groups, safeguarding
from otvisit.services.errors import RuleRefused, ValidationError
from otvisit.services.safeguarding import SafeguardingAnswers
from tests.factories import make_appointment, make_child
from tests.services.conftest import Refusal

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ALL_TOLD = SafeguardingAnswers(
    known_to_social_care=False,
    concern=False,
    told_gp=True,
    told_health_visitor_or_school_nurse=True,
    told_referrer=True,
)


def _not_brought(session: Session) -> tuple[Appointment, str]:
    appointment = make_appointment(session, starts_at=NOW - timedelta(hours=2), place=Place.CLINIC)
    outcome = appointments.mark_not_brought(
        session,
        appointment_id=appointment.id,
        outcome=AppointmentStatus.WAS_NOT_BROUGHT,
        now=NOW,
    )
    assert outcome.discharge_proposal is not None
    return appointment, outcome.discharge_proposal.episode_id


def test_was_not_brought_is_its_own_outcome_worded_for_a_child(session: Session) -> None:
    appointment, episode_id = _not_brought(session)
    assert appointment.status is AppointmentStatus.WAS_NOT_BROUGHT
    assert "was not brought to the appointment" in appointment.notes
    episode = session.get(Episode, episode_id)
    assert episode is not None and episode.discharge_proposed_reason is not None


def test_no_access_is_for_a_home_visit_only(session: Session) -> None:
    home = make_appointment(session, starts_at=NOW - timedelta(hours=2), place=Place.HOME)
    outcome = appointments.mark_not_brought(
        session, appointment_id=home.id, outcome=AppointmentStatus.NO_ACCESS, now=NOW
    )
    assert home.status is AppointmentStatus.NO_ACCESS
    assert outcome.discharge_proposal is not None
    assert "nobody answered" in outcome.discharge_proposal.message
    school = make_appointment(
        session, child=make_child(session), starts_at=NOW - timedelta(hours=1), place=Place.SCHOOL
    )
    with pytest.raises(ValidationError, match="home visit"):
        appointments.mark_not_brought(
            session, appointment_id=school.id, outcome=AppointmentStatus.NO_ACCESS, now=NOW
        )
    with pytest.raises(ValidationError, match="was not brought or no access"):
        appointments.mark_not_brought(
            session, appointment_id=school.id, outcome=AppointmentStatus.ATTENDED, now=NOW
        )


def test_discharge_is_refused_until_the_safeguarding_check_is_complete(
    store: Store, refused: Refusal
) -> None:
    with store.transaction() as session:
        appointment, episode_id = _not_brought(session)

    def confirm(s: Session) -> object:
        return episodes.confirm_discharge(s, episode_id=episode_id, actor_id="t", now=NOW)

    error = refused(confirm, RuleRefused, match="safeguarding check")
    assert "has not been started" in str(error)

    partly = SafeguardingAnswers(known_to_social_care=True, concern=None, told_gp=True)
    with store.transaction() as session:
        safeguarding.record_safeguarding_check(
            session, episode_id=episode_id, answers=partly, appointment_id=appointment.id
        )
    error = refused(confirm, RuleRefused, match="Still to do")
    for still in ("safeguarding concern", "health visitor or school nurse", "the referrer"):
        assert still in str(error)
    assert "tell the GP" not in str(error)

    with store.transaction() as session:
        safeguarding.record_safeguarding_check(
            session, episode_id=episode_id, answers=ALL_TOLD, actor_id="t"
        )
        result = confirm(session)
    with store.read_session() as session:
        episode = session.get(Episode, episode_id)
        assert episode is not None and episode.status is EpisodeStatus.DISCHARGED
        (check,) = session.scalars(select(SafeguardingCheck)).all()
        assert check.checked_on is not None and check.checked_by_id == "t"
        assert check.appointment_id == appointment.id
        audit = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.entity == "safeguarding_check")
        ).all()
        assert any("in progress" in line for line in audit)
        assert any("complete" in line and "referrer told yes" in line for line in audit)
    assert result is not None


def test_a_concern_needs_details(session: Session) -> None:
    _, episode_id = _not_brought(session)
    with pytest.raises(ValidationError, match="describe"):
        safeguarding.record_safeguarding_check(
            session,
            episode_id=episode_id,
            answers=SafeguardingAnswers(known_to_social_care=False, concern=True),
        )
    with pytest.raises(ValidationError, match="yes, no or not answered"):
        safeguarding.record_safeguarding_check(
            session,
            episode_id=episode_id,
            answers=SafeguardingAnswers(known_to_social_care="maybe", concern=False),  # type: ignore[arg-type]
        )


def test_two_missed_in_a_row_or_a_third_reschedule_raise_a_prompt(session: Session) -> None:
    child = make_child(session)
    first = make_appointment(session, child=child, starts_at=NOW - timedelta(days=14))
    appointments.mark_attended(session, appointment_id=first.id, now=NOW)
    missed = make_appointment(session, child=child, starts_at=NOW - timedelta(days=7))
    appointments.mark_did_not_attend(session, appointment_id=missed.id, notice_given=True, now=NOW)
    assert safeguarding.record_prompts(session, child_id=child.id, now=NOW) == []
    again = make_appointment(session, child=child, starts_at=NOW - timedelta(days=1))
    appointments.mark_not_brought(
        session, appointment_id=again.id, outcome=AppointmentStatus.NO_ACCESS, now=NOW
    )
    (prompt,) = safeguarding.record_prompts(session, child_id=child.id, now=NOW)
    assert "2 appointments missed in a row" in prompt

    other = make_child(session)
    booked = [
        make_appointment(session, child=other, starts_at=NOW + timedelta(days=d)).id
        for d in (3, 10)
    ]
    appointments.reschedule_appointment(
        session, appointment_id=booked[0], new_starts_at=NOW + timedelta(days=4)
    )
    appointments.reschedule_appointment(
        session, appointment_id=booked[0], new_starts_at=NOW + timedelta(days=5)
    )
    assert safeguarding.record_prompts(session, child_id=other.id, now=NOW) == []
    appointments.reschedule_appointment(
        session, appointment_id=booked[1], new_starts_at=NOW + timedelta(days=11)
    )
    (prompt,) = safeguarding.record_prompts(session, child_id=other.id, now=NOW)
    assert "reschedule 3 times" in prompt


def _group_mark(session: Session, child: Child, *, at: datetime, mark: PlaceStatus) -> None:
    """A parent-coaching group the child's family was booked into, its register marked."""
    group_id = groups.book_group_session(
        session,
        booking=groups.check_booking(
            {
                "team_id": child.team_id,
                "title": "Parent coaching: mealtimes",
                "starts_at": at,
                "place": Place.CLINIC,
                "location": "Riverside Health Centre, Room 3",
                "child_ids": (child.id,),
            }
        ),
    )
    groups.mark_register(
        session, place_id=place_id(group_id, child.id), mark=mark, now=at + timedelta(hours=1)
    )


def _missed_prompt(session: Session, child: Child) -> list[str]:
    prompts = safeguarding.record_prompts(session, child_id=child.id, now=NOW)
    return [p for p in prompts if "missed in a row" in p]


def test_not_brought_to_a_group_then_to_an_appointment_raises_the_two_missed_prompt(
    session: Session,
) -> None:
    child = make_child(session)
    seen = make_appointment(session, child=child, starts_at=NOW - timedelta(days=21))
    appointments.mark_attended(session, appointment_id=seen.id, now=NOW)
    _group_mark(session, child, at=NOW - timedelta(days=14), mark=PlaceStatus.NOT_BROUGHT)
    assert _missed_prompt(session, child) == []  # one missed contact is not a pattern
    missed = make_appointment(session, child=child, starts_at=NOW - timedelta(days=7))
    appointments.mark_not_brought(
        session, appointment_id=missed.id, outcome=AppointmentStatus.WAS_NOT_BROUGHT, now=NOW
    )
    (prompt,) = _missed_prompt(session, child)
    assert "2 appointments missed in a row" in prompt


def test_not_brought_to_an_appointment_then_to_a_group_raises_the_two_missed_prompt(
    session: Session,
) -> None:
    child = make_child(session)
    missed = make_appointment(session, child=child, starts_at=NOW - timedelta(days=14))
    appointments.mark_not_brought(
        session, appointment_id=missed.id, outcome=AppointmentStatus.WAS_NOT_BROUGHT, now=NOW
    )
    assert _missed_prompt(session, child) == []
    _group_mark(session, child, at=NOW - timedelta(days=7), mark=PlaceStatus.NOT_BROUGHT)
    (prompt,) = _missed_prompt(session, child)
    assert "2 appointments missed in a row" in prompt


def test_a_family_at_the_group_breaks_the_run_and_a_cancelled_place_is_skipped(
    session: Session,
) -> None:
    child = make_child(session)
    missed = make_appointment(session, child=child, starts_at=NOW - timedelta(days=21))
    appointments.mark_did_not_attend(session, appointment_id=missed.id, notice_given=False,
                                     now=NOW)  # fmt: skip
    _group_mark(session, child, at=NOW - timedelta(days=14), mark=PlaceStatus.ATTENDED)
    again = make_appointment(session, child=child, starts_at=NOW - timedelta(days=7))
    appointments.mark_not_brought(
        session, appointment_id=again.id, outcome=AppointmentStatus.NO_ACCESS, now=NOW
    )
    assert _missed_prompt(session, child) == []  # they came to the group in between
    _group_mark(session, child, at=NOW - timedelta(days=3), mark=PlaceStatus.CANCELLED)
    assert _missed_prompt(session, child) == []  # a cancelled place is not a missed contact
    _group_mark(session, child, at=NOW - timedelta(days=2), mark=PlaceStatus.NOT_BROUGHT)
    (prompt,) = _missed_prompt(session, child)
    assert "2 appointments missed in a row" in prompt
