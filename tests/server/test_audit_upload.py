"""Devices upload their audit events: appended once, team-scoped, never editable (SQLite and PG)."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy import delete, exc, update

from otvisit.sync import protocol
from tests.server.dbcheck import AuditEntry, execute, rows
from tests.support.api import ApiClient, audit_event, child_fields
from tests.support.server_process import seed_team


def _child(device: ApiClient, team_id: str) -> str:
    child = str(uuid.uuid4())
    device.push([device.op("child", child_fields(team_id), record_id=child)])
    return child


def _device_rows(url: str, *event_ids: str) -> list[AuditEntry]:
    found = rows(url, AuditEntry, AuditEntry.event_id.in_(event_ids))
    return found  # type: ignore[return-value]


def test_events_are_appended_once_with_the_device_clock(live_server, team, devices) -> None:
    account = team.therapists[0]
    device = devices(live_server.base_url, account)
    child = _child(device, team.team_id)
    view = audit_event("view", child_id=child, actor_id=account.user_id, detail="opened record")
    printed = audit_event(
        "print", child_id=child, at="2026-11-24T10:30:00+01:00", entity="document"
    )
    answer = device.upload_audit_response([view, printed])
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == [view["event_id"], printed["event_id"]]

    stored = {
        r.event_id: r for r in _device_rows(live_server.database_url, *answer.json()["accepted"])
    }
    assert stored[view["event_id"]].origin == "device"
    assert stored[view["event_id"]].action == "view"
    assert stored[view["event_id"]].username == account.username
    assert stored[view["event_id"]].device_id == device.device_id
    assert stored[view["event_id"]].actor_id == account.user_id
    assert stored[view["event_id"]].detail == "opened record"
    assert stored[printed["event_id"]].at.isoformat() == "2026-11-24T09:30:00+00:00"
    assert stored[printed["event_id"]].received_at is not None

    # The answer was lost: the laptop sends the same events again, with one new one.
    later = audit_event("export", child_id=child)
    again = device.upload_audit_response([view, printed, later, later])
    assert again.status_code == 200
    assert again.json()["accepted"] == [view["event_id"], printed["event_id"], later["event_id"]]
    ids = (view["event_id"], printed["event_id"], later["event_id"])
    assert len(_device_rows(live_server.database_url, *ids)) == 3


def test_an_event_about_another_teams_child_or_record_writes_nothing(
    live_server, team, devices
) -> None:
    other = seed_team(live_server.database_url)
    mine = devices(live_server.base_url, team.therapists[0])
    theirs = devices(live_server.base_url, other.therapists[0])
    my_child, their_child = _child(mine, team.team_id), _child(theirs, other.team_id)
    goal = str(uuid.uuid4())
    theirs.push([theirs.op("goal", {"child_id": their_child, "wording": "Coat on",
                                    "set_on": "2026-11-24"}, record_id=goal)])  # fmt: skip
    attempts = [
        [audit_event(child_id=my_child), audit_event(child_id=their_child)],
        [audit_event(child_id=None, entity="goal", record_id=goal)],
        [audit_event(child_id=my_child, entity="goal", record_id=goal)],
        [audit_event(child_id=None, entity="team", record_id=other.team_id)],
    ]
    for events in attempts:
        answer = mine.upload_audit_response(events)
        assert answer.status_code == 403, events
        assert answer.json()["error"]["code"] == protocol.OTHER_TEAM
        assert their_child not in answer.text and goal not in answer.text
        assert _device_rows(live_server.database_url, *(e["event_id"] for e in events)) == []


def test_refusals_write_nothing(live_server, team, devices) -> None:
    device = devices(live_server.base_url, team.therapists[0])
    child = _child(device, team.team_id)
    good = audit_event(child_id=child)
    cases = {
        "another device": (
            {"device_id": str(uuid.uuid4()), "events": [good]}, 403, "device_mismatch"),
        "unknown action": (
            {"device_id": device.device_id, "events": [good, audit_event("edit")]},
            422, "invalid_request"),
        "NUL in detail": (
            {"device_id": device.device_id, "events": [good, audit_event(detail="a\x00b")]},
            422, "invalid_request"),
        "too many": (
            {"device_id": device.device_id,
             "events": [audit_event() for _ in range(protocol.MAX_AUDIT_EVENTS + 1)]},
            422, "invalid_request"),
    }  # fmt: skip
    for name, (body, status, code) in cases.items():
        answer = device.post(protocol.AUDIT_PATH, json=body)
        assert answer.status_code == status, (name, answer.text)
        assert answer.json()["error"]["code"] == code, name
    assert _device_rows(live_server.database_url, good["event_id"]) == []


def test_an_event_about_a_child_not_yet_on_the_server_is_kept(live_server, team, devices) -> None:
    device = devices(live_server.base_url, team.therapists[0])
    event = audit_event(child_id=str(uuid.uuid4()), action="create")
    assert device.upload_audit_response([event]).status_code == 200
    assert len(_device_rows(live_server.database_url, event["event_id"])) == 1


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_the_database_refuses_to_change_the_audit_log(
    live_server, team, devices, statement
) -> None:
    device = devices(live_server.base_url, team.therapists[0])
    event = audit_event(child_id=_child(device, team.team_id), detail="viewed")
    assert device.upload_audit_response([event]).status_code == 200
    where = AuditEntry.event_id == event["event_id"]
    change = (
        update(AuditEntry).where(where).values(detail="nothing to see")
        if statement == "update"
        else delete(AuditEntry).where(where)
    )
    with pytest.raises(exc.DBAPIError, match="append-only"):
        execute(live_server.database_url, change)
    [kept] = _device_rows(live_server.database_url, event["event_id"])
    assert kept.detail == "viewed"


@pytest.mark.parametrize(
    "clock",
    ["1970-01-01T00:00:00Z", "1999-12-31T23:59:59+00:00", "2150-06-01T10:00:00+01:00",
     "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59-05:00", "2026-11-24T09:00:00"],
)  # fmt: skip
def test_a_laptop_clock_that_cannot_be_right_is_marked_never_refused(
    live_server, team, devices, clock
) -> None:
    """The event is stamped when the server receives it, and the laptop's time kept, marked."""
    device = devices(live_server.base_url, team.therapists[0])
    child = _child(device, team.team_id)
    event = audit_event(child_id=child, at=clock, detail="opened at school")
    answer = device.upload_audit_response([event])
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == [event["event_id"]]
    [row] = _device_rows(live_server.database_url, event["event_id"])
    believable = clock.startswith("2026")
    if believable:
        assert row.device_clock is None
        assert row.at.year == 2026 and row.at.day == 24
    else:
        assert row.device_clock == datetime.fromisoformat(clock.replace("Z", "+00:00")).isoformat()
        assert abs((row.at - row.received_at).total_seconds()) < 1
        assert 2000 <= row.at.year < 2100
