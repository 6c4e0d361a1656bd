"""A team's devices never see or touch another team's children, on any endpoint."""

from __future__ import annotations

import uuid

from otvisit.sync import protocol
from otvisit.sync.server import admin
from otvisit.sync.server.database import Database
from tests.server.dbcheck import counts
from tests.support.api import ApiClient, child_fields
from tests.support.server_process import SeededTeam, seed_team


def _caseload(device: ApiClient, team: SeededTeam) -> tuple[str, str]:
    child, goal = str(uuid.uuid4()), str(uuid.uuid4())
    device.push([
        device.op("child", child_fields(team.team_id), record_id=child),
        device.op("goal", {"child_id": child, "wording": "Coat on", "set_on": "2026-11-24"},
                  record_id=goal),
    ])  # fmt: skip
    return child, goal


def _assert_only_team(pulled: dict, team: SeededTeam, children: set[str]) -> None:
    for record in pulled["records"].values():
        if record["entity"] == "team":
            assert record["record_id"] == team.team_id
        elif record["child_id"] is None:
            assert record["fields"]["team_id"] == team.team_id
        else:
            assert record["child_id"] in children


def test_every_endpoint_is_scoped_to_the_callers_team(live_server, team, devices) -> None:
    other = seed_team(live_server.database_url)
    a = devices(live_server.base_url, team.therapists[0])
    b = devices(live_server.base_url, other.therapists[0])
    a_child, a_goal = _caseload(a, team)
    b_child, _ = _caseload(b, other)

    assert b.get(protocol.ME_PATH).json()["user"]["team_id"] == other.team_id
    login = b.login_response(other.therapists[1].username, other.therapists[1].password, "x")
    assert login.json()["user"]["team_id"] == other.team_id
    pulled = b.pull_all()
    _assert_only_team(pulled, other, {b_child})
    assert a_child not in pulled["records"] and a_goal not in pulled["records"]
    assert team.therapists[0].user_id not in pulled["records"]
    _assert_only_team(a.pull_all(), team, {a_child})

    before = counts(live_server.database_url)
    attempts = [
        b.op("goal", {"child_id": a_child, "wording": "Sneaky", "set_on": "2026-11-24"}),
        b.op("goal", {"wording": "Overwritten"}, record_id=a_goal),
        b.op("goal", {}, record_id=a_goal, kind="delete"),
        b.op("child", {"given_name": "Renamed"}, record_id=a_child),
        b.op("child", child_fields(team.team_id)),
        b.op("library_strategy", {"team_id": team.team_id, "slug": "s", "area": "a", "title": "t"}),
    ]
    for attempt in attempts:
        answer = b.push_response([attempt])
        assert answer.status_code == 403, attempt
        assert answer.json()["error"]["code"] == protocol.OTHER_TEAM
    assert counts(live_server.database_url) == before
    assert a.pull_all()["records"][a_goal]["fields"]["wording"] == "Coat on"


def test_a_child_moved_to_another_team_leaves_the_old_teams_devices(
    live_server, team, devices
) -> None:
    other = seed_team(live_server.database_url)
    a = devices(live_server.base_url, team.therapists[0])
    b = devices(live_server.base_url, other.therapists[0])
    child, goal = _caseload(a, team)
    a_cursor, b_cursor = a.pull_all()["cursor"], b.pull_all()["cursor"]
    database = Database(live_server.database_url)
    try:
        with database.write() as session:
            admin.assign_child(session, child_id=child, team_id=other.team_id)
    finally:
        database.dispose()
    old = a.pull_all(a_cursor)
    assert old["removed_children"] == [child] and old["records"] == {}
    new = b.pull_all(b_cursor)
    assert set(new["records"]) == {child, goal} and new["removed_children"] == []
    assert new["records"][child]["fields"]["team_id"] == other.team_id
    # An offline edit from the old team is refused for that op only, and the rest applies.
    answer = a.push([
        a.op("goal", {"wording": "Edited offline"}, record_id=goal),
        a.op("child", child_fields(team.team_id)),
    ])  # fmt: skip
    assert [r["status"] for r in answer["results"]] == ["rejected", "applied"]
    assert "no longer on your team" in answer["results"][0]["reason"]
    assert b.pull_all()["records"][goal]["fields"]["wording"] == "Coat on"
