"""The family's two reschedules hold across laptops: concurrent moves add up, never overwrite."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from otvisit.models import Appointment, Child, OutboxOp
from otvisit.models.vocabulary import AppointmentType, Place
from otvisit.services import appointments, episodes
from otvisit.services.errors import RuleRefused
from tests.support.server_process import ServerProcess
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import create_team

SOON = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)


def test_one_reschedule_on_each_laptop_counts_two_everywhere(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team = create_team(server)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    b = sign_in(laptops, tmp_path, name="b", url=server.base_url, team=team, number=1)
    with a.store.transaction() as session:
        child = Child(
            team_id=team.team_id, given_name="Sam", family_name="Okafor",
            date_of_birth=date(2019, 3, 1), nhs_number="9434765919",
        )  # fmt: skip
        session.add(child)
        session.flush()
        referred = date(2026, 9, 1)
        episode_id = episodes.open_referral(session, child_id=child.id, referred_on=referred)
        episodes.accept_referral(session, episode_id=episode_id, accepted_on=date(2026, 9, 2))
        appointment_id = appointments.book_appointment(
            session, child_id=child.id, starts_at=SOON, kind=AppointmentType.REVIEW,
            place=Place.HOME,
        )  # fmt: skip
    assert a.sync().exit_code == 0 and b.sync().exit_code == 0

    # The family phones the office on Monday (laptop A) and the school on Tuesday (laptop B).
    for laptop, days in ((a, 1), (b, 2)):
        with laptop.store.transaction() as session:
            appointments.reschedule_appointment(
                session, appointment_id=appointment_id, new_starts_at=SOON + timedelta(days=days)
            )
            step = session.query(OutboxOp).order_by(OutboxOp.seq.desc()).first()
            assert step is not None and step.increments == {"reschedule_count": 1}
    a.sync()
    b.sync()
    a.sync()

    for laptop in (a, b):
        assert laptop.get(Appointment, appointment_id).reschedule_count == 2
        with laptop.store.transaction() as session, pytest.raises(RuleRefused, match="twice"):
            appointments.reschedule_appointment(
                session, appointment_id=appointment_id, new_starts_at=SOON + timedelta(days=9)
            )
