"""Notes are written and signed only in the device user's own name; children registered twice are
shown to the team lead, never merged silently; admin output can't drive the operator's terminal.
Real server processes on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import uuid
from typing import Any

import pytest

from otvisit.sync import protocol
from tests.support.api import child_fields, note_fields
from tests.support.server_process import seed_team

SIGNED_AT = "2026-11-24T10:00:00+00:00"


@pytest.fixture
def pair(live_server, team, devices):
    """Two therapists of one team on their own laptops, and a child of the team."""
    me = devices(live_server.base_url, team.therapists[0])
    colleague = devices(live_server.base_url, team.therapists[1])
    child = str(uuid.uuid4())
    me.push([me.op("child", child_fields(team.team_id), record_id=child)])
    me.user_id, colleague.user_id = team.therapists[0].user_id, team.therapists[1].user_id
    return me, colleague, child


def _statuses(answer: dict[str, Any]) -> list[str]:
    return [r["status"] for r in answer["results"]]


def test_a_note_written_in_a_colleagues_name_is_refused(pair) -> None:
    me, colleague, child = pair
    answer = me.push([
        me.op("session_note", note_fields(child, colleague.user_id)),
        me.op("session_note", note_fields(child, me.user_id, signed_at=SIGNED_AT,
                                          signed_by_id=colleague.user_id)),
        me.op("session_note", note_fields(child, me.user_id)),
    ])  # fmt: skip
    assert _statuses(answer) == ["rejected", "rejected", "applied"]
    assert "your own name" in answer["results"][0]["reason"]
    assert "signed by the therapist who wrote it" in answer["results"][1]["reason"]


def test_nobody_signs_a_colleagues_draft_as_the_colleague(pair) -> None:
    me, colleague, child = pair
    note = str(uuid.uuid4())
    made = colleague.push(
        [colleague.op("session_note", note_fields(child, colleague.user_id), record_id=note)]
    )
    base = made["results"][0]["record_seq"]
    forged = me.push([
        me.op("session_note", {"body": "New words", "signed_at": SIGNED_AT,
                               "signed_by_id": colleague.user_id}, record_id=note, base_seq=base),
        me.op("session_note", {"signed_at": SIGNED_AT, "signed_by_id": me.user_id},
              record_id=note, base_seq=base),
        me.op("session_note", {"author_id": me.user_id}, record_id=note, base_seq=base),
    ])  # fmt: skip
    assert _statuses(forged) == ["rejected", "rejected", "rejected"]
    fields = me.pull_all()["records"][note]["fields"]
    assert fields.get("signed_at") is None and fields["body"] != "New words"
    assert fields["author_id"] == colleague.user_id
    # The author signs her own draft.
    sign = {"signed_at": SIGNED_AT, "signed_by_id": colleague.user_id}
    signed = colleague.push([colleague.op("session_note", sign, record_id=note, base_seq=base)])
    assert _statuses(signed) == ["applied"]


def test_an_addendum_is_by_the_notes_author_only(pair) -> None:
    me, colleague, child = pair
    note = str(uuid.uuid4())
    signed = note_fields(child, me.user_id, signed_at=SIGNED_AT, signed_by_id=me.user_id)
    me.push([me.op("session_note", signed, record_id=note)])

    def addendum(device, author: str) -> dict[str, Any]:
        fields = {"child_id": child, "note_id": note, "author_id": author,
                  "written_at": SIGNED_AT, "text": "Also zips."}  # fmt: skip
        return device.op("note_addendum", fields)

    theirs = colleague.push(
        [addendum(colleague, colleague.user_id), addendum(colleague, me.user_id)]
    )
    assert _statuses(theirs) == ["rejected", "rejected"]
    assert "Only the therapist who wrote and signed" in theirs["results"][0]["reason"]
    mine = me.push([addendum(me, colleague.user_id), addendum(me, me.user_id)])
    assert _statuses(mine) == ["rejected", "applied"]
    # A note and its addendum made in one push are checked together.
    fresh = str(uuid.uuid4())
    both = me.push([
        me.op("session_note", note_fields(child, me.user_id, signed_at=SIGNED_AT,
                                          signed_by_id=me.user_id), record_id=fresh),
        me.op("note_addendum", {"child_id": child, "note_id": fresh, "author_id": me.user_id,
                                "written_at": SIGNED_AT, "text": "Later."}),
    ])  # fmt: skip
    assert _statuses(both) == ["applied", "applied"]


def _admin(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "otvisit.sync.server", "--database-url", url, "admin", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_a_child_registered_on_two_laptops_is_shown_to_the_team_lead(live_server, devices) -> None:
    team = seed_team(live_server.database_url, therapists=2, leads=1)
    a = devices(live_server.base_url, team.therapists[0])
    b = devices(live_server.base_url, team.therapists[1])
    lead = devices(live_server.base_url, team.leads[0])
    first, second, other = (str(uuid.uuid4()) for _ in range(3))
    # Offline on each laptop, the same child (same NHS number) becomes two records.
    a.push([a.op("child", child_fields(team.team_id, nhs_number="4010232137"), record_id=first)])
    b.push([b.op("child", child_fields(team.team_id, nhs_number="4010232137",
                                       given_name="Samuel"), record_id=second)])  # fmt: skip
    a.push([a.op("child", child_fields(team.team_id, nhs_number="9434765919"), record_id=other)])
    # Both stay (nothing merged silently) ...
    records = lead.pull_all()["records"]
    assert first in records and second in records
    # ... and the team lead sees the pair.
    answer = lead.get(protocol.DUPLICATES_PATH)
    assert answer.status_code == 200, answer.text
    [group] = answer.json()["groups"]
    assert group["nhs_number"] == "4010232137"
    assert [c["child_id"] for c in group["children"]] == [first, second]
    assert [c["given_name"] for c in group["children"]] == ["Sam", "Samuel"]
    refused = a.get(protocol.DUPLICATES_PATH)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_team_lead"
    listed = _admin(live_server.database_url, "list-duplicates", "--team", team.team_id)
    assert listed.returncode == 0, listed.stderr
    assert "NHS number 4010232137" in listed.stdout and "registered 2 times" in listed.stdout
    assert first in listed.stdout and second in listed.stdout and other not in listed.stdout


def test_admin_output_shows_escape_sequences_instead_of_running_them(live_server, devices) -> None:
    team = seed_team(live_server.database_url, therapists=1)
    account = team.therapists[0]
    device = devices(live_server.base_url)
    hostile = "Sam's laptop\x1b]0;owned\x07\x1b[2J\u202e\r"
    assert device.login_response(account.username, account.password, hostile).status_code == 200
    listed = _admin(live_server.database_url, "list-devices", "--username", account.username)
    assert listed.returncode == 0, listed.stderr
    assert "\x1b" not in listed.stdout and "\x07" not in listed.stdout
    assert "\u202e" not in listed.stdout and "\r" not in listed.stdout
    assert "Sam's laptop\\x1b]0;owned\\x07\\x1b[2J\\u202e\\r" in listed.stdout
