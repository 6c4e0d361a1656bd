"""Episodes of care: one open at a time, discharge once with a reason, future visits cancelled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from otvisit.models import Appointment, Episode
from otvisit.models.store import Store
from otvisit.models.vocabulary import AppointmentStatus, DischargeReason, EpisodeStatus
from otvisit.services import episodes
from otvisit.services.errors import RuleRefused, ValidationError
from tests.factories import NOW, TODAY, make_appointment, make_child, make_episode
from tests.services.conftest import Refusal


def test_referral_then_acceptance(session: Session) -> None:
    child = make_child(session)
    episode_id = episodes.open_referral(session, child_id=child.id, referred_on=TODAY)
    episode = session.get(Episode, episode_id)
    assert episode is not None and episode.status is EpisodeStatus.REFERRED
    episodes.accept_referral(session, episode_id=episode_id, accepted_on=TODAY)
    assert episode.status is EpisodeStatus.ACCEPTED
    with pytest.raises(RuleRefused, match="already been accepted"):
        episodes.accept_referral(session, episode_id=episode_id, accepted_on=TODAY)


def test_a_second_open_episode_is_refused(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        child = make_episode(session).child_id
    refused(
        lambda s: episodes.open_referral(s, child_id=child, referred_on=TODAY),
        RuleRefused,
        "already has an open episode",
    )


@pytest.mark.parametrize("reason", list(DischargeReason))
def test_discharge_records_reason_summary_and_who(
    session: Session, reason: DischargeReason
) -> None:
    episode = make_episode(session)
    result = episodes.discharge_episode(
        session,
        episode_id=episode.id,
        reason=reason,
        summary="Goals reviewed with mum.",
        actor_id="therapist-1",
        now=NOW,
    )
    assert (result.reason, result.discharged_on) == (reason, TODAY)
    assert episode.status is EpisodeStatus.DISCHARGED
    assert (episode.discharge_reason, episode.discharged_by_id) == (reason, "therapist-1")
    assert episode.discharge_summary == "Goals reviewed with mum."


def test_discharging_twice_is_refused_and_keeps_the_first(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        episode = make_episode(session)
        episodes.discharge_episode(
            session,
            episode_id=episode.id,
            reason=DischargeReason.GOALS_MET,
            summary="Done.",
            now=NOW,
        )
    refused(
        lambda s: episodes.discharge_episode(
            s, episode_id=episode.id, reason=DischargeReason.MOVED_AWAY, summary="Moved.", now=NOW
        ),
        RuleRefused,
        "already been discharged",
    )
    with store.read_session() as session:
        kept = session.get(Episode, episode.id)
        assert kept is not None and kept.discharge_reason is DischargeReason.GOALS_MET


@pytest.mark.parametrize(
    ("reason", "summary", "message"),
    [
        ("holiday", "x", "not a discharge reason"),
        (DischargeReason.OTHER, "  ", "discharge summary"),
    ],
)
def test_bad_discharges_write_nothing(
    store: Store, refused: Refusal, reason: DischargeReason, summary: str, message: str
) -> None:
    with store.transaction() as session:
        episode = make_episode(session)
    refused(
        lambda s: episodes.discharge_episode(
            s, episode_id=episode.id, reason=reason, summary=summary
        ),
        ValidationError,
        message,
    )


def test_discharge_cancels_future_booked_appointments_only(session: Session) -> None:
    child = make_child(session)
    past = make_appointment(session, child=child, starts_at=NOW - timedelta(days=1))
    future = make_appointment(session, child=child, starts_at=NOW + timedelta(days=2))
    later = make_appointment(session, child=child, starts_at=NOW + timedelta(days=9))
    assert past.episode_id is not None
    result = episodes.discharge_episode(
        session,
        episode_id=past.episode_id,
        reason=DischargeReason.FAMILY_REQUEST,
        summary="Family asked to stop.",
        now=NOW,
    )
    assert set(result.cancelled_appointment_ids) == {future.id, later.id}
    assert past.status is AppointmentStatus.BOOKED
    for cancelled in (future, later):
        assert cancelled.status is AppointmentStatus.CANCELLED
        assert "Cancelled at discharge" in cancelled.notes
    assert session.get(Appointment, past.id) is past


def test_a_new_referral_after_discharge_is_allowed(session: Session) -> None:
    episode = make_episode(session)
    episodes.discharge_episode(
        session, episode_id=episode.id, reason=DischargeReason.GOALS_MET, summary="Done.", now=NOW
    )
    again = episodes.open_referral(session, child_id=episode.child_id, referred_on=TODAY)
    assert again != episode.id
    current = episodes.current_episode(session, child_id=episode.child_id)
    assert current is not None and current.id == again
