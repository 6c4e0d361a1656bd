"""Two laptops mark the same group session's register offline: it converges, no family lost."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from otvisit.models import Child
from otvisit.models.groups import GroupPlace, GroupSession, PlaceStatus, place_id
from otvisit.models.vocabulary import Place
from otvisit.services import children, episodes, group_views, groups
from otvisit.sync.client import list_conflicts
from otvisit.sync.server.schema import Record
from tests.factories import next_nhs_number
from tests.support.server_process import ServerProcess
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import create_team, server_database

STARTED = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
AFTER = STARTED + timedelta(hours=1)


def _family(laptop: Laptop, team_id: str, name: str) -> str:
    with laptop.store.transaction() as session:
        child_id = children.create_child(
            session, team_id=team_id, given_name=name, family_name="Family",
            date_of_birth=date(2021, 5, 1), nhs_number=next_nhs_number(), today=date(2026, 11, 1),
        )  # fmt: skip
        episode_id = episodes.open_referral(
            session, child_id=child_id, referred_on=date(2026, 9, 1)
        )
        episodes.accept_referral(session, episode_id=episode_id, accepted_on=date(2026, 9, 2))
    return child_id


def _mark(laptop: Laptop, group_id: str, child_id: str, mark: PlaceStatus) -> None:
    with laptop.store.transaction() as session:
        groups.mark_register(session, place_id=place_id(group_id, child_id), mark=mark, now=AFTER)


def _register(laptop: Laptop, group_id: str) -> dict[str, tuple[PlaceStatus, str]]:
    with laptop.store.read_session() as session:
        found = group_views.group_register(session, group_session_id=group_id)
    return {line.child_id: (line.status, line.entry) for line in found.lines}


def test_two_laptops_mark_one_register_offline_and_no_family_is_lost(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    team = create_team(server)
    a = sign_in(laptops, tmp_path, name="a", url=server.base_url, team=team, number=0)
    b = sign_in(laptops, tmp_path, name="b", url=server.base_url, team=team, number=1)
    assert a.sync().exit_code == 0
    family = [_family(a, team.team_id, f"Child{n}") for n in range(9)]
    with a.store.transaction() as session:
        group_id = groups.book_group_session(
            session,
            booking=groups.check_booking(
                {
                    "team_id": team.team_id, "title": "Parent coaching: sleep",
                    "starts_at": STARTED, "place": Place.VIRTUAL,
                    "location": "https://meet.nhs.example/sleep", "child_ids": tuple(family[:8]),
                    "capacity": 10,
                }
            ),
        )  # fmt: skip
    assert a.sync().exit_code == 0 and b.sync().exit_code == 0

    # Offline, laptop A (the therapist) and laptop B (the assistant) each mark the register.
    for child_id in family[:4]:
        _mark(a, group_id, child_id, PlaceStatus.ATTENDED)
    _mark(a, group_id, family[4], PlaceStatus.NOT_BROUGHT)  # B saw her arrive late
    _mark(b, group_id, family[4], PlaceStatus.ATTENDED)
    _mark(b, group_id, family[5], PlaceStatus.ATTENDED)
    _mark(b, group_id, family[6], PlaceStatus.NOT_BROUGHT)
    _mark(b, group_id, family[7], PlaceStatus.CANCELLED)
    # Both add the ninth family, who turned up unbooked: the same place, never two.
    for laptop in (a, b):
        with laptop.store.transaction() as session:
            groups.add_family(session, group_session_id=group_id, child_id=family[8])
        _mark(laptop, group_id, family[8], PlaceStatus.ATTENDED)
    with a.store.transaction() as session:
        groups.write_child_entry(
            session, place_id=place_id(group_id, family[0]), text="Tried the bedtime chart."
        )
        groups.write_child_entry(
            session, place_id=place_id(group_id, family[1]), text="Dad will film the routine."
        )
    with b.store.transaction() as session:
        groups.write_group_note(
            session, group_session_id=group_id, text="Sleep routines; visual timetables."
        )
        groups.write_child_entry(
            session, place_id=place_id(group_id, family[1]), text="Mum asked about melatonin."
        )

    for laptop in (a, b, a, b):
        assert laptop.sync().exit_code in (0, 1)  # 1: done, with a conflict to resolve

    register_a, register_b = _register(a, group_id), _register(b, group_id)
    assert register_a == register_b
    assert sorted(register_a) == sorted(family)  # all nine families, each once
    statuses = {child_id: status for child_id, (status, _) in register_a.items()}
    assert [statuses[c] for c in family[:4]] == [PlaceStatus.ATTENDED] * 4
    # The same family marked differently: the later push wins everywhere (a structured field).
    assert statuses[family[4]] is PlaceStatus.ATTENDED
    assert statuses[family[6]] is PlaceStatus.NOT_BROUGHT
    assert statuses[family[7]] is PlaceStatus.CANCELLED
    assert register_a[family[0]][1] == "Tried the bedtime chart."
    for laptop in (a, b):
        group = laptop.get(GroupSession, group_id)
        assert group.note == "Sleep routines; visual timetables."
        with laptop.store.read_session() as session:
            places = session.scalar(select(func.count()).select_from(GroupPlace))
        assert places == 9

    # Two different entries for one child are clinical text: both kept, as a conflict.
    with b.store.read_session() as session:
        conflicts = list_conflicts(session)
    assert [(c.entity, c.field) for c in conflicts] == [("group_place", "entry")]
    assert {conflicts[0].mine, conflicts[0].theirs} == {
        "Dad will film the routine.", "Mum asked about melatonin."
    }  # fmt: skip

    db = server_database(server)
    try:
        with db.read() as session:
            on_server = session.scalar(
                select(func.count()).where(
                    Record.entity == "group_place", Record.team_id == team.team_id
                )
            )
    finally:
        db.dispose()
    assert on_server == 9
    assert a.get(Child, family[8]) is not None
