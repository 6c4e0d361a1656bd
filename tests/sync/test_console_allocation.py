"""A team lead moves children between therapists; real laptops receive the move on their sync."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select

from otvisit.models import Child
from otvisit.services.demo_caseload import demo_nhs_numbers
from otvisit.sync.server.schema import AuditEntry, Record
from otvisit.sync.server.team_views.facts import ChildFact
from otvisit.sync.server.team_views.routes import ALLOCATIONS_PATH, CASELOAD_PATH
from tests.support.api import ApiClient
from tests.support.server_process import ServerProcess, seed_team
from tests.sync.conftest import sign_in
from tests.sync.laptop import Laptop
from tests.sync.server_harness import TeamAccounts, server_database


def _child(laptop: Laptop, team_id: str, therapist_id: str, nhs: str, name: str) -> str:
    with laptop.store.transaction() as session:
        child = Child(
            team_id=team_id, therapist_id=therapist_id, given_name=name, family_name="Okafor",
            date_of_birth=date(2019, 5, 2), nhs_number=nhs,
        )  # fmt: skip
        session.add(child)
    return child.id


def test_moved_children_reach_the_receiving_laptop_and_a_concurrent_edit_still_merges(
    server: ServerProcess, laptops: list[Laptop], tmp_path: Path
) -> None:
    seeded = seed_team(server.database_url, therapists=2, leads=1)
    team = TeamAccounts(
        seeded.team_id,
        tuple(a.username for a in seeded.therapists),
        {a.username: a.password for a in seeded.therapists},
    )
    giver, taker = seeded.therapists
    first = sign_in(laptops, tmp_path, name="first", url=server.base_url, team=team, number=0)
    second = sign_in(laptops, tmp_path, name="second", url=server.base_url, team=team, number=1)
    numbers = demo_nhs_numbers()
    ada = _child(first, team.team_id, giver.user_id, next(numbers), "Ada")
    bea = _child(first, team.team_id, giver.user_id, next(numbers), "Bea")
    stays = _child(first, team.team_id, giver.user_id, next(numbers), "Cal")
    first.sync()
    second.sync()
    assert second.get(Child, ada).therapist_id == giver.user_id
    # Offline on the first laptop: Ada's family moved house (another field of the same record).
    with first.store.transaction() as session:
        session.get(Child, ada).postcode = "SE1 7EH"  # type: ignore[union-attr]

    lead = ApiClient(server.base_url).login(seeded.leads[0].username, seeded.leads[0].password)
    try:
        answer = lead.post(
            ALLOCATIONS_PATH, json={"child_ids": [ada, bea], "therapist_id": taker.user_id}
        )
        assert answer.status_code == 200, answer.text
        assert sorted(answer.json()["moved"]) == sorted([ada, bea])
        assert answer.json()["therapist_name"] == taker.full_name
        again = lead.post(
            ALLOCATIONS_PATH, json={"child_ids": [bea], "therapist_id": taker.user_id}
        )
        assert again.json() == {**again.json(), "moved": [], "unchanged": [bea]}
        caseload = {c["child_id"]: c for c in lead.get(CASELOAD_PATH).json()["children"]}
    finally:
        lead.close()
    assert caseload[ada]["therapist_name"] == taker.full_name
    assert caseload[stays]["therapist_name"] == giver.full_name

    pushed = first.sync()  # pushes the postcode over the lead's newer version, then pulls
    assert (pushed.pushed, pushed.conflicts, pushed.rejected, pushed.failure) == (1, 0, [], "")
    second.sync()
    for laptop in (first, second):
        assert laptop.get(Child, ada).therapist_id == taker.user_id, laptop.name
        assert laptop.get(Child, bea).therapist_id == taker.user_id, laptop.name
        assert laptop.get(Child, stays).therapist_id == giver.user_id, laptop.name
    assert second.get(Child, ada).postcode == "SE1 7EH"  # the concurrent edit merged

    database = server_database(server)
    try:
        with database.read() as session:
            fields, by = session.execute(
                select(Record.fields, Record.updated_by).where(Record.id == ada)
            ).one()
            held = session.execute(
                select(ChildFact.therapist_id).where(ChildFact.id == ada)
            ).scalar_one()
            moves = session.execute(
                select(AuditEntry.username, AuditEntry.detail).where(
                    AuditEntry.action == "allocate", AuditEntry.child_id == ada
                )
            ).all()
    finally:
        database.dispose()
    assert json.loads(fields)["therapist_id"] == taker.user_id
    assert json.loads(fields)["postcode"] == "SE1 7EH"
    assert by == giver.full_name  # the postcode came last, from the first laptop
    assert held == taker.user_id
    assert moves == [
        (seeded.leads[0].username, f"allocated to {taker.full_name} (was {giver.full_name})")
    ]


def test_a_child_of_another_team_refuses_the_whole_move(server: ServerProcess) -> None:
    ours = seed_team(server.database_url, therapists=1, leads=1)
    theirs = seed_team(server.database_url, therapists=1)
    own = ApiClient(server.base_url).login(ours.therapists[0].username, ours.therapists[0].password)
    other = ApiClient(server.base_url).login(
        theirs.therapists[0].username, theirs.therapists[0].password
    )
    lead = ApiClient(server.base_url).login(ours.leads[0].username, ours.leads[0].password)
    try:
        mine, foreign = (
            own.op("child", _fields(ours.team_id, "Ola")),
            other.op("child", _fields(theirs.team_id, "Zed")),
        )
        own.push([mine])
        other.push([foreign])
        body = {"child_ids": [mine["record_id"], foreign["record_id"]],
                "therapist_id": ours.therapists[0].user_id}  # fmt: skip
        answer = lead.post(ALLOCATIONS_PATH, json=body)
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "other_team"
        assert "Zed" not in answer.text
        listed = lead.get(CASELOAD_PATH).json()["children"]
        assert [c["therapist_id"] for c in listed] == [None]  # nothing moved, not even ours
        stranger = {"child_ids": [mine["record_id"]], "therapist_id": theirs.therapists[0].user_id}
        assert lead.post(ALLOCATIONS_PATH, json=stranger).status_code == 403
    finally:
        for client in (own, other, lead):
            client.close()


def _fields(team_id: str, name: str) -> dict[str, object]:
    return {"team_id": team_id, "given_name": name, "family_name": "Test",
            "date_of_birth": "2019-03-14", "nhs_number": "9434765919"}  # fmt: skip
