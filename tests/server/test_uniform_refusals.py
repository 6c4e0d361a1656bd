"""A refusal never tells another team's records apart: whatever the record is, or names itself
as, the answer is the same 403 and the same words (real server, SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import uuid

from tests.support.api import child_fields
from tests.support.server_process import seed_team


def test_another_teams_records_all_get_the_same_answer(live_server, team, devices) -> None:
    mine = devices(live_server.base_url, team.therapists[0])
    other_team = seed_team(live_server.database_url, therapists=1)
    theirs = devices(live_server.base_url, other_team.therapists[0])
    child, goal = str(uuid.uuid4()), str(uuid.uuid4())
    theirs.push([
        theirs.op("child", child_fields(other_team.team_id), record_id=child),
        theirs.op("goal", {"child_id": child, "wording": "Coat on", "set_on": "2026-11-24"},
                  record_id=goal),
    ])  # fmt: skip
    attempts = {
        "their child as a child": mine.op("child", {"given_name": "X"}, record_id=child),
        "their child as a goal": mine.op("goal", {"wording": "X"}, record_id=child),
        "their goal as a goal": mine.op("goal", {"wording": "X"}, record_id=goal),
        "their goal as a note": mine.op("session_note", {"body": "X"}, record_id=goal),
        "a new goal under their child": mine.op(
            "goal", {"child_id": child, "wording": "X", "set_on": "2026-11-24"}
        ),
        "a child in their team": mine.op("child", child_fields(other_team.team_id)),
    }
    answers = {}
    for name, op in attempts.items():
        answer = mine.push_response([op])
        assert answer.status_code == 403, (name, answer.text)
        error = answer.json()["error"]
        answers[name] = (error["code"], re.sub(r"Operation \d+", "Operation N", error["message"]))
        assert child not in error["message"] and goal not in error["message"]
        for word in ("child", "goal", "note"):
            assert f" {word} " not in error["message"].replace("caseload", ""), (name, error)
    assert len(set(answers.values())) == 1, answers
    assert next(iter(answers.values()))[0] == "other_team"
