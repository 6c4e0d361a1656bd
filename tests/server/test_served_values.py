"""The server stores only what its own laptops can read back, and only what the domain allows.

Each refused value gets a 422 naming the operation, nothing is stored, and the team's pull
(read by the laptop's own protocol model) still works afterwards. SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from otvisit.sync.protocol import PullResponse
from otvisit.sync.values import MAX_JSON_DEPTH, check_fields, value_problem
from tests.server.dbcheck import counts
from tests.support.api import child_fields, note_fields


def _nested(depth: int) -> Any:
    value: Any = {"name": "mum"}
    for _ in range(depth - 1):
        value = [value]
    return value


@pytest.fixture
def device(live_server, team, devices):
    device = devices(live_server.base_url, team.therapists[0])
    child = str(uuid.uuid4())
    device.push([device.op("child", child_fields(team.team_id), record_id=child)])
    device.child_id = child
    device.user_id = team.therapists[0].user_id
    return device


def _note(device, **extra: Any) -> dict[str, Any]:
    return device.op("session_note", note_fields(device.child_id, device.user_id, **extra))


UNREADABLE = {
    "attendees nested 200 deep": lambda d: _note(d, attendees=_nested(200)),
    "attendees nested 700 deep": lambda d: _note(d, attendees=_nested(700)),
    "attendees nested 33 deep": lambda d: _note(d, attendees=_nested(MAX_JSON_DEPTH + 1)),
    "unpaired surrogate in text": lambda d: _note(d, body="Buttons \ud83d done"),
    "unpaired low surrogate in a name": lambda d: d.op(
        "child", child_fields(d.team_id, given_name="Sa\udc00m")
    ),
    "surrogate in a JSON key": lambda d: _note(d, attendees=[{"na\ud800me": "mum"}]),
    "huge integer in JSON": lambda d: _note(d, attendees=[{"age": 2**60}]),
    "huge integer field": lambda d: _goal(d, gas_baseline=2**60),
    "counter step 2**60": lambda d: _appointment(d, increments={"reschedule_count": 2**60}),
    "counter step on a plain field": lambda d: _appointment(d, increments={"place": 1}),
}


def _goal(device, **extra: Any) -> dict[str, Any]:
    fields = {"child_id": device.child_id, "wording": "Coat on", "set_on": "2026-11-24"}
    return device.op("goal", {**fields, **extra})


def _appointment(device, *, increments: dict[str, Any]) -> dict[str, Any]:
    op = device.op(
        "appointment",
        {
            "child_id": device.child_id,
            "starts_at": "2026-12-01T10:00:00+00:00",
            "reschedule_count": 1,
        },
    )
    op["increments"] = increments
    return op


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_a_value_no_laptop_could_read_is_refused_and_the_pull_goes_on(
    live_server, team, device, case
) -> None:
    device.team_id = team.team_id
    good = _note(device)
    bad = UNREADABLE[case](device)
    before = counts(live_server.database_url)
    answer = device.push_response([good, bad])
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_field"
    assert f"Operation {bad['op_seq']}" in error["message"]
    assert "Nothing from this push was saved" in error["message"]
    assert counts(live_server.database_url) == before
    # Every laptop of the team, a new one included, still reads the whole team's pull.
    page = device.get("/api/v1/pull", params={"cursor": 0})
    assert page.status_code == 200
    PullResponse.model_validate_json(page.content)


def test_a_surrogate_in_a_conflicting_edit_is_refused_not_a_500(
    live_server, team, device, devices
) -> None:
    colleague = devices(live_server.base_url, team.therapists[1])
    note = str(uuid.uuid4())
    made = device.push([device.op("session_note", note_fields(device.child_id, device.user_id),
                                  record_id=note)])  # fmt: skip
    base = made["results"][0]["record_seq"]
    colleague.push([colleague.op("session_note", {"body": "Colleague's words"}, record_id=note,
                                 base_seq=base)])  # fmt: skip
    answer = device.push_response(
        [device.op("session_note", {"body": "Mine \ud83d"}, record_id=note, base_seq=base)]
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "invalid_field"


def test_values_within_the_limits_are_stored_and_read_back(device) -> None:
    note = str(uuid.uuid4())
    attendees = [
        {"name": "Mum 👩‍👧 মা", "role": "carer", "nested": _nested(MAX_JSON_DEPTH - 2)}
    ]  # 32 levels
    body = "বোতাম লাগানো অনুশীলন করা হয়েছে 🧥"
    device.push([_note(device, attendees=attendees, body=body) | {"record_id": note}])
    page = PullResponse.model_validate_json(device.get("/api/v1/pull").content)
    (pulled,) = [r for r in page.records if r.record_id == note]
    assert pulled.fields["attendees"] == attendees
    assert pulled.fields["body"] == body


NOT_PLAUSIBLE = {
    "NHS number with a wrong check digit": ("child", {"nhs_number": "9434765918"}),
    "NHS number of 9 digits": ("child", {"nhs_number": "943476591"}),
    "NHS number with letters": ("child", {"nhs_number": "94347659AB"}),
    "date of birth 9999-12-31": ("child", {"date_of_birth": "9999-12-31"}),
    "date of birth 1850-01-01": ("child", {"date_of_birth": "1850-01-01"}),
    "GAS baseline 99": ("goal", {"gas_baseline": 99}),
    "GAS weight -5": ("goal", {"gas_weight": -5}),
    "GAS rating 99": ("gas_rating", {"level": 99}),
    "COPM rating 11": ("copm_problem", {"baseline_performance": 11}),
}


@pytest.mark.parametrize("case", sorted(NOT_PLAUSIBLE))
def test_the_server_applies_the_domain_rules(live_server, team, device, case) -> None:
    entity, bad = NOT_PLAUSIBLE[case]
    fields: dict[str, Any] = {
        "child": child_fields(team.team_id),
        "goal": {"child_id": device.child_id, "wording": "Coat on", "set_on": "2026-11-24"},
        "gas_rating": {"child_id": device.child_id, "goal_id": str(uuid.uuid4()),
                       "rated_on": "2026-11-24", "level": 0},
        "copm_problem": {"child_id": device.child_id, "occupation": "Dressing",
                         "baseline_on": "2026-11-24", "baseline_performance": 3,
                         "baseline_satisfaction": 3},
    }[entity]  # fmt: skip
    before = counts(live_server.database_url)
    answer = device.push_response([device.op(entity, {**fields, **bad})])
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "invalid_field"
    assert next(iter(bad)) in answer.json()["error"]["message"]
    assert counts(live_server.database_url) == before
    # The same record with plausible values is taken.
    device.push([device.op(entity, fields)])


def test_an_edit_breaking_a_rule_is_refused_too(device) -> None:
    answer = device.push_response(
        [device.op("child", {"nhs_number": "1234567890"}, record_id=device.child_id, base_seq=1)]
    )
    assert answer.status_code == 422
    assert "check digit" in answer.json()["error"]["message"]


def test_the_laptop_runs_the_same_check_before_it_sends() -> None:
    from otvisit.models.wire import WireError

    with pytest.raises(WireError, match="nested more than 32"):
        check_fields("session_note", {"attendees": _nested(40)})
    with pytest.raises(WireError, match="surrogate"):
        check_fields("session_note", {"body": "x\ud83d"})
    assert value_problem(_nested(5000)) is not None  # no RecursionError
    assert value_problem(float("nan")) is not None
