"""The console's API on a small team worked out by hand: every rule of docs/console-figures.md."""

from __future__ import annotations

import math
import time
import uuid
from typing import Any

import pytest

from otvisit.sync.server.schema import AuditEntry
from otvisit.sync.server.team_views import routes
from tests.server.dbcheck import rows
from tests.support.api import ApiClient, child_fields
from tests.support.server_process import ServerProcess, seed_team


def _at(day: str) -> str:
    return f"{day}T10:00:00+00:00"


@pytest.fixture(scope="module")
def lead(live_server: ServerProcess) -> Any:
    team = seed_team(live_server.database_url, therapists=1, leads=1)
    client = ApiClient(live_server.base_url).login(team.leads[0].username, team.leads[0].password)
    child, episode, goal_a, goal_b = (str(uuid.uuid4()) for _ in range(4))
    op = client.op
    client.push([
        op("child", child_fields(team.team_id, written_language="pl", interpreter_needed=True,
                                 interpreter_language="pl", setting_type="school",
                                 therapist_id=team.therapists[0].user_id), record_id=child),
        op("episode", {"child_id": child, "referred_on": "2026-01-05", "accepted_on": "2026-01-06",
                       "status": "discharged", "discharged_on": "2026-07-01"}, record_id=episode),
        op("referral", {"child_id": child, "received_on": "2026-01-05", "source": "gp",
                        "status": "accepted", "episode_id": episode}),
        op("goal", {"child_id": child, "episode_id": episode, "wording": "Coat on",
                    "set_on": "2026-01-10", "gas_weight": 1.0}, record_id=goal_a),
        op("goal", {"child_id": child, "episode_id": episode, "wording": "Spoon",
                    "set_on": "2026-01-10", "gas_weight": 2.0}, record_id=goal_b),
        *(op("gas_rating", {"child_id": child, "goal_id": goal, "rated_on": day, "level": level})
          for goal, day, level in ((goal_a, "2026-03-01", -1), (goal_a, "2026-06-01", 1),
                                   (goal_b, "2026-06-01", 0), (goal_b, "2026-09-01", 2))),
        *(op("appointment", {"child_id": child, "episode_id": episode, "kind": "intervention",
                             "place": "home", "starts_at": _at(day), "status": status})
          for day, status in (("2026-02-10", "attended"), ("2026-03-10", "did_not_attend"),
                              ("2026-04-10", "no_access"), ("2026-05-10", "cancelled"),
                              ("2025-12-20", "was_not_brought"))),
        *(op("copm_problem", {"child_id": child, "occupation": what, "baseline_on": "2026-01-10",
                              "baseline_performance": bp, "baseline_satisfaction": bs,
                              "reassessed_on": on, "reassessed_performance": rp,
                              "reassessed_satisfaction": rs})
          for what, bp, bs, on, rp, rs in (("Dressing", 3, 2, "2026-06-15", 5, 3),
                                           ("Eating", 4, 4, "2026-06-15", 5, None),
                                           ("Writing", 2, 2, "2026-09-20", 9, 9))),
    ])  # fmt: skip
    yield client
    client.close()


def _t(*pairs: tuple[int, float]) -> float:
    top = sum(level * weight for level, weight in pairs)
    return 50 + 10 * top / math.sqrt(
        0.7 * sum(w * w for _, w in pairs) + 0.3 * sum(w for _, w in pairs) ** 2
    )


def test_outcomes_of_a_child_worked_out_by_hand(lead: ApiClient) -> None:
    answer = lead.get(routes.OUTCOMES_PATH, params={"from": "2026-01-01", "to": "2026-08-31"})
    assert answer.status_code == 200, answer.text
    team = answer.json()["team"]
    expected = _t((1, 1.0), (0, 2.0))  # the ratings of 1 June; September's is after the period
    assert team["gas_latest"]["children"] == 1
    assert team["gas_latest"]["median"] == pytest.approx(expected)
    assert team["gas_discharge"]["median"] == pytest.approx(expected)
    assert {c["label"]: c["n"] for c in team["gas_latest"]["distribution"]}["50 to 59"] == 1
    assert team["copm"] == {"problems": 2, "performance_improved": 1, "performance_share": 0.5,
                            "satisfaction_problems": 1, "satisfaction_improved": 0,
                            "satisfaction_share": 0.0}  # fmt: skip
    assert team["attendance"] == {"appointments": 3, "attended": 1, "did_not_attend": 1,
                                  "was_not_brought": 1, "did_not_attend_rate": pytest.approx(1 / 3),
                                  "was_not_brought_rate": pytest.approx(1 / 3)}  # fmt: skip
    assert team["waits"]["children"] == 1 and team["waits"]["median_days"] == 36
    assert {c["label"]: c["n"] for c in team["waits"]["distribution"]}["4–12"] == 1
    by_language = {g["key"]: g["figures"]["children"] for g in answer.json()["by_written_language"]}
    assert by_language == {"pl": 1}  # a group of one is shown, not hidden
    later = lead.get(routes.OUTCOMES_PATH, params={"from": "2026-01-01", "to": "2026-12-31"}).json()
    assert later["team"]["gas_latest"]["median"] == pytest.approx(_t((1, 1.0), (2, 2.0)))
    assert later["team"]["gas_discharge"]["median"] == pytest.approx(expected)  # at 1 July


def test_a_period_that_ends_before_it_starts_is_refused(lead: ApiClient) -> None:
    answer = lead.get(routes.OUTCOMES_PATH, params={"from": "2026-08-31", "to": "2026-01-01"})
    assert answer.status_code == 422
    assert answer.json()["error"]["message"] == "The end of the period is before its start."
    experience = lead.get(routes.EXPERIENCE_PATH, params={"from": "2026-08-31", "to": "2026-01-01"})
    assert experience.status_code == 422


def test_the_caseload_view_is_on_each_childs_audit_trail(
    live_server: ServerProcess, lead: ApiClient
) -> None:
    listed = lead.get(routes.CASELOAD_PATH).json()["children"]
    assert len(listed) == 1
    child = listed[0]["child_id"]
    deadline = time.monotonic() + 10  # reads are written by the server's audit thread
    while True:
        seen = rows(live_server.database_url, AuditEntry, AuditEntry.device_id == lead.device_id)
        views = [(e.action, e.child_id, e.detail) for e in seen]  # type: ignore[attr-defined]
        if ("view", child, "console caseload") in views or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert ("view", child, "console caseload") in views
    lead.get(routes.OUTCOMES_PATH, params={"from": "2026-01-01", "to": "2026-08-31"})
    while time.monotonic() < deadline + 10:
        seen = rows(live_server.database_url, AuditEntry, AuditEntry.device_id == lead.device_id)
        if any(e.detail == "console outcomes 2026-01-01..2026-08-31" for e in seen):  # type: ignore[attr-defined]
            break
        time.sleep(0.05)
    assert any(e.detail == "console outcomes 2026-01-01..2026-08-31" for e in seen)  # type: ignore[attr-defined]


def test_a_period_at_the_edge_of_the_calendar_is_answered(lead: ApiClient) -> None:
    early = lead.get(routes.OUTCOMES_PATH, params={"to": "0001-01-03"})
    assert early.status_code == 200, early.text
    assert early.json()["period_from"] == "0001-01-01"
    assert early.json()["team"]["attendance"]["appointments"] == 0
    late = lead.get(routes.OUTCOMES_PATH, params={"from": "2026-01-01", "to": "9999-12-31"})
    assert late.json()["team"]["gas_latest"]["children"] == 1
