"""The safeguarding check and the strike-day list travel between laptops without doubling."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

from otvisit.models import Child, DisruptionContact, Episode, SafeguardingCheck
from otvisit.models.base import SERVICE_TIMEZONE
from otvisit.models.vocabulary import (
    AppointmentStatus,
    AppointmentType,
    ContactOutcome,
    EpisodeStatus,
    Place,
)
from otvisit.services import appointments, children, disruption, episodes, safeguarding
from otvisit.sync.client import list_conflicts
from tests.support.server_process import ServerProcess
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import create_team

STRIKE = date(2030, 9, 17)


def test_check_on_one_laptop_lets_the_other_confirm_and_the_list_is_made_once(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team = create_team(server)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    b = sign_in(laptops, tmp_path, name="b", url=server.base_url, team=team, number=1)
    with a.store.transaction() as session:
        ids = []
        for n, (name, phone) in enumerate((("Sam", "07700 900111"), ("Ola", "07700 900111"))):
            child = Child(
                team_id=team.team_id, given_name=name, family_name="Okafor",
                date_of_birth=date(2019, 3, 1), nhs_number=("9434765919", "4010232137")[n],
            )  # fmt: skip
            session.add(child)
            session.flush()
            children.add_carer(session, child_id=child.id, full_name="Grace Okafor", phone=phone)
            episode_id = episodes.open_referral(
                session, child_id=child.id, referred_on=date(2026, 1, 6)
            )
            episodes.accept_referral(session, episode_id=episode_id, accepted_on=date(2026, 1, 7))
            appointments.book_appointment(
                session, child_id=child.id, kind=AppointmentType.REVIEW, place=Place.HOME,
                starts_at=datetime.combine(STRIKE, time(9 + n), tzinfo=SERVICE_TIMEZONE),
            )  # fmt: skip
            ids.append((child.id, episode_id))
        missed = appointments.book_appointment(
            session, child_id=ids[0][0], kind=AppointmentType.INITIAL, place=Place.CLINIC,
            starts_at=datetime(2026, 2, 3, 10, tzinfo=UTC),
        )  # fmt: skip
        appointments.mark_not_brought(
            session, appointment_id=missed, outcome=AppointmentStatus.WAS_NOT_BROUGHT,
            now=datetime(2026, 2, 3, 12, tzinfo=UTC),
        )  # fmt: skip
        safeguarding.record_safeguarding_check(
            session,
            episode_id=ids[0][1],
            answers=safeguarding.SafeguardingAnswers(
                known_to_social_care=False, concern=False, told_gp=True,
                told_health_visitor_or_school_nurse=True, told_referrer=True,
            ),
        )  # fmt: skip
    assert a.sync().exit_code == 0 and b.sync().exit_code == 0

    # Both laptops make the strike-day list offline: one family (one phone number) on each.
    for laptop in (a, b):
        with laptop.store.transaction() as session:
            disruption.flag_disrupted_day(
                session, day=STRIKE, reason="Strike action", team_id=team.team_id
            )
            (family,) = disruption.build_contact_list(session, day=STRIKE, team_id=team.team_id)
            assert family.appointment_count == 2
    with a.store.transaction() as session:
        disruption.record_family_contact(
            session, contact_id=family.contact_id, outcome=ContactOutcome.REBOOKED
        )
    a.sync()
    b.sync()
    a.sync()
    # B's older copy of the list did not undo A's tick: it is a conflict B is shown.
    with b.store.read_session() as session:
        assert "contacted" in {c.field for c in list_conflicts(session)}
    # B sees A's check and may confirm the discharge A's outcome proposed.
    with b.store.transaction() as session:
        (check,) = session.query(SafeguardingCheck).all()
        assert check.checked_on is not None and check.told_referrer
        episodes.confirm_discharge(session, episode_id=ids[0][1])
    b.sync()
    a.sync()
    for laptop in (a, b):
        with laptop.store.read_session() as session:
            (contact,) = session.query(DisruptionContact).all()
            assert contact.contacted and contact.outcome is ContactOutcome.REBOOKED
            episode = session.get(Episode, ids[0][1])
            assert episode is not None and episode.status is EpisodeStatus.DISCHARGED
