"""Conflicts a laptop sends again to a restored server: kept once, in its own team, checked."""

from __future__ import annotations

import uuid
from typing import Any

from otvisit.sync import protocol
from tests.server.dbcheck import Conflict, counts, rows
from tests.support.api import ApiClient, child_fields
from tests.support.server_process import seed_team


def _conflict(record_id: str, child_id: str | None, **changes: Any) -> dict[str, Any]:
    return {
        "conflict_id": str(uuid.uuid4()), "entity": "session_note", "record_id": record_id,
        "child_id": child_id, "field": "body", "kind": "edit", "mine": "Mine: buttons.",
        "theirs": "Theirs: zips.", "theirs_by": "Priya Shah",
        "found_at": "2026-11-30T10:00:00+00:00", **changes,
    }  # fmt: skip


def _send(device: ApiClient, conflicts: list[dict[str, Any]], **body: Any) -> Any:
    return device.post(
        protocol.RESENT_CONFLICTS_PATH,
        json={"device_id": device.device_id, "conflicts": conflicts, **body},
    )


def test_resent_conflicts_are_kept_once_and_only_in_the_callers_team(
    live_server, team, devices
) -> None:
    other = seed_team(live_server.database_url)
    a = devices(live_server.base_url, team.therapists[0])
    b = devices(live_server.base_url, other.therapists[0])
    a_child = str(uuid.uuid4())
    a.push([a.op("child", child_fields(team.team_id), record_id=a_child)])
    mine = _conflict(str(uuid.uuid4()), a_child)
    answer = _send(a, [mine])
    assert answer.status_code == 200 and answer.json() == {"kept": 1}
    assert _send(a, [mine]).json() == {"kept": 0}  # a retry keeps nothing twice
    assert counts(live_server.database_url)["conflict"] == 1
    # The server did not see "theirs": the history names it as the laptop kept it.
    [kept] = rows(live_server.database_url, Conflict, Conflict.id == mine["conflict_id"])
    me = team.therapists[0].full_name
    assert (kept.mine_by, kept.theirs_by) == (me, f"Priya Shah (as kept on {me}'s laptop)")  # type: ignore[attr-defined]

    # Another team's device names team A's child, or team A's record: nothing kept, nothing said.
    onto_child = _conflict(str(uuid.uuid4()), a_child)
    onto_record = _conflict(a_child, None, entity="child", field="", kind="delete_vs_edit")
    taken = _send(b, [onto_child, onto_record, {**mine, "mine": "Overwritten?"}])
    assert taken.status_code == 200 and taken.json() == {"kept": 0}
    assert counts(live_server.database_url)["conflict"] == 1


def test_a_malformed_resent_conflict_is_refused_whole_with_a_clear_message(
    live_server, team, devices
) -> None:
    a = devices(live_server.base_url, team.therapists[0])
    record = str(uuid.uuid4())
    deep: Any = "x"
    for _ in range(300):
        deep = [deep]
    cases = [
        ([_conflict(record, None, mine=deep)], 422, "nested"),
        ([_conflict(record, None, entity="no_such_thing")], 422, "no such kind"),
        ([_conflict(record, None, kind="sideways")], 422, ""),
        ([_conflict("not-a-uuid", None)], 422, ""),
        ([_conflict(record, None)] * (protocol.MAX_RESENT_CONFLICTS + 1), 422, ""),
    ]
    before = counts(live_server.database_url)
    for conflicts, status, words in cases:
        answer = _send(a, conflicts)
        assert answer.status_code == status, answer.text
        assert words in answer.json()["error"]["message"]
    other_device = _send(a, [_conflict(record, None)], device_id=str(uuid.uuid4()))
    assert other_device.status_code == 403
    assert counts(live_server.database_url) == before
