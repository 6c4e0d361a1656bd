"""Counters add up in every order: reschedules on 2–3 laptops, synced in any interleaving.

Reported: family reschedules of 2+1, 2+2 and 1+2 across two laptops all became 2 (the second
step of a laptop overwrote the server's sum with the laptop's own absolute count).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from otvisit.models import Appointment, Child
from otvisit.models.vocabulary import AppointmentType, Place
from otvisit.services import appointments, episodes
from tests.support.server_process import ServerProcess
from tests.sync.laptop import Laptop
from tests.sync.server_harness import TeamAccounts, create_team

SOON = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)


def _laptops(server: ServerProcess, folder: Path, team: TeamAccounts, count: int) -> list[Laptop]:
    made = []
    for number in range(count):
        username = team.usernames[number % len(team.usernames)]
        made.append(
            Laptop.sign_in(
                folder, name=f"l{number}", url=server.base_url, username=username,
                password=team.passwords[username],
            )
        )  # fmt: skip
    return made


def _appointment(laptop: Laptop, team_id: str) -> str:
    with laptop.store.transaction() as session:
        child = Child(
            team_id=team_id, given_name="Sam", family_name="Okafor",
            date_of_birth=date(2019, 3, 1), nhs_number="9434765919",
        )  # fmt: skip
        session.add(child)
        session.flush()
        episode_id = episodes.open_referral(
            session, child_id=child.id, referred_on=date(2026, 9, 1)
        )
        episodes.accept_referral(session, episode_id=episode_id, accepted_on=date(2026, 9, 2))
        return appointments.book_appointment(
            session, child_id=child.id, starts_at=SOON, kind=AppointmentType.REVIEW,
            place=Place.HOME,
        )  # fmt: skip


def _step(laptop: Laptop, appointment_id: str) -> None:
    """One family reschedule recorded on this laptop (a counter step of one).

    Past the rule's two the service refuses locally, so the step is recorded as the counter
    moving by one, exactly as the service does it: the sync must add up whatever it is given.
    """
    with laptop.store.transaction() as session:
        appointment = session.get(Appointment, appointment_id)
        assert appointment is not None
        if appointment.reschedule_count < appointments.FAMILY_RESCHEDULES_ALLOWED:
            appointments.reschedule_appointment(
                session, appointment_id=appointment_id,
                new_starts_at=appointment.starts_at + timedelta(days=1),
            )  # fmt: skip
        else:
            appointment.reschedule_count += 1


def _count(laptop: Laptop, appointment_id: str) -> int:
    return int(laptop.get(Appointment, appointment_id).reschedule_count)


@pytest.mark.parametrize(("first", "second"), [(2, 1), (2, 2), (1, 2), (1, 1)])
@pytest.mark.parametrize("a_syncs_first", [True, False])
def test_reschedules_on_two_laptops_add_up(
    server: ServerProcess, tmp_path: Path, first: int, second: int, a_syncs_first: bool
) -> None:
    team = create_team(server)
    a, b = _laptops(server, tmp_path, team, 2)
    try:
        appointment_id = _appointment(a, team.team_id)
        assert a.sync().exit_code == 0 and b.sync().exit_code == 0
        for _ in range(first):
            _step(a, appointment_id)
        for _ in range(second):
            _step(b, appointment_id)
        order = (a, b) if a_syncs_first else (b, a)
        for laptop in (*order, *order):
            assert laptop.sync().exit_code == 0
        assert _count(a, appointment_id) == _count(b, appointment_id) == first + second
    finally:
        a.close()
        b.close()


#: ("step", laptop) records a reschedule offline; ("sync", laptop) syncs that laptop.
actions = st.lists(
    st.tuples(st.sampled_from(["step", "step", "sync"]), st.integers(0, 2)), min_size=1, max_size=9
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=actions, laptop_count=st.integers(2, 3))
def test_counters_add_up_in_every_interleaving(
    server: ServerProcess,
    tmp_path_factory: pytest.TempPathFactory,
    plan: list[tuple[str, int]],
    laptop_count: int,
) -> None:
    team = create_team(server, therapists=3)
    laptops = _laptops(server, tmp_path_factory.mktemp("fleet"), team, laptop_count)
    try:
        _interleave(team, laptops, plan)
    finally:
        for laptop in laptops:
            laptop.close()


def _interleave(team: TeamAccounts, laptops: list[Laptop], plan: list[tuple[str, int]]) -> None:
    laptop_count = len(laptops)
    appointment_id = _appointment(laptops[0], team.team_id)
    for laptop in laptops:
        assert laptop.sync().exit_code == 0
    steps = 0
    for action, number in plan:
        laptop = laptops[number % laptop_count]
        if action == "step":
            _step(laptop, appointment_id)
            steps += 1
        else:
            assert laptop.sync().exit_code == 0
    for _round in range(2):
        for laptop in laptops:
            assert laptop.sync().exit_code == 0
    assert [_count(laptop, appointment_id) for laptop in laptops] == [steps] * laptop_count
